// The camera: d3.zoom on the stage (wheel / drag / buttons), a "fit" view, and "follow packet", which eases the view
// just enough to keep the current hop visible, zoomed in to a readable scale on large topologies.

import d3 from '../d3.js';
import { anchorFor, layoutFor } from '../layout.js';
import { currentEntry } from '../store.js';

/** Below this scale the 12 px address text gets too small to read: follow-packet zooms in to it. */
export const READABLE_SCALE = 0.8;
/** Fitted below this scale, a topology counts as large: follow-packet starts on. */
export const LARGE_SCALE = 0.68;
/** In presenter mode the room reads from metres away: follow-packet zooms in further. */
export const PROJECTOR_SCALE = 1.3;

function readableScale() {
	return document.body.classList.contains('presenting') ? PROJECTOR_SCALE : READABLE_SCALE;
}
const MARGIN = 16;

export function createCamera(svg, viewport, { onFollowChange, packetRect } = {}) {
	let layout = null;
	let follow = true;
	let userChoseFollow = false;
	let lastCursor = -1;

	const zoom = d3.zoom()
		.scaleExtent([0.1, 4])
		.on('zoom', event => {
			viewport.attr('transform', event.transform);
			svg.attr('data-zoom', event.transform.k.toFixed(3));
		});
	svg.call(zoom).on('dblclick.zoom', null);

	function size() {
		const n = svg.node();
		return { w: n.clientWidth || 800, h: n.clientHeight || 500 };
	}

	/** How much of the stage's bottom the view tools (zoom, fit, follow) cover: nothing revealed goes under them. */
	function bottomInset() {
		const tools = svg.node().parentNode?.querySelector?.('.stage-tools');
		if (!tools) {
			return MARGIN;
		}
		const s = svg.node().getBoundingClientRect();
		const t = tools.getBoundingClientRect();
		const covered = s.bottom - t.top;
		return covered > 0 && covered < s.height / 3 ? Math.max(MARGIN, covered + 6) : MARGIN;
	}

	function fitTransform() {
		const [x, y, w, h] = layout.viewBox;
		const { w: W, h: H } = size();
		const k = Math.min((W - 2 * MARGIN) / w, (H - 2 * MARGIN) / h, 1.6);
		return d3.zoomIdentity.translate((W - w * k) / 2 - x * k, (H - h * k) / 2 - y * k).scale(k);
	}

	function apply(t, duration) {
		if (duration > 0) {
			svg.transition('camera').duration(duration).ease(d3.easeCubicInOut).call(zoom.transform, t);
		} else {
			svg.interrupt('camera');
			svg.call(zoom.transform, t);
		}
	}

	/** The smallest move (and, if needed, zoom-in) that shows the rectangle [x1, y1, x2, y2]. */
	function reveal(rect, duration) {
		const cur = d3.zoomTransform(svg.node());
		const { w: W, h: H } = size();
		const fitK = fitTransform().k;
		const readable = readableScale();
		const k = Math.max(cur.k, Math.min(readable, Math.max(fitK, readable)));
		const [x1, y1, x2, y2] = rect;
		const bottom = bottomInset();
		// screen position of the rectangle at scale k with the current centre kept
		const cx = (W / 2 - cur.x) / cur.k;
		const cy = (H / 2 - cur.y) / cur.k;
		// zooming in: centre on the target; otherwise move as little as possible
		const zoomingIn = k > cur.k + 1e-3;
		let tx = W / 2 - (zoomingIn ? (rect[0] + rect[2]) / 2 : cx) * k;
		let ty = H / 2 - (zoomingIn ? (rect[1] + rect[3]) / 2 : cy) * k;
		const sx1 = x1 * k + tx;
		const sx2 = x2 * k + tx;
		const sy1 = y1 * k + ty;
		const sy2 = y2 * k + ty;
		if (sx2 - sx1 > W - 2 * MARGIN) {
			tx = W / 2 - ((x1 + x2) / 2) * k;
		} else if (sx1 < MARGIN) {
			tx += MARGIN - sx1;
		} else if (sx2 > W - MARGIN) {
			tx -= sx2 - (W - MARGIN);
		}
		if (sy2 - sy1 > H - MARGIN - bottom) {
			ty = (H - bottom + MARGIN) / 2 - ((y1 + y2) / 2) * k;
		} else if (sy1 < MARGIN) {
			ty += MARGIN - sy1;
		} else if (sy2 > H - bottom) {
			ty -= sy2 - (H - bottom);
		}
		// never show empty space past the picture's edges when the picture is bigger than the stage
		const [vx, vy, vw, vh] = layout.viewBox;
		if (vw * k > W - 2 * MARGIN) {
			tx = Math.min(-vx * k + MARGIN, Math.max(W - (vx + vw) * k - MARGIN, tx));
		} else {
			tx = (W - vw * k) / 2 - vx * k;
		}
		// vertically the room is between the top margin and the view tools: a picture that fits is centred in it
		const roomY = H - MARGIN - bottom;
		if (vh * k > roomY) {
			ty = Math.min(-vy * k + MARGIN, Math.max(H - (vy + vh) * k - bottom, ty));
		} else {
			ty = MARGIN + (roomY - vh * k) / 2 - vy * k;
		}
		if (Math.abs(tx - cur.x) < 1 && Math.abs(ty - cur.y) < 1 && Math.abs(k - cur.k) < 1e-3) {
			return;
		}
		apply(d3.zoomIdentity.translate(tx, ty).scale(k), duration);
	}

	function targetRect(state) {
		const e = currentEntry(state);
		if (!e) {
			return null;
		}
		const a = anchorFor(layout, e.step);
		const box = layout.nsBox(e.step.at.namespace);
		let rect = [a.x - 230, a.y - 120, a.x + 230, a.y + 120];
		// a node panel that fits the stage at a readable scale: show all of it
		const { w: W, h: H } = size();
		const k = Math.max(d3.zoomTransform(svg.node()).k, readableScale());
		if (box && box.role === 'node' && (box.w + 40) * k <= W - 2 * MARGIN && (box.h + 40) * k <= H - 2 * MARGIN) {
			return [box.x - 20, box.y - 20, box.x + box.w + 20, box.y + box.h + 20];
		}
		// a pod is small: show all of it
		if (box && box.role === 'pod') {
			rect = [Math.min(rect[0], box.x - 20), Math.min(rect[1], box.y - 20), Math.max(rect[2], box.x + box.w + 20), Math.max(rect[3], box.y + box.h + 20)];
		}
		return rect;
	}

	/**
	 * The rectangle to reveal, grown to hold the packet and its label (drawn beside the glyph, it can reach past the
	 * node's panel). When both no longer fit the stage at a readable scale, the packet and its label win.
	 */
	function withPacket(rect) {
		const p = packetRect?.();
		if (!rect || !p) {
			return rect;
		}
		const union = [Math.min(rect[0], p[0]), Math.min(rect[1], p[1]), Math.max(rect[2], p[2]), Math.max(rect[3], p[3])];
		const { w: W, h: H } = size();
		const k = Math.max(d3.zoomTransform(svg.node()).k, readableScale());
		if ((union[2] - union[0]) * k <= W - 2 * MARGIN && (union[3] - union[1]) * k <= H - 2 * MARGIN) {
			return union;
		}
		return [p[0] - 20, p[1] - 20, p[2] + 20, p[3] + 20];
	}

	const api = {
		/**
		 * The part of the picture shown for this state: what follow-packet will reveal (at least), or what is on the
		 * stage now when the learner moves the camera.
		 */
		viewFor(state) {
			if (!layout || layoutFor(state.topology) !== layout) {
				return null;
			}
			if (follow && state.cursor >= 0) {
				return targetRect(state);
			}
			const t = d3.zoomTransform(svg.node());
			const { w: W, h: H } = size();
			return [-t.x / t.k, -t.y / t.k, (W - t.x) / t.k, (H - t.y) / t.k];
		},
		fit(duration = 0) {
			if (layout) {
				apply(fitTransform(), duration);
			}
		},
		zoomBy(factor) {
			svg.transition('camera').duration(200).call(zoom.scaleBy, factor);
		},
		isFollowing: () => follow,
		setFollow(on, byUser = true) {
			follow = !!on;
			userChoseFollow = userChoseFollow || byUser;
			onFollowChange?.(follow);
		},
		/** The stage changed size: fit the picture again before the first step, or reveal the step when following. */
		resized(state) {
			if (!layout || layoutFor(state.topology) !== layout) {
				return;
			}
			if (state.cursor < 0) {
				api.fit(0);
			} else if (follow) {
				const rect = withPacket(targetRect(state));
				if (rect) {
					reveal(rect, 0);
				}
			}
		},
		/** Whether the whole picture, fitted, is too small to read (then follow-packet is on by default). */
		isLarge: () => !!layout && fitTransform().k < LARGE_SCALE,
		update(state, transition) {
			const l = layoutFor(state.topology);
			if (!l) {
				return;
			}
			if (l !== layout) {
				layout = l;
				if (!userChoseFollow) {
					api.setFollow(api.isLarge(), false);
				}
				api.fit(0);
			}
			const back = state.cursor < 0 && lastCursor >= 0;
			lastCursor = state.cursor;
			if (state.cursor < 0) {
				if (back) {
					api.fit(0);
				}
				return;
			}
			if (follow) {
				const rect = withPacket(targetRect(state));
				if (rect) {
					reveal(rect, transition ? Math.min(700, transition.duration()) : 0);
				}
			}
		}
	};
	return api;
}

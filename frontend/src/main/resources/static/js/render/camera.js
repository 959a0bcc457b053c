// The camera: d3.zoom on the stage (wheel / drag / buttons), a "fit" view, and "follow packet", which eases the view
// just enough to keep the current hop visible, zoomed in to a readable scale on large topologies.

import d3 from '../d3.js';
import { anchorFor, copyEndRect, layoutFor } from '../layout.js';
import { currentEntry, trailSoFar } from '../store.js';
import { discardedCopies } from '../steps/registry.js';

/** Below this scale the 12 px address text gets too small to read: follow-packet zooms in to it. */
export const READABLE_SCALE = 0.8;
/** Fitted below this scale, a topology counts as large: follow-packet starts on. */
export const LARGE_SCALE = 0.68;
/** In presenter mode the room reads from metres away: follow-packet zooms in further. */
export const PROJECTOR_SCALE = 1.3;

/**
 * Following, the camera zooms out to this scale (no further) to keep the walk's sender and receiver in the frame
 * with the current hop: names stay readable at any scale (semantic zoom), addresses are still drawn.
 */
export const CONTEXT_SCALE = 0.5;
/** The same in presenter mode, read from the back of the room. */
export const PROJECTOR_CONTEXT_SCALE = 1;

function presenting() {
	return document.body.classList.contains('presenting');
}

function readableScale() {
	return presenting() ? PROJECTOR_SCALE : READABLE_SCALE;
}

/** Narrower than this (a phone), the stage has no room for context: follow-packet stays at a readable scale. */
export const NARROW_STAGE = 600;

function contextScale(stageWidth) {
	if (stageWidth < NARROW_STAGE) {
		// zoomed out to 0.5 to keep the walk's ends, a phone drew the packet's label and addresses at 6 px
		return readableScale();
	}
	// on a projector the packet's label stays at least 14 px high (its addresses 12 px): at 0.8 they were 11 and 10
	return presenting() ? PROJECTOR_CONTEXT_SCALE : CONTEXT_SCALE;
}

const union = rects => {
	const rs = rects.filter(Boolean);
	return rs.length ? [Math.min(...rs.map(r => r[0])), Math.min(...rs.map(r => r[1])), Math.max(...rs.map(r => r[2])), Math.max(...rs.map(r => r[3]))] : null;
};
const MARGIN = 16;

/** Below this scale MACs and secondary lines are too small to read: they are not drawn (semantic zoom). */
export const DETAIL_MID = 0.8;
/** Below this scale addresses, lo/dummy chips and subtitles go too; names are drawn larger (app.css). */
export const DETAIL_FAR = 0.5;

/**
 * Semantic zoom: the scale goes to CSS as --k (names are drawn at least 11.5 px on screen, up to what fits their
 * box) and as a level of detail class that drops MACs first, then addresses and secondary labels.
 */
function setDetail(svg, k) {
	svg.attr('data-zoom', k.toFixed(3))
		.style('--k', k.toFixed(4))
		.classed('detail-mid', k < DETAIL_MID && k >= DETAIL_FAR)
		.classed('detail-far', k < DETAIL_FAR)
		.attr('data-detail', k < DETAIL_FAR ? 'far' : k < DETAIL_MID ? 'mid' : 'full');
}

export function createCamera(svg, viewport, { onFollowChange, packetRect, onSettle } = {}) {
	let layout = null;
	// where the camera is going (the end of its transition; the current transform when it stands still)
	let target = null;
	let follow = true;
	let userChoseFollow = false;
	let lastCursor = -1;

	const zoom = d3.zoom()
		.scaleExtent([0.1, 4])
		.on('zoom', event => {
			viewport.attr('transform', event.transform);
			setDetail(svg, event.transform.k);
			keepNamesOnStage(event.transform);
		})
		.on('end', event => {
			// the learner moved the camera: the packet's label finds a clear spot in what is on the stage now
			if (event.sourceEvent) {
				target = event.transform;
				settle();
			}
		});
	svg.call(zoom).on('dblclick.zoom', null);

	/**
	 * A node, pod or outside host whose box is on the stage keeps its name on the stage: when the name's own place is off it, the
	 * name slides inside the visible part of its box (like a map's street names), so the camera never crops it.
	 */
	function keepNamesOnStage(t, withLabel = true) {
		const { w: W, h: H } = size();
		const m = 6 / t.k;
		// below the walk's outcome when it is shown
		const top = Math.max(6, topInset()) / t.k;
		const view = [-t.x / t.k + m, -t.y / t.k + top, (W - t.x) / t.k - m, (H - t.y) / t.k - m];
		// a name is drawn above the view tools (zoom, fit, follow) over the stage's bottom, or not at all
		const tools = bottomInset();
		const floor = tools > MARGIN ? (H - t.y - tools) / t.k : view[3];
		const plabel = withLabel ? viewport.node().querySelector('g.packet rect.plabel-bg')?.getBoundingClientRect() || null : null;
		// what is drawn over a node's name: the boxes inside the node (its pods, a folded group)
		const inner = node => (layout ? layout.namespaces : []).filter(o => o !== node && o.role !== 'node' && o.role !== 'underlay'
			&& o.x >= node.x && o.y >= node.y && o.x + o.w <= node.x + node.w && o.y + o.h <= node.y + node.h);
		// what is drawn over a pod's or a host's name: its devices' chips and address lines
		// an attribute written only when it changes: the picture is not laid out again for names that stay put
		const place = (el, name, v) => {
			if (el.getAttribute(name) !== String(v)) {
				el.setAttribute(name, v);
			}
		};
		// (the devices grouped by namespace once per call, measured only for a name that slid)
		let byNs = null;
		const devices = box => {
			if (!byNs) {
				byNs = new Map();
				for (const g of viewport.node().querySelectorAll('g.dev')) {
					const key = g.getAttribute('data-device') || '';
					const ns = key.slice(0, key.lastIndexOf('|'));
					byNs.set(ns, [...(byNs.get(ns) || []), g]);
				}
			}
			return measured(byNs.get(box.id) || []);
		};
		const measured = gs => gs
			.flatMap(g => [g.querySelector('rect.chip'), g.querySelector('text.dev-lines')])
			.map(el => {
				try {
					return el ? el.getBBox() : null;
				} catch {
					return null;
				}
			})
			.filter(b => b && b.width > 0 && b.height > 0)
			.map(b => ({ x: b.x, y: b.y, w: b.width, h: b.height }));
		// a network's band (an underlay) keeps its name, at the band's bottom left, on the stage too: it slides right
		// with the stage's left edge while it fits the band's left part (its subtitle is at its right end) and covers
		// none of its ports; a name that would still be cut by the stage's edges or lie under the view tools is not
		// drawn
		viewport.selectAll('g.ns-underlay').each(function (d) {
			const label = this.querySelector('text.ns-label');
			if (!label || !d) {
				return;
			}
			const x0 = d.x + 14;
			const y0 = d.y + d.h - 14;
			let x = x0;
			let hidden = false;
			let b = null;
			try {
				b = label.getBBox();
			} catch {
				b = null;
			}
			if (b && b.width) {
				const top = y0 - b.height;
				const seen = x0 < view[2] && d.x + d.w > view[0] && top < view[3] && y0 + 4 > view[1];
				if (seen) {
					x = Math.max(x0, view[0]);
					// the packet and its label win: the name moves on past them
					const p = withLabel ? packetRect?.() : null;
					if (p && x < p[2] && x + b.width > p[0] && top < p[3] && y0 > p[1]) {
						x = p[2] + 8;
					}
					hidden = x + b.width > Math.min(d.x + d.w * 0.62, view[2]) || top < view[1] || y0 + 4 > floor
						|| (x !== x0 && devices(d).some(o => x < o.x + o.w && x + b.width > o.x && top < o.y + o.h && y0 > o.y));
				}
			}
			place(label, 'x', x);
			label.classList.toggle('is-stuck', x !== x0);
			label.classList.toggle('is-offstage', hidden);
		});
		viewport.selectAll('g.ns-node, g.ns-pod, g.ns-outside').each(function (d) {
			const label = this.querySelector('text.ns-label');
			if (!label || !d) {
				return;
			}
			const x0 = d.x + 14;
			const y0 = d.y + (d.role === 'node' ? 13 : 11);
			let x = x0;
			let y = y0;
			let hidden = false;
			const onStage = d.x < view[2] && d.x + d.w > view[0] && d.y < view[3] && d.y + d.h > view[1];
			if (onStage) {
				let b = null;
				try {
					b = label.getBBox();
				} catch {
					b = null;
				}
				if (b && b.width) {
					x = Math.max(x0, view[0]);
					y = Math.max(y0, view[1]);
					// too little of the box on the stage to hold its name: a cut name helps no one, draw none
					hidden = x + b.width > Math.min(d.x + d.w - 4, view[2]) || y + b.height > Math.min(d.y + d.h - 2, floor);
					// a node's name slid under one of its pods' boxes would be cut by it (a pod's or a host's name slid
					// over its devices' chips or addresses would cover them): it moves on past the box (right of it, or
					// below it) while it still fits; else it is not drawn
					if (!hidden && (x !== x0 || y !== y0)) {
						const boxes = d.role === 'node' ? inner(d) : devices(d);
						const hit = (px, py) => boxes.find(o => px < o.x + o.w && px + b.width > o.x && py < o.y + o.h && py + b.height > o.y);
						const fits = (px, py) => px + b.width <= Math.min(d.x + d.w - 4, view[2]) && py + b.height <= Math.min(d.y + d.h - 2, floor);
						let spots = [[x, y]];
						for (let i = 0; i < 6 && spots.length; i++) {
							const free = spots.find(([px, py]) => fits(px, py) && !hit(px, py));
							if (free) {
								[x, y] = free;
								break;
							}
							spots = spots.flatMap(([px, py]) => {
								const o = hit(px, py);
								return o ? [[o.x + o.w + 8, py], [px, o.y + o.h + 4]] : [];
							}).filter(([px, py]) => fits(px, py));
						}
						hidden = !!hit(x, y) || !fits(x, y);
					}
				}
			}
			place(label, 'x', x);
			place(label, 'y', y);
			const stuck = x !== x0 || y !== y0;
			let under = false;
			if (stuck && !hidden && plabel) {
				// slid under the packet's label while the camera moves: the packet's label wins for that moment (once
				// settled, the label is placed clear of the names where they are drawn: packet.js counts these)
				const a = label.getBoundingClientRect();
				under = a.right > plabel.left && a.left < plabel.right && a.bottom > plabel.top && a.top < plabel.bottom;
			}
			// a pod's or an outside host's second lines (its kind, what listens) slide right with the stage's edge too,
			// and are not drawn when they no longer fit the visible part of the box, or the name slid down over them or
			// is not drawn
			if (d.role !== 'node' && !d.folded) {
				for (const line of this.querySelectorAll('text.ns-sub, text.ns-listen')) {
					let lx = x0;
					let off = onStage && (y !== y0 || hidden);
					if (onStage && view[0] > x0) {
						lx = view[0];
						let w = 0;
						try {
							w = line.getComputedTextLength();
						} catch {
							w = 0;
						}
						off = off || lx + w > Math.min(d.x + d.w - 4, view[2]);
					}
					place(line, 'x', lx);
					line.classList.toggle('is-offstage', off);
				}
			}
			label.classList.toggle('is-stuck', stuck);
			label.classList.toggle('is-offstage', hidden);
			label.classList.toggle('is-under-label', under);
		});
	}

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

	/**
	 * How much of the stage's top the walk's outcome (✓ DELIVERED / ✕ DROPPED, drawn over the stage's top right at a
	 * walk's last step) covers: the camera frames the picture below it, and no name or label goes under it.
	 */
	function topInset() {
		const d = svg.node().parentNode?.querySelector?.('[data-testid=disposition]');
		if (!d || d.hidden) {
			return MARGIN;
		}
		const s = svg.node().getBoundingClientRect();
		const r = d.getBoundingClientRect();
		const covered = r.bottom - s.top;
		return r.height > 0 && covered > 0 && covered < s.height / 3 ? Math.max(MARGIN, covered + 6) : MARGIN;
	}

	function fitTransform() {
		const [x, y, w, h] = layout.viewBox;
		const { w: W, h: H } = size();
		const k = Math.min((W - 2 * MARGIN) / w, (H - 2 * MARGIN) / h, 1.6);
		return d3.zoomIdentity.translate((W - w * k) / 2 - x * k, (H - h * k) / 2 - y * k).scale(k);
	}

	function apply(t, duration) {
		target = t;
		if (duration > 0) {
			svg.transition('camera').duration(duration).ease(d3.easeCubicInOut).call(zoom.transform, t);
		} else {
			svg.interrupt('camera');
			svg.call(zoom.transform, t);
		}
	}

	/** The largest scale at which the rectangle fits the stage (above the view tools). */
	function scaleToShow(rect) {
		const { w: W, h: H } = size();
		return Math.min((W - 2 * MARGIN) / Math.max(1, rect[2] - rect[0]), (H - topInset() - bottomInset()) / Math.max(1, rect[3] - rect[1]));
	}

	/**
	 * The smallest move (and, if needed, zoom-in) that shows the rectangle [x1, y1, x2, y2]; with {@code scale}, the
	 * move to that scale that shows it.
	 */
	function reveal(rect, duration, scale = null) {
		const cur = d3.zoomTransform(svg.node());
		const { w: W, h: H } = size();
		const fitK = fitTransform().k;
		const readable = readableScale();
		const k = scale ?? Math.max(cur.k, Math.min(readable, Math.max(fitK, readable)));
		const [x1, y1, x2, y2] = rect;
		const bottom = bottomInset();
		const top = topInset();
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
		if (sy2 - sy1 > H - top - bottom) {
			ty = (H - bottom + top) / 2 - ((y1 + y2) / 2) * k;
		} else if (sy1 < top) {
			ty += top - sy1;
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
		const roomY = H - top - bottom;
		if (vh * k > roomY) {
			ty = Math.min(-vy * k + top, Math.max(H - (vy + vh) * k - bottom, ty));
		} else {
			ty = top + (roomY - vh * k) / 2 - vy * k;
		}
		if (Math.abs(tx - cur.x) < 1 && Math.abs(ty - cur.y) < 1 && Math.abs(k - cur.k) < 1e-3) {
			target = cur;
			return;
		}
		apply(d3.zoomIdentity.translate(tx, ty).scale(k), duration);
	}

	/** How wide the words beside a discarded copy's cross are drawn (picture units). */
	function copyTextWidth() {
		const t = viewport.node().querySelector('text.flood-text');
		let w = 0;
		try {
			w = t ? t.getComputedTextLength() : 0;
		} catch {
			w = 0;
		}
		return w || 104;
	}

	/**
	 * Where a flood's discarded copies arrive (the device, the cross and the words beside it), at the flood step and
	 * while the packet stays where it flooded them (the drop that follows it at the bridge): the camera shows them
	 * with the packet.
	 */
	function copyRects(state) {
		const e = currentEntry(state);
		if (!e || !layout) {
			return [];
		}
		const words = copyTextWidth();
		return trailSoFar(state)
			.filter(x => x.step.type === 'bridge' && x.step.at.namespace === e.step.at.namespace)
			.flatMap(x => discardedCopies(x.step).map(c => copyEndRect(layout, x.step, c, words)))
			.filter(Boolean);
	}

	function targetRect(state) {
		const e = currentEntry(state);
		if (!e) {
			return null;
		}
		const box = layout.nsBox(e.step.at.namespace);
		// a step off the map (the control plane's EndpointSlice update) keeps the view where it is
		if (!box && !layout.stacks.get(e.step.at.namespace)) {
			return null;
		}
		const a = anchorFor(layout, e.step);
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
		return union([rect, ...copyRects(state)]);
	}

	/**
	 * The rectangle to reveal, grown to hold the packet and its label (drawn beside the glyph, it can reach past the
	 * node's panel). When both no longer fit the stage at a readable scale, the packet and its label win.
	 */
	function withPacket(rect, copies = []) {
		const p = packetRect?.();
		if (!rect || !p) {
			return rect;
		}
		const both = union([rect, p]);
		const { w: W, h: H } = size();
		const k = Math.max(d3.zoomTransform(svg.node()).k, readableScale());
		if ((both[2] - both[0]) * k <= W - 2 * MARGIN && (both[3] - both[1]) * k <= H - 2 * MARGIN) {
			return both;
		}
		return union([[p[0] - 20, p[1] - 20, p[2] + 20, p[3] + 20], ...copies]);
	}

	/** Where the name of a namespace is drawn (its box's top-left; an underlay band's bottom-left). */
	function nameRect(box) {
		const w = Math.min(box.w, 40 + box.label.length * 12);
		return box.role === 'underlay' ? [box.x, box.y + box.h - 40, box.x + w, box.y + box.h] : [box.x, box.y, box.x + w, box.y + 56];
	}

	/**
	 * What gives the current hop its context: the walk's sender and receiver (a pod or host whole; a node by its
	 * name) and the name of the node the packet is in.
	 */
	function contextRects(state, withNode = true) {
		const e = currentEntry(state);
		const w = e ? state.walks[e.walk] : null;
		if (!w) {
			return [];
		}
		const ends = [state.steps[w.first], state.steps[w.last]].map(x => layout.nsBox(x.step.at.namespace));
		const rects = ends.filter(Boolean).map(b => (b.role === 'pod' || b.role === 'outside' ? [b.x - 12, b.y - 12, b.x + b.w + 12, b.y + b.h + 12] : nameRect(b)));
		const here = layout.nsBox(e.step.at.namespace);
		const node = here && here.role === 'pod' && here.ns.node ? layout.nsBox(here.ns.node) : here;
		if (withNode && node && node.role === 'node') {
			rects.push(nameRect(node));
		}
		return rects;
	}

	/**
	 * Follows the packet: the current hop, its label and the walk's sender and receiver when they all fit at a
	 * readable scale (staying at the current scale if it shows them, to keep the picture still); else the hop alone.
	 */
	function followPacket(state, duration) {
		const copies = copyRects(state);
		const hop = withPacket(targetRect(state), copies);
		if (!hop) {
			return;
		}
		// with the hop's surroundings (its node panel, or its neighbourhood) if they fit; else the packet alone (with
		// where a flood's discarded copies arrive)
		const ctx = contextRects(state);
		const p = packetRect?.();
		// last, the packet and the walk's ends alone: the node's name, when its place is off the stage, slides onto it
		// (keepNamesOnStage) as long as some of its box is on the stage
		const all = [union([hop, ...ctx]), p ? union([[p[0] - 20, p[1] - 20, p[2] + 20, p[3] + 20], ...copies, ...ctx]) : null,
			p ? union([[p[0] - 12, p[1] - 12, p[2] + 12, p[3] + 12], ...copies, ...contextRects(state, false)]) : null]
			.find(r => r && scaleToShow(r) >= contextScale(size().w));
		if (all) {
			const fits = scaleToShow(all);
			// the scale that shows them best; the current one is kept when close to it (a still picture while stepping)
			const cur = d3.zoomTransform(svg.node()).k;
			const ideal = Math.min(fits, readableScale());
			const k = cur >= Math.max(contextScale(size().w), ideal * 0.85) && cur <= fits ? cur : ideal;
			reveal(all, duration, k);
		} else {
			// a label wider than the stage at a readable scale (a phone, a rewrite's struck and new addresses): the
			// camera zooms out until it fits, rather than cut it at both edges
			const fit = scaleToShow(hop);
			reveal(hop, duration, fit < readableScale() ? Math.max(fit, CONTEXT_SCALE) : null);
		}
	}

	/**
	 * The packet's label is checked against the picture as it is drawn where the camera is going: the texts' sizes
	 * and levels of detail at the target scale, the names slid onto the stage there, the view tools left out.
	 */
	function settle() {
		if (!onSettle || !layout) {
			return false;
		}
		const cur = d3.zoomTransform(svg.node());
		const t = target || cur;
		const { w: W, h: H } = size();
		const m = 6;
		const view = [(m - t.x) / t.k, (topInset() - t.y) / t.k, (W - m - t.x) / t.k, (H - bottomInset() - t.y) / t.k];
		const moves = Math.abs(t.k - cur.k) > 1e-4;
		// the packet measures the picture as drawn at the target
		const atTarget = measure => {
			if (moves) {
				setDetail(svg, t.k);
			}
			if (moves || Math.abs(t.x - cur.x) > 0.5 || Math.abs(t.y - cur.y) > 0.5) {
				keepNamesOnStage(t, false);
			}
			try {
				return measure();
			}
			finally {
				if (moves) {
					setDetail(svg, cur.k);
				}
			}
		};
		const moved = onSettle(view, atTarget);
		keepNamesOnStage(cur);
		return !!moved;
	}

	/** Follows the packet, then settles its label; when the label had to move, frames the hop with it there (once). */
	function followAndSettle(state, duration) {
		followPacket(state, duration);
		if (settle()) {
			followPacket(state, duration);
			settle();
		}
	}

	const api = {
		/**
		 * The part of the picture shown for this state: what is on the stage now when the learner moves the camera
		 * ([x1, y1, x2, y2]); following, the hop follow-packet will reveal and the size of the frame it can show with
		 * it ({around, w, h}).
		 */
		viewFor(state) {
			if (!layout || layoutFor(state.topology) !== layout) {
				return null;
			}
			if (follow && state.cursor >= 0) {
				// the stage's worth of picture around the hop at the scale follow-packet shows it (at least)
				const r = targetRect(state);
				if (!r) {
					return null;
				}
				// the label may go anywhere the camera can show together with the hop at a readable scale
				const k = Math.max(d3.zoomTransform(svg.node()).k, readableScale());
				const { w: W, h: H } = size();
				return { around: r, w: Math.max(r[2] - r[0], (W - 2 * MARGIN) / k), h: Math.max(r[3] - r[1], (H - topInset() - bottomInset()) / k) };
			}
			const t = d3.zoomTransform(svg.node());
			const { w: W, h: H } = size();
			return [-t.x / t.k, -t.y / t.k, (W - t.x) / t.k, (H - t.y) / t.k];
		},
		fit(duration = 0) {
			if (layout) {
				apply(fitTransform(), duration);
				settle();
			}
		},
		zoomBy(factor) {
			// the label settles for the new scale once the zoom is done
			svg.transition('camera').duration(200).call(zoom.scaleBy, factor)
				.on('end', () => {
					target = d3.zoomTransform(svg.node());
					settle();
				});
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
			// (a step off the map, a cluster change of the control plane, shows the whole picture fitted to the new size)
			if (state.cursor < 0 || (follow && !targetRect(state))) {
				api.fit(0);
			} else if (follow) {
				followAndSettle(state, 0);
			} else {
				settle();
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
				followAndSettle(state, transition ? Math.min(700, transition.duration()) : 0);
			} else {
				settle();
			}
		}
	};
	return api;
}

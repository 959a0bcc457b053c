// The packet: a glyph on the topology, its trail for the current walk, and a label `src → dst`.
// Request and reply differ by colour AND by shape (the tag points the way the leg goes) AND by text (REQ / REPLY).
// Encapsulated packets are drawn as the inner frame inside an outer envelope; a drop stops the glyph with a cross.
// A bridge that floods sends copies the walk does not follow: each is drawn as a dashed line from the bridge to where
// it arrives, ending in a small cross (discarded there), from the flood step to the end of the walk.

import d3 from '../d3.js';
import { COPY_TEXT_DX, anchorFor, copyEnd, labelOffset, layoutFor, pathBetween } from '../layout.js';
import { currentEntry, previousShown, trailSoFar } from '../store.js';
import { dstPort, endpoint, packetLabel, protoTag, srcPort } from '../format.js';
import { discardedCopies } from '../steps/registry.js';

const line = d3.line();

/** The tag shape, pointing right (request) or left (reply). */
function tagPath(w, h, dir) {
	const p = 8;
	const x = -w / 2;
	const y = -h / 2;
	return dir > 0
		? `M${x},${y}h${w - p}l${p},${h / 2}l${-p},${h / 2}h${-(w - p)}z`
		: `M${x + p},${y}h${w - p}v${h}h${-(w - p)}l${-p},${-h / 2}z`;
}

/** Points of the trail from the first step of the walk to `upto` (inclusive). */
function trailPoints(layout, entries) {
	const pts = [];
	let prev = null;
	for (const e of entries) {
		const a = anchorFor(layout, e.step);
		const seg = prev ? pathBetween(prev, a, layout).slice(1) : [[a.x, a.y]];
		pts.push(...seg);
		prev = a;
	}
	return pts;
}

/** A point a fraction `t` along a polyline, with the polyline walked so far. */
function along(points, t) {
	if (points.length === 1) {
		return { pt: points[0], done: [points[0]] };
	}
	const lens = [];
	let total = 0;
	for (let i = 1; i < points.length; i++) {
		const l = Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
		lens.push(l);
		total += l;
	}
	const last = points[points.length - 1];
	if (total === 0) {
		return { pt: last, done: points };
	}
	let d = t * total;
	for (let i = 0; i < lens.length; i++) {
		if (d <= lens[i] || i === lens.length - 1) {
			const f = lens[i] === 0 ? 1 : Math.min(1, d / lens[i]);
			const pt = [points[i][0] + (points[i + 1][0] - points[i][0]) * f, points[i][1] + (points[i + 1][1] - points[i][1]) * f];
			return { pt, done: [...points.slice(0, i + 1), pt] };
		}
		d -= lens[i];
	}
	return { pt: last, done: points };
}

/** The first label line: `src → dst`, with a rewritten endpoint shown as old (struck) and new. */
function labelSegments(step, state, e) {
	const pkt = step.packet.vxlan && step.packet.inner ? step.packet.inner : step.packet;
	const proto = pkt.l4 ? pkt.l4.proto : null;
	const src = endpoint(pkt.ip.src, srcPort(pkt.l4), proto);
	const dst = endpoint(pkt.ip.dst, dstPort(pkt.l4), proto);
	const prevEntry = e.firstInWalk ? null : state.steps[e.index - 1];
	if (step.type !== 'nat' || !prevEntry) {
		return [{ cls: 'plabel-main', t: `${src} → ${dst}` }];
	}
	const pp = prevEntry.step.packet.vxlan && prevEntry.step.packet.inner ? prevEntry.step.packet.inner : prevEntry.step.packet;
	const psrc = endpoint(pp.ip.src, srcPort(pp.l4), proto);
	const pdst = endpoint(pp.ip.dst, dstPort(pp.l4), proto);
	const out = [];
	if (psrc !== src) {
		out.push({ cls: 'plabel-main plabel-del', t: psrc }, { cls: 'plabel-main', t: ' ' }, { cls: 'plabel-main plabel-ins', t: src });
	} else {
		out.push({ cls: 'plabel-main', t: src });
	}
	out.push({ cls: 'plabel-main', t: ' → ' });
	if (pdst !== dst) {
		out.push({ cls: 'plabel-main plabel-del', t: pdst }, { cls: 'plabel-main', t: ' ' }, { cls: 'plabel-main plabel-ins', t: dst });
	} else {
		out.push({ cls: 'plabel-main', t: dst });
	}
	return out;
}

/** The second line: protocol / outcome; a NAT step names its kind, a forward step shows the TTL it decremented. */
function subSegments(step, sub) {
	if (step.type === 'nat') {
		return [{ cls: 'plabel-sub plabel-kind', t: `${step.kind} · ` }, { cls: 'plabel-sub', t: sub }];
	}
	const ttl = step.type === 'forward' ? (step.diffs || []).find(d => d.field === 'TTL') : null;
	if (ttl) {
		return [
			{ cls: 'plabel-sub', t: `${sub} · TTL ` },
			{ cls: 'plabel-sub plabel-del', t: String(ttl.before) },
			{ cls: 'plabel-sub', t: ' ' },
			{ cls: 'plabel-sub plabel-ins', t: String(ttl.after) }
		];
	}
	return [{ cls: `plabel-sub${step.type === 'drop' ? ' plabel-drop' : ''}`, t: sub }];
}

/** What the packet's label must not cover: every name, address and device label drawn now, in picture units. */
const TEXTS = '.topo text.ns-label, .topo text.ns-sub, .topo text.ns-listen, .topo text.dev-name, .topo .dev-lines tspan, .topo text.stack-label, .topo text.lb-name, .topo text.lb-ip';

/** The boxes of the texts drawn now ([x1, y1, x2, y2] in picture units), hidden ones left out. */
function drawnTexts(viewport) {
	const out = [];
	viewport.node().querySelectorAll(TEXTS).forEach(t => {
		let b = null;
		try {
			b = t.getBBox();
		} catch {
			b = null;
		}
		if (b && b.width > 0 && b.height > 0 && t.getClientRects().length && !t.classList.contains('is-offstage')) {
			out.push([b.x - 2, b.y - 1, b.x + b.width + 2, b.y + b.height + 1]);
		}
	});
	return out;
}

/** The packet's glyph (tag, envelope or drop ring) at a point. */
const glyphBox = ([x, y]) => [x - 30, y - 24, x + 30, y + 24];

const meets = (a, b) => Math.min(a[2], b[2]) - Math.max(a[0], b[0]) > 0 && Math.min(a[3], b[3]) - Math.max(a[1], b[1]) > 0;

/**
 * The packet layer. {@code view(state)}, when given, says which part of the picture the camera will show for the
 * state ([x1, y1, x2, y2]); the label is kept inside it.
 */
export function createPacket(viewport, { view } = {}) {
	const root = viewport.append('g').attr('class', 'packet-layer');
	const trail = root.append('path').attr('class', 'trail');
	const copies = root.append('g').attr('class', 'flood-copies');
	const glyphs = root.append('g').attr('class', 'glyphs');
	// where the glyph and its label end up for the current step, in picture coordinates (for the camera)
	let shown = null;
	// the label as placed: the glyph's final point, the label's size, its offset and the text's vertical centre
	let placed = null;

	/** Puts the label at offset (ox, oy) from the glyph, with a leader line when it stands away from it. */
	function place(g, ox, oy) {
		const { here, lw, lh, cy } = placed;
		placed.ox = ox;
		placed.oy = oy;
		shown = [Math.min(here[0] - 30, here[0] + ox - lw / 2), Math.min(here[1] - 30, here[1] + oy - lh / 2),
			Math.max(here[0] + 30, here[0] + ox + lw / 2), Math.max(here[1] + 30, here[1] + oy + lh / 2)];
		g.select('g.plabel').attr('transform', `translate(${ox},${oy - cy})`);
		// the nearest point of the label's box; a leader line when the label is not right beside the glyph
		const nx = Math.max(ox - lw / 2, Math.min(0, ox + lw / 2));
		const ny = Math.max(oy - lh / 2, Math.min(0, oy + lh / 2));
		const far = Math.hypot(nx, ny) > 40;
		g.select('path.plabel-leader').attr('display', far ? null : 'none')
			.attr('d', far ? `M${(nx / Math.hypot(nx, ny)) * 26},${(ny / Math.hypot(nx, ny)) * 26}L${nx},${ny}` : null);
	}

	function update(state, transition) {
		const layout = layoutFor(state.topology);
		const e = currentEntry(state);
		// a control-plane step (a timeline's change) carries no packet: nothing moves on the map
		if (!layout || !e || !e.step.packet) {
			trail.attr('d', null);
			copies.selectAll('g.flood-copy').remove();
			glyphs.selectAll('g.packet').remove();
			shown = null;
			placed = null;
			return;
		}
		const step = e.step;
		const reply = e.leg === 'REPLY';
		const dropped = step.type === 'drop';
		const delivered = step.type === 'deliver';
		const encap = !!(step.packet.vxlan && step.packet.inner);
		const entries = trailSoFar(state);
		const pts = trailPoints(layout, entries);
		const here = pts[pts.length - 1];

		// where it was one step ago in this view (same walk), to move from there along the path
		const prevShown = previousShown(state);
		const prevEntries = prevShown ? entries.filter(x => x.index <= prevShown.index) : [];
		const prevPts = trailPoints(layout, prevEntries);
		const moveFrom = prevPts.length ? prevPts[prevPts.length - 1] : here;
		const legPts = prevPts.length ? [moveFrom, ...pts.slice(prevPts.length)] : [here];

		trail.attr('class', `trail ${reply ? 'trail-reply' : 'trail-request'}`);
		drawCopies(layout, entries, e, transition);

		const g = glyphs.selectAll('g.packet')
			.data([e], d => `walk-${d.walk}`)
			.join(enter => {
				const p = enter.append('g').attr('class', 'packet').attr('transform', `translate(${here[0]},${here[1]})`);
				p.append('rect').attr('class', 'envelope').attr('x', -30).attr('y', -19).attr('width', 60).attr('height', 38).attr('rx', 7);
				p.append('path').attr('class', 'tag');
				p.append('circle').attr('class', 'drop-ring').attr('r', 24);
				p.append('path').attr('class', 'mark-x').attr('d', 'M-11,-11L11,11M11,-11L-11,11');
				p.append('path').attr('class', 'mark-ok').attr('d', 'M-8,0L-2,6L9,-7');
				p.append('path').attr('class', 'plabel-leader').attr('display', 'none');
				const label = p.append('g').attr('class', 'plabel');
				label.append('rect').attr('class', 'plabel-bg');
				label.append('text').attr('class', 'plabel-text').attr('data-testid', 'packet-label');
				return p;
			});

		g.attr('data-leg', reply ? 'REPLY' : 'REQUEST')
			.classed('is-reply', reply)
			.classed('is-request', !reply)
			.classed('is-dropped', dropped)
			.classed('is-delivered', delivered)
			.classed('is-encap', encap);
		g.select('rect.envelope').attr('display', encap ? null : 'none');
		g.select('path.tag').attr('d', encap ? tagPath(40, 22, reply ? -1 : 1) : tagPath(46, 26, reply ? -1 : 1));
		g.select('path.mark-x').attr('display', dropped ? null : 'none');
		g.select('circle.drop-ring').attr('display', dropped ? null : 'none');
		g.select('path.tag').attr('display', dropped ? 'none' : null);
		g.select('path.mark-ok').attr('display', delivered ? null : 'none');

		const main = encap ? packetLabel(step.packet.inner) : packetLabel(step.packet);
		const sub = dropped
			? `✕ DROPPED · ${step.reason || state.walks[e.walk].disposition.reason || ''}`
			: delivered
				? '✓ DELIVERED'
				: encap
					? `✉ VXLAN ${step.packet.vxlan.vni} · outer ${packetLabel(step.packet)}`
					: protoTag(step.packet);
		const text = g.select('text.plabel-text')
			.attr('data-label', main)
			.attr('data-leg', reply ? 'REPLY' : 'REQUEST');
		// rebuilt each time: a NAT step shows the old endpoint struck through and the new one beside it
		text.selectAll('tspan').remove();
		text.attr('text-anchor', 'middle');
		const line1 = [{ cls: 'plabel-leg', t: reply ? '◂ REPLY  ' : 'REQ ▸  ' }, ...labelSegments(step, state, e)];
		line1.forEach((seg, i) => {
			const ts = text.append('tspan').attr('class', seg.cls).text(seg.t);
			if (i === 0) {
				ts.attr('x', 0).attr('y', 0);
			}
		});
		const line2 = subSegments(step, sub);
		line2.forEach((seg, i) => {
			const ts = text.append('tspan').attr('class', seg.cls).text(seg.t);
			if (i === 0) {
				ts.attr('x', 0).attr('dy', 19);
			}
		});
		// size the label's background to its text (measured, so long addresses never overflow)
		const bg = g.select('rect.plabel-bg');
		let box = null;
		try {
			box = text.node().getBBox();
		} catch {
			box = null;
		}
		if (!box || box.width === 0) {
			box = { x: -160, y: -14, width: 320, height: 34 };
		}
		bg.attr('x', box.x - 10).attr('y', box.y - 6).attr('width', box.width + 20).attr('height', box.height + 12).attr('rx', 8);
		// put the label where it hides the least of the picture (decided for where the glyph ends up): a first guess
		// from the layout's estimate of its texts, which the camera frames with the hop; then settle() checks it
		// against the texts as drawn where the camera goes (measuring is costly: once a step)
		const [lw, lh] = [box.width + 20, box.height + 12];
		const [ox, oy] = labelOffset(layout, here[0], here[1], lw, lh, view?.(state) || null);
		placed = { layout, here, lw, lh, cy: box.y + box.height / 2 };
		place(g, ox, oy);

		const moving = legPts.length > 1 && (legPts[0][0] !== here[0] || legPts[0][1] !== here[1]);
		if (transition && moving) {
			const basePts = prevPts;
			const movePts = legPts;
			g.transition(transition).tween('move', () => tt => {
				const { pt, done } = along(movePts, tt);
				g.attr('transform', `translate(${pt[0]},${pt[1]})`);
				// the trail grows behind the glyph
				trail.attr('d', line([...basePts, ...done.slice(1)]));
			});
		} else if (transition) {
			g.attr('transform', `translate(${here[0]},${here[1]})`);
			trail.attr('d', line(pts));
			g.select('path.tag').attr('transform', 'scale(1)')
				.transition(transition).attrTween('transform', () => tt => `scale(${1 + 0.25 * Math.sin(Math.PI * tt)})`);
		} else {
			g.attr('transform', `translate(${here[0]},${here[1]})`);
			g.select('path.tag').attr('transform', null);
			trail.attr('d', line(pts));
		}
	}

	/**
	 * The discarded copies of the floods the walk has passed so far: a dashed line from the bridge to where each copy
	 * arrives, a cross there and the word "discarded"; they grow out of the bridge at the flood step itself.
	 */
	function drawCopies(layout, entries, current, transition) {
		const data = [];
		for (const x of entries) {
			if (x.step.type !== 'bridge' || x.step.decision !== 'FLOOD') {
				continue;
			}
			const from = anchorFor(layout, x.step);
			for (const c of discardedCopies(x.step)) {
				const to = anchorFor(layout, { at: c.peer });
				if (from && to) {
					data.push({ key: `${x.walk}-${x.index}-${c.port}`, copy: c, pts: pathBetween(from, to, layout), fresh: x.index === current.index });
				}
			}
		}
		const g = copies.selectAll('g.flood-copy')
			.data(data, d => d.key)
			.join(enter => {
				const c = enter.append('g').attr('class', 'flood-copy').attr('data-testid', 'flood-copy');
				c.append('path').attr('class', 'flood-line');
				c.append('circle').attr('class', 'flood-end').attr('r', 9);
				c.append('path').attr('class', 'flood-x').attr('d', 'M-4.5,-4.5L4.5,4.5M4.5,-4.5L-4.5,4.5');
				c.append('text').attr('class', 'flood-text').attr('x', COPY_TEXT_DX).attr('dy', 4).attr('text-anchor', 'start').text('copy discarded');
				c.append('title');
				return c;
			});
		g.attr('data-port', d => d.copy.port)
			.attr('data-fate', d => d.copy.fate)
			.attr('data-peer', d => `${d.copy.peer.namespace}/${d.copy.peer.device}`);
		g.select('title').text(d => `${d.copy.port} → ${d.copy.peer.namespace}/${d.copy.peer.device}: ${d.copy.detail}`);
		g.select('path.flood-line').attr('d', d => line(d.pts));
		// the cross sits on the line just short of the device, so the device's name stays readable; the words beside it
		g.selectAll('circle.flood-end, path.flood-x, text.flood-text')
			.attr('transform', function () {
				const [x, y] = copyEnd(d3.select(this.parentNode).datum().pts);
				return `translate(${x},${y})`;
			});
		const growing = g.filter(d => d.fresh);
		if (transition && !growing.empty()) {
			growing.attr('opacity', 0).transition(transition).attr('opacity', 1);
		} else {
			g.attr('opacity', 1);
		}
	}

	/** The rectangle [x1, y1, x2, y2] the packet glyph and its label take at the current step, or null. */
	function labelRect() {
		return shown;
	}

	/**
	 * The camera has chosen what it shows ({@code view}, [x1, y1, x2, y2] in picture units) and the picture is drawn
	 * at that scale (names are larger zoomed out, secondary labels come and go): the label moves when it covers a
	 * text drawn there or is not wholly in the view. Says whether it moved.
	 */
	function settle(view, atTarget = f => f()) {
		const g = glyphs.select('g.packet');
		if (!placed || g.empty()) {
			return false;
		}
		const { layout, here, lw, lh } = placed;
		const r = [here[0] + placed.ox - lw / 2, here[1] + placed.oy - lh / 2, here[0] + placed.ox + lw / 2, here[1] + placed.oy + lh / 2];
		const inside = r[0] >= view[0] - 1 && r[1] >= view[1] - 1 && r[2] <= view[2] + 1 && r[3] <= view[3] + 1;
		// the glyph itself too: the label never hides the packet it describes
		const texts = atTarget(() => [...drawnTexts(viewport), glyphBox(here)]);
		if (inside && !texts.some(t => meets(t, r))) {
			return false;
		}
		const [ox, oy] = labelOffset(layout, here[0], here[1], lw, lh, view, texts);
		const moved = ox !== placed.ox || oy !== placed.oy;
		place(g, ox, oy);
		return moved;
	}

	return { update, labelRect, settle };
}

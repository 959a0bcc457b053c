// Deterministic layout: the same topology always gives the same picture. No D3, no DOM: plain geometry.
//
//   ┌ node panel ───────────────────────────────┐   ┌ HOST ┐
//   │ node1                        [lo] [dummy] │   └──────┘
//   │ ┌ pod1 ┐  ┌ pod2 ┐                        │
//   │ └─eth0─┘  └─eth0─┘                        │
//   │   veth…     veth…                         │
//   │ ══════ cbr0 ══════       ( IP stack )     │
//   └────eth0───flannel.1───────────────────────┘
//   ┌ SWITCH / ROUTER (underlay) ────────────────┐
//
// Links come from the devices themselves: `peer` (veth pairs, NIC ↔ network port), `master` (bridge ports) and a
// VXLAN device's `underlay`.

import { addressSummary } from './format.js';

export const CHIP_H = 26;
const CHAR_W = 8.4; // device name, 14px monospace bold
const SMALL_W = 7.3; // addresses and MACs, 12px monospace
const PAD = 20;
const POD_GAP = 44;
const POD_H = 116;
const STACK_W = 170;
const STACK_H = 58;

export function chipWidth(name) {
	return Math.max(46, Math.round(name.length * CHAR_W + 22));
}

function textWidth(text) {
	return text.length * SMALL_W;
}

const keyOf = (ns, dev) => `${ns}|${dev}`;

const peerOf = d => d.peer || null;

function isRealMac(mac) {
	return mac && mac !== '00:00:00:00:00:00';
}

/** Address and MAC lines shown next to a device. */
function deviceLines(d) {
	const lines = [];
	const a = addressSummary(d.addresses);
	if (a) {
		lines.push({ text: a, cls: 'addr' });
	}
	if (isRealMac(d.mac) && d.kind !== 'loopback' && d.kind !== 'dummy') {
		lines.push({ text: d.mac, cls: 'mac' });
	}
	return lines;
}

/** The names in a folded group of pods or nodes (its box's tooltip; the box itself says 'not on this path'). */
function collapsedNames(ids) {
	const names = ids.map(id => id.slice(id.indexOf('/') + 1));
	return names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')}, … (${names.length})`;
}

/** The width a pod's or host's name needs to stay readable when the picture is fitted small (semantic zoom). */
function nameRoom(name) {
	return String(name || '').length * 29 + 44;
}

function linkKey(a, b) {
	return [a, b].sort().join(' ↔ ');
}

const memo = new WeakMap();
let stageAspect = 1.6;

/** The stage's width / height, used to choose how many node panels go in a row (set before the first layout). */
export function setStageAspect(aspect) {
	if (Number.isFinite(aspect) && aspect > 0.3 && aspect < 6) {
		stageAspect = aspect;
	}
}

/** The layout of a topology, computed once per topology object. */
export function layoutFor(topology) {
	if (!topology) {
		return null;
	}
	let l = memo.get(topology);
	if (!l) {
		l = computeLayout(topology, { aspect: stageAspect });
		memo.set(topology, l);
	}
	return l;
}

/** How many node panels per row for n nodes: the arrangement that gives the largest picture on a stage of `aspect`. */
export function chooseColumns(sizes, aspect = 1.6, extraW = 0, extraH = 200) {
	const n = sizes.length;
	if (n <= 1) {
		return 1;
	}
	let best = 1;
	let bestScale = -Infinity;
	for (let cols = 1; cols <= Math.min(3, n); cols++) {
		const { w, h } = gridSize(sizes, cols);
		const scale = Math.min(aspect / (w + extraW), 1 / (h + extraH));
		if (scale > bestScale + 1e-9) {
			bestScale = scale;
			best = cols;
		}
	}
	return best;
}

const GRID_GX = 110; // gutter between node panels in a row (uplinks of upper rows run down it)
const GRID_GY = 80; // gap between rows

function gridSize(sizes, cols) {
	const rows = Math.ceil(sizes.length / cols);
	const colW = Array.from({ length: cols }, (_, c) => Math.max(0, ...sizes.filter((_, i) => i % cols === c).map(s => s.w)));
	const rowH = Array.from({ length: rows }, (_, r) => Math.max(0, ...sizes.slice(r * cols, r * cols + cols).map(s => s.h)));
	return {
		colW,
		rowH,
		w: colW.reduce((a, b) => a + b, 0) + GRID_GX * (cols - 1),
		h: rowH.reduce((a, b) => a + b, 0) + GRID_GY * (rows - 1)
	};
}

export function computeLayout(topology, options = {}) {
	const all = topology.namespaces || [];
	let nsBoxes = new Map(); // id → box
	let devices = new Map(); // key → device placement
	let bridges = new Map(); // key → {x1, x2, y}
	let stacks = new Map(); // ns id → {x, y, w, h, drawn}

	const nodeIds = new Set(all.filter(n => n.kind === 'NODE').map(n => n.id));
	const nodes = all.filter(n => n.kind === 'NODE');
	const podsOf = id => all.filter(n => n.kind === 'POD' && n.node === id && n.id !== id);
	const underlay = all.filter(n => n.kind === 'SWITCH' || n.kind === 'ROUTER');
	const outside = all.filter(
		n => n.kind === 'HOST' || (n.kind === 'POD' && !nodeIds.has(n.node)) || !['NODE', 'POD', 'HOST', 'SWITCH', 'ROUTER'].includes(n.kind)
	);

	function putDevice(ns, d, x, y, opts = {}) {
		const w = opts.w ?? chipWidth(d.name);
		const p = {
			key: keyOf(ns.id, d.name),
			ns: ns.id,
			name: d.name,
			kind: d.kind,
			x,
			y,
			w,
			h: opts.h ?? CHIP_H,
			muted: d.kind === 'loopback' || d.kind === 'dummy',
			lines: opts.lines ?? deviceLines(d),
			labelSide: opts.labelSide ?? 'above', // above | right | below
			device: d
		};
		devices.set(p.key, p);
		return p;
	}

	const top = 0;
	// ---- node panels: each measured at the origin, then placed on a grid (rows of at most 3) ----
	const measure = () => ({ nsBoxes: new Map(), devices: new Map(), bridges: new Map(), stacks: new Map() });
	const sizes = nodes.map(node => {
		const keep = { nsBoxes, devices, bridges, stacks };
		({ nsBoxes, devices, bridges, stacks } = measure());
		const box = layoutNode(node, 0, 0);
		({ nsBoxes, devices, bridges, stacks } = keep);
		return { w: box.w, h: box.h };
	});
	const hostW = outside.length ? 320 : 0;
	const cols = options.columns || chooseColumns(sizes, options.aspect || 1.6, hostW, outside.length ? 240 : 200);
	const grid = gridSize(sizes, cols);
	const colX = grid.colW.map((_, c) => grid.colW.slice(0, c).reduce((a, b) => a + b, 0) + GRID_GX * c);
	const rowY = grid.rowH.map((_, r) => top + grid.rowH.slice(0, r).reduce((a, b) => a + b, 0) + GRID_GY * r);
	const cells = new Map(); // node id → {row, col, box}
	nodes.forEach((node, i) => {
		const row = Math.floor(i / cols);
		const col = i % cols;
		const box = layoutNode(node, colX[col], rowY[row]);
		cells.set(node.id, { row, col, box });
	});
	const rows = grid.rowH.length;
	let cursorX = nodes.length ? grid.w + GRID_GX : 0;

	function layoutNode(node, x0, top) {
		if (node.collapsed) {
			// nodes the trace never visits, folded into one small panel that names them
			const w = Math.max(340, nameRoom(node.label));
			const box = { id: node.id, kind: node.kind, role: 'node', label: node.label, sub: 'not on this path', names: collapsedNames(node.collapsed), x: x0, y: top, w, h: 150, ns: node, folded: true };
			nsBoxes.set(node.id, box);
			return box;
		}
		const pods = podsOf(node.id);
		const podBox = pods.map(p => {
			const edge = p.devices.filter(d => d.kind !== 'loopback');
			const labelW = Math.max(0, ...edge.map(d => Math.max(chipWidth(d.name), ...deviceLines(d).map(l => textWidth(l.text)))));
			return Math.max(250, edge.length * (labelW + 24), textWidth(p.id) + 80, nameRoom(p.label || p.id));
		});
		const podIds = new Set(pods.map(p => p.id));
		const rootDevs = node.devices;
		const toPod = rootDevs.filter(d => d.kind === 'veth' && d.peer && podIds.has(d.peer.namespace));
		const otherPorts = rootDevs.filter(d => d.master && !toPod.includes(d));
		const brs = rootDevs.filter(d => d.kind === 'bridge');
		const misc = rootDevs.filter(d => d.kind === 'loopback' || d.kind === 'dummy');
		const bottom = rootDevs.filter(d => !toPod.includes(d) && !otherPorts.includes(d) && !brs.includes(d) && !misc.includes(d));

		const podsTop = top + 64;
		const vethY = podsTop + POD_H + 58;
		const bridgeY = vethY + 54;
		const bottomY = bridgeY + (bottom.length ? 54 : 44);

		// pods
		let px = x0 + PAD;
		const podCenters = new Map();
		pods.forEach((p, i) => {
			const w = podBox[i];
			placeBoxNamespace(p, px, podsTop, w, POD_H, 'pod');
			podCenters.set(p.id, px + w / 2);
			px += w + POD_GAP;
		});
		let upperRight = pods.length ? px - POD_GAP : x0 + PAD;

		// host-side veths under their pods; other bridge ports after them
		for (const d of toPod) {
			const peerDev = devices.get(keyOf(d.peer.namespace, d.peer.device));
			const x = peerDev ? peerDev.x : podCenters.get(d.peer.namespace);
			putDevice(node, d, x, vethY, { labelSide: 'right' });
		}
		let extraX = upperRight + 90;
		for (const d of otherPorts) {
			putDevice(node, d, extraX, vethY, { labelSide: 'right' });
			extraX += chipWidth(d.name) + 170;
			upperRight = Math.max(upperRight, extraX - 90);
		}

		// bridges: a bar under their ports
		let barCursor = x0 + PAD;
		const bridgeSpans = [];
		for (const b of brs) {
			const ports = [...devices.values()].filter(p => p.ns === node.id && p.device.master === b.name);
			const label = `${b.name}  ${addressSummary(b.addresses)}  ${b.mac}`;
			const minW = label.length * SMALL_W + 40;
			let x1;
			let x2;
			if (ports.length) {
				x1 = Math.min(...ports.map(p => p.x)) - 90;
				x2 = Math.max(...ports.map(p => p.x)) + 90;
			} else {
				x1 = barCursor;
				x2 = barCursor + minW;
			}
			if (x2 - x1 < minW) {
				const c = (x1 + x2) / 2;
				x1 = c - minW / 2;
				x2 = c + minW / 2;
			}
			x1 = Math.max(x1, x0 + PAD);
			barCursor = x2 + 30;
			bridgeSpans.push(x2);
			const p = putDevice(node, b, (x1 + x2) / 2, bridgeY, { w: x2 - x1, h: 30, lines: [] });
			p.isBar = true;
			p.label = label;
			bridges.set(p.key, { x1, x2, y: bridgeY });
		}

		// the kernel's IP stack of the root namespace, right of the bridges
		const stackX = Math.max(upperRight + 80, ...bridgeSpans.map(x => x + 40), x0 + PAD + 40) + STACK_W / 2;
		stacks.set(node.id, { x: stackX, y: Math.round((vethY + bridgeY) / 2) - 4, w: STACK_W, h: STACK_H, drawn: true });

		// uplinks and tunnels on the bottom edge under the IP stack, their addresses to the right (inside the panel)
		let bx = stackX - 40;
		for (const d of bottom) {
			const w = chipWidth(d.name);
			const labelW = Math.max(0, ...deviceLines(d).map(l => textWidth(l.text)));
			const x = bx + w / 2;
			putDevice(node, d, x, bottomY, { labelSide: 'right-up' });
			bx = x + w / 2 + labelW + 50;
		}

		// misc (lo, dummy) in the title row, right-aligned later once the width is known
		const rightEdge = Math.max(stackX + STACK_W / 2 + PAD, bx, x0 + 460);
		const miscWidth = misc.reduce((s, d) => s + Math.max(chipWidth(d.name), textWidth(addressSummary(d.addresses))) + 16, 0);
		const width = Math.max(rightEdge - x0, miscWidth + 220);
		let mx = x0 + width - PAD;
		for (const d of misc) {
			const w = Math.max(chipWidth(d.name), textWidth(addressSummary(d.addresses)));
			putDevice(node, d, mx - w / 2, top + 30, { h: 22, labelSide: 'below', lines: d.kind === 'dummy' ? deviceLines(d) : [] });
			mx -= w + 16;
		}
		const box = {
			id: node.id,
			kind: node.kind,
			role: 'node',
			label: node.label || node.id,
			sub: 'root network namespace',
			x: x0,
			y: top,
			w: width,
			h: bottomY - top,
			ns: node
		};
		nsBoxes.set(node.id, box);
		return box;
	}

	function placeBoxNamespace(ns, x, y, w, h, role) {
		const sub = ns.collapsed ? 'not on this path' : ns.id !== ns.label ? ns.id : '';
		const box = { id: ns.id, kind: ns.kind, role, label: ns.label || ns.id, sub, x, y, w, h, ns, folded: !!ns.collapsed };
		if (ns.collapsed) {
			box.names = collapsedNames(ns.collapsed);
		}
		nsBoxes.set(ns.id, box);
		const edge = ns.devices.filter(d => d.kind !== 'loopback' && d.kind !== 'dummy');
		const inner = ns.devices.filter(d => d.kind === 'loopback' || d.kind === 'dummy');
		edge.forEach((d, i) => {
			putDevice(ns, d, x + (w * (i + 1)) / (edge.length + 1), y + h);
		});
		let ix = x + w - 14;
		for (const d of inner) {
			const cw = chipWidth(d.name) - 10;
			putDevice(ns, d, ix - cw / 2, y + 22, { w: cw, h: 22, lines: [] });
			ix -= cw + 10;
		}
		// where its sockets live: the free upper-right area of the box, under the lo chip
		stacks.set(ns.id, { x: x + w - 44, y: y + 60, w: 0, h: 0, drawn: false });
		box.listeners = ns.listeners || [];
	}

	// ---- underlay: a band below the node grid; each node's uplink joins its port on it ----
	const hostsBottom = outside.length ? top + outside.length * 190 - 40 : top;
	const maxBottom = Math.max(top + 200, hostsBottom, ...[...nsBoxes.values()].map(b => b.y + b.h));
	const uy = maxBottom + 70;
	const U_H = 100;
	const placedBefore = new Set(devices.keys());
	const loadBalancers = [];
	const routes = new Map(); // underlay port key → the polyline from the node device down to it
	const PORT_GAP = 250; // a port chip plus its address lines, inside the band
	const HOST_PORT_GAP = 170; // a port toward an outside host, on the band's top edge, and its address
	/** Where an uplink can come down: straight under the device if no lower panel is in the way, else the gutter. */
	function approach(peer) {
		const cell = cells.get(peer.ns);
		if (!cell) {
			return { x: peer.x, via: [] };
		}
		const blocked = [...cells.values()].some(o => o.row > cell.row && o.box.x - 20 < peer.x && peer.x < o.box.x + o.box.w + 20);
		if (!blocked) {
			return { x: peer.x, via: [] };
		}
		const gx = colX[cell.col] + grid.colW[cell.col] + GRID_GX / 2 - 12 + 14 * cell.row;
		const ym = rowY[cell.row] + grid.rowH[cell.row] + GRID_GY / 2 - 8 * cell.row;
		return { x: gx, via: [[peer.x, ym], [gx, ym]] };
	}
	const uBoxes = underlay.map(u => {
		const ports = u.devices
			.filter(d => peerOf(d) && placedBefore.has(keyOf(d.peer.namespace, d.peer.device)))
			.map(d => {
				const peer = devices.get(keyOf(d.peer.namespace, d.peer.device));
				return { d, peer, ...approach(peer) };
			})
			.sort((a, b) => a.x - b.x);
		// push ports apart so their address lines never overlap
		let last = -Infinity;
		for (const p of ports) {
			p.px = Math.max(p.x, last + PORT_GAP);
			last = p.px;
		}
		const xs = ports.map(p => p.px);
		// room on its top edge for a port per outside host above the band
		const hostPorts = u.devices.filter(d => d.peer && outside.some(o => o.id === d.peer.namespace)).length;
		const minW = Math.max(380, textWidth(u.label || u.id) * 1.25 + 120, hostPorts * HOST_PORT_GAP + 180);
		let x1 = xs.length ? Math.min(...xs) - 150 : null;
		// room for a side-edge port's addresses (a link to another underlay box) after the last port's
		const sidePorts = u.devices.some(d => d.peer && underlay.some(o => o.id === d.peer.namespace));
		let x2 = xs.length ? Math.max(...xs) + 200 + (sidePorts ? 230 : 0) : null;
		if (x1 != null && x2 - x1 < minW) {
			x2 = x1 + minW;
		}
		return { u, ports, x1, x2, minW };
	});
	// keep the desired order (by centre), push right to avoid overlaps; unconnected ones go last, right of the grid
	uBoxes.sort((a, b) => (a.x1 ?? Infinity) - (b.x1 ?? Infinity));
	let ux = -Infinity;
	for (const b of uBoxes) {
		if (b.x1 == null) {
			b.x1 = ux === -Infinity ? 0 : Math.max(ux + 160, nodes.length ? grid.w + 40 : 0);
			b.x2 = b.x1 + b.minW;
		}
		if (b.x1 < ux + 160) {
			const shift = ux + 160 - b.x1;
			b.x1 += shift;
			b.x2 += shift;
			b.ports.forEach(p => {
				p.px += shift;
			});
		}
		ux = b.x2;
		const box = {
			id: b.u.id,
			kind: b.u.kind,
			role: 'underlay',
			label: b.u.label || b.u.id,
			sub: b.u.kind === 'ROUTER' ? 'router' : 'L2 switch',
			x: b.x1,
			y: uy,
			w: b.x2 - b.x1,
			h: U_H,
			ns: b.u
		};
		nsBoxes.set(b.u.id, box);
		b.ports.forEach((p, i) => {
			const dev = putDevice(b.u, p.d, p.px, uy, { labelSide: 'right-inside' });
			const pts = [[p.peer.x, p.peer.y], ...p.via];
			const [lx] = pts[pts.length - 1];
			if (Math.abs(lx - p.px) > 0.5) {
				const ey = uy - 26 - (i % 3) * 8;
				pts.push([lx, ey], [p.px, ey]);
			}
			pts.push([dev.x, dev.y]);
			routes.set(linkKey(p.peer.key, dev.key), pts);
		});
		// the router's own decisions happen in the widest free stretch between its ports
		const sideRight = b.u.devices.some(d => d.peer && nsBoxes.get(d.peer.namespace)?.role === 'underlay' && nsBoxes.get(d.peer.namespace).x > box.x)
			|| b.u.devices.some(d => d.peer && underlay.some(o => o.id === d.peer.namespace) && !nsBoxes.has(d.peer.namespace));
		const edges = [box.x + 20, ...b.ports.map(p => p.px), box.x + box.w - (sideRight ? 200 : 20)].sort((m, n) => m - n);
		let gapAt = box.x + box.w / 2;
		let gapW = -1;
		for (let i = 1; i < edges.length; i++) {
			const from = i === 1 ? edges[0] : edges[i - 1] + 150; // a port's address lines sit to its right
			if (edges[i] - from > gapW) {
				gapW = edges[i] - from;
				gapAt = (from + edges[i]) / 2;
			}
		}
		stacks.set(b.u.id, { x: gapAt, y: uy + 58, w: 0, h: 0, drawn: false });
		// a cloud's network load balancer is an equal-cost multipath route to the nodes for its one address: drawn as
		// a load balancer beside the router's decision spot (the packet visits it when that route picks a node)
		loadBalancerRoutes(b.u).forEach((r, i) => {
			const w = Math.max(210, Math.min(280, gapW - 20));
			const lb = { id: `${b.u.id}#lb-${i}`, ns: b.u.id, ip: r.dst.replace(/\/32$/, ''), x: gapAt - w / 2 + i * (w + 12), y: uy + 12, w, h: 46 };
			loadBalancers.push(lb);
			stacks.get(b.u.id).y = uy + 80;
		});
	}

	// ---- outside hosts (and pods without a node panel): a column to the right ----
	let hy = top;
	const hostAnchor = uBoxes.find(b => b.x1 >= grid.w && b.u.devices.some(d => d.peer && outside.some(o => o.id === d.peer.namespace)));
	const hostX = hostAnchor ? hostAnchor.x1 + 20 : Math.max(cursorX, ux + 60);
	let hostRight = cursorX;
	for (const h of outside) {
		const edge = h.devices.filter(d => d.kind !== 'loopback');
		const labelW = Math.max(0, ...edge.map(d => Math.max(chipWidth(d.name), ...deviceLines(d).map(l => textWidth(l.text)))));
		const w = Math.max(250, edge.length * (labelW + 30), textWidth(h.label || h.id) * 1.3 + 60, nameRoom(h.label || h.id));
		placeBoxNamespace(h, hostX, hy, w, 150, h.kind === 'POD' ? 'pod' : 'outside');
		hy += 150 + 40;
		hostRight = Math.max(hostRight, hostX + w);
	}


	// ports between underlay elements (switch ↔ router): on the facing side edges
	for (const b of uBoxes) {
		const box = nsBoxes.get(b.u.id);
		const rest = b.u.devices.filter(d => !devices.has(keyOf(b.u.id, d.name)) && d.kind !== 'bridge' && d.kind !== 'loopback');
		// outside hosts above the band, top first: each gets its own port on the top edge and its own lane down, left
		// of the host column, so no link crosses another host's box or port
		const above = rest
			.map(d => ({ d, peerBox: d.peer ? nsBoxes.get(d.peer.namespace) : null, peerDev: d.peer ? devices.get(keyOf(d.peer.namespace, d.peer.device)) : null }))
			.filter(h => h.peerDev && h.peerBox && h.peerBox.role !== 'underlay' && h.peerBox.y < uy)
			.sort((m, n) => m.peerBox.y - n.peerBox.y);
		above.forEach((h, i) => {
			const n = above.length;
			const px = n === 1
				? Math.min(Math.max(h.peerDev.x, box.x + 40), box.x + box.w - 40)
				: Math.min(box.x + 100 + i * HOST_PORT_GAP, box.x + box.w - 40);
			const dev = putDevice(b.u, h.d, px, uy, { labelSide: 'right-inside' });
			const ey = uy - 18 - 10 * i;
			const pts = [[h.peerDev.x, h.peerDev.y]];
			if (i < n - 1) {
				const lane = h.peerBox.x - 16 - 14 * (n - 2 - i);
				pts.push([h.peerDev.x, h.peerDev.y + 16], [lane, h.peerDev.y + 16], [lane, ey]);
			} else if (Math.abs(h.peerDev.x - px) > 0.5) {
				pts.push([h.peerDev.x, ey]);
			}
			if (Math.abs(pts[pts.length - 1][0] - px) > 0.5) {
				pts.push([px, pts[pts.length - 1][1]]);
			}
			pts.push([dev.x, dev.y]);
			routes.set(linkKey(h.peerDev.key, dev.key), pts);
		});
		rest.filter(d => !above.some(h => h.d === d)).forEach((d, i) => {
			const peerBox = d.peer ? nsBoxes.get(d.peer.namespace) : null;
			const right = peerBox ? peerBox.x > box.x : true;
			if (peerBox && peerBox.role === 'underlay') {
				// on the facing side edge, its addresses inside its own box
				putDevice(b.u, d, right ? box.x + box.w : box.x, uy + 24 + i * 34, { labelSide: right ? 'left-inside' : 'right-inside' });
			} else {
				putDevice(b.u, d, box.x + box.w - 80 - i * 150, uy + U_H, { labelSide: 'below' });
			}
		});
		for (const br of b.u.devices.filter(d => d.kind === 'bridge')) {
			const ports = [...devices.values()].filter(p => p.ns === b.u.id && p.device.master === br.name);
			const x1 = ports.length ? Math.min(...ports.map(p => p.x)) - 60 : box.x + 30;
			const x2 = ports.length ? Math.max(...ports.map(p => p.x)) + 60 : box.x + 200;
			const p = putDevice(b.u, br, (x1 + x2) / 2, uy + 38, { w: Math.max(x2 - x1, 120), h: 22, lines: [] });
			p.isBar = true;
			p.label = br.name;
			bridges.set(p.key, { x1: p.x - p.w / 2, x2: p.x + p.w / 2, y: uy + 38 });
		}
	}

	// ---- links ----
	const links = new Map();
	for (const p of devices.values()) {
		const d = p.device;
		const peer = peerOf(d);
		if (peer) {
			const q = devices.get(keyOf(peer.namespace, peer.device));
			if (q) {
				const key = linkKey(p.key, q.key);
				if (!links.has(key)) {
					const routed = routes.get(key);
					const points = routed ? (routed[0][0] === p.x && routed[0][1] === p.y ? routed : [...routed].reverse()) : [[p.x, p.y], [q.x, q.y]];
					links.set(key, { key, kind: d.kind === 'physical' || q.device.kind === 'physical' ? 'wire' : 'pair', points, a: p.key, b: q.key });
				}
			}
		}
		if (d.master) {
			const br = bridges.get(keyOf(p.ns, d.master));
			if (br) {
				const key = `${p.key} ⊂ ${d.master}`;
				const x = Math.min(Math.max(p.x, br.x1 + 10), br.x2 - 10);
				links.set(key, { key, kind: 'master', points: [[p.x, p.y], [x, br.y]], a: p.key, b: keyOf(p.ns, d.master) });
			}
		}
		if (d.kind === 'vxlan' && d.underlay) {
			const q = devices.get(keyOf(p.ns, d.underlay));
			if (q) {
				const key = `${p.key} ⇢ ${d.underlay}`;
				links.set(key, { key, kind: 'tunnel', points: [[p.x, p.y], [q.x, q.y]], a: p.key, b: q.key });
			}
		}
	}

	// ---- bounds ----
	// draw order: underlay and nodes first, pods and hosts on top of their node panel
	const ORDER = { underlay: 0, node: 1, outside: 2, pod: 3 };
	const boxes = [...nsBoxes.values()].sort((a, b) => ORDER[a.role] - ORDER[b.role]);
	const minX = Math.min(0, ...boxes.map(b => b.x), ...[...devices.values()].map(d => d.x - d.w / 2)) - 30;
	const maxX = Math.max(hostRight, ...boxes.map(b => b.x + b.w), ...[...devices.values()].map(d => d.x + d.w / 2 + (d.labelSide.startsWith('right') ? 140 : 0))) + 30;
	const minY = top - 18;
	const maxY = Math.max(...boxes.map(b => b.y + b.h), ...[...devices.values()].map(d => d.y + d.h / 2)) + 20;

	// what a floating label should not cover: chips, their address lines, namespace titles
	const obstacles = [];
	for (const d of devices.values()) {
		obstacles.push({ x1: d.x - d.w / 2, y1: d.y - d.h / 2, x2: d.x + d.w / 2, y2: d.y + d.h / 2, weight: 3 });
		const n = d.lines.length;
		if (n) {
			const lw = Math.max(...d.lines.map(l => textWidth(l.text)));
			let x1 = d.x - lw / 2;
			let y1 = d.y - d.h / 2 - 9 - n * 15;
			if (d.labelSide === 'left-inside') {
				x1 = d.x - d.w / 2 - 8 - lw;
				y1 = d.y + 14;
			} else if (d.labelSide === 'right' || d.labelSide === 'right-up' || d.labelSide === 'right-inside') {
				x1 = d.x + d.w / 2 + 8;
				y1 = d.labelSide === 'right-inside' ? d.y + 14 : d.labelSide === 'right-up' ? d.y - 8 - n * 15 : d.y - 14;
			} else if (d.labelSide === 'below') {
				y1 = d.y + d.h / 2 + 3;
			}
			obstacles.push({ x1, y1, x2: x1 + lw, y2: y1 + n * 15 + 4, weight: 2 });
		}
	}
	for (const b of nsBoxes.values()) {
		const ly = b.role === 'underlay' ? b.y + b.h - 14 : b.y + (b.role === 'node' ? 30 : 26);
		obstacles.push({ x1: b.x + 10, y1: ly - 18, x2: b.x + 20 + b.label.length * 10, y2: ly + 4 + (b.role === 'underlay' ? 0 : 38), weight: 4 });
	}
	for (const lb of loadBalancers) {
		obstacles.push({ x1: lb.x, y1: lb.y, x2: lb.x + lb.w, y2: lb.y + lb.h, weight: 3 });
	}
	for (const st of stacks.values()) {
		if (st.drawn) {
			obstacles.push({ x1: st.x - st.w / 2, y1: st.y - st.h / 2, x2: st.x + st.w / 2, y2: st.y + st.h / 2, weight: 1 });
		}
	}

	return {
		obstacles,
		loadBalancers,
		loadBalancerFor: (ns, ip) => loadBalancers.find(lb => lb.ns === ns && lb.ip === ip) || null,
		viewBox: [minX, minY, maxX - minX, maxY - minY],
		namespaces: boxes,
		devices: [...devices.values()],
		links: [...links.values()],
		stacks,
		deviceAt: (ns, dev) => devices.get(keyOf(ns, dev)) || null,
		nsBox: id => nsBoxes.get(id) || null,
		bridgeAt: (ns, dev) => bridges.get(keyOf(ns, dev)) || null,
		linkBetween: (nsA, devA, nsB, devB) => links.get(linkKey(keyOf(nsA, devA), keyOf(nsB, devB))) || null,
		/** The drawn polyline of the link between two device keys, oriented from `a` to `b` (null: none or straight). */
		routeBetween(a, b) {
			const l = links.get(linkKey(a, b));
			if (!l || l.points.length <= 2) {
				return null;
			}
			return l.a === a ? l.points : [...l.points].reverse();
		}
	};
}

/** A router's routes that are a network load balancer: equal-cost multipath to one address (a /32). */
export function loadBalancerRoutes(ns) {
	return (ns.routes || []).filter(r => r.multipath && /\/32$/.test(r.dst || ''));
}

/** Where the packet sits during a step: on its device, on the bridge under the ingress port, or in the IP stack. */
export function anchorFor(layout, step) {
	if (!layout || !step) {
		return null;
	}
	const at = step.at;
	// the load balancer's pick: the route lookup for its address, on the load balancer drawn beside the router
	if (step.type === 'route' && layout.loadBalancers?.length) {
		const lb = layout.loadBalancerFor(at.namespace, step.packet?.ip?.dst);
		if (lb) {
			return { x: lb.x + lb.w - 30, y: lb.y + lb.h / 2 };
		}
	}
	// a socket lives in the namespace's stack, not on a device
	if (step.type === 'send' || step.type === 'deliver') {
		const st = layout.stacks.get(at.namespace);
		if (st) {
			return { x: st.x, y: st.y };
		}
	}
	if (step.type === 'bridge') {
		const bar = layout.bridgeAt(at.namespace, step.bridge || at.device);
		const port = layout.deviceAt(at.namespace, step.inPort);
		if (bar) {
			const x = port ? Math.min(Math.max(port.x, bar.x1 + 10), bar.x2 - 10) : (bar.x1 + bar.x2) / 2;
			return { x, y: bar.y, bar: { ns: at.namespace, ...bar } };
		}
	}
	if (at.device) {
		const d = layout.deviceAt(at.namespace, at.device);
		if (d) {
			const bar = d.isBar ? layout.bridgeAt(at.namespace, at.device) : null;
			return { x: d.x, y: d.y, device: d.key, bar: bar ? { ns: at.namespace, ...bar } : null, master: d.device.master };
		}
	}
	const s = layout.stacks.get(at.namespace);
	if (s) {
		// a drawn IP stack keeps its title readable: the packet sits in its right part
		return { x: s.drawn ? s.x + s.w / 2 - 32 : s.x, y: s.y };
	}
	const box = layout.nsBox(at.namespace);
	return box ? { x: box.x + box.w / 2, y: box.y + box.h / 2 } : { x: 0, y: 0 };
}

/** The points the packet follows from one anchor to the next: along the bridge bar to a port, else straight. */
export function pathBetween(a, b, layout = null) {
	if (!a || !b) {
		return b ? [[b.x, b.y]] : [];
	}
	const routed = layout && a.device && b.device ? layout.routeBetween(a.device, b.device) : null;
	if (routed) {
		return routed;
	}
	if (a.bar && !b.bar && Math.abs(b.y - a.y) > 1) {
		return [[a.x, a.y], [b.x, a.bar.y], [b.x, b.y]];
	}
	if (b.bar && !a.bar && Math.abs(b.y - a.y) > 1) {
		return [[a.x, a.y], [a.x, b.bar.y], [b.x, b.y]];
	}
	return [[a.x, a.y], [b.x, b.y]];
}

/** Where a flooded copy's cross goes: on its line, 22 units short of the device it arrives on. */
export function copyEnd(pts) {
	const [x2, y2] = pts[pts.length - 1];
	const [x1, y1] = pts.length > 1 ? pts[pts.length - 2] : [x2, y2 + 1];
	const len = Math.hypot(x2 - x1, y2 - y1) || 1;
	const back = Math.min(22, len / 2);
	return [x2 - ((x2 - x1) / len) * back, y2 - ((y2 - y1) / len) * back];
}

/** The words beside a discarded copy's cross start this far right of its centre (its circle's radius is 9). */
export const COPY_TEXT_DX = 14;

/**
 * What a discarded copy of the flood at `step` draws where it arrives: the device it arrives on, the cross and the
 * words beside the cross (`textWidth` wide), as [x1, y1, x2, y2] in picture units; null when an end is off the map.
 */
export function copyEndRect(layout, step, copy, textWidth) {
	const from = anchorFor(layout, step);
	const to = anchorFor(layout, { at: copy.peer });
	if (!from || !to) {
		return null;
	}
	const [x, y] = copyEnd(pathBetween(from, to, layout));
	return [Math.min(x - 14, to.x - 40), Math.min(y - 14, to.y - 24), Math.max(x + COPY_TEXT_DX + textWidth + 8, to.x + 40),
		Math.max(y + 14, to.y + 24)];
}

/**
 * Where to put a w×h label for a glyph at (x, y): the candidate spot (beside the glyph first, then further out in
 * eight directions) that covers no drawn text and the fewest chips, and stays inside the picture, or inside
 * {@code bounds} ([x1, y1, x2, y2], the part of the picture the camera shows) when given. {@code texts} are the
 * boxes of the names, addresses and device labels as drawn ([x1, y1, x2, y2] in picture units); without them the
 * layout's estimates are used. Returns the offset of the label's centre.
 */
export function labelOffset(layout, x, y, w, h, bounds = null, texts = null) {
	const gx = 30;
	const gy = 24;
	const near = [
		[0, -(h / 2 + gy)],
		[0, h / 2 + gy],
		[w / 2 + gx, -(h / 2 + 6)],
		[-(w / 2 + gx), -(h / 2 + 6)],
		[w / 2 + gx, h / 2 + 6],
		[-(w / 2 + gx), h / 2 + 6],
		[w / 2 + 12, -(h / 2 + gy)],
		[-(w / 2 + 12), -(h / 2 + gy)],
		[w / 2 + 12, h / 2 + gy],
		[-(w / 2 + 12), h / 2 + gy]
	];
	const candidates = [...near];
	for (const far of [50, 100, 160, 230]) {
		for (const [cx, cy] of near) {
			const n = Math.hypot(cx, cy) || 1;
			candidates.push([cx + (cx / n) * far, cy + (cy / n) * far]);
		}
	}
	// then a grid around the glyph, for crowded spots where every direction above hits a label
	for (const dy of [1, 2, 3, 4, 6, 8, 10]) {
		for (const fx of [-1.2, -0.8, -0.4, 0, 0.4, 0.8, 1.2]) {
			for (const sy of [-1, 1]) {
				candidates.push([fx * (w / 2 + gx), sy * (h / 2 + gy * dy)]);
			}
		}
	}
	let [vx, vy, vw, vh] = layout.viewBox;
	// a frame the camera will fit around the hop: the label may sit anywhere hop and label fit in it together
	const frame = bounds && !Array.isArray(bounds) ? bounds : null;
	if (frame) {
		const [ax1, ay1, ax2, ay2] = frame.around;
		const x1 = Math.max(vx, ax2 - frame.w);
		const y1 = Math.max(vy, ay2 - frame.h);
		const x2 = Math.min(vx + vw, ax1 + frame.w);
		const y2 = Math.min(vy + vh, ay1 + frame.h);
		[vx, vy, vw, vh] = [x1, y1, x2 - x1, y2 - y1];
	} else if (bounds) {
		const x1 = Math.max(vx, bounds[0]);
		const y1 = Math.max(vy, bounds[1]);
		const x2 = Math.min(vx + vw, bounds[2]);
		const y2 = Math.min(vy + vh, bounds[3]);
		if (x2 - x1 >= w && y2 - y1 >= h) {
			[vx, vy, vw, vh] = [x1, y1, x2 - x1, y2 - y1];
		}
	}
	// drawn text must stay readable: covering any of it costs more than any amount of chip or line
	const obstacles = texts
		? [...layout.obstacles.filter(o => o.weight === 3), ...texts.map(([x1, y1, x2, y2]) => ({ x1, y1, x2, y2, weight: 400 }))]
		: layout.obstacles;
	let best = candidates[0];
	let bestScore = Infinity;
	candidates.forEach((c0, i) => {
		// slide sideways to stay inside the picture
		const shift = Math.max(vx - (x + c0[0] - w / 2), Math.min(0, vx + vw - (x + c0[0] + w / 2)));
		const c = [c0[0] + (w < vw ? shift : 0), c0[1]];
		const x1 = x + c[0] - w / 2;
		const y1 = y + c[1] - h / 2;
		const x2 = x1 + w;
		const y2 = y1 + h;
		let score = i * 40; // a preference for the order above: near the glyph first
		for (const o of obstacles) {
			const ox = Math.min(x2, o.x2) - Math.max(x1, o.x1);
			const oy = Math.min(y2, o.y2) - Math.max(y1, o.y1);
			if (ox > 0 && oy > 0) {
				score += ox * oy * o.weight + (o.weight >= 400 ? 1e6 : 0);
			}
		}
		let out = Math.max(0, vx - x1) + Math.max(0, x2 - (vx + vw)) + Math.max(0, vy - y1) + Math.max(0, y2 - (vy + vh));
		if (frame) {
			const [ax1, ay1, ax2, ay2] = frame.around;
			out += Math.max(0, Math.max(ax2, x2) - Math.min(ax1, x1) - frame.w) + Math.max(0, Math.max(ay2, y2) - Math.min(ay1, y1) - frame.h);
		}
		// being seen comes first: a spot that covers chips beats one that is cut off at the edge of the view
		score += out * 1e8;
		if (score < bestScore) {
			bestScore = score;
			best = c;
		}
	});
	if (bestScore < 1e6 || !texts) {
		return best;
	}
	// every spot near the glyph covers drawn text: the nearest free spot anywhere in the view (the packet draws a
	// leader line to a label that far); chips are still avoided where possible
	const texts400 = obstacles.filter(o => o.weight >= 400);
	const chips = obstacles.filter(o => o.weight < 400);
	const stepX = 12;
	const stepY = 8;
	for (let y1 = vy; y1 + h <= vy + vh; y1 += stepY) {
		for (let x1 = vx; x1 + w <= vx + vw; x1 += stepX) {
			const x2 = x1 + w;
			const y2 = y1 + h;
			if (texts400.some(o => Math.min(x2, o.x2) - Math.max(x1, o.x1) > 0 && Math.min(y2, o.y2) - Math.max(y1, o.y1) > 0)) {
				continue;
			}
			const c = [x1 + w / 2 - x, y1 + h / 2 - y];
			let score = 1e5 + Math.hypot(c[0], c[1]) * 4;
			for (const o of chips) {
				const ox = Math.min(x2, o.x2) - Math.max(x1, o.x1);
				const oy = Math.min(y2, o.y2) - Math.max(y1, o.y1);
				if (ox > 0 && oy > 0) {
					score += ox * oy * o.weight;
				}
			}
			if (frame) {
				const [ax1, ay1, ax2, ay2] = frame.around;
				score += 1e8 * (Math.max(0, Math.max(ax2, x2) - Math.min(ax1, x1) - frame.w) + Math.max(0, Math.max(ay2, y2) - Math.min(ay1, y1) - frame.h));
			}
			if (score < bestScore) {
				bestScore = score;
				best = c;
			}
		}
	}
	return best;
}

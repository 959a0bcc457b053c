// The network: namespaces as boxes, devices as labelled chips on their borders, links as lines.
// A factory called once; update(state, transition) re-joins keyed data and moves the highlight.

import d3 from '../d3.js';
import { layoutFor } from '../layout.js';
import { currentEntry } from '../store.js';
import { isAbsent, isUnaddressed, lifecycleOf } from '../lifecycle.js';

const KIND_TEXT = { NODE: 'node', POD: 'pod', HOST: 'host', ROUTER: 'router', SWITCH: 'switch' };

/**
 * The largest font size (in picture units) at which a namespace's name still fits its box: set on the text as
 * --fit-font, the cap of the semantic zoom (app.css draws names no smaller than a readable size on screen).
 */
function fitName(text, d, share = 0.42) {
	text.style.removeProperty('--fit-font');
	let len = 0;
	try {
		len = text.getComputedTextLength();
	} catch {
		len = 0;
	}
	const size = parseFloat(getComputedStyle(text).fontSize);
	if (!len || !size) {
		return;
	}
	const room = d.role === 'underlay' ? d.w * 0.62 - 28 : d.w - 28;
	const tall = d.role === 'underlay' ? d.h - 24 : d.role === 'pod' || d.folded ? d.h * share : 64;
	text.style.setProperty('--fit-font', `${Math.max(8, Math.min(tall, (size * room) / len)).toFixed(1)}px`);
}

export function createTopology(viewport) {
	const root = viewport.append('g').attr('class', 'topo');
	const gNs = root.append('g').attr('class', 'layer-ns');
	const gStacks = root.append('g').attr('class', 'layer-stacks');
	const gLinks = root.append('g').attr('class', 'layer-links');
	const gDevices = root.append('g').attr('class', 'layer-devices');
	const gLbs = root.append('g').attr('class', 'layer-lbs');
	let drawnFor = null;

	function draw(layout) {

		gNs.selectAll('g.ns')
			.data(layout.namespaces, d => d.id)
			.join(enter => {
				const g = enter.append('g').attr('class', d => `ns ns-${d.role}`);
				g.append('rect').attr('class', 'ns-box');
				g.append('text').attr('class', 'ns-label');
				g.append('text').attr('class', 'ns-sub');
				g.append('text').attr('class', 'ns-listen');
				g.append('title');
				return g;
			})
			.attr('data-namespace', d => d.id)
			.attr('data-kind', d => d.kind)
			.attr('data-node', d => d.ns.node || null)
			.classed('is-folded', d => !!d.folded)
			.call(g => g.select('rect.ns-box')
				.attr('x', d => d.x).attr('y', d => d.y).attr('width', d => d.w).attr('height', d => d.h)
				.attr('rx', d => (d.role === 'node' ? 16 : 10)))
			.call(g => g.select('text.ns-label')
				.attr('x', d => d.x + 14)
				// from the box's top edge down (below the edge for an underlay band): a name drawn larger when zoomed
				// out (semantic zoom, see app.css) grows into its box, not over its border
				.attr('y', d => (d.role === 'underlay' ? d.y + d.h - 14 : d.y + (d.role === 'node' ? 13 : 11)))
				.attr('dominant-baseline', d => (d.role === 'underlay' ? null : 'text-before-edge'))
				.text(d => d.label)
				.each(function (d) { fitName(this, d); }))
			.call(g => g.select('text.ns-sub')
				.attr('x', d => (d.role === 'underlay' ? d.x + d.w - 14 : d.x + 14))
				.attr('text-anchor', d => (d.role === 'underlay' ? 'end' : 'start'))
				// a folded box's line sits on its bottom edge (its name above grows when zoomed out)
				.attr('y', d => (d.role === 'underlay' || d.folded ? d.y + d.h - 14 : d.y + (d.role === 'node' ? 50 : 44)))
				.text(d => (d.folded ? d.sub
					: d.role === 'node' ? `${KIND_TEXT[d.kind]} · ${d.sub}` : d.role === 'underlay' ? d.sub : `${KIND_TEXT[d.kind] || d.kind} netns ${d.sub || d.id}`)))
			.call(g => g.select('text.ns-listen')
				.attr('x', d => d.x + 14)
				.attr('y', d => d.y + 62)
				.text(d => (d.listeners && d.listeners.length
					? `listening: ${d.listeners.map(l => `${String(l.protocol).toLowerCase()}/${l.port} ${l.process || ''}`.trim()).join(', ')}`
					: '')))
			.call(g => g.select('text.ns-sub').filter(d => d.folded).each(function (d) { fitName(this, d, 0.3); }))
			.call(g => g.select('title').text(d => (d.folded ? `${d.label} not on this path: ${d.names}` : null)));

		gStacks.selectAll('g.stack')
			.data([...layout.stacks.entries()].filter(([, s]) => s.drawn), ([id]) => id)
			.join(enter => {
				const g = enter.append('g').attr('class', 'stack');
				g.append('rect');
				g.append('text').attr('class', 'stack-label');
				g.append('text').attr('class', 'stack-sub');
				return g;
			})
			.attr('data-namespace', ([id]) => id)
			.call(g => g.select('rect').attr('x', ([, s]) => s.x - s.w / 2).attr('y', ([, s]) => s.y - s.h / 2)
				.attr('width', ([, s]) => s.w).attr('height', ([, s]) => s.h).attr('rx', 12))
			.call(g => g.select('.stack-label').attr('x', ([, s]) => s.x - s.w / 2 + 12).attr('y', ([, s]) => s.y - 4).text('IP stack'))
			.call(g => g.select('.stack-sub').attr('x', ([, s]) => s.x - s.w / 2 + 12).attr('y', ([, s]) => s.y + 14).text('routing · netfilter'));

		// a network load balancer: its icon (one flow in, fanned out to several) and its name with its address
		gLbs.selectAll('g.lb')
			.data(layout.loadBalancers || [], d => d.id)
			.join(enter => {
				const g = enter.append('g').attr('class', 'lb').attr('data-testid', 'load-balancer');
				g.append('rect').attr('class', 'lb-box');
				g.append('path').attr('class', 'lb-icon');
				g.append('text').attr('class', 'lb-name');
				g.append('text').attr('class', 'lb-ip');
				g.append('title');
				return g;
			})
			.attr('data-namespace', d => d.ns)
			.attr('data-ip', d => d.ip)
			.call(g => g.select('rect.lb-box').attr('x', d => d.x).attr('y', d => d.y).attr('width', d => d.w).attr('height', d => d.h).attr('rx', 10))
			.call(g => g.select('path.lb-icon').attr('d', d => {
				const cx = d.x + 24;
				const cy = d.y + d.h / 2;
				return `M${cx - 14},${cy}h10M${cx - 4},${cy}l14,-11M${cx - 4},${cy}h14M${cx - 4},${cy}l14,11`
					+ `M${cx + 7},${cy - 14}l4,3l-5,2M${cx + 7},${cy}l4,0M${cx + 7},${cy + 14}l4,-3l-5,-2`;
			}))
			.call(g => g.select('text.lb-name').attr('x', d => d.x + 46).attr('y', d => d.y + 19).text('load balancer'))
			.call(g => g.select('text.lb-ip').attr('x', d => d.x + 46).attr('y', d => d.y + 36).text(d => d.ip))
			.call(g => g.select('title').text(d => `the cloud's network load balancer for ${d.ip}: an equal-cost multipath route in ${d.ns} to the nodes`));

		gLinks.selectAll('path.link')
			.data(layout.links, d => d.key)
			.join('path')
			.attr('class', d => `link link-${d.kind}`)
			.attr('data-link', d => d.key)
			.attr('d', d => d3.line()(d.points));

		gDevices.selectAll('g.dev')
			.data(layout.devices, d => d.key)
			.join(enter => {
				const g = enter.append('g');
				g.append('rect').attr('class', 'chip');
				g.append('text').attr('class', 'dev-name');
				g.append('text').attr('class', 'dev-lines');
				g.append('title');
				return g;
			})
			.attr('class', d => `dev dev-${d.kind}${d.isBar ? ' dev-bar' : ''}${d.muted ? ' dev-muted' : ''}`)
			.attr('data-device', d => d.key)
			.call(g => g.select('rect.chip')
				.attr('x', d => d.x - d.w / 2).attr('y', d => d.y - d.h / 2).attr('width', d => d.w).attr('height', d => d.h)
				.attr('rx', d => (d.isBar ? 6 : 5)))
			.call(g => g.select('text.dev-name')
				.attr('x', d => (d.isBar ? d.x - d.w / 2 + 12 : d.x))
				.attr('y', d => d.y + 5)
				.attr('text-anchor', d => (d.isBar ? 'start' : 'middle'))
				.each(function (d) {
					const t = d3.select(this);
					t.selectAll('tspan').remove();
					if (d.isBar) {
						const [name, ...rest] = d.label.split('  ');
						t.append('tspan').attr('class', 'bar-name').text(name);
						rest.filter(Boolean).forEach(r => t.append('tspan').attr('class', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(r) ? 'bar-meta bar-mac' : 'bar-meta').attr('dx', 14).text(r));
					} else {
						t.text(d.name);
					}
				}))
			.call(g => g.select('text.dev-lines').each(function (d) {
				const t = d3.select(this);
				t.selectAll('tspan').remove();
				const n = d.lines.length;
				d.lines.forEach((line, i) => {
					let x = d.x;
					let y;
					let anchor = 'middle';
					switch (d.labelSide) {
						case 'right':
							x = d.x + d.w / 2 + 8;
							anchor = 'start';
							y = d.y + (n === 1 ? 4 : i === 0 ? -3 : 12);
							break;
						case 'right-up':
							x = d.x + d.w / 2 + 8;
							anchor = 'start';
							y = d.y - 8 - (n - 1 - i) * 15;
							break;
						case 'left-inside':
							x = d.x - d.w / 2 - 8;
							anchor = 'end';
							y = d.y + 27 + i * 15;
							break;
						case 'right-inside':
							x = d.x + d.w / 2 + 8;
							anchor = 'start';
							y = d.y + 27 + i * 15;
							break;
						case 'below':
							y = d.y + d.h / 2 + 15 + i * 15;
							break;
						default:
							y = d.y - d.h / 2 - 9 - (n - 1 - i) * 15;
					}
					t.append('tspan').attr('class', line.cls).attr('x', x).attr('y', y).attr('text-anchor', anchor).text(line.text);
				});
			}))
			.call(g => g.select('title').text(d => deviceTitle(d, true)));
	}

	/** A device's tooltip: its place and kind, its addresses (when it has them at this step) and MAC. */
	function deviceTitle(d, addressed) {
		const addresses = addressed && d.device.addresses?.length ? '\n' + d.device.addresses.join(', ') : '';
		return `${d.ns} · ${d.name} (${d.kind})${addresses}${d.device.mac ? '\n' + d.device.mac : ''}`;
	}

	function update(state) {
		const layout = layoutFor(state.topology);
		if (!layout) {
			return;
		}
		if (drawnFor !== layout) {
			draw(layout);
			drawnFor = layout;
		}
		const e = currentEntry(state);
		const at = e ? e.step.at : null;
		const step = e ? e.step : null;
		// a timeline builds and removes pods: draw only what exists at this step
		const life = lifecycleOf(state.steps);
		const absent = (ns, dev) => isAbsent(life, ns, dev, state.cursor);
		const absentEnd = key => {
			const bar = key.indexOf('|');
			return absent(key.slice(0, bar), key.slice(bar + 1));
		};
		gNs.selectAll('g.ns').classed('is-absent', d => absent(d.id, null));
		gStacks.selectAll('g.stack').classed('is-absent', ([id]) => absent(id, null));
		gDevices.selectAll('g.dev').classed('is-absent', d => absent(d.ns, d.name));
		// CNI ADD: eth0 exists from the veth step on, its address only from the step that sets it
		gDevices.selectAll('g.dev')
			.classed('is-unaddressed', d => isUnaddressed(life, d.ns, d.name, state.cursor))
			.select('title')
			.text(d => deviceTitle(d, !isUnaddressed(life, d.ns, d.name, state.cursor)));
		gLinks.selectAll('path.link').classed('is-absent', d => absentEnd(d.a) || (d.b != null && absentEnd(d.b)));
		gNs.selectAll('g.ns').classed('is-current', d => !!at && d.id === at.namespace);
		gStacks.selectAll('g.stack').classed('is-current', ([id]) => !!at && id === at.namespace && !at.device);
		gLbs.selectAll('g.lb').classed('is-current', d => !!step && step.type === 'route' && d.ns === at.namespace && d.ip === step.packet?.ip?.dst);
		gDevices.selectAll('g.dev').classed('is-current', d => !!at && d.ns === at.namespace && d.name === at.device);

		// the link the packet crosses: from a transmit to the peer, and still on the receive that follows it
		let active = null;
		if (step && step.type === 'transmit' && step.peer) {
			active = layout.linkBetween(at.namespace, step.device, step.peer.namespace, step.peer.device);
		} else if (step && step.type === 'receive' && e.index > 0) {
			const prev = state.steps[e.index - 1].step;
			if (prev.type === 'transmit' && prev.peer) {
				active = layout.linkBetween(prev.at.namespace, prev.device, prev.peer.namespace, prev.peer.device);
			}
		}
		gLinks.selectAll('path.link')
			.classed('is-active', d => !!active && d.key === active.key)
			.classed('is-request', () => !!e && e.leg !== 'REPLY')
			.classed('is-reply', () => !!e && e.leg === 'REPLY');
	}

	return { update };
}

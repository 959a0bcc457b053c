// The journey strip over the picture: the current walk's legs from socket to socket (journey.js), the rewrite or
// encapsulation between two legs, the leg the packet is on now (and how far along it). Clicking a leg seeks to its
// first step in the current view. A factory called once; update(state) re-joins keyed data. Text only via .text().

import d3 from '../d3.js';
import { journeyOf, legAt } from '../journey.js';
import { currentEntry, viewSteps } from '../store.js';
import { stepClass } from '../steps/registry.js';

export function createJourney(el, { onSeek }) {
	const box = d3.select(el);
	let drawn = null; // the journey drawn, to re-join only when the walk changes
	let lastState = null;

	box.on('click', event => {
		const b = event.target.closest('button[data-leg]');
		if (!b || !lastState) {
			return;
		}
		// the leg's first step this view visits (a leg always holds one in the story view: it starts at a rewrite or a send)
		const first = Number(b.dataset.first);
		const last = Number(b.dataset.last);
		const target = viewSteps(lastState).find(i => i >= first && i <= last) ?? first;
		onSeek(target);
		b.blur();
	});

	function update(state) {
		lastState = state;
		const e = currentEntry(state);
		const walk = e ? state.walks[e.walk] : state.walks[0];
		const nsLabel = id => state.topology?.namespaces.find(n => n.id === id)?.label || id;
		const j = state.status === 'ready' && walk ? (drawn?.key === `${state.seed}:${walk.index}` ? drawn.j : journeyOf(state.steps, walk, nsLabel)) : null;
		drawn = j ? { key: `${state.seed}:${walk.index}`, j } : null;
		box.attr('hidden', j ? null : '').attr('data-walk', j ? j.walk : null);
		const items = [];
		if (j) {
			// keys name the walk: another walk's strip is drawn afresh
			const k = drawn.key;
			items.push({ key: `${k}:from`, kind: 'end', text: j.from, title: `sent by ${j.fromDetail}` });
			j.legs.forEach((leg, i) => {
				if (leg.marker) {
					items.push({ key: `${k}:m${i}`, kind: 'marker', marker: leg.marker, leg });
				}
				items.push({ key: `${k}:l${i}`, kind: 'leg', leg, i });
			});
			items.push({ key: `${k}:to`, kind: 'end', text: j.outcome === 'DROPPED' ? `✕ ${j.to}` : `✓ ${j.to}`, title: j.toDetail, outcome: j.outcome });
		}
		const current = j && e ? legAt(j, e.index) : -1;
		const sel = box.selectAll(':scope > .jr')
			.data(items, d => d.key)
			.join(enter => enter.append(d => document.createElement(d.kind === 'leg' ? 'button' : 'span')).each(function (d) {
				const n = d3.select(this);
				if (d.kind === 'leg') {
					n.attr('type', 'button').attr('class', 'jr jr-leg').attr('data-testid', 'journey-leg')
						.attr('data-leg', d.i).attr('data-first', d.leg.first).attr('data-last', d.leg.last)
						.attr('title', `${d.leg.label}${d.leg.inner ? ` carrying ${d.leg.inner}` : ''}\n${d.leg.places.join(' › ')}`)
						.attr('aria-label', `Leg ${d.i + 1}: ${d.leg.label}${d.leg.inner ? `, carrying ${d.leg.inner}` : ''}, through ${d.leg.places.join(', ')}`);
					n.append('span').attr('class', 'jr-addr').text(d.leg.label);
					if (d.leg.inner) {
						n.append('span').attr('class', 'jr-inner').text(`⊃ ${d.leg.inner}`);
					}
					n.append('span').attr('class', 'jr-places').text(d.leg.places.join(' › '));
					n.append('span').attr('class', 'jr-progress').attr('aria-hidden', 'true');
				} else if (d.kind === 'marker') {
					n.attr('class', `jr jr-marker ${stepClass(d.marker.type)}`).attr('data-testid', 'journey-marker')
						.attr('data-type', d.marker.type).attr('title', `${d.marker.text} at ${d.marker.where}`)
						.text(`${d.marker.text} · ${d.marker.where}`);
				} else {
					n.attr('class', `jr jr-end${d.outcome ? ` jr-${d.outcome.toLowerCase()}` : ''}`).attr('title', d.title).text(d.text);
				}
			}));
		sel.filter(d => d.kind === 'leg')
			.classed('is-current', d => d.i === current)
			.classed('is-past', d => current >= 0 && d.i < current)
			.attr('aria-current', d => (d.i === current ? 'step' : null))
			.select('.jr-progress')
			.style('width', d => {
				if (d.i !== current) {
					return d.i < current ? '100%' : '0%';
				}
				const span = d.leg.last - d.leg.first;
				return `${Math.round(100 * (span === 0 ? 1 : (e.index - d.leg.first) / span))}%`;
			});
		// what sits at the stage's top (the walk's outcome) goes under the strip
		const stage = el.parentElement;
		if (stage) {
			stage.style.setProperty('--journey-bottom', j ? `${el.offsetTop + el.offsetHeight}px` : '0px');
		}
	}

	return { update };
}

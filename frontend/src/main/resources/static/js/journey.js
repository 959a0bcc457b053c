// The journey overview of one walk, derived from the trace: its legs from socket to socket, each with the addresses
// the packet carries on it (src → dst; the outer pair and the carried one inside a tunnel), the places it crosses,
// and the rewrite or encapsulation that starts the next leg. Pure (no DOM): render/journey.js draws it.

import { packetLabel } from './format.js';
import { stepName } from './steps/registry.js';

/** What the packet carries, as one comparable text: outer src → dst, and the inner pair inside a tunnel. */
export function carried(packet) {
	if (!packet) {
		return { label: '', inner: null, key: '' };
	}
	const label = packetLabel(packet);
	const inner = packet.vxlan && packet.inner ? packetLabel(packet.inner) : null;
	return { label, inner, key: inner ? `${label} | VXLAN ${packet.vxlan.vni} | ${inner}` : label };
}

/** The marker between two legs: the step that changed what the packet carries. */
export function markerOf(step) {
	if (step.type === 'nat') {
		return { type: step.type, text: String(step.kind) };
	}
	if (step.type === 'encapsulate') {
		return { type: step.type, text: `VXLAN ${step.vni} wrap` };
	}
	if (step.type === 'decapsulate') {
		return { type: step.type, text: `VXLAN ${step.vni} unwrap` };
	}
	return { type: step.type, text: stepName(step.type) };
}

/** A place's name in a strip: the topology's label when it is one word (pod1, node2), else the id's last part (vpc). */
export function shortName(id, nsLabel = x => x) {
	const label = nsLabel(id);
	if (label && label !== id && !/\s/.test(label)) {
		return label;
	}
	return id.slice(id.lastIndexOf('/') + 1);
}

/**
 * The legs of a walk: [{first, last, label, inner, places, marker}] where first/last are flat step indices, label
 * and inner what the packet carries on the leg, places the namespaces it crosses (in order, each once in a row), and
 * marker the rewrite that started the leg ({type, text, where}; null for the first). Also the socket it starts from and how it ends.
 */
export function journeyOf(steps, walk, nsLabel = id => id) {
	// a cluster change moves no packet: it has no journey
	if (!walk || walk.leg === 'CHANGE') {
		return null;
	}
	const legs = [];
	let leg = null;
	for (let i = walk.first; i <= walk.last; i++) {
		const s = steps[i].step;
		const c = carried(s.packet);
		if (!leg || c.key !== leg.key) {
			const marker = leg ? { ...markerOf(s), where: shortName(s.at.namespace, nsLabel) } : null;
			leg = { first: i, last: i, key: c.key, label: c.label, inner: c.inner, places: [], marker };
			legs.push(leg);
		}
		leg.last = i;
		const place = shortName(s.at.namespace, nsLabel);
		if (leg.places[leg.places.length - 1] !== place) {
			leg.places.push(place);
		}
	}
	const first = steps[walk.first].step;
	const last = steps[walk.last].step;
	const dropped = last.type === 'drop';
	return {
		walk: walk.index,
		from: shortName(first.at.namespace, nsLabel),
		fromDetail: first.type === 'send' ? first.socket : first.at.namespace,
		to: dropped ? `dropped in ${shortName(last.at.namespace, nsLabel)}` : shortName(last.at.namespace, nsLabel),
		toDetail: dropped ? `dropped: ${last.reason}` : last.type === 'deliver' ? last.socket : last.at.namespace,
		outcome: dropped ? 'DROPPED' : 'DELIVERED',
		legs: legs.map(({ key, ...rest }) => rest)
	};
}

/** Which leg holds the flat step index (-1 when none does: the cursor is in another walk or at the intro). */
export function legAt(journey, index) {
	return journey ? journey.legs.findIndex(l => index >= l.first && index <= l.last) : -1;
}

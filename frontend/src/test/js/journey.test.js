import test from 'node:test';
import assert from 'node:assert/strict';
import { carried, journeyOf, legAt, markerOf, shortName } from '../../main/resources/static/js/journey.js';
import { flatten } from '../../main/resources/static/js/store.js';
import { goldenTraces } from './goldens.js';

const GOLDENS = goldenTraces();
const flat = id => flatten(GOLDENS.find(g => g.id === id).trace);

test('pod-to-service: a DNAT on node1 splits the request into two legs', () => {
	const { steps, walks } = flat('pod-to-service');
	const j = journeyOf(steps, walks[0]);
	assert.equal(j.legs.length, 2);
	assert.equal(j.legs[0].marker, null);
	assert.match(j.legs[0].label, /→ 10\.9\.3\.76:80$/);
	assert.deepEqual(j.legs[1].marker, { type: 'nat', text: 'DNAT', where: 'node1' });
	assert.doesNotMatch(j.legs[1].label, /10\.9\.3\.76/);
	assert.equal(j.legs[0].first, walks[0].first);
	assert.equal(j.legs[1].last, walks[0].last);
	assert.equal(j.outcome, 'DELIVERED');
	assert.equal(j.legs[0].places[0], 'pod1');
});

test('pod-to-pod-vxlan: the tunnel leg carries the outer pair and the inner one', () => {
	const { steps, walks } = flat('pod-to-pod-vxlan');
	const j = journeyOf(steps, walks[0]);
	assert.deepEqual(j.legs.map(l => l.marker?.type ?? null), [null, 'encapsulate', 'decapsulate']);
	assert.equal(j.legs[1].inner, j.legs[0].label, 'the envelope carries the pod-to-pod packet untouched');
	assert.notEqual(j.legs[1].label, j.legs[0].label);
	assert.equal(j.legs[2].label, j.legs[0].label);
	assert.equal(markerOf({ type: 'encapsulate', vni: 1 }).text, 'VXLAN 1 wrap');
});

test('legs cover the walk without gaps, and every step is in exactly one', () => {
	for (const { id, trace } of GOLDENS) {
		const { steps, walks } = flatten(trace);
		for (const w of walks) {
			const j = journeyOf(steps, w);
			if (w.leg === 'CHANGE') {
				assert.equal(j, null, `${id}: a cluster change has no journey`);
				continue;
			}
			let next = w.first;
			for (const leg of j.legs) {
				assert.equal(leg.first, next, `${id}: legs are contiguous`);
				assert.ok(leg.last >= leg.first);
				assert.ok(leg.places.length > 0);
				assert.ok(!/undefined|NaN|null/.test(`${leg.label} ${leg.inner ?? ''} ${leg.places.join(' ')} ${leg.marker?.text ?? ''}`), `${id}: ${leg.label}`);
				next = leg.last + 1;
			}
			assert.equal(next, w.last + 1, `${id}: the last leg ends the walk`);
			assert.equal(legAt(j, w.first), 0);
			assert.equal(legAt(j, w.last), j.legs.length - 1);
			assert.equal(legAt(j, w.last + 1), -1);
		}
	}
});

test('places and carried text', () => {
	assert.equal(shortName('vpc', () => 'VPC network 10.240.0.0/16'), 'vpc');
	assert.equal(shortName('default/pod1', () => 'pod1'), 'pod1');
	assert.equal(shortName('host/client', () => 'client 192.0.2.50'), 'client');
	assert.deepEqual(carried(null), { label: '', inner: null, key: '' });
	assert.equal(journeyOf([], null), null);
});

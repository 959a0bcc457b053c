import { test } from 'node:test';
import assert from 'node:assert/strict';

import { multiFlow, parseLink, resolveCursor, shareLink, viewOf, withView } from '../../main/resources/static/js/deeplink.js';
import { flatten, initialState, reducer } from '../../main/resources/static/js/store.js';
import { twoWalkTrace } from './fixtures.js';

test('parseLink reads seed, step and flow, and drops malformed values', () => {
	assert.deepEqual(parseLink('?seed=3&step=12&flow=dns'), { seed: 3, step: 12, flow: 'dns', view: null });
	assert.deepEqual(parseLink('?seed=-1&step=two&flow=&view=movie'), { seed: null, step: null, flow: null, view: null });
	assert.deepEqual(parseLink(''), { seed: null, step: null, flow: null, view: null });
	assert.deepEqual(parseLink('?view=story&step=4'), { seed: null, step: 4, flow: null, view: 'story' });
});

function stepsOfTwoFlows() {
	const t = twoWalkTrace();
	t.walks[1].flow = 'f2';
	return flatten(t).steps;
}

test('resolveCursor: the step when it exists and belongs to the named flow, else the flow start, else the intro', () => {
	const steps = stepsOfTwoFlows();
	assert.equal(resolveCursor(steps, { step: 2, flow: null }), 1);
	assert.equal(resolveCursor(steps, { step: 99, flow: null }), 4, 'past the end: the last step');
	assert.equal(resolveCursor(steps, { step: 4, flow: 'f2' }), 3);
	assert.equal(resolveCursor(steps, { step: 1, flow: 'f2' }), 3, 'a step of another flow: the named flow starts');
	assert.equal(resolveCursor(steps, { step: null, flow: 'f2' }), 3);
	assert.equal(resolveCursor(steps, { step: 2, flow: 'nope' }), 1, 'an unknown flow does not hide the step');
	assert.equal(resolveCursor(steps, { step: 0, flow: null }), -1);
});

test('viewOf names the flow only when the trace has several', () => {
	let s = reducer(reducer(initialState, { type: 'traceLoaded', trace: twoWalkTrace() }), { type: 'seek', index: 1 });
	assert.equal(multiFlow(s), false);
	assert.deepEqual(viewOf(s), { seed: 7, step: 2, flow: null, view: null });
	const t = twoWalkTrace();
	t.walks[1].flow = 'f2';
	s = reducer(reducer(initialState, { type: 'traceLoaded', trace: t }), { type: 'seek', index: 3 });
	assert.equal(multiFlow(s), true);
	assert.deepEqual(viewOf(s), { seed: 7, step: 4, flow: 'f2', view: null });
	assert.deepEqual(viewOf(reducer(s, { type: 'seek', index: -1 })), { seed: 7, step: 0, flow: null, view: null });
});

test('withView sets the view, removes stale parameters and keeps the others', () => {
	const u = withView('http://x/scenarios/a?lang=en&step=9&flow=old', { seed: 2, step: 0, flow: null });
	assert.equal(u.toString(), 'http://x/scenarios/a?lang=en&seed=2');
	assert.equal(withView('http://x/s', { seed: null, step: 3, flow: 'f' }).search, '?flow=f&step=3');
});

test('shareLink encodes the scenario id', () => {
	assert.equal(shareLink('http://h:1', 'a b', { seed: 1, step: 2, flow: null }), 'http://h:1/scenarios/a%20b?seed=1&step=2');
});

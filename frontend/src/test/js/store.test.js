import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
	atEnd, atStart, createStore, currentStep, finalDisposition, finishedWalks, flatten, initialState, isDropped,
	previousPacket, reducer, trailSoFar
} from '../../main/resources/static/js/store.js';
import { twoWalkTrace } from './fixtures.js';

const loaded = () => reducer(initialState, { type: 'traceLoaded', trace: twoWalkTrace() });

test('flatten lists every step once, in order, and remembers where it sits', () => {
	const { steps, walks } = flatten(twoWalkTrace());
	assert.equal(steps.length, 5);
	assert.deepEqual(steps.map(s => s.index), [0, 1, 2, 3, 4]);
	assert.deepEqual(steps.map(s => [s.walk, s.hop, s.stepInHop]), [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1]]);
	assert.deepEqual(steps.map(s => s.firstInWalk), [true, false, false, true, false]);
	assert.deepEqual(walks.map(w => [w.first, w.last, w.leg]), [[0, 2, 'REQUEST'], [3, 4, 'REPLY']]);
	assert.deepEqual(flatten(null), { steps: [], walks: [] });
});

test('a loaded trace starts at the intro, ready, with the trace seed', () => {
	const s = loaded();
	assert.equal(s.status, 'ready');
	assert.equal(s.cursor, -1);
	assert.equal(s.seed, 7);
	assert.ok(atStart(s));
	assert.equal(currentStep(s), null);
});

test('seek and stepBy stay inside the trace and ignore nonsense', () => {
	let s = loaded();
	s = reducer(s, { type: 'seek', index: 99 });
	assert.equal(s.cursor, 4);
	assert.ok(atEnd(s));
	s = reducer(s, { type: 'seek', index: -5 });
	assert.equal(s.cursor, -1);
	s = reducer(s, { type: 'seek', index: 2.7 });
	assert.equal(s.cursor, 2);
	s = reducer(s, { type: 'seek', index: Number.NaN });
	assert.equal(s.cursor, 2);
	s = reducer(s, { type: 'stepBy', delta: 1 });
	assert.equal(currentStep(s).narration, 'answers');
	s = reducer(s, { type: 'stepBy', delta: -10 });
	assert.equal(s.cursor, -1);
});

test('playing stops at the end and starts over from there', () => {
	let s = reducer(loaded(), { type: 'play' });
	assert.equal(s.playing, true);
	s = reducer(s, { type: 'seek', index: 4 });
	assert.equal(s.playing, false, 'reaching the last step stops playing');
	s = reducer(s, { type: 'play' });
	assert.equal(s.playing, true);
	assert.equal(s.cursor, -1, 'play from the end starts over');
	assert.equal(reducer(initialState, { type: 'play' }), initialState, 'nothing to play before a trace');
});

test('pause, speed and unknown actions return the same state object when nothing changes', () => {
	const s = loaded();
	assert.equal(reducer(s, { type: 'pause' }), s);
	assert.equal(reducer(s, { type: 'nonsense' }), s);
	assert.equal(reducer(s, { type: 'speed', speed: 'fast' }), s);
	assert.equal(reducer(s, { type: 'speed', speed: 0 }), s);
	assert.equal(reducer(s, { type: 'speed', speed: 10 }).speed, 4);
	assert.equal(reducer(s, { type: 'speed', speed: 0.1 }).speed, 0.25);
	assert.equal(reducer(s, { type: 'speed', speed: '1.5' }).speed, 1.5);
});

test('a failure stops playing and keeps the error', () => {
	const s = reducer(reducer(loaded(), { type: 'play' }), { type: 'failed', error: 'boom' });
	assert.equal(s.status, 'error');
	assert.equal(s.error, 'boom');
	assert.equal(s.playing, false);
});

test('selectors: the previous packet of the walk, the trail, the finished walks and the ending', () => {
	let s = reducer(loaded(), { type: 'seek', index: 3 });
	assert.equal(previousPacket(s), null, 'the first step of a walk has nothing to compare with');
	assert.deepEqual(trailSoFar(s).map(e => e.index), [3]);
	assert.deepEqual(finishedWalks(s).map(w => w.index), [0]);
	assert.equal(finalDisposition(s), null);
	assert.equal(isDropped(s), false);
	s = reducer(s, { type: 'stepBy', delta: 1 });
	assert.equal(previousPacket(s).ip.src, '10.244.1.3');
	assert.deepEqual(trailSoFar(s).map(e => e.index), [3, 4]);
	assert.equal(finalDisposition(s).summary, 'reply accepted');
});

test('the store notifies subscribers only when the state changes, until they unsubscribe', () => {
	const store = createStore(reducer, loaded());
	const seen = [];
	const off = store.subscribe((state, action) => seen.push([state.cursor, action.type]));
	store.dispatch({ type: 'seek', index: 1 });
	store.dispatch({ type: 'pause' });
	off();
	store.dispatch({ type: 'seek', index: 2 });
	assert.deepEqual(seen, [[1, 'seek']]);
	assert.equal(store.getState().cursor, 2);
});

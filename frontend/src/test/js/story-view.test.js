import test from 'node:test';
import assert from 'node:assert/strict';
import { atEnd, initialState, previousPacket, previousShown, reducer, viewPosition, viewSteps } from '../../main/resources/static/js/store.js';
import { parseLink, viewOf, withView } from '../../main/resources/static/js/deeplink.js';
import { isStoryStep } from '../../main/resources/static/js/steps/registry.js';
import { goldenTraces } from './goldens.js';

const GOLDENS = goldenTraces();
const golden = id => GOLDENS.find(g => g.id === id).trace;
const loaded = id => reducer({ ...initialState, scenario: { topology: { namespaces: [] } } }, { type: 'traceLoaded', trace: golden(id) });
const run = (state, ...actions) => actions.reduce(reducer, state);

test('the story steps are the registry\'s, in order', () => {
	const s = loaded('pod-to-service');
	assert.ok(s.story.length > 0 && s.story.length < s.steps.length);
	assert.deepEqual(s.story, s.steps.filter(e => isStoryStep(e.step)).map(e => e.index));
	assert.equal(s.view, 'kernel');
	assert.deepEqual(viewSteps(s), s.steps.map(e => e.index));
});

test('stepping in the story view visits only story steps, both ways, and ends where the trace ends', () => {
	let s = run(loaded('pod-to-pod-vxlan'), { type: 'setView', view: 'story' });
	const visited = [];
	while (!atEnd(s)) {
		s = reducer(s, { type: 'stepBy', delta: 1 });
		visited.push(s.cursor);
	}
	assert.deepEqual(visited, s.story);
	assert.equal(s.cursor, s.steps.length - 1);
	const back = [];
	while (s.cursor >= 0) {
		s = reducer(s, { type: 'stepBy', delta: -1 });
		back.push(s.cursor);
	}
	assert.deepEqual(back, [...s.story].reverse().slice(1).concat(-1));
});

test('switching views keeps the same moment', () => {
	let s = run(loaded('pod-to-service'), { type: 'seek', index: 10 });
	assert.ok(!s.story.includes(10), 'step 11 is kernel-only (a precondition)');
	s = reducer(s, { type: 'setView', view: 'story' });
	assert.equal(s.cursor, 10, 'the same step, shown in the story view');
	const covering = s.story.filter(i => i <= 10).pop();
	assert.deepEqual(viewPosition(s), { position: s.story.indexOf(covering) + 1, total: s.story.length, onStep: false });
	s = reducer(s, { type: 'stepBy', delta: 1 });
	const next = s.story.find(i => i > 10);
	assert.equal(s.cursor, next, 'one press: the next story step');
	assert.deepEqual(viewPosition(s), { position: s.story.indexOf(next) + 1, total: s.story.length, onStep: true });
	s = reducer(s, { type: 'setView', view: 'kernel' });
	assert.equal(s.cursor, next, 'back in the kernel view, still the same step');
	assert.equal(reducer(s, { type: 'setView', view: 'kernel' }), s, 'no change, same state');
	assert.equal(reducer(s, { type: 'setView', view: 'sideways' }), s, 'an unknown view is ignored');
});

test('a deep link to a kernel-only step in the story view steps to the story steps around it', () => {
	let s = run(loaded('pod-to-service'), { type: 'setView', view: 'story' }, { type: 'seek', index: 10 });
	assert.equal(s.cursor, 10);
	const before = s.story.filter(i => i < 10).pop();
	const after = s.story.find(i => i > 10);
	assert.equal(reducer(s, { type: 'stepBy', delta: 1 }).cursor, after);
	assert.equal(reducer(s, { type: 'stepBy', delta: -1 }).cursor, before);
	assert.equal(viewPosition(s).onStep, false);
});

test('the inspector compares with the previous step shown: the last story step in the story view', () => {
	let s = run(loaded('pod-to-service'), { type: 'setView', view: 'story' }, { type: 'stepBy', delta: 1 }, { type: 'stepBy', delta: 1 });
	const [first, second] = s.story;
	assert.equal(s.cursor, second);
	assert.equal(previousShown(s).index, first);
	assert.equal(previousPacket(s), s.steps[first].step.packet);
	s = reducer(s, { type: 'setView', view: 'kernel' });
	assert.equal(previousShown(s).index, second - 1);
	// a walk's first step compares with nothing
	s = reducer(s, { type: 'seek', index: s.walks[1].first });
	assert.equal(previousShown(s), null);
	assert.equal(previousShown(reducer(s, { type: 'setView', view: 'story' })), null);
});

test('playing in the story view stops at the end', () => {
	let s = run(loaded('container-to-container'), { type: 'setView', view: 'story' }, { type: 'play' });
	while (s.playing) {
		s = reducer(s, { type: 'stepBy', delta: 1 });
	}
	assert.ok(atEnd(s));
});

test('deep links carry the view', () => {
	assert.equal(parseLink('?view=story&step=3').view, 'story');
	assert.equal(parseLink('?view=kernel').view, 'kernel');
	assert.equal(parseLink('?view=poster').view, null);
	assert.equal(parseLink('?step=3').view, null);
	const s = run(loaded('pod-to-service'), { type: 'setView', view: 'story' }, { type: 'stepBy', delta: 1 });
	const v = viewOf(s);
	assert.equal(v.view, 'story');
	assert.equal(withView('http://x/scenarios/p?view=kernel', v).search, `?view=story&seed=${s.seed}&step=1`);
	assert.equal(withView('http://x/scenarios/p?view=story&present', viewOf(reducer(s, { type: 'setView', view: 'kernel' }))).searchParams.has('view'), false);
});

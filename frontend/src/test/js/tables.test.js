import test from 'node:test';
import assert from 'node:assert/strict';
import { pickTab, stateStep } from '../../main/resources/static/js/evidence/tables.js';

test('the intro asks for the state before the first step; step i (0-based cursor) for step i + 1', () => {
	assert.equal(stateStep(-1), 0);
	assert.equal(stateStep(0), 1);
	assert.equal(stateStep(7), 8);
});

test('the tab: the learner\'s choice if there, else the first the step touched, else the first', () => {
	const tables = [
		{ id: 'route', lines: [{ text: 'default via 10.0.0.1 dev eth0' }] },
		{ id: 'neigh', lines: [] },
		{ id: 'conntrack', lines: [{ text: 'tcp 6 …', mark: 'updated' }] }
	];
	assert.equal(pickTab(tables, null), 'conntrack');
	assert.equal(pickTab(tables, 'neigh'), 'neigh');
	assert.equal(pickTab(tables, 'fdb'), 'conntrack');
	assert.equal(pickTab(tables.slice(0, 2), null), 'route');
	assert.equal(pickTab([], null), null);
});

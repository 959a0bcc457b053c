import test from 'node:test';
import assert from 'node:assert/strict';
import { isAbsent, isUnaddressed, lifecycleOf } from '../../main/resources/static/js/lifecycle.js';
import { flatten } from '../../main/resources/static/js/store.js';
import { goldenTraces } from './goldens.js';

const trace = id => goldenTraces().find(g => g.id === id).trace;

test('pod-network-setup: the pod and its eth0 exist only from the steps that create them', () => {
	const { steps } = flatten(trace('pod-network-setup'));
	const life = lifecycleOf(steps);
	const sandbox = steps.findIndex(e => e.step.type === 'cni' && e.step.action === 'SANDBOX');
	const veth = steps.findIndex(e => e.step.type === 'cni' && e.step.action === 'VETH');
	const move = steps.findIndex(e => e.step.type === 'cni' && e.step.action === 'MOVE');
	assert.ok(sandbox >= 0 && sandbox < veth && veth < move);
	assert.ok(isAbsent(life, 'default/web', null, -1), 'before the first step the pod is not there');
	assert.ok(!isAbsent(life, 'default/web', null, sandbox));
	assert.ok(isAbsent(life, 'default/web', 'eth0', sandbox), 'the namespace exists before eth0');
	assert.ok(!isAbsent(life, 'default/web', 'eth0', veth));
	const hostEnd = steps[move].step.creates[0].split('/');
	assert.ok(isAbsent(life, hostEnd[0], hostEnd[1], veth), 'the host end is on the node only once moved');
	assert.ok(!isAbsent(life, hostEnd[0], hostEnd[1], move));
	// what the timeline never touches is always there
	assert.ok(!isAbsent(life, 'default/client', 'eth0', -1));
});

test('backend-dies-mid-connection: a deleted pod is gone from its CNI DEL on', () => {
	const { steps } = flatten(trace('backend-dies-mid-connection'));
	const life = lifecycleOf(steps);
	const unplug = steps.findIndex(e => e.step.type === 'cni' && e.step.action === 'UNPLUG');
	const teardown = steps.findIndex(e => e.step.type === 'cni' && e.step.action === 'TEARDOWN');
	assert.equal(steps[unplug].step.pod, 'default/web-1');
	assert.ok(!isAbsent(life, 'default/web-1', 'eth0', unplug - 1));
	assert.ok(isAbsent(life, 'default/web-1', 'eth0', unplug));
	assert.ok(!isAbsent(life, 'default/web-1', null, unplug));
	assert.ok(isAbsent(life, 'default/web-1', null, teardown));
});

test('pod-network-setup: eth0 has its address only from the ADDRESS step on', () => {
	const { steps } = flatten(trace('pod-network-setup'));
	const life = lifecycleOf(steps);
	const veth = steps.findIndex(e => e.step.type === 'cni' && e.step.action === 'VETH');
	const address = steps.findIndex(e => e.step.type === 'cni' && e.step.action === 'ADDRESS');
	assert.ok(veth < address);
	assert.ok(isUnaddressed(life, 'default/web', 'eth0', veth), 'the veth pair has no address yet');
	assert.ok(isUnaddressed(life, 'default/web', 'eth0', address - 1));
	assert.ok(!isUnaddressed(life, 'default/web', 'eth0', address));
	// a device no CNI step addresses keeps its address all along
	assert.ok(!isUnaddressed(life, 'default/client', 'eth0', -1));
});

import test from 'node:test';
import assert from 'node:assert/strict';
import {
	FILTER_GROUPS, STEP_TYPES, STORY_REASONS, isStoryStep, stepClass, stepName, stepShort, stepSummary, stepType, storyReason, typesOfGroup
} from '../../main/resources/static/js/steps/registry.js';
import { goldenTraces, stepsOf } from './goldens.js';

const GOLDENS = goldenTraces();
const BAD_TEXT = /undefined|NaN|null|\[object Object\]/;

test('the golden traces are there to test against', () => {
	assert.ok(GOLDENS.length >= 20, `found ${GOLDENS.length} golden traces`);
});

test('every entry names, groups, colours and classifies its type', () => {
	const groups = new Set(FILTER_GROUPS.map(g => g.id));
	for (const type of STEP_TYPES) {
		const e = stepType(type);
		assert.equal(e.type, type);
		assert.ok(!e.unknown, type);
		assert.ok(e.name && e.short, `${type} has a name and a short name`);
		assert.ok(groups.has(e.group), `${type}'s filter group ${e.group} is a FILTER_GROUPS id`);
		assert.ok(['headers', 'detail'].includes(e.focus), `${type} says which inspector presenter mode keeps`);
		assert.equal(e.cssClass, `step-${type}`);
		for (const fn of ['story', 'summary', 'detail']) {
			assert.equal(typeof e[fn], 'function', `${type}.${fn}`);
		}
	}
	// every group has a type, so no chip filters nothing
	for (const g of FILTER_GROUPS) {
		assert.ok(typesOfGroup(g.id).length > 0, `group ${g.id} holds a step type`);
	}
});

test('every step type of every golden trace has an entry', () => {
	const seen = new Set(GOLDENS.flatMap(g => stepsOf(g.trace).map(s => s.type)));
	for (const t of seen) {
		assert.ok(STEP_TYPES.includes(t), `${t} is in the registry`);
	}
	// and the registry names no type the traces never use, except the ones the goldens happen not to cover
	assert.ok(seen.size >= 14, `the goldens use ${seen.size} types`);
});

test('an unknown type is loud, never a default that looks right', () => {
	const errors = [];
	const original = console.error;
	console.error = m => errors.push(m);
	try {
		const e = stepType('teleport');
		assert.equal(e.unknown, true);
		assert.equal(e.cssClass, 'step-unknown');
		assert.match(e.name, /Unknown step/);
		assert.match(stepSummary({ type: 'teleport' }), /unknown step type/);
		stepName('teleport');
		assert.equal(errors.length, 1, 'the console names it once');
		assert.match(errors[0], /teleport/);
		// shown in the story view too: nothing is hidden because the page is older than the server
		assert.equal(isStoryStep({ type: 'teleport' }), true);
	} finally {
		console.error = original;
	}
	assert.equal(stepType('toString').unknown, true, 'no prototype property passes for a type');
});

test('names, short names and classes', () => {
	assert.equal(stepName('neighbor'), 'Neighbour (ARP)');
	assert.equal(stepShort('encapsulate'), 'encap');
	assert.equal(stepClass('policy'), 'step-policy');
	assert.equal(stepType('ipvs').group, 'nat');
	assert.equal(stepType('policy').group, 'policy');
});

test('every summary of every golden step is text with no undefined, NaN or null', () => {
	for (const { id, trace } of GOLDENS) {
		for (const s of stepsOf(trace)) {
			const text = stepSummary(s);
			assert.equal(typeof text, 'string');
			assert.ok(text.length > 0, `${id}: ${s.type} has a summary`);
			assert.doesNotMatch(text, BAD_TEXT, `${id}: ${s.type} summary "${text}"`);
		}
	}
});

test('a bridge step that comes from the stack names it (was "cni0: undefined → veth…")', () => {
	const s = { type: 'bridge', bridge: 'cni0', outPort: 'veth1', decision: 'FDB_HIT', packet: {} };
	assert.equal(stepSummary(s), 'cni0: from the stack → veth1');
	assert.equal(stepSummary({ ...s, inPort: 'veth0', outPort: null, decision: 'LOCAL' }), 'cni0: veth0 → local stack');
	assert.equal(stepSummary({ ...s, inPort: 'veth0', outPort: null, decision: 'FLOOD' }), 'cni0: veth0 → all ports');
});

test('a flood names its copies and how many were discarded, lists each with its fate, and is a story step', () => {
	const peer = d => ({ node: 'n', namespace: `default/${d}`, device: 'eth0' });
	const s = {
		type: 'bridge', bridge: 'cni0', inPort: 'veth0', outPort: 'veth2', decision: 'FLOOD', packet: {}, fdb: [],
		copies: [
			{ port: 'veth1', peer: peer('a'), fate: 'DISCARDED', detail: 'Arrives on eth0 in a, whose MAC is x, not y.' },
			{ port: 'veth2', peer: peer('b'), fate: 'FOLLOWED', detail: 'Reaches y\'s owner.' }
		]
	};
	assert.equal(stepSummary(s), 'cni0: veth0 → veth2 · 2 copies, 1 discarded');
	assert.equal(storyReason(s), 'boundary');
	assert.equal(storyReason({ ...s, decision: 'FDB_HIT', copies: undefined }), null);
	const { out, v } = recorder();
	stepType('bridge').detail(v, s);
	assert.ok(out.includes('veth1 → default/a/eth0: DISCARDED (not its MAC: PACKET_OTHERHOST, dropped before IP)'), out.join('\n'));
	assert.ok(out.includes('Arrives on eth0 in a, whose MAC is x, not y.'), out.join('\n'));
});

/** A stand-in for render/panels.js's widgets that records what a detail renderer draws. */
function recorder() {
	const out = [];
	const text = v => out.push(typeof v === 'string' ? v : JSON.stringify(v));
	return {
		out,
		v: {
			dl: pairs => pairs.filter(([, v]) => v != null && v !== '').forEach(([k, v]) => { text(k); text(v); }),
			codeList: lines => lines.forEach(text),
			diffTable: diffs => diffs.forEach(d => text(`${d.field} ${d.before} ${d.after}`)),
			envelope: () => {},
			sub: text,
			warn: text,
			netfilter: s => text(s.verdict),
			nftables: s => { text(s.verdict); (s.lookups || []).forEach(l => text(`${l.set} ${l.key}`)); (s.draws || []).forEach(d => text(`${d.value} ${d.verdict}`)); },
			nat: s => text(s.kind),
			conntrack: s => text(s.state),
			drop: s => text(s.reason),
			raw: () => assert.fail('no known step falls to the raw renderer')
		}
	};
}

test('every detail renderer draws every golden step without undefined, NaN or null', () => {
	for (const { id, trace } of GOLDENS) {
		for (const s of stepsOf(trace)) {
			const r = recorder();
			stepType(s.type).detail(r.v, s);
			assert.ok(r.out.length > 0, `${id}: ${s.type} draws something`);
			for (const t of r.out) {
				assert.doesNotMatch(t, BAD_TEXT, `${id}: ${s.type} detail "${t}"`);
			}
		}
	}
});

// ---- the story classification ---------------------------------------------------------------------------------

test('story reasons are the documented ones', () => {
	for (const { trace } of GOLDENS) {
		for (const s of stepsOf(trace)) {
			const r = storyReason(s);
			assert.ok(r === null || Object.hasOwn(STORY_REASONS, r), `${s.type}: ${r}`);
		}
	}
});

test('the story view keeps every rewrite, verdict, pick and end, and drops the kernel plumbing', () => {
	for (const { id, trace } of GOLDENS) {
		for (const s of stepsOf(trace)) {
			const story = isStoryStep(s);
			switch (s.type) {
				case 'send':
				case 'deliver':
				case 'drop':
				case 'nat':
				case 'encapsulate':
				case 'decapsulate':
				case 'policy':
				case 'ipvs':
				case 'transmit':
				case 'receive':
				case 'cni':
				case 'endpoints':
				case 'proxy-sync':
				case 'node-sync':
				case 'wait':
					assert.ok(story, `${id}: ${s.type} is a story step`);
					break;
				case 'netfilter':
					assert.equal(story, /^(DROP|REJECT)\b/.test(s.verdict), `${id}: netfilter ${s.verdict}`);
					break;
				case 'nftables':
					// a drop or reject is a verdict; a numgen draw is the endpoint pick
					assert.equal(story, /^(drop|reject)\b/.test(s.verdict) || (s.draws || []).length > 0,
						`${id}: nftables ${s.chain} ${s.verdict}`);
					break;
				case 'route':
					assert.equal(story, (s.table[s.matched] || '').split('nexthop').length > 2, `${id}: route ${s.table[s.matched]}`);
					break;
				case 'bridge':
					// a flood sends copies out of the other ports: a boundary
					assert.equal(story, s.decision === 'FLOOD', `${id}: bridge ${s.decision}`);
					break;
				case 'neighbor':
				case 'conntrack':
				case 'forward':
					assert.ok(!story, `${id}: ${s.type} is kernel-only`);
					break;
				default:
					assert.fail(`${id}: ${s.type} is not covered by this test`);
			}
		}
	}
});

test('every walk of every built-in scenario tells its story in at most 25 steps, from its send to its end', () => {
	const counts = [];
	for (const { id, trace } of GOLDENS) {
		const perWalk = trace.walks.map(w => {
			const steps = w.hops.flatMap(h => h.steps);
			const story = steps.filter(isStoryStep);
			assert.equal(story[0], steps[0], `${id}: a walk's story starts where it does`);
			assert.equal(story[story.length - 1], steps[steps.length - 1], `${id}: a walk's story ends where it does`);
			return story.length;
		});
		counts.push(`${id} ${perWalk.join('/')}`);
		assert.ok(Math.max(...perWalk) <= 25, `${id}: ${perWalk.join(', ')} story steps`);
	}
	assert.ok(counts.length === GOLDENS.length);
});

test('the load balancer\'s pick is a story step (lb-cluster-policy: the VPC\'s equal-cost next hops)', () => {
	const lb = GOLDENS.find(g => g.id === 'lb-cluster-policy');
	assert.ok(lb, 'lb-cluster-policy golden');
	const picks = stepsOf(lb.trace).filter(s => storyReason(s) === 'pick');
	assert.ok(picks.length >= 1);
	assert.equal(picks[0].type, 'route');
	assert.equal(picks[0].at.namespace, 'vpc');
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { SHOW_RUN, fraction, ladder, walkCounts, walkRows } from '../../main/resources/static/js/evidence/rulewalk.js';
import { goldenTraces, stepsOf } from './goldens.js';

const GOLDENS = goldenTraces();
const golden = id => GOLDENS.find(g => g.id === id).trace;
const netfilterSteps = id => stepsOf(golden(id)).filter(s => s.type === 'netfilter');

test('every golden netfilter step: the walk accounts for rulesEvaluated and lists the matched rules in order', () => {
	for (const { id, trace } of GOLDENS) {
		for (const s of stepsOf(trace).filter(x => x.type === 'netfilter')) {
			const c = walkCounts(s);
			assert.equal(c.tested, s.rulesEvaluated, `${id} ${s.table}/${s.hook}`);
			assert.equal(c.matched, s.matched.length, `${id} ${s.table}/${s.hook}`);
			const all = walkRows(s, new Set(), true);
			assert.equal(all.filter(r => r.kind === 'rule' || r.kind === 'miss').length, s.rulesEvaluated);
			assert.ok(all.every(r => r.kind !== 'unknown'));
		}
	}
});

test('iptables-scaling: 46 rules tested, 4 matched, the long KUBE-SERVICES run collapsed until opened', () => {
	const s = netfilterSteps('iptables-scaling').find(x => x.rulesEvaluated === 46);
	const rows = walkRows(s);
	const collapsed = rows.filter(r => r.kind === 'skipped' && r.collapsed);
	assert.ok(collapsed.length >= 1);
	assert.ok(collapsed.every(r => r.count > SHOW_RUN));
	const open = walkRows(s, new Set(collapsed.map(r => r.key)));
	assert.equal(open.filter(r => r.kind === 'rule' || r.kind === 'miss').length, 46);
	assert.equal(open.filter(r => r.kind === 'rule' && r.matched).length, 4);
	assert.ok(open.filter(r => r.kind === 'miss').every(r => r.rule.startsWith(`-A ${r.chain} `)));
	// the jump into KUBE-SERVICES indents what runs there
	const svc = open.find(r => r.chain === 'KUBE-SERVICES');
	assert.equal(svc.depth, 1);
});

test('kuard-five-endpoints: four rungs drew; the ones that missed drew at least their probability, the pick less', () => {
	const s = netfilterSteps('kuard-five-endpoints').find(x => x.matched.some(m => m.chain.startsWith('KUBE-SVC-')));
	const rungs = ladder(s);
	assert.equal(rungs.length, 4);
	rungs.forEach((r, i) => {
		assert.equal(r.picked, i === 3);
		assert.equal(r.draw < r.probability, r.picked);
	});
	assert.deepEqual(rungs.map(r => fraction(r.probability)), ['0.2000', '0.2500', '0.3333', '0.5000']);
});

test('a walk that ends in the policy says so; returns go back one level', () => {
	const s = { walk: [
		{ kind: 'rule', matched: true, hit: { chain: 'FORWARD', number: 1, rule: '-A FORWARD -j X', action: 'JUMP', target: 'X' } },
		{ kind: 'skipped', chain: 'X', from: 1, to: 1, rules: ['-A X -s 1.2.3.4/32 -j DROP'] },
		{ kind: 'return', chain: 'X', to: 'FORWARD' },
		{ kind: 'policy', chain: 'FORWARD', policy: 'ACCEPT' }
	] };
	const rows = walkRows(s);
	assert.deepEqual(rows.map(r => `${r.kind}@${r.depth}`), ['rule@0', 'skipped@1', 'miss@1', 'return@0', 'policy@0']);
	assert.deepEqual(walkCounts(s), { tested: 2, matched: 1 });
	assert.deepEqual(ladder(s), []);
});

test('every golden nftables step: the walk accounts for rulesEvaluated, the matched rules, the lookups and draws', () => {
	let steps = 0;
	for (const { id, trace } of GOLDENS) {
		for (const s of stepsOf(trace).filter(x => x.type === 'nftables')) {
			steps++;
			const c = walkCounts(s);
			assert.equal(c.tested, s.rulesEvaluated, `${id} ${s.chain}`);
			assert.equal(c.matched, s.matched.length, `${id} ${s.chain}`);
			const rows = walkRows(s, new Set(), true).filter(r => r.kind === 'rule');
			assert.deepEqual(rows.flatMap(r => r.lookups || []), s.lookups, `${id} ${s.chain}`);
			assert.deepEqual(rows.filter(r => r.numgen).map(r => r.numgen), s.draws, `${id} ${s.chain}`);
		}
	}
	assert.ok(steps > 0, 'the goldens have nftables steps');
});

test('kuard-five-endpoints-nftables: the walk row of the numgen rule carries the value drawn, the vmap row its element', () => {
	const s = stepsOf(golden('kuard-five-endpoints-nftables')).find(x => x.type === 'nftables' && (x.draws || []).length);
	const rows = walkRows(s).filter(r => r.kind === 'rule');
	const vmap = rows.find(r => (r.lookups || []).some(l => l.set === 'service-ips' && l.element));
	assert.equal(vmap.action, 'GOTO');
	assert.match(vmap.lookups.at(-1).element, /: goto service-/);
	const pick = rows.find(r => r.numgen);
	assert.equal(pick.numgen.mod, 5);
	assert.ok(pick.numgen.value >= 0 && pick.numgen.value < 5);
	assert.equal(pick.effect, pick.numgen.verdict);
	// the depth: base chain 0, services (jumped to) 1, the gotos stay at 1
	assert.equal(rows[0].depth, 0);
	assert.equal(vmap.depth, 1);
	assert.equal(pick.depth, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { contextAt, indentAfter, keyAt, keyOptions, quickFix, schemaAt, siblingKeys, valueOptions }
	from '../../main/resources/static/js/author/yamlschema.js';

const schema = JSON.parse(readFileSync(new URL('../../../../model/src/main/resources/dev/packetwalk/scenario/scenario.schema.json', import.meta.url)));

const DOC = `apiVersion: packetwalk.dev/v1alpha1
cluster:
  network: fl
  nodes:
    - name: node1
      podCIDR: 10.244.1.0/24
  pods:
  - name: web
    containers:
      - name: c
        ports:
          - {containerPort: 80}
    lab
flows:
  - from: web
    pro
`;

const at = (needle, extra = needle.length) => DOC.indexOf(needle) + extra;

test('contextAt finds a value being written and the path of its mapping', () => {
	assert.deepEqual(contextAt(DOC, at('network: fl')), { kind: 'value', path: ['cluster'], key: 'network', prefix: 'fl', from: at('network: fl', 9) });
	assert.deepEqual(contextAt(DOC, at('podCIDR: 10.244.1.0/24')).path, ['cluster', 'nodes', '[]']);
});

test('contextAt finds a key being written inside items, also items whose marker sits under their key', () => {
	const lab = contextAt(DOC, at('    lab'));
	assert.equal(lab.kind, 'key');
	assert.deepEqual(lab.path, ['cluster', 'pods', '[]']);
	assert.equal(lab.prefix, 'lab');
	assert.deepEqual(contextAt(DOC, at('    pro')).path, ['flows', '[]']);
	assert.deepEqual(contextAt(DOC, at('        ports:', 10)).path, ['cluster', 'pods', '[]', 'containers', '[]']);
	assert.equal(contextAt(DOC, at('{containerPort')), null, 'flow style is not guessed at');
});

test('the schema gives the keys, values and help at a path', () => {
	assert.ok(valueOptions(schema, ['cluster'], 'network').some(o => o.label === 'flannel-vxlan'));
	assert.deepEqual(valueOptions(schema, ['flows', '[]'], 'reply').map(o => o.label), ['true', 'false']);
	const podKeys = keyOptions(schema, ['cluster', 'pods', '[]'], new Set(['name'])).map(o => o.label);
	assert.ok(podKeys.includes('labels') && podKeys.includes('node') && !podKeys.includes('name'));
	assert.ok(schemaAt(schema, ['cluster', 'pods', '[]', 'containers', '[]', 'ports', '[]', 'containerPort']));
	assert.ok(keyOptions(schema, ['flows', '[]']).find(o => o.label === 'protocol').info.length > 0);
});

test('keyAt names the key under the pointer, on its name or its value', () => {
	const k = keyAt(DOC, at('network: fl', 2));
	assert.deepEqual([k.path, k.key], [['cluster'], 'network']);
	assert.equal(keyAt(DOC, at('network: fl', 10)).key, 'network');
	assert.equal(keyAt(DOC, DOC.indexOf('flows:') - 1), null, 'a line without a key');
});

test('siblingKeys lists the keys of the same mapping only', () => {
	assert.deepEqual([...siblingKeys(DOC, at('    lab'))].sort(), ['containers', 'name']);
	assert.deepEqual([...siblingKeys(DOC, at('    pro'))].sort(), ['from']);
});

test('quickFix replaces the written word with the suggestion, at its place on the line', () => {
	assert.deepEqual(quickFix("unknown field 'replay' (did you mean 'reply'?)", '    replay: true', 5),
		{ label: "Change to 'reply'", from: 4, to: 10, insert: 'reply' });
	assert.deepEqual(quickFix("unknown node 'nod1' (did you mean 'node1'?)", '    - {name: a, node: nod1}', 22),
		{ label: "Change to 'node1'", from: 22, to: 26, insert: 'node1' });
	assert.equal(quickFix("unknown node 'nod1' (known: a, b)", 'node: nod1', 7), null);
	assert.equal(quickFix("must be one of x, not 'y' (did you mean 'x'?)", 'key: z', 6), null, 'nothing to replace');
});

test('indentAfter keeps the indentation, one level more after a key that opens a block', () => {
	assert.equal(indentAfter('  pods:'), 4);
	assert.equal(indentAfter('    - name: extra'), 6);
	assert.equal(indentAfter('      node: node1'), 6);
	assert.equal(indentAfter('  - ports:'), 6);
});

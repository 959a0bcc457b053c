import { test } from 'node:test';
import assert from 'node:assert/strict';

import { COPY_TEXT_DX, anchorFor, chipWidth, chooseColumns, computeLayout, copyEnd, copyEndRect, labelOffset, layoutFor, pathBetween } from '../../main/resources/static/js/layout.js';
import { oneNodeTopology } from './fixtures.js';

const overlap = (a, b) => a.x - a.w / 2 < b.x + b.w / 2 && b.x - b.w / 2 < a.x + a.w / 2
	&& a.y - a.h / 2 < b.y + b.h / 2 && b.y - b.h / 2 < a.y + a.h / 2;

test('a chip is wide enough for its name, and never narrower than 46', () => {
	assert.equal(chipWidth('lo'), 46);
	assert.ok(chipWidth('flannel.1') > chipWidth('eth0'));
	assert.ok(chipWidth('vethabcdef012345') >= 16 * 8);
});

test('the same topology always gives the same picture', () => {
	const a = computeLayout(oneNodeTopology());
	const b = computeLayout(oneNodeTopology());
	assert.deepEqual(a.viewBox, b.viewBox);
	assert.deepEqual(a.devices.map(d => [d.key, d.x, d.y]), b.devices.map(d => [d.key, d.x, d.y]));
	assert.deepEqual(a.namespaces.map(n => [n.id, n.x, n.y, n.w, n.h]), b.namespaces.map(n => [n.id, n.x, n.y, n.w, n.h]));
});

test('every linked device is placed, inside the picture, and no two chips overlap', () => {
	const l = computeLayout(oneNodeTopology());
	for (const [ns, dev] of [['node1', 'eth0'], ['node1', 'veth1'], ['node1', 'veth2'], ['default/pod1', 'eth0'], ['default/pod2', 'eth0']]) {
		assert.ok(l.deviceAt(ns, dev), `${ns} ${dev} is placed`);
	}
	const [vx, vy, vw, vh] = l.viewBox;
	const chips = l.devices.filter(d => !d.isBar);
	for (const d of chips) {
		assert.ok(d.x - d.w / 2 >= vx && d.x + d.w / 2 <= vx + vw && d.y >= vy && d.y <= vy + vh, `${d.key} inside the view box`);
	}
	for (let i = 0; i < chips.length; i++) {
		for (let j = i + 1; j < chips.length; j++) {
			assert.ok(!overlap(chips[i], chips[j]), `${chips[i].key} and ${chips[j].key} do not overlap`);
		}
	}
	assert.ok(l.linkBetween('node1', 'veth1', 'default/pod1', 'eth0'), 'the veth pair is drawn as a link');
	assert.ok(l.bridgeAt('node1', 'cbr0'), 'the bridge is drawn as a bar');
});

test('layoutFor computes a topology once and returns null without one', () => {
	const t = oneNodeTopology();
	assert.equal(layoutFor(t), layoutFor(t));
	assert.equal(layoutFor(null), null);
});

test('chooseColumns: one node needs one column; wide panels on a tall stage stack', () => {
	assert.equal(chooseColumns([{ w: 500, h: 300 }]), 1);
	assert.equal(chooseColumns([]), 1);
	const wide = [{ w: 1000, h: 200 }, { w: 1000, h: 200 }, { w: 1000, h: 200 }];
	assert.equal(chooseColumns(wide, 0.6), 1);
	const tall = [{ w: 200, h: 1000 }, { w: 200, h: 1000 }, { w: 200, h: 1000 }];
	assert.equal(chooseColumns(tall, 2), 3);
});

test('a send step sits in the namespace stack, a receive on its device', () => {
	const l = computeLayout(oneNodeTopology());
	const send = anchorFor(l, { type: 'send', at: { namespace: 'default/pod1', device: null } });
	assert.ok(send && Number.isFinite(send.x) && Number.isFinite(send.y));
	const eth0 = l.deviceAt('default/pod2', 'eth0');
	const recv = anchorFor(l, { type: 'receive', at: { namespace: 'default/pod2', device: 'eth0' } });
	assert.deepEqual([recv.x, recv.y], [eth0.x, eth0.y]);
	assert.equal(anchorFor(l, null), null);
});

test('pathBetween: straight between plain anchors, nothing without a target', () => {
	assert.deepEqual(pathBetween({ x: 0, y: 0 }, { x: 10, y: 5 }), [[0, 0], [10, 5]]);
	assert.deepEqual(pathBetween(null, { x: 1, y: 2 }), [[1, 2]]);
	assert.deepEqual(pathBetween(null, null), []);
});

test('labelOffset keeps a label off the chips when there is room', () => {
	const l = { viewBox: [0, 0, 1000, 1000], obstacles: [{ x1: 450, y1: 400, x2: 550, y2: 470, weight: 3 }] };
	const [dx, dy] = labelOffset(l, 500, 500, 80, 20);
	assert.deepEqual([dx, dy], [0, 20 / 2 + 24], 'above is covered by a chip: below it goes');
	const free = { viewBox: [0, 0, 1000, 1000], obstacles: [] };
	assert.deepEqual(labelOffset(free, 500, 500, 80, 20), [0, -(10 + 24)], 'above, when free');
});

test('labelOffset: when every spot near the glyph covers a drawn text, the nearest free spot in the view', () => {
	const l = { viewBox: [0, 0, 2000, 2000], obstacles: [] };
	// texts everywhere around the glyph at (500, 500), up to 420 units out; free below y = 920
	const texts = [];
	for (let y = 80; y < 920; y += 20) {
		texts.push([0, y, 1000, y + 12]);
	}
	const view = [0, 0, 1000, 1100];
	const [dx, dy] = labelOffset(l, 500, 500, 200, 40, view, texts);
	const r = [500 + dx - 100, 500 + dy - 20, 500 + dx + 100, 500 + dy + 20];
	const meets = t => Math.min(r[2], t[2]) > Math.max(r[0], t[0]) && Math.min(r[3], t[3]) > Math.max(r[1], t[1]);
	assert.equal(texts.filter(meets).length, 0, `the label at ${r} covers no text`);
	assert.ok(r[0] >= 0 && r[2] <= 1000 && r[1] >= 0 && r[3] <= 1100, `inside the view: ${r}`);
	assert.ok(r[1] < 940, `the nearest free band, not further: ${r}`);
});

test('a flooded copy\'s cross sits on its line 22 units short of the device it arrives on (half a short line)', () => {
	assert.deepEqual(copyEnd([[0, 200], [0, 100]]), [0, 122]);
	assert.deepEqual(copyEnd([[0, 0], [100, 0], [100, 30]]), [100, 15]);
	// a line of one point: half a unit below it
	assert.deepEqual(copyEnd([[5, 5]]), [5, 5.5]);
});

test('the rectangle of a discarded copy holds the device it reaches, the cross and the words beside it', () => {
	const l = computeLayout(oneNodeTopology());
	const flood = { type: 'bridge', decision: 'FLOOD', bridge: 'cbr0', inPort: 'veth1', at: { namespace: 'node1', device: 'cbr0' } };
	const copy = { port: 'veth2', fate: 'DISCARDED', peer: { namespace: 'default/pod2', device: 'eth0' } };
	const to = anchorFor(l, { at: copy.peer });
	const [x, y] = copyEnd(pathBetween(anchorFor(l, flood), to, l));
	const r = copyEndRect(l, flood, copy, 100);
	// the words end 100 units right of where they start, beside the cross
	assert.ok(r[2] >= x + COPY_TEXT_DX + 100, `${r} holds the words right of the cross at ${x}`);
	assert.ok(r[0] <= x - 9 && r[1] <= y - 9 && r[3] >= y + 9, `${r} holds the cross at ${x},${y}`);
	assert.ok(r[0] <= to.x && r[2] >= to.x && r[1] <= to.y && r[3] >= to.y, `${r} holds the device at ${to.x},${to.y}`);
	// longer words, a wider rectangle; no picture, none
	assert.ok(copyEndRect(l, flood, copy, 200)[2] > r[2]);
	assert.equal(copyEndRect(null, flood, copy, 100), null);
});

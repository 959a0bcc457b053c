import test from 'node:test';
import assert from 'node:assert/strict';
import * as fmt from '../../main/resources/static/js/format.js';

const tcp = { ip: { src: '10.244.1.2', dst: '10.244.2.4' }, l4: { proto: 'tcp', srcPort: 60086, dstPort: 8080, flags: 'S' } };
const icmp = { ip: { src: '10.0.0.1', dst: '10.0.0.2' }, l4: { proto: 'icmp', icmpType: 8, code: 0, id: 7 } };

test('endpoints carry ports for TCP/UDP only', () => {
	assert.equal(fmt.endpoint('10.0.0.1', 80, 'tcp'), '10.0.0.1:80');
	assert.equal(fmt.endpoint('10.0.0.1', 7, 'icmp'), '10.0.0.1');
	assert.equal(fmt.endpoint('10.0.0.1', null, 'udp'), '10.0.0.1');
	assert.equal(fmt.srcPort(null), null);
	assert.equal(fmt.srcPort({ id: 7 }), 7);
});

test('packet labels and protocol tags', () => {
	assert.equal(fmt.packetLabel(tcp), '10.244.1.2:60086 → 10.244.2.4:8080');
	assert.equal(fmt.packetLabel(icmp), '10.0.0.1 → 10.0.0.2');
	assert.equal(fmt.packetLabel(null), '');
	assert.equal(fmt.protoTag(tcp), 'TCP SYN [S]');
	assert.equal(fmt.protoTag(icmp), 'ICMP echo request');
	assert.equal(fmt.protoTag({ ip: {}, l4: { proto: 'udp' }, vxlan: { vni: 1 } }), 'UDP · VXLAN 1');
	assert.equal(fmt.protoTag({ ip: {}, l4: { proto: 'sctp' } }), 'SCTP');
	assert.equal(fmt.protoTag({ ip: {} }), '');
});

test('TCP flags and ICMP names', () => {
	assert.equal(fmt.tcpFlags('S.'), 'SYN-ACK [S.]');
	assert.equal(fmt.tcpFlags('FPU'), '[FPU]');
	assert.equal(fmt.tcpFlags(''), '');
	assert.equal(fmt.icmpName(0), 'echo reply');
	assert.equal(fmt.icmpName(3, 4), 'dest unreachable (code 4)');
	assert.equal(fmt.icmpName(5, 1), 'type 5 code 1');
});

test('payloads', () => {
	assert.equal(fmt.payloadText({ kind: 'http', startLine: 'GET / HTTP/1.1' }), 'GET / HTTP/1.1');
	assert.equal(fmt.payloadText({ kind: 'dns', qtype: 'A', question: 'db.store', answers: ['10.96.0.10'] }), 'DNS A db.store → 10.96.0.10');
	assert.equal(fmt.payloadText({ kind: 'dns', question: 'x' }), 'DNS  x');
	assert.equal(fmt.payloadText({ kind: 'bytes', bytes: 0 }), 'empty');
	assert.equal(fmt.payloadText({ kind: 'bytes', bytes: 12 }), '12 bytes');
	assert.equal(fmt.payloadText(null), '');
});

test('marks, field names, reasons, dispositions, places, legs', () => {
	assert.equal(fmt.mark(0), '0');
	assert.equal(fmt.mark(0x4000), '0x4000');
	assert.equal(fmt.fieldName('DST_IP'), 'destination IP');
	assert.equal(fmt.fieldName('INNER_TOS'), 'inner tos');
	assert.equal(fmt.reasonText('POLICY_DENIED'), 'denied by a NetworkPolicy');
	assert.equal(fmt.reasonText('SOMETHING_NEW'), 'something new');
	assert.equal(fmt.dispositionText({ outcome: 'DELIVERED' }), 'DELIVERED');
	assert.equal(fmt.dispositionText({ outcome: 'DROPPED', reason: 'NO_ROUTE' }), 'DROPPED: no route to the destination');
	assert.equal(fmt.dispositionText(null), '');
	assert.equal(fmt.placeText({ namespace: 'node1', device: 'eth0' }), 'node1 · eth0');
	assert.equal(fmt.placeText({ namespace: 'node1' }), 'node1');
	assert.equal(fmt.placeText(null), '');
	assert.equal(fmt.legText('REPLY'), 'reply');
	assert.equal(fmt.legText('REQUEST'), 'request');
});

test('address summaries', () => {
	assert.equal(fmt.addressSummary([]), '');
	assert.equal(fmt.addressSummary(['10.0.0.1/24']), '10.0.0.1/24');
	assert.equal(fmt.addressSummary(['10.0.0.1/24', '10.0.0.2/24', 'fe80::1/64']), '10.0.0.1/24 +2');
});

test('SCTP: the chunk in the tag, ports, tags and chunk in the inspector (the transport registry)', () => {
	const init = { ip: {}, l4: { proto: 'sctp', srcPort: 59005, dstPort: 3868, vtag: 0, chunk: 'INIT', initTag: 699215107 } };
	assert.equal(fmt.protoTag(init), 'SCTP INIT');
	assert.equal(fmt.packetLabel({ ip: { src: '10.11.0.5', dst: '10.9.3.86' }, l4: init.l4 }), '10.11.0.5:59005 → 10.9.3.86:3868');
	assert.deepEqual(fmt.transportFields(init.l4).map(f => [f.key, f.label, f.value]), [
		['l4.srcPort', 'src port', '59005'], ['l4.dstPort', 'dst port', '3868'], ['l4.vtag', 'vtag', '0 (0x00000000)'],
		['l4.chunk', 'chunk', 'INIT'], ['l4.initTag', 'init tag', '699215107 (0x29ad2d03)']]);
	const ack = { proto: 'sctp', srcPort: 3868, dstPort: 59005, vtag: 699215107, chunk: 'COOKIE ACK', initTag: 0 };
	assert.equal(fmt.transportFields(ack, 'inner.').find(f => f.key === 'inner.l4.initTag').value, 'none');
	// the other transports keep their keys
	assert.deepEqual(fmt.transportFields(tcp.l4).map(f => f.key), ['l4.srcPort', 'l4.dstPort', 'l4.flags']);
	assert.deepEqual(fmt.transportFields(icmp.l4).map(f => f.value), ['echo request', '7']);
	assert.deepEqual(fmt.transportFields({ proto: 'gre', srcPort: 1, dstPort: 2 }).map(f => f.label), ['src port', 'dst port']);
});

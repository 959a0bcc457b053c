// Small hand-made inputs for the pure frontend modules' tests: a trace of two walks and a one-node topology.

const place = (namespace, device = null) => ({ node: 'node1', namespace, device });
const packet = (src, dst) => ({ ip: { src, dst, protocol: 'TCP', ttl: 64 } });

/** A request of three steps and its reply of two, as GET /api/scenarios/{id}/trace returns them. */
export function twoWalkTrace() {
	return {
		scenario: 'tiny',
		seed: 7,
		walks: [
			{
				flow: 'f1',
				leg: 'REQUEST',
				label: 'pod1 → pod2',
				hops: [
					{ place: place('default/pod1'), steps: [
						{ type: 'send', at: place('default/pod1'), packet: packet('10.244.1.2', '10.244.1.3'), narration: 'sends' },
						{ type: 'route', at: place('default/pod1'), packet: packet('10.244.1.2', '10.244.1.3'), narration: 'routes' }
					] },
					{ place: place('default/pod2', 'eth0'), steps: [
						{ type: 'deliver', at: place('default/pod2', 'eth0'), packet: packet('10.244.1.2', '10.244.1.3'), narration: 'delivered' }
					] }
				],
				disposition: { outcome: 'DELIVERED', summary: 'delivered to nginx' }
			},
			{
				flow: 'f1',
				leg: 'REPLY',
				label: 'pod1 → pod2 (reply)',
				hops: [
					{ place: place('default/pod2'), steps: [
						{ type: 'send', at: place('default/pod2'), packet: packet('10.244.1.3', '10.244.1.2'), narration: 'answers' },
						{ type: 'deliver', at: place('default/pod1', 'eth0'), packet: packet('10.244.1.3', '10.244.1.2'), narration: 'accepted' }
					] }
				],
				disposition: { outcome: 'DELIVERED', summary: 'reply accepted' }
			}
		]
	};
}

const dev = (kind, name, extra = {}) => ({ kind, name, mac: '02:00:00:00:00:01', mtu: 1500, addresses: [], master: null, ...extra });

/** One node with a bridge, an uplink and two pods; the LAN segment it hangs off. */
export function oneNodeTopology() {
	return {
		namespaces: [
			{ id: 'default/pod1', node: 'node1', kind: 'POD', label: 'pod1', devices: [
				dev('loopback', 'lo', { mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'] }),
				dev('veth', 'eth0', { mac: '02:00:00:00:01:01', addresses: ['10.244.1.2/24'], peer: { namespace: 'node1', device: 'veth1' } })
			] },
			{ id: 'default/pod2', node: 'node1', kind: 'POD', label: 'pod2', devices: [
				dev('loopback', 'lo', { mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'] }),
				dev('veth', 'eth0', { mac: '02:00:00:00:01:02', addresses: ['10.244.1.3/24'], peer: { namespace: 'node1', device: 'veth2' } })
			] },
			{ id: 'node1', node: 'node1', kind: 'NODE', label: 'node1', devices: [
				dev('loopback', 'lo', { mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'] }),
				dev('physical', 'eth0', { mac: '02:00:00:00:00:0a', addresses: ['10.240.0.2/24'], peer: { namespace: 'lan', device: 'port-node1' } }),
				dev('bridge', 'cbr0', { mac: '02:00:00:00:00:0b', addresses: ['10.244.1.1/24'] }),
				dev('veth', 'veth1', { mac: '02:00:00:00:00:0c', master: 'cbr0', peer: { namespace: 'default/pod1', device: 'eth0' } }),
				dev('veth', 'veth2', { mac: '02:00:00:00:00:0d', master: 'cbr0', peer: { namespace: 'default/pod2', device: 'eth0' } })
			] },
			{ id: 'lan', node: 'lan', kind: 'SWITCH', label: 'LAN 10.240.0.0/24', devices: [
				dev('bridge', 'br0', { mac: '02:00:00:00:00:10' }),
				dev('physical', 'port-node1', { mac: '02:00:00:00:00:11', master: 'br0', peer: { namespace: 'node1', device: 'eth0' } })
			] }
		]
	};
}

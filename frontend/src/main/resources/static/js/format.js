// Pure formatters: no DOM, no state. Everything the page writes about a packet or a step goes through here.

/** Ports only mean something for TCP/UDP; ICMP uses its identifier. */
export function srcPort(l4) {
	return l4 == null ? null : (l4.srcPort ?? l4.id ?? null);
}

export function dstPort(l4) {
	return l4 == null ? null : (l4.dstPort ?? l4.id ?? null);
}

export function endpoint(ip, port, proto) {
	if (proto === 'icmp' || port == null) {
		return ip;
	}
	return `${ip}:${port}`;
}

/** The label on the packet glyph: `10.244.1.2:60086 → 10.244.1.3:8080`. */
export function packetLabel(packet) {
	if (!packet) {
		return '';
	}
	const p = packet.l4 ? packet.l4.proto : null;
	return `${endpoint(packet.ip.src, srcPort(packet.l4), p)} → ${endpoint(packet.ip.dst, dstPort(packet.l4), p)}`;
}

/**
 * One entry per transport (`l4.proto`, the trace's Transport types): its compact tag and its header fields as the
 * inspector lists them (`key` under `l4.`, label, value). A new transport is one entry here.
 */
const TRANSPORTS = {
	tcp: {
		tag: l4 => `TCP ${tcpFlags(l4.flags)}`,
		fields: l4 => [...portFields(l4), ['flags', 'flags', tcpFlags(l4.flags)]]
	},
	udp: {
		tag: (l4, packet) => packet.vxlan ? `UDP · VXLAN ${packet.vxlan.vni}` : 'UDP',
		fields: portFields
	},
	icmp: {
		tag: l4 => `ICMP ${icmpName(l4.icmpType, l4.code)}`,
		fields: l4 => [['type', 'type', icmpName(l4.icmpType, l4.code)], ['id', 'id', String(l4.id)]]
	},
	sctp: {
		tag: l4 => l4.chunk ? `SCTP ${l4.chunk}` : 'SCTP',
		fields: l4 => [...portFields(l4), ['vtag', 'vtag', sctpTag(l4.vtag)], ['chunk', 'chunk', l4.chunk || ''],
			['initTag', 'init tag', l4.initTag ? sctpTag(l4.initTag) : 'none']]
	}
};

function portFields(l4) {
	return [['srcPort', 'src port', String(srcPort(l4))], ['dstPort', 'dst port', String(dstPort(l4))]];
}

/** An SCTP tag as tcpdump prints an init tag (decimal), with its hex form: `699215107 (0x29ad1e03)`. */
export function sctpTag(tag) {
	if (tag == null) {
		return '';
	}
	return `${tag} (0x${Number(tag).toString(16).padStart(8, '0')})`;
}

/** A compact protocol tag: `TCP S`, `UDP`, `ICMP echo`, `SCTP INIT`. */
export function protoTag(packet) {
	if (!packet || !packet.l4) {
		return '';
	}
	const t = TRANSPORTS[packet.l4.proto];
	return t ? t.tag(packet.l4, packet) : String(packet.l4.proto || '').toUpperCase();
}

/**
 * The transport header's fields for the inspector: `[{key, label, value}]`, keys under `<prefix>l4.`; an unknown
 * transport shows its ports.
 */
export function transportFields(l4, prefix = '') {
	const t = TRANSPORTS[l4.proto];
	return (t ? t.fields(l4) : portFields(l4)).map(([key, label, value]) => ({ key: `${prefix}l4.${key}`, label, value }));
}

const TCP_FLAG_NAMES = { S: 'SYN', 'S.': 'SYN-ACK', '.': 'ACK', 'P.': 'PSH-ACK', R: 'RST', 'R.': 'RST-ACK', 'F.': 'FIN-ACK' };

export function tcpFlags(flags) {
	if (!flags) {
		return '';
	}
	return TCP_FLAG_NAMES[flags] ? `${TCP_FLAG_NAMES[flags]} [${flags}]` : `[${flags}]`;
}

export function icmpName(type, code) {
	switch (type) {
		case 0: return 'echo reply';
		case 8: return 'echo request';
		case 3: return `dest unreachable (code ${code})`;
		case 11: return 'time exceeded';
		default: return `type ${type} code ${code}`;
	}
}

export function payloadText(payload) {
	if (!payload) {
		return '';
	}
	switch (payload.kind) {
		case 'http':
			return payload.startLine;
		case 'dns':
			return `DNS ${payload.qtype || ''} ${payload.question}${payload.answers && payload.answers.length ? ' → ' + payload.answers.join(', ') : ''}`;
		case 'bytes':
			return payload.bytes === 0 ? 'empty' : `${payload.bytes} bytes`;
		default:
			return payload.kind || '';
	}
}

export function mark(m) {
	return m ? `0x${Number(m).toString(16)}` : '0';
}

const FIELD_NAMES = {
	SRC_IP: 'source IP',
	DST_IP: 'destination IP',
	SRC_PORT: 'source port',
	DST_PORT: 'destination port',
	TTL: 'TTL',
	MARK: 'mark',
	SRC_MAC: 'source MAC',
	DST_MAC: 'destination MAC',
	OUTER_SRC_IP: 'outer source IP',
	OUTER_DST_IP: 'outer destination IP'
};

export function fieldName(field) {
	return FIELD_NAMES[field] || String(field).toLowerCase().replaceAll('_', ' ');
}

const REASONS = {
	NO_ROUTE: 'no route to the destination',
	NEIGHBOR_UNREACHABLE: 'next hop did not answer ARP',
	NETFILTER_DROP: 'dropped by a netfilter rule',
	NETFILTER_REJECT: 'rejected by a netfilter rule',
	TTL_EXCEEDED: 'TTL exceeded',
	NO_LISTENER: 'nothing listens on that port',
	FORWARDING_DISABLED: 'IP forwarding is disabled',
	ANTI_SPOOFING: 'source/destination check (anti-spoofing)',
	FRAGMENTATION_NEEDED: 'too big for the path MTU',
	NOT_FOR_THIS_HOST: 'not for this host',
	INVALID_STATE: 'no matching connection (invalid state)',
	POLICY_DENIED: 'denied by a NetworkPolicy',
	HOP_LIMIT: 'forwarding loop (hop limit)'
};

export function reasonText(reason) {
	return REASONS[reason] || String(reason || '').toLowerCase().replaceAll('_', ' ');
}

/** `DELIVERED` or `DROPPED: no route to the destination`. */
export function dispositionText(d) {
	if (!d) {
		return '';
	}
	return d.outcome === 'DROPPED' ? `DROPPED: ${reasonText(d.reason)}` : d.outcome === 'APPLIED' ? 'APPLIED' : 'DELIVERED';
}

export function placeText(at) {
	if (!at) {
		return '';
	}
	return at.device ? `${at.namespace} · ${at.device}` : at.namespace;
}

export function legText(leg) {
	return leg === 'REPLY' ? 'reply' : leg === 'CHANGE' ? 'cluster change' : 'request';
}

/** Short device text for the topology: first address, `+N` when there are more. */
export function addressSummary(addresses) {
	if (!addresses || addresses.length === 0) {
		return '';
	}
	return addresses.length === 1 ? addresses[0] : `${addresses[0]} +${addresses.length - 1}`;
}

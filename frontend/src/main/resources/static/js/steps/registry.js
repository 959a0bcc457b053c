// The one registry of step types: everything the page knows about a trace step type lives in its entry here, and the
// event list, the inspectors, the presenter, the story view and the CSS classes ask this module, never a switch of
// their own. Pure (no DOM, no D3): `node --test frontend/src/test/js/` checks it, and StepRegistryTest (backend) fails
// when a Java step type (model/.../trace/Step.java) has no entry, no filter group or no CSS colour.
//
// An entry:
//   name     the badge text                          short    one word for narrow places (the event list)
//   group    the event-list filter group (FILTER_GROUPS below)
//   focus    the inspector presenter mode keeps open: 'headers' when the packet itself changes, else 'detail'
//   story    why the step is one of the story view's moments (a STORY_REASONS key), or null: kernel view only
//   summary  one line for the event list
//   detail   (v, step) => draws the step's evidence with the widgets v offers (render/panels.js supplies them)
//
// The CSS class of a type is `step-<type>` (cssClass); its colour is in css/app.css.

import { fieldName, packetLabel, placeText, protoTag, reasonText } from '../format.js';

/** Event-list filter groups, in chip order. `pinned` groups always show (no chip): how a walk starts and ends. */
export const FILTER_GROUPS = Object.freeze([
	{ id: 'arp', label: 'ARP', title: 'neighbour (ARP) lookups' },
	{ id: 'link', label: 'rx/tx', title: 'a device sends or receives' },
	{ id: 'route', label: 'route', title: 'route lookups and forwarding' },
	{ id: 'bridge', label: 'bridge', title: 'bridge FDB decisions' },
	{ id: 'netfilter', label: 'netfilter', title: 'netfilter tables and hooks' },
	{ id: 'conntrack', label: 'conntrack', title: 'connection tracking' },
	{ id: 'nat', label: 'NAT', title: 'address rewrites and load-balancing picks (iptables NAT, IPVS)' },
	{ id: 'policy', label: 'policy', title: 'NetworkPolicy verdicts' },
	{ id: 'tunnel', label: 'tunnel', title: 'encapsulation and decapsulation', pinned: true },
	{ id: 'control', label: 'control plane', title: 'cluster changes: CNI, EndpointSlice, kube-proxy syncs, time passing', pinned: true },
	{ id: 'endpoint', label: 'send/deliver/drop', title: 'how a walk starts and ends', pinned: true }
]);

/** Why a step is in the story view: the moments a talk about the path would show. */
export const STORY_REASONS = Object.freeze({
	endpoint: 'a socket sends, or the packet is delivered or dropped',
	boundary: 'the packet leaves or enters a namespace or node',
	rewrite: 'an address, port or envelope changes (NAT, encapsulation, decapsulation)',
	verdict: 'something decides whether the packet may pass (NetworkPolicy, a netfilter DROP/REJECT)',
	pick: 'a load balancer picks a backend (kube-proxy IPVS, a cloud load balancer\'s equal-cost next hops)',
	change: 'the cluster changes: a pod\'s network is built or removed, an EndpointSlice or a node\'s rules are rewritten, time passes and entries time out'
});

/** What a kube-proxy sync's diff is made of, per proxy mode. */
const PROXY_SYNC_SOURCES = Object.freeze({
	iptables: 'iptables-save · diff',
	ipvs: 'iptables-save / ipset / ipvsadm -Ln · diff',
	nftables: 'nft list ruleset (the nft -f transaction) · diff'
});

/** A diff line of a control-plane step: added or removed (kept lines and hunk headers are context). */
const changed = l => l.startsWith('+ ') || l.startsWith('- ');

const verdictWord = verdict => String(verdict || '').split(' ')[0].toUpperCase();

/** Does a route lookup choose one of several equal-cost next hops (a load balancer's pick)? */
export function isMultipathPick(step) {
	const line = step.matched >= 0 ? (step.table || [])[step.matched] : null;
	return !!line && (line.match(/\bnexthop\b/g) || []).length > 1;
}

const RESOLUTION = {
	CACHE: 'found in the neighbour cache',
	PERMANENT: 'permanent entry (configured)',
	ARP_REPLY: 'ARP who-has broadcast, answered with is-at',
	FAILED: 'no answer'
};

const BRIDGE_DECISION = {
	FDB_HIT: 'known destination MAC: forward to one port',
	FLOOD: 'unknown destination MAC: a copy out of every other port',
	LOCAL: 'addressed to the bridge itself: up to the IP stack',
	NEIGH_OUTPUT: 'bridged DNAT, first frame: out through the bridge device and back in'
};

const COPY_FATE = {
	FOLLOWED: 'reaches the destination: the walk continues with it',
	DISCARDED: 'not its MAC: PACKET_OTHERHOST, dropped before IP'
};

/** A flood's copies that die where they arrive (every copy but the one the walk follows). */
export const discardedCopies = s => (s.copies || []).filter(c => c.fate === 'DISCARDED');

/** The bridge's out port, in words: a port, a flood, the bridge itself then back in, or up to the local stack. */
function bridgeOut(s) {
	if (s.outPort) {
		return s.outPort;
	}
	switch (s.decision) {
		case 'FLOOD':
			return 'all ports';
		case 'NEIGH_OUTPUT':
			return `${s.bridge} itself, then back in`;
		default:
			return 'local stack';
	}
}

const TYPES = {
	send: {
		name: 'Send',
		short: 'send',
		group: 'endpoint',
		focus: 'headers',
		story: () => 'endpoint',
		summary: s => `${protoTag(s.packet)} ${packetLabel(s.packet)}`,
		detail: (v, s) => v.dl([['socket', s.socket], ['packet', `${protoTag(s.packet)} ${packetLabel(s.packet)}`]])
	},
	route: {
		name: 'Route lookup',
		short: 'route',
		group: 'route',
		focus: 'detail',
		story: s => (isMultipathPick(s) ? 'pick' : null),
		summary: s => {
			if (s.matched < 0 || !s.device) {
				return `no route (${s.decision || 'unreachable'})`;
			}
			return s.decision === 'link' || !s.nextHop || s.nextHop === s.packet.ip.dst
				? `on-link via ${s.device}`
				: `via ${s.nextHop} dev ${s.device}`;
		},
		detail: (v, s) => {
			v.sub(`ip route · ${s.at.namespace}`);
			v.codeList(s.table || [], (l, i) => i === s.matched, '◀ matched', 'route-table');
			if (s.matched < 0) {
				v.warn('No route matched.');
			}
			v.dl([['decision', s.decision], ['next hop', s.nextHop], ['out via', s.device]]);
		}
	},
	neighbor: {
		name: 'Neighbour (ARP)',
		short: 'ARP',
		group: 'arp',
		focus: 'detail',
		story: () => null,
		summary: s => (s.mac ? `${s.ip} is-at ${s.mac}` : `${s.ip}: no answer`),
		detail: (v, s) => v.dl([
			['who has', s.ip],
			['is at', s.mac || 'no answer', s.mac ? 'mono' : 'bad'],
			['how', RESOLUTION[s.resolution] || s.resolution],
			['answered by', s.answeredBy ? placeText(s.answeredBy) : null]
		])
	},
	transmit: {
		name: 'Transmit',
		short: 'tx',
		group: 'link',
		focus: 'headers',
		story: () => 'boundary',
		summary: s => `${s.device} → ${s.peer ? placeText(s.peer) : 'wire'}`,
		detail: (v, s) => {
			v.dl([['out of', s.device], ['arrives at', s.peer ? placeText(s.peer) : 'the wire']]);
			v.envelope(s.packet);
		}
	},
	receive: {
		name: 'Receive',
		short: 'rx',
		group: 'link',
		focus: 'headers',
		story: () => 'boundary',
		summary: s => `on ${s.device}`,
		detail: (v, s) => {
			v.dl([['in on', s.device]]);
			v.envelope(s.packet);
		}
	},
	bridge: {
		name: 'Bridge',
		short: 'bridge',
		group: 'bridge',
		focus: 'detail',
		// a flood sends copies out of the bridge's other ports: they leave for other namespaces
		story: s => (s.decision === 'FLOOD' ? 'boundary' : null),
		summary: s => {
			if (s.decision === 'NEIGH_OUTPUT') {
				return `${s.bridge}: out by ${s.bridge} and back in (neighbour output)`;
			}
			const lost = discardedCopies(s).length;
			const n = (s.copies || []).length;
			const flood = s.decision === 'FLOOD' && n ? ` · ${n} ${n === 1 ? 'copy' : 'copies'}${lost ? `, ${lost} discarded` : ''}` : '';
			return `${s.bridge}: ${s.inPort || 'from the stack'} → ${bridgeOut(s)}${flood}`;
		},
		detail: (v, s) => {
			v.dl([['bridge', s.bridge], ['in port', s.inPort || 'from the local stack'], ['out port', bridgeOut(s)],
				['decision', BRIDGE_DECISION[s.decision] || s.decision]]);
			if (s.decision === 'FLOOD') {
				v.sub(`flooded copies · ${(s.copies || []).length}`);
				v.codeList((s.copies || []).map(c => `${c.port} → ${c.peer.namespace}/${c.peer.device}: ${c.fate} (${COPY_FATE[c.fate] || c.fate})`),
					l => l.includes(': DISCARDED'), '✕', 'flood-copies');
				v.dl((s.copies || []).map(c => [c.port, c.detail]));
			}
			v.sub(`bridge fdb · ${s.bridge}`);
			const dst = s.packet.eth ? s.packet.eth.dst : null;
			v.codeList(s.fdb || [], l => !!dst && l.startsWith(dst), '◀ used', 'fdb');
		}
	},
	netfilter: {
		name: 'Netfilter',
		short: 'netfilter',
		group: 'netfilter',
		focus: 'detail',
		story: s => (['DROP', 'REJECT'].includes(verdictWord(s.verdict)) ? 'verdict' : null),
		summary: s => `${s.table}/${s.hook}: ${s.verdict}`,
		detail: (v, s) => v.netfilter(s)
	},
	nftables: {
		name: 'nftables',
		short: 'nft',
		group: 'netfilter',
		focus: 'detail',
		story: s => (['DROP', 'REJECT'].includes(verdictWord(s.verdict)) ? 'verdict' : ((s.draws || []).length ? 'pick' : null)),
		summary: s => `${s.chain}: ${s.verdict}${(s.draws || []).length ? ` (numgen ${s.draws[0].value} of ${s.draws[0].mod})` : ''}`,
		detail: (v, s) => v.nftables(s)
	},
	conntrack: {
		name: 'Conntrack',
		short: 'conntrack',
		group: 'conntrack',
		focus: 'detail',
		story: () => null,
		summary: s => `${String(s.state || '').toLowerCase()} ${s.entry || ''}`.trim(),
		detail: (v, s) => v.conntrack(s)
	},
	nat: {
		name: 'NAT',
		short: 'NAT',
		group: 'nat',
		focus: 'headers',
		story: () => 'rewrite',
		summary: s => `${s.kind}: ${(s.diffs || []).map(d => `${d.before} → ${d.after}`).join(', ')}`,
		detail: (v, s) => v.nat(s)
	},
	forward: {
		name: 'Forward',
		short: 'forward',
		group: 'route',
		focus: 'headers',
		story: () => null,
		summary: s => (s.diffs || []).map(d => `${fieldName(d.field)} ${d.before} → ${d.after}`).join(', ') || 'forwarded',
		detail: (v, s) => {
			v.dl([['ip_forward', 'on: the namespace routes packets that are not for it']]);
			v.diffTable(s.diffs);
		}
	},
	encapsulate: {
		name: 'Encapsulate',
		short: 'encap',
		group: 'tunnel',
		focus: 'headers',
		story: () => 'rewrite',
		summary: s => `${s.device} wraps in VXLAN ${s.vni}`,
		detail: (v, s) => {
			v.dl([['device', s.device], ['VNI', String(s.vni)], ['fdb', s.fdbEntry, 'mono']]);
			v.envelope(s.packet);
		}
	},
	decapsulate: {
		name: 'Decapsulate',
		short: 'decap',
		group: 'tunnel',
		focus: 'headers',
		story: () => 'rewrite',
		summary: s => `${s.device} unwraps VXLAN ${s.vni}`,
		detail: (v, s) => {
			v.dl([['device', s.device], ['VNI', String(s.vni)]]);
			v.envelope(s.packet);
		}
	},
	policy: {
		name: 'NetworkPolicy',
		short: 'policy',
		group: 'policy',
		focus: 'detail',
		story: () => 'verdict',
		summary: s => `${s.direction === 'EGRESS' ? 'egress of' : 'ingress to'} ${s.pod}: ${s.allowed ? 'allowed' : 'DENIED'}`,
		detail: (v, s) => v.dl([
			['direction', s.direction === 'EGRESS' ? 'egress (the sending pod\'s policies)' : 'ingress (the receiving pod\'s policies)'],
			['pod', s.pod, 'mono'],
			['verdict', s.allowed ? 'ALLOWED' : 'DENIED', s.allowed ? 'good' : 'bad'],
			['isolated by', (s.isolatedBy || []).length ? s.isolatedBy.join(', ') : 'no policy selects this pod: not isolated', 'mono'],
			[s.allowed ? 'allowed by' : 'why not', s.rule]
		])
	},
	ipvs: {
		name: 'IPVS',
		short: 'IPVS',
		group: 'nat',
		focus: 'detail',
		story: () => 'pick',
		summary: s => `${s.virtualServer} → ${s.chosen}`,
		detail: (v, s) => {
			v.dl([['virtual server', s.virtualServer, 'mono'], ['scheduler', s.scheduler], ['chosen', s.chosen, 'mono']]);
			v.sub('ipvsadm -Ln · real servers');
			v.codeList((s.realServers || []).map(r => `  -> ${r}  Masq  1`), l => l.includes(` ${s.chosen} `), '◀ chosen', 'ipvs-reals');
		}
	},
	cni: {
		name: 'CNI',
		short: 'CNI',
		group: 'control',
		focus: 'detail',
		story: () => 'change',
		summary: s => `${s.command} ${s.action.toLowerCase()} · ${s.equivalent}`,
		detail: (v, s) => {
			v.dl([['pod', s.pod], ['command', `CNI ${s.command}`], ['action', s.action], ['plugin', s.plugin]]);
			v.sub('on the node');
			v.codeList([`# ${s.equivalent}`, ...(s.details || [])], l => l.startsWith('# '), '', 'cni-lines');
		}
	},
	endpoints: {
		name: 'EndpointSlice',
		short: 'slice',
		group: 'control',
		focus: 'detail',
		story: () => 'change',
		summary: s => (s.service ? `${s.slice}: ${s.ready.length} ready` : 'no Service selects the pod'),
		detail: (v, s) => {
			v.dl([['service', s.service || 'none'], ['slice', s.slice || 'none'], ['ready', (s.ready || []).join(', ') || 'none']]);
			v.sub('kubectl get endpointslice -o yaml · diff');
			v.codeList(s.diff || [], changed, '', 'endpoints-diff');
		}
	},
	'proxy-sync': {
		name: 'kube-proxy sync',
		short: 'sync',
		group: 'control',
		focus: 'detail',
		story: () => 'change',
		summary: s => `${s.node}: ${(s.diff || []).filter(changed).length} rule lines changed`,
		detail: (v, s) => {
			v.dl([['node', s.node], ['mode', s.mode], ...(s.ladder || []).map(l => ['ladder', l, 'mono'])]);
			v.sub(PROXY_SYNC_SOURCES[s.mode] || 'iptables-save · diff');
			v.codeList(s.diff || [], changed, '', 'proxy-diff');
			if ((s.conntrackDeleted || []).length) {
				v.sub('conntrack -D (UDP entries to endpoints that are gone)');
				v.codeList(s.conntrackDeleted, () => true, '', 'conntrack-deleted');
			}
		}
	},
	'node-sync': {
		name: 'Node sync',
		short: 'node',
		group: 'control',
		focus: 'detail',
		story: () => 'change',
		summary: s => `${s.agent} on ${s.node}: ${(s.diff || []).filter(changed).length} entries`,
		detail: (v, s) => {
			v.dl([['node', s.node], ['agent', s.agent]]);
			v.sub('ip route / ip neigh / bridge fdb · diff');
			v.codeList(s.diff || [], changed, '', 'node-diff');
		}
	},
	wait: {
		name: 'Wait',
		short: 'wait',
		group: 'control',
		focus: 'detail',
		story: () => 'change',
		summary: s => `${s.seconds} s: ${(s.conntrackExpired || []).length} conntrack, ${(s.affinityExpired || []).length} affinity expired`,
		detail: (v, s) => {
			v.dl([['time passing', `${s.seconds} s`], ['where', placeText(s.at)]]);
			if ((s.conntrackExpired || []).length) {
				v.sub('conntrack -L · timed out');
				v.codeList(s.conntrackExpired, () => true, '', 'wait-conntrack');
			}
			if ((s.affinityExpired || []).length) {
				v.sub('session affinity · expired');
				v.codeList(s.affinityExpired, () => true, '', 'wait-affinity');
			}
		}
	},
	deliver: {
		name: 'Deliver',
		short: 'deliver',
		group: 'endpoint',
		focus: 'headers',
		story: () => 'endpoint',
		summary: s => `to ${s.socket}`,
		detail: (v, s) => v.dl([['socket', s.socket], ['outcome', 'DELIVERED', 'good']])
	},
	drop: {
		name: 'Drop',
		short: 'drop',
		group: 'endpoint',
		focus: 'detail',
		story: () => 'endpoint',
		summary: s => reasonText(s.reason),
		detail: (v, s) => v.drop(s)
	}
};

const ENTRIES = Object.freeze(Object.fromEntries(Object.entries(TYPES).map(([type, e]) => [type, Object.freeze({ type, cssClass: `step-${type}`, ...e })])));

/** Every step type the page knows, in trace-contract order. */
export const STEP_TYPES = Object.freeze(Object.keys(ENTRIES));

const reported = new Set();

/**
 * The entry of a step type. A type this page does not know (a newer server) gets a loud entry, never a default that
 * looks right: its badge says "unknown step", it has the class step-unknown, and the console names it once.
 */
export function stepType(type) {
	const e = Object.hasOwn(ENTRIES, type) ? ENTRIES[type] : null;
	if (e) {
		return e;
	}
	const name = String(type);
	if (!reported.has(name)) {
		reported.add(name);
		globalThis.console?.error?.(`PacketWalk: unknown step type "${name}": add it to static/js/steps/registry.js`);
	}
	return Object.freeze({
		type: name,
		cssClass: 'step-unknown',
		name: `Unknown step “${name}”`,
		short: '?',
		group: 'endpoint',
		focus: 'detail',
		unknown: true,
		story: () => 'endpoint', // shown in both views: nothing is hidden because the page is older than the server
		summary: () => `unknown step type “${name}”`,
		detail: (v, s) => v.raw(s)
	});
}

export const stepName = type => stepType(type).name;

export const stepShort = type => stepType(type).short;

export const stepClass = type => stepType(type).cssClass;

/** One line per step for the event list. */
export const stepSummary = step => stepType(step.type).summary(step);

/** Why the step belongs to the story view (a STORY_REASONS key), or null for a kernel-view-only step. */
export const storyReason = step => stepType(step.type).story(step);

export const isStoryStep = step => storyReason(step) != null;

/** The step types a filter group hides. */
export function typesOfGroup(group) {
	return STEP_TYPES.filter(t => ENTRIES[t].group === group);
}

// The HTML panels around the picture: narration (ARIA live), header inspector, step detail, event list,
// disposition and takeaway. A factory called once; update(state) re-joins keyed data. Text only via .text().

import d3 from '../d3.js';
import { atEnd, currentEntry, currentWalk, previousPacket } from '../store.js';
import * as fmt from '../format.js';

// ---- header inspector ------------------------------------------------------------------------------------------

/** One packet's headers as layers of fields; `prefix` keeps inner and outer field keys apart. */
function layers(packet, prefix) {
	const out = [];
	if (packet.eth) {
		out.push({ id: `${prefix}l2`, name: 'L2', title: 'Ethernet', fields: [
			{ key: `${prefix}eth.src`, label: 'src MAC', value: packet.eth.src },
			{ key: `${prefix}eth.dst`, label: 'dst MAC', value: packet.eth.dst }
		] });
	} else {
		out.push({ id: `${prefix}l2`, name: 'L2', title: 'Ethernet', note: 'no frame yet: an IP datagram inside the stack', fields: [] });
	}
	out.push({ id: `${prefix}l3`, name: 'L3', title: 'IPv4', fields: [
		{ key: `${prefix}ip.src`, label: 'src IP', value: packet.ip.src },
		{ key: `${prefix}ip.dst`, label: 'dst IP', value: packet.ip.dst },
		{ key: `${prefix}ip.ttl`, label: 'TTL', value: String(packet.ip.ttl) },
		{ key: `${prefix}ip.protocol`, label: 'proto', value: packet.ip.protocol },
		{ key: `${prefix}length`, label: 'length', value: packet.length != null ? `${packet.length} B` : '' }
	] });
	const l4 = packet.l4;
	if (l4) {
		const fields = l4.proto === 'icmp'
			? [
				{ key: `${prefix}l4.type`, label: 'type', value: fmt.icmpName(l4.icmpType, l4.code) },
				{ key: `${prefix}l4.id`, label: 'id', value: String(l4.id) }
			]
			: [
				{ key: `${prefix}l4.srcPort`, label: 'src port', value: String(fmt.srcPort(l4)) },
				{ key: `${prefix}l4.dstPort`, label: 'dst port', value: String(fmt.dstPort(l4)) }
			];
		if (l4.flags) {
			fields.push({ key: `${prefix}l4.flags`, label: 'flags', value: fmt.tcpFlags(l4.flags) });
		}
		out.push({ id: `${prefix}l4`, name: 'L4', title: String(l4.proto).toUpperCase(), fields });
	}
	if (packet.vxlan) {
		out.push({ id: `${prefix}vxlan`, name: 'VXLAN', title: 'tunnel', fields: [{ key: `${prefix}vxlan.vni`, label: 'VNI', value: String(packet.vxlan.vni) }] });
	} else {
		out.push({ id: `${prefix}l7`, name: 'Data', title: 'payload', fields: [
			{ key: `${prefix}payload`, label: 'payload', value: fmt.payloadText(packet.payload) },
			{ key: `${prefix}mark`, label: 'skb mark', value: fmt.mark(packet.mark) }
		] });
	}
	return out;
}

/** Flat map field key → value, for change detection against the previous step. */
function fieldMap(packet) {
	const m = new Map();
	if (!packet) {
		return m;
	}
	const add = (p, prefix) => layers(p, prefix).forEach(l => l.fields.forEach(f => m.set(f.key, f.value)));
	add(packet, '');
	if (packet.inner) {
		add(packet.inner, 'inner.');
	}
	return m;
}

function sections(packet) {
	if (packet.vxlan && packet.inner) {
		return [
			{ id: 'outer', title: 'Outer packet (the envelope)', layers: layers(packet, '') },
			{ id: 'inner', title: 'Inner frame (untouched inside the tunnel)', layers: layers(packet.inner, 'inner.') }
		];
	}
	return [{ id: 'plain', title: '', layers: layers(packet, '') }];
}

function renderInspector(el, state) {
	const e = currentEntry(state);
	const packet = e ? e.step.packet : null;
	const before = fieldMap(previousPacket(state));

	el.selectAll('p.empty')
		.data(packet ? [] : [1])
		.join('p')
		.attr('class', 'empty')
		.text('The packet has not been sent yet. Press play or → to start.');

	const secs = el.selectAll('div.hsec')
		.data(packet ? sections(packet) : [], d => d.id)
		.join(enter => {
			const s = enter.append('div');
			s.append('div').attr('class', 'hsec-title');
			s.append('div').attr('class', 'hsec-body');
			return s;
		})
		.attr('class', d => `hsec hsec-${d.id}`)
		.attr('data-section', d => d.id);
	secs.select('.hsec-title').text(d => d.title).attr('hidden', d => (d.title ? null : ''));

	const rows = secs.select('.hsec-body').selectAll('div.hlayer')
		.data(d => d.layers, d => d.id)
		.join(enter => {
			const r = enter.append('div').attr('class', 'hlayer');
			const h = r.append('div').attr('class', 'hlayer-name');
			h.append('span').attr('class', 'hlayer-tag');
			h.append('span').attr('class', 'hlayer-title');
			r.append('div').attr('class', 'hfields');
			return r;
		})
		.attr('data-layer', d => d.id);
	rows.select('.hlayer-tag').text(d => d.name);
	rows.select('.hlayer-title').text(d => d.title);
	rows.select('.hfields').selectAll('.hnote')
		.data(d => (d.note ? [d.note] : []))
		.join('span')
		.attr('class', 'hnote')
		.text(d => d);
	rows.select('.hfields').selectAll('div.hf')
		.data(d => d.fields, d => d.key)
		.join(enter => {
			const f = enter.append('div').attr('class', 'hf');
			f.append('span').attr('class', 'hf-k');
			f.append('span').attr('class', 'hf-v');
			return f;
		})
		.attr('data-field', d => d.key)
		.classed('is-changed', d => before.size > 0 && (!before.has(d.key) || before.get(d.key) !== d.value))
		.attr('title', d => (before.size > 0 && before.has(d.key) && before.get(d.key) !== d.value ? `was ${before.get(d.key)}` : null))
		.call(f => f.select('.hf-k').text(d => d.label))
		.call(f => f.select('.hf-v').text(d => d.value));
}

// ---- step detail -----------------------------------------------------------------------------------------------

function dl(parent, pairs) {
	const list = parent.append('dl').attr('class', 'kv');
	for (const [k, v, cls] of pairs) {
		if (v == null || v === '') {
			continue;
		}
		list.append('dt').text(k);
		list.append('dd').attr('class', cls || null).text(v);
	}
	return list;
}

function diffTable(parent, diffs) {
	const t = parent.append('table').attr('class', 'diffs').attr('data-testid', 'nat-diffs');
	const head = t.append('thead').append('tr');
	head.append('th').attr('scope', 'col').text('field');
	head.append('th').attr('scope', 'col').text('before → after');
	const rows = t.append('tbody').selectAll('tr').data(diffs || []).join('tr').attr('data-field', d => d.field);
	rows.append('th').attr('scope', 'row').text(d => fmt.fieldName(d.field));
	const cell = rows.append('td');
	cell.append('del').text(d => d.before);
	cell.append('span').attr('class', 'arrow').attr('aria-hidden', 'true').text(' → ');
	cell.append('ins').text(d => d.after);
}

function codeList(parent, lines, isHit, hitText, testid) {
	const ol = parent.append('ol').attr('class', 'codelist').attr('data-testid', testid || null);
	ol.selectAll('li').data(lines).join('li')
		.classed('is-hit', (d, i) => isHit(d, i))
		.call(li => li.append('code').text(d => d))
		.call(li => li.filter((d, i) => isHit(d, i)).append('span').attr('class', 'hit-tag').text(hitText));
	return ol;
}

function envelope(parent, packet) {
	if (!packet || !packet.vxlan || !packet.inner) {
		return;
	}
	const env = parent.append('div').attr('class', 'envelope-box').attr('data-testid', 'envelope');
	env.append('div').attr('class', 'env-outer-h')
		.text(`outer ${fmt.packetLabel(packet)} · UDP · VXLAN VNI ${packet.vxlan.vni}`);
	const inner = env.append('div').attr('class', 'env-inner');
	inner.append('div').attr('class', 'env-inner-h').text(`inner ${fmt.packetLabel(packet.inner)} · ${fmt.protoTag(packet.inner)}`);
	if (packet.inner.eth) {
		inner.append('div').attr('class', 'env-inner-l2').text(`${packet.inner.eth.src} → ${packet.inner.eth.dst}`);
	}
}

const RESOLUTION = {
	CACHE: 'found in the neighbour cache',
	PERMANENT: 'permanent entry (configured)',
	ARP_REPLY: 'ARP who-has broadcast, answered with is-at',
	FAILED: 'no answer'
};

const BRIDGE_DECISION = {
	FDB_HIT: 'known destination MAC: forward to one port',
	FLOOD: 'unknown destination MAC: flood to every port',
	LOCAL: 'addressed to the bridge itself: up to the IP stack'
};

function buildDetail(sel, entry) {
	const s = entry.step;
	const d = sel;
	const head = d.append('div').attr('class', 'detail-head');
	head.append('span').attr('class', `step-badge step-${s.type}`).text(fmt.stepName(s.type));
	head.append('span').attr('class', 'detail-place').text(fmt.placeText(s.at));
	switch (s.type) {
		case 'send':
			dl(d, [['socket', s.socket], ['packet', `${fmt.protoTag(s.packet)} ${fmt.packetLabel(s.packet)}`]]);
			break;
		case 'route':
			d.append('div').attr('class', 'sub').text(`ip route · ${s.at.namespace}`);
			codeList(d, s.table || [], (l, i) => i === s.matched, '◀ matched', 'route-table');
			if (s.matched < 0) {
				d.append('p').attr('class', 'warn').text('No route matched.');
			}
			dl(d, [['decision', s.decision], ['next hop', s.nextHop], ['out via', s.device]]);
			break;
		case 'neighbor':
			dl(d, [
				['who has', s.ip],
				['is at', s.mac || 'no answer', s.mac ? 'mono' : 'bad'],
				['how', RESOLUTION[s.resolution] || s.resolution],
				['answered by', s.answeredBy ? fmt.placeText(s.answeredBy) : null]
			]);
			break;
		case 'transmit':
			dl(d, [['out of', s.device], ['arrives at', s.peer ? fmt.placeText(s.peer) : 'the wire']]);
			envelope(d, s.packet);
			break;
		case 'receive':
			dl(d, [['in on', s.device]]);
			envelope(d, s.packet);
			break;
		case 'bridge': {
			dl(d, [['bridge', s.bridge], ['in port', s.inPort], ['out port', s.outPort || (s.decision === 'FLOOD' ? 'all ports' : 'local stack')], ['decision', BRIDGE_DECISION[s.decision] || s.decision]]);
			d.append('div').attr('class', 'sub').text(`bridge fdb · ${s.bridge}`);
			const dst = s.packet.eth ? s.packet.eth.dst : null;
			codeList(d, s.fdb || [], l => !!dst && l.startsWith(dst), '◀ used', 'fdb');
			break;
		}
		case 'netfilter': {
			dl(d, [['table', s.table], ['hook', s.hook], ['rules evaluated', String(s.rulesEvaluated ?? '')], ['verdict', s.verdict, `verdict verdict-${String(s.verdict).toLowerCase()}`]]);
			const ol = d.append('ol').attr('class', 'rules').attr('data-testid', 'netfilter-rules');
			const li = ol.selectAll('li').data(s.matched || []).join('li');
			li.append('span').attr('class', 'rule-pos').text(r => `${r.chain} #${r.number}`);
			li.append('code').text(r => r.rule);
			li.append('span').attr('class', 'rule-effect').text(r => r.effect);
			if (!s.matched || s.matched.length === 0) {
				d.append('p').attr('class', 'sub').text('No rule matched: the chain policy applies.');
			}
			break;
		}
		case 'conntrack':
			dl(d, [['state', s.state, `ct ct-${String(s.state).toLowerCase()}`]]);
			d.append('pre').attr('class', 'ct-entry').attr('data-testid', 'conntrack-entry').text(s.entry || '');
			break;
		case 'nat':
			dl(d, [['kind', s.kind], ['rule', s.rule, 'mono']]);
			diffTable(d, s.diffs);
			break;
		case 'forward':
			dl(d, [['ip_forward', 'on: the namespace routes packets that are not for it']]);
			diffTable(d, s.diffs);
			break;
		case 'encapsulate':
			dl(d, [['device', s.device], ['VNI', String(s.vni)], ['fdb', s.fdbEntry, 'mono']]);
			envelope(d, s.packet);
			break;
		case 'decapsulate':
			dl(d, [['device', s.device], ['VNI', String(s.vni)]]);
			envelope(d, s.packet);
			break;
		case 'deliver':
			dl(d, [['socket', s.socket], ['outcome', 'DELIVERED', 'good']]);
			break;
		case 'drop':
			dl(d, [['reason', `${fmt.reasonText(s.reason)} (${s.reason})`, 'bad'], ['ICMP error', s.icmp]]);
			break;
		default: {
			const skip = new Set(['type', 'at', 'packet', 'narration']);
			dl(d, Object.entries(s).filter(([k]) => !skip.has(k)).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v), 'mono']));
		}
	}
}

function renderDetail(el, state) {
	const e = currentEntry(state);
	el.selectAll('p.empty')
		.data(e ? [] : [1])
		.join('p')
		.attr('class', 'empty')
		.text('Each step shows its evidence here: the route table, the ARP answer, the bridge FDB, the netfilter rules, the NAT rewrite.');
	el.selectAll('div.detail')
		.data(e ? [e] : [], d => `${state.seed}:${d.index}`)
		.join(enter => enter.append('div').attr('class', 'detail').each(function (d) {
			buildDetail(d3.select(this), d);
		}))
		.attr('data-step-type', d => d.step.type);
}

// ---- event list ------------------------------------------------------------------------------------------------

function eventItems(state) {
	const items = [];
	for (const w of state.walks) {
		items.push({ key: `w${w.index}`, kind: 'walk', walk: w });
		for (let i = w.first; i <= w.last; i++) {
			items.push({ key: `s${i}`, kind: 'step', entry: state.steps[i] });
		}
	}
	return items;
}

function renderEvents(el, state) {
	const cursor = state.cursor;
	const nsLabel = id => state.topology?.namespaces.find(n => n.id === id)?.label || id;
	const li = el.selectAll('li')
		.data(eventItems(state), d => `${state.seed}:${d.key}`)
		.join(enter => enter.append('li').each(function (d) {
			const row = d3.select(this);
			if (d.kind === 'walk') {
				row.attr('class', 'ev-walk');
				row.append('span').attr('class', 'ev-leg').text(d.walk.leg === 'REPLY' ? '◂ REPLY' : 'REQ ▸');
				row.append('span').attr('class', 'ev-walk-label').text(d.walk.label);
				row.append('span').attr('class', 'ev-walk-outcome');
				return;
			}
			const e = d.entry;
			row.attr('class', `ev ev-${e.step.type}`).attr('data-index', e.index).attr('data-type', e.step.type)
				.attr('data-namespace', e.step.at.namespace).attr('data-walk', e.walk).attr('data-leg', e.leg)
				.attr('data-testid', 'event');
			const b = row.append('button').attr('type', 'button').attr('data-seek', e.index)
				.attr('aria-label', `Go to step ${e.index + 1}: ${fmt.stepName(e.step.type)} in ${e.step.at.namespace}`);
			b.append('span').attr('class', 'ev-n').text(String(e.index + 1));
			b.append('span').attr('class', 'ev-ns').attr('data-testid', 'event-namespace').attr('title', e.step.at.namespace).text(nsLabel(e.step.at.namespace));
			b.append('span').attr('class', `ev-type step-${e.step.type}`).text(fmt.stepShort(e.step.type));
			b.append('span').attr('class', 'ev-text').attr('title', fmt.shortText(e.step)).text(fmt.shortText(e.step));
		}));
	li.filter(d => d.kind === 'step')
		.classed('is-current', d => d.entry.index === cursor)
		.classed('is-past', d => d.entry.index < cursor)
		.select('button').attr('aria-current', d => (d.entry.index === cursor ? 'step' : null));
	li.filter(d => d.kind === 'walk').select('.ev-walk-outcome')
		.text(d => (d.walk.last <= cursor ? (d.walk.disposition.outcome === 'DROPPED' ? '✕ dropped' : '✓ delivered') : ''))
		.attr('data-outcome', d => (d.walk.last <= cursor ? d.walk.disposition.outcome : null));

	// keep the current row in view without moving the page
	const cur = el.select('li.is-current').node();
	const box = el.node();
	if (cur && box) {
		const top = cur.offsetTop; // the list is position: relative, so this is relative to it
		if (top < box.scrollTop + 4 || top + cur.offsetHeight > box.scrollTop + box.clientHeight - 4) {
			box.scrollTop = Math.max(0, top - box.clientHeight / 3);
		}
	} else if (box && cursor < 0) {
		box.scrollTop = 0;
	}
}

// ---- narration, place, disposition -----------------------------------------------------------------------------

export function createPanels(root, { onSeek }) {
	const q = id => d3.select(root).select(`[data-testid="${id}"]`);
	const narration = q('narration');
	const where = q('current-namespace');
	const badge = q('step-type');
	const walkLabel = q('walk-label');
	const disposition = q('disposition');
	const takeaway = q('takeaway');
	const inspector = d3.select(root).select('#inspector');
	const detail = d3.select(root).select('#detail');
	const events = d3.select(root).select('#events');

	events.on('click', event => {
		const btn = event.target.closest('button[data-seek]');
		if (btn) {
			onSeek(Number(btn.dataset.seek));
		}
	});

	function update(state) {
		const e = currentEntry(state);
		const walk = currentWalk(state);
		const sc = state.scenario;
		const text = e ? e.step.narration : sc ? sc.intro : '';
		if (narration.text() !== text) {
			narration.text(text);
		}
		narration.classed('is-intro', !e);
		badge.text(e ? fmt.stepName(e.step.type) : 'Intro').attr('class', `step-badge step-${e ? e.step.type : 'intro'}`);
		where.text(e ? fmt.placeText(e.step.at) : '')
			.attr('data-namespace', e ? e.step.at.namespace : null)
			.attr('data-device', e ? e.step.at.device || null : null);
		walkLabel.text(walk ? `${walk.leg === 'REPLY' ? '◂ reply' : 'request ▸'} · ${walk.label}` : '')
			.attr('data-leg', walk ? walk.leg : null);

		// the walk's outcome, once its last step is reached; at the very end, the whole trace's
		const terminal = e && walk && e.index === walk.last;
		const d = terminal ? walk.disposition : null;
		disposition
			.attr('hidden', d ? null : '')
			.attr('data-outcome', d ? d.outcome : null)
			.attr('data-reason', d && d.reason ? d.reason : null)
			.classed('is-delivered', !!d && d.outcome === 'DELIVERED')
			.classed('is-dropped', !!d && d.outcome === 'DROPPED');
		disposition.selectAll('*').remove();
		if (d) {
			disposition.append('span').attr('class', 'disp-icon').attr('aria-hidden', 'true').text(d.outcome === 'DROPPED' ? '✕' : '✓');
			const txt = disposition.append('span').attr('class', 'disp-text');
			txt.append('strong').attr('class', 'disp-outcome').text(fmt.dispositionText(d));
			txt.append('span').attr('class', 'disp-detail').text(`${atEnd(state) ? 'Final · ' : `${fmt.legText(walk.leg)} · `}${d.detail || ''}`);
		}
		const showTake = atEnd(state) && sc && sc.takeaway;
		takeaway.attr('hidden', showTake ? null : '').text(showTake ? `Takeaway: ${sc.takeaway.trim()}` : '');

		renderInspector(inspector, state);
		renderDetail(detail, state);
		renderEvents(events, state);
	}

	return { update };
}

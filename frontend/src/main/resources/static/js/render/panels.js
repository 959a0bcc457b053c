// The HTML panels around the picture: narration (ARIA live), header inspector, step detail, event list,
// disposition and takeaway. A factory called once; update(state) re-joins keyed data. Text only via .text().

import d3 from '../d3.js';
import { atEnd, currentEntry, currentWalk, previousPacket } from '../store.js';
import * as fmt from '../format.js';
import { fraction, ladder, walkRows } from '../evidence/rulewalk.js';
import { FILTER_GROUPS, stepClass, stepName, stepShort, stepSummary, stepType, typesOfGroup } from '../steps/registry.js';

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
		const fields = fmt.transportFields(l4, prefix);
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

/**
 * What the packet after this step is compared with. Across an envelope the comparison is frame to frame: at an
 * encapsulation the inner frame is compared with the frame before (it travels unchanged) and the outer headers are
 * *added* (`added`: drawn as new, never as a rewrite of the inner addresses); at a decapsulation the frame that comes
 * out is compared with the one that was inside.
 */
function comparison(prev, cur) {
	const flat = (p, prefix) => {
		const m = new Map();
		layers(p, prefix).forEach(l => l.fields.forEach(f => m.set(f.key, f.value)));
		return m;
	};
	if (prev && cur && cur.inner && !prev.inner) {
		return { before: flat(prev, 'inner.'), added: true };
	}
	if (prev && cur && !cur.inner && prev.inner) {
		return { before: flat(prev.inner, ''), added: false };
	}
	return { before: fieldMap(prev), added: false };
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
	const { before, added } = comparison(previousPacket(state), packet);
	// the envelope's headers, and the inner frame's Ethernet header the tunnel device builds, are new: added, not changed
	const isAdded = d => added && (!d.key.startsWith('inner.') || !before.has(d.key));

	el.selectAll('p.empty')
		.data(packet ? [] : [1])
		.join('p')
		.attr('class', 'empty')
		.text(e ? 'No packet moves here: the cluster is changing (the control plane\'s work, below).'
			: 'The packet has not been sent yet. Press play or → to start.');

	el.classed('is-encap', !!(packet && packet.vxlan && packet.inner));
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
		.classed('is-added', isAdded)
		.classed('is-changed', d => !isAdded(d) && before.size > 0 && (!before.has(d.key) || before.get(d.key) !== d.value))
		.attr('title', d => (before.size > 0 && before.has(d.key) && before.get(d.key) !== d.value ? `was ${before.get(d.key)}` : null))
		.call(f => f.select('.hf-k').text(d => d.label))
		.call(f => f.select('.hf-v').each(function (d) {
			const v = d3.select(this);
			v.selectAll('*').remove();
			const old = before.size > 0 && before.has(d.key) && before.get(d.key) !== d.value && before.get(d.key) !== '' ? before.get(d.key) : null;
			if (old != null) {
				// the slides' style: the old value struck through, the new one beside it
				v.text(null);
				v.append('del').attr('data-testid', 'old-value').text(old);
				v.append('ins').attr('data-testid', 'new-value').text(d.value);
			} else {
				v.text(d.value);
			}
		}));

	// what rewrote the packet here: a NAT rule (named), or the TTL decrement of forwarding
	const step = e ? e.step : null;
	const banner = step && (step.type === 'nat' || step.type === 'forward') && step.diffs && step.diffs.length ? [step] : [];
	el.selectAll('div.rewrite')
		.data(banner, x => `${state.seed}:${e.index}`)
		.join(enter => enter.insert('div', ':first-child').attr('class', 'rewrite').attr('data-testid', 'rewrite').each(function (x) {
			const b = d3.select(this);
			const head = b.append('div').attr('class', 'rewrite-head');
			head.append('span').attr('class', `nat-kind nat-${x.type === 'nat' ? String(x.kind).toLowerCase() : 'forward'}`)
				.text(x.type === 'nat' ? x.kind : 'FORWARD');
			const comment = x.type === 'nat' ? x.comment : null;
			head.append('span').attr('class', 'rewrite-by').text(x.type === 'nat'
				? (comment ? `rule “${comment}”` : x.rule ? String(x.rule).replace(/^conntrack entry/, 'conntrack entry') : '')
				: 'ip_forward: the TTL drops by one at every router');
			x.diffs.forEach(df => {
				const r = b.append('div').attr('class', 'rewrite-diff').attr('data-field', df.field);
				r.append('span').attr('class', 'rewrite-field').text(fmt.fieldName(df.field));
				r.append('del').text(df.before);
				r.append('span').attr('class', 'arrow').attr('aria-hidden', 'true').text(' → ');
				r.append('ins').text(df.after);
			});
		}));
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

// ---- netfilter, NAT, conntrack -----------------------------------------------------------------------------------

const NFT_WALK = 'nftables walks the base chain\'s rules in order too, but one verdict-map lookup (@service-ips, '
	+ '@service-nodeports) finds the Service\'s chain however many Services there are, and numgen picks the endpoint '
	+ 'in one rule: compare the count with iptables mode\'s linear walk.';

const LINEAR_WALK = 'A real kernel walks each chain\'s rules one by one, top to bottom, testing every match of every rule until '
	+ 'one with a terminating target (ACCEPT, DROP, DNAT) matches or the chain\'s policy applies. Every rule tested is listed '
	+ 'below; that linear walk is why thousands of Services make iptables mode slow.';

const ACTION_TEXT = {
	JUMP: 'jump',
	GOTO: 'goto',
	RETURN: 'return',
	MARK: 'mark, go on',
	TERMINAL: 'decides',
	CONTINUE: 'count, go on',
	NO_MATCH: 'drew and missed'
};

function probabilityLadder(parent, s) {
	const rungs = ladder(s);
	if (rungs.length === 0) {
		return;
	}
	const box = parent.append('div').attr('class', 'ladder').attr('data-testid', 'probability-ladder');
	box.append('div').attr('class', 'ladder-title').text('Probability ladder: why this endpoint');
	box.append('p').text('kube-proxy writes one rule per endpoint. With n endpoints the first matches with probability 1/n, '
		+ 'the next with 1/(n−1) of what is left, …, then 1/2, and the last has no --probability: it catches the rest. '
		+ 'Each rung draws a random number (here the model\'s seeded draw); it matches when the draw is below its probability.');
	const ol = box.append('ol').attr('class', 'ladder-steps');
	ol.selectAll('li').data(rungs).join('li')
		.attr('class', r => (r.rest ? 'ladder-rest' : 'ladder-rung'))
		.attr('data-testid', r => (r.rest ? 'ladder-rest' : 'ladder-rung'))
		.classed('is-hit', r => r.picked)
		.each(function (r) {
			const li = d3.select(this);
			li.append('span').attr('class', 'rung-pos').text(`#${r.number}`);
			li.append('span').attr('class', 'rung-to').text(r.comment || r.target || '');
			if (r.rest) {
				li.append('span').attr('class', 'rung-p').text('no --probability: every rung above missed, it takes the rest');
				return;
			}
			li.append('span').attr('class', 'rung-p').attr('data-testid', 'rung-probability').text(`p = ${fraction(r.probability)}`);
			li.append('span').attr('class', 'rung-draw').attr('data-testid', 'rung-draw').text(`drew ${fraction(r.draw)}`);
			li.append('span').attr('class', 'rung-verdict').text(r.picked ? '< p: picked' : '≥ p: missed');
		});
}

function walkList(d, s, all) {
	const expanded = new Set();
	const ol = d.append('ol').attr('class', 'rule-walk').attr('data-testid', 'rule-walk');
	const draw = () => {
		const rows = walkRows(s, expanded, all.value);
		ol.selectAll('li').data(rows, r => `${r.key}:${r.collapsed ? 'c' : 'o'}`).join(enter => enter.append('li').each(function (r) {
			const li = d3.select(this);
			switch (r.kind) {
				case 'rule':
				case 'miss': {
					const hit = r.kind === 'rule' && r.matched;
					li.attr('class', `walk-rule ${hit ? 'is-match' : 'is-skipped'}`).attr('data-testid', hit ? 'walk-match' : 'walk-miss');
					const head = li.append('div').attr('class', 'rule-head');
					head.append('span').attr('class', 'rule-pos').text(`${r.chain} #${r.number}`);
					if (hit) {
						head.append('span').attr('class', 'rule-arrow').attr('aria-hidden', 'true').text(' → ');
						head.append('span').attr('class', 'rule-effect').text(r.effect || '');
						head.append('span').attr('class', 'rule-action').text(ACTION_TEXT[r.action] || r.action);
					} else if (r.action === 'NO_MATCH' && r.probability != null) {
						head.append('span').attr('class', 'rule-action').text(`p = ${fraction(r.probability)}, drew ${fraction(r.draw)}: missed`);
					} else if (r.action === 'NO_MATCH' && r.lookups) {
						head.append('span').attr('class', 'rule-action').text('no element: the rule does not match');
					}
					if (hit && r.comment) {
						head.append('span').attr('class', 'rule-comment').text(`“${r.comment}”`);
					}
					li.append('code').attr('class', 'rule-text').text(r.rule ?? `(rule text not listed: see the node's ${s.type === 'nftables' ? 'nft list ruleset' : 'iptables-save'})`);
					walkEvidence(li, r);
					break;
				}
				case 'skipped':
					li.attr('class', r.collapsed ? 'walk-skip' : 'walk-skip is-open');
					if (r.collapsed) {
						li.append('button').attr('type', 'button').attr('class', 'walk-open').attr('data-testid', 'walk-skip')
							.attr('aria-expanded', 'false')
							.text(`… ${r.count} rules that did not match (${r.chain} #${r.from}–#${r.to})`)
							.on('click', () => {
								expanded.add(r.key);
								draw();
							});
					}
					break;
				case 'return':
					li.attr('class', 'walk-return').attr('data-testid', 'walk-return').text(`↩ end of ${r.chain}: back to ${r.to}`);
					break;
				case 'policy':
					li.attr('class', 'walk-policy').attr('data-testid', 'walk-policy').text(`no rule decided: ${r.chain} policy ${r.policy}`);
					break;
				default:
					li.attr('class', 'walk-unknown').text(`Unknown walk entry ${r.text}`);
			}
		}))
			.style('--depth', r => String(r.depth))
			.order();
	};
	draw();
	return draw;
}

/**
 * What an nftables rule used, on its walk row: each set or map lookup (the key, and the element found or none) and
 * the numgen value drawn, typed in the trace (docs/api.md, "The rule walk").
 */
function walkEvidence(li, r) {
	if (r.kind !== 'rule') {
		return;
	}
	for (const l of r.lookups || []) {
		li.append('div').attr('class', `walk-lookup${l.element ? ' is-hit' : ''}`).attr('data-testid', 'walk-lookup')
			.text(`@${l.set} [${l.key}] ${l.element ? `→ ${l.element}` : '→ no element'}`);
	}
	if (r.numgen) {
		li.append('div').attr('class', 'walk-numgen').attr('data-testid', 'walk-numgen')
			.text(`numgen random mod ${r.numgen.mod} drew ${r.numgen.value} → ${r.numgen.verdict}`);
	}
}

/** The walk, rule by rule, with its "show all" switch when runs of misses are collapsed. */
function walkSection(d, s, evaluated) {
	if (!s.walk) {
		d.append('p').attr('class', 'sub').text('This trace has no rule walk.');
		return;
	}
	const all = { value: false };
	const bar = d.append('div').attr('class', 'walk-bar');
	bar.append('span').attr('class', 'sub').text('The walk, rule by rule');
	let draw = null;
	if (walkRows(s).some(r => r.kind === 'skipped' && r.collapsed)) {
		bar.append('button').attr('type', 'button').attr('class', 'walk-all').attr('data-testid', 'walk-expand-all')
			.text(`Show all ${evaluated} rules`)
			.on('click', function () {
				all.value = !all.value;
				d3.select(this).text(all.value ? 'Collapse the misses' : `Show all ${evaluated} rules`);
				draw();
			});
	}
	draw = walkList(d, s, all);
}

function netfilterDetail(d, s) {
	const matched = s.matched || [];
	const evaluated = s.rulesEvaluated ?? matched.length;
	const sum = d.append('div').attr('class', 'nf-summary').attr('data-testid', 'rules-evaluated').attr('title', LINEAR_WALK);
	sum.append('strong').text(String(matched.length));
	sum.append('span').text(` of ${evaluated} rule${evaluated === 1 ? '' : 's'} evaluated matched`);
	sum.append('span').attr('class', 'nf-info').attr('aria-hidden', 'true').text('i');
	dl(d, [['table · hook', `${s.table} · ${s.hook}`], ['verdict', s.verdict, `verdict verdict-${String(s.verdict).split(' ')[0].toLowerCase()}`],
		['a kernel tests', `${evaluated} rule${evaluated === 1 ? '' : 's'}, one by one`]]);
	probabilityLadder(d, s);
	walkSection(d, s, evaluated);
}

/** An nftables base chain's walk: the matched rules (nft syntax), the set and map lookups, the numgen draws. */
function nftDetail(d, s) {
	const matched = s.matched || [];
	const evaluated = s.rulesEvaluated ?? matched.length;
	const sum = d.append('div').attr('class', 'nf-summary').attr('data-testid', 'rules-evaluated').attr('title', NFT_WALK);
	sum.append('strong').text(String(matched.length));
	sum.append('span').text(` of ${evaluated} rule${evaluated === 1 ? '' : 's'} evaluated matched`);
	sum.append('span').attr('class', 'nf-info').attr('aria-hidden', 'true').text('i');
	dl(d, [['table · chain', `${s.table} · ${s.chain}`],
		['hook · priority', `${s.chainType} hook ${String(s.hook).toLowerCase()} priority ${s.priority}`],
		['verdict', s.verdict, `verdict verdict-${String(s.verdict).split(' ')[0].toLowerCase()}`]]);
	if (matched.length === 0) {
		d.append('p').attr('class', 'sub').text('No rule matched: the base chain\'s policy (accept) applies.');
	}
	const lookups = s.lookups || [];
	if (lookups.length) {
		d.append('div').attr('class', 'sub').text('set and map lookups');
		codeList(d, lookups.map(l => `@${l.set} [${l.key}] ${l.element ? '→ ' + l.element : '→ no element'}`),
			(line, i) => !!lookups[i].element, '◀ element used', 'nft-lookups');
	}
	const draws = s.draws || [];
	if (draws.length) {
		d.append('div').attr('class', 'sub').text('numgen draws');
		codeList(d, draws.map(x => `numgen random mod ${x.mod} = ${x.value} → ${x.verdict}`), () => true, '◀ drawn', 'nft-draws');
	}
	walkSection(d, s, evaluated);
}

const NAT_KINDS = {
	DNAT: 'destination NAT: the destination is rewritten (a Service IP becomes one endpoint)',
	SNAT: 'source NAT: the source is rewritten to a fixed address',
	MASQUERADE: 'source NAT to the address of the outgoing interface',
	UN_DNAT: 'reply: conntrack undoes the DNAT, the source becomes the address the client asked for',
	UN_SNAT: 'reply: conntrack undoes the SNAT, the destination becomes the original client',
	ONE_TO_ONE: '1:1 NAT: a private address mapped to a public one'
};

function natDetail(d, s) {
	const head = d.append('div').attr('class', 'nat-head');
	head.append('span').attr('class', `nat-kind nat-${String(s.kind).toLowerCase()}`).attr('data-testid', 'nat-kind').text(s.kind);
	head.append('span').attr('class', 'nat-kind-text').text(NAT_KINDS[s.kind] || '');
	diffTable(d, s.diffs);
	if (s.comment) {
		dl(d, [['comment', s.comment, 'mono']]);
	}
	d.append('div').attr('class', 'sub').text(String(s.rule || '').startsWith('-A ') ? 'rule (iptables-save)' : 'from');
	d.append('pre').attr('class', 'rule-text').attr('data-testid', 'nat-rule').append('code').text(s.rule || '');
}

const CT_STATES = {
	NEW: 'first packet of a connection: a new entry, [UNREPLIED] until the other side answers',
	ESTABLISHED: 'the connection has seen traffic both ways',
	REPLY: 'a packet of the reply direction: it matches the entry\'s reply tuple',
	RELATED: 'related to a known connection (e.g. an ICMP error)',
	INVALID: 'matches no connection'
};

/** The two tuples of a `conntrack -L` line: original direction, then reply direction. */
export function conntrackTuples(entry) {
	const re = /src=(\S+) dst=(\S+)(?: sport=(\d+) dport=(\d+))?/g;
	const out = [];
	let m;
	while ((m = re.exec(entry || '')) && out.length < 2) {
		out.push({ src: m[1], dst: m[2], sport: m[3], dport: m[4] });
	}
	return out;
}

function conntrackDetail(d, s) {
	const head = d.append('div').attr('class', 'ct-head');
	head.append('span').attr('class', `ct ct-${String(s.state).toLowerCase()}`).attr('data-testid', 'conntrack-state').text(s.state);
	head.append('span').attr('class', 'ct-state-text').text(CT_STATES[s.state] || '');
	d.append('div').attr('class', 'sub').text('$ conntrack -L');
	d.append('pre').attr('class', 'ct-entry').attr('data-testid', 'conntrack-entry').text(s.entry || '');
	const tuples = conntrackTuples(s.entry);
	if (tuples.length === 2) {
		const t = d.append('table').attr('class', 'ct-tuples');
		const hr = t.append('thead').append('tr');
		['', 'src', 'dst', 'sport', 'dport'].forEach(h => hr.append('th').text(h));
		const body = t.append('tbody');
		[['original', tuples[0]], ['reply', tuples[1]]].forEach(([name, x]) => {
			const tr = body.append('tr');
			tr.append('th').attr('scope', 'row').text(name);
			[x.src, x.dst, x.sport, x.dport].forEach(v => tr.append('td').text(v ?? ''));
		});
		if (tuples[0].dst !== tuples[1].src) {
			d.append('p').attr('class', 'sub').text(`The reply tuple comes from ${tuples[1].src}, not ${tuples[0].dst}: this entry remembers a NAT.`);
		}
	}
}

function dropDetail(d, s) {
	const box = d.append('div').attr('class', 'drop-box').attr('data-testid', 'drop-detail');
	box.append('div').attr('class', 'drop-title').text(`✕ DROPPED · ${s.reason}`);
	box.append('div').attr('class', 'drop-reason').text(fmt.reasonText(s.reason));
	dl(d, [['ICMP error', s.icmp || 'none: the sender is not told']]);
}

/** The widgets a registry entry's detail renderer draws with (steps/registry.js stays free of the DOM). */
function widgets(d) {
	return {
		dl: pairs => dl(d, pairs),
		codeList: (lines, isHit, hitText, testid) => codeList(d, lines, isHit, hitText, testid),
		diffTable: diffs => diffTable(d, diffs),
		envelope: packet => envelope(d, packet),
		sub: text => d.append('div').attr('class', 'sub').text(text),
		warn: text => d.append('p').attr('class', 'warn').text(text),
		netfilter: s => netfilterDetail(d, s),
		nftables: s => nftDetail(d, s),
		nat: s => natDetail(d, s),
		conntrack: s => conntrackDetail(d, s),
		drop: s => dropDetail(d, s),
		raw: s => {
			const skip = new Set(['type', 'at', 'packet', 'narration']);
			dl(d, Object.entries(s).filter(([k]) => !skip.has(k)).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v), 'mono']));
		}
	};
}

function buildDetail(d, entry) {
	const s = entry.step;
	const head = d.append('div').attr('class', 'detail-head');
	head.append('span').attr('class', `step-badge ${stepClass(s.type)}`).text(stepName(s.type));
	head.append('span').attr('class', 'detail-place').text(fmt.placeText(s.at));
	stepType(s.type).detail(widgets(d), s);
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

function hiddenTypes(hiddenGroups) {
	const out = new Set();
	hiddenGroups.forEach(g => typesOfGroup(g).forEach(t => out.add(t)));
	return out;
}

function renderEvents(el, state, hidden = new Set()) {
	const cursor = state.cursor;
	const nsLabel = id => state.topology?.namespaces.find(n => n.id === id)?.label || id;
	const li = el.selectAll('li')
		.data(eventItems(state), d => `${state.seed}:${d.key}`)
		.join(enter => enter.append('li').each(function (d) {
			const row = d3.select(this);
			if (d.kind === 'walk') {
				row.attr('class', 'ev-walk');
				row.append('span').attr('class', 'ev-leg').text({ REPLY: '◂ REPLY', CHANGE: '⚙ CHANGE' }[d.walk.leg] || 'REQ ▸');
				row.append('span').attr('class', 'ev-walk-label').text(d.walk.label);
				row.append('span').attr('class', 'ev-walk-outcome');
				return;
			}
			const e = d.entry;
			row.attr('class', `ev ev-${e.step.type}`).attr('data-index', e.index).attr('data-type', e.step.type)
				.attr('data-namespace', e.step.at.namespace).attr('data-walk', e.walk).attr('data-leg', e.leg)
				.attr('data-testid', 'event');
			const where = nsLabel(e.step.at.namespace);
			const b = row.append('button').attr('type', 'button').attr('data-seek', e.index)
				.attr('aria-label', `Go to step ${e.index + 1}: ${stepName(e.step.type)} in ${where}${where !== e.step.at.namespace ? ` (${e.step.at.namespace})` : ''}: ${stepSummary(e.step)}`);
			b.append('span').attr('class', 'ev-n').text(String(e.index + 1));
			b.append('span').attr('class', 'ev-ns').attr('data-testid', 'event-namespace').attr('title', e.step.at.namespace).text(where);
			b.append('span').attr('class', `ev-type ${stepClass(e.step.type)}`).text(stepShort(e.step.type));
			b.append('span').attr('class', 'ev-text').attr('title', stepSummary(e.step)).text(stepSummary(e.step));
		}));
	const story = state.view === 'story' ? new Set(state.story) : null;
	li.filter(d => d.kind === 'step')
		.classed('is-filtered', d => hidden.has(d.entry.step.type))
		.classed('is-offstory', d => !!story && !story.has(d.entry.index))
		.classed('is-current', d => d.entry.index === cursor)
		.classed('is-past', d => d.entry.index < cursor)
		.select('button').attr('aria-current', d => (d.entry.index === cursor ? 'step' : null));
	li.filter(d => d.kind === 'walk').select('.ev-walk-outcome')
		.text(d => (d.walk.last <= cursor ? ({ DROPPED: '✕ dropped', APPLIED: '✓ applied' }[d.walk.disposition.outcome] || '✓ delivered') : ''))
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

	// filters: UI state only (not the trace's), so they live here, not in the store
	const hiddenGroups = new Set();
	let lastState = null;
	// one chip per filter group of the step registry (pinned groups always show), before the presets
	const filterBox = d3.select(root).select('.ev-filters');
	filterBox.selectAll('button[data-filter]')
		.data(FILTER_GROUPS.filter(g => !g.pinned), g => g.id)
		.join(enter => enter.insert('button', '.chip-preset'))
		.attr('type', 'button')
		.attr('class', 'chip-f')
		.attr('data-filter', g => g.id)
		.attr('data-testid', g => `filter-${g.id}`)
		.attr('title', g => `Show or hide: ${g.title}`)
		.attr('aria-pressed', 'true')
		.text(g => g.label);
	const chips = filterBox.selectAll('button');
	function syncChips() {
		chips.filter('[data-filter]').attr('aria-pressed', function () {
			return String(!hiddenGroups.has(this.dataset.filter));
		});
	}
	chips.on('click', function () {
		const { filter, preset } = this.dataset;
		if (filter) {
			if (hiddenGroups.has(filter)) {
				hiddenGroups.delete(filter);
			} else {
				hiddenGroups.add(filter);
			}
		} else if (preset === 'natOnly') {
			FILTER_GROUPS.filter(g => !g.pinned).forEach(g => hiddenGroups.add(g.id));
			hiddenGroups.delete('nat');
			hiddenGroups.delete('netfilter');
		} else if (preset === 'all') {
			hiddenGroups.clear();
		}
		syncChips();
		if (lastState) {
			renderEvents(events, lastState, hiddenTypes(hiddenGroups));
		}
		this.blur(); // the keyboard goes back to the player
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
		badge.text(e ? stepName(e.step.type) : 'Intro').attr('class', `step-badge ${e ? stepClass(e.step.type) : 'step-intro'}`);
		where.text(e ? fmt.placeText(e.step.at) : '')
			.attr('data-namespace', e ? e.step.at.namespace : null)
			.attr('data-device', e ? e.step.at.device || null : null);
		walkLabel.text(walk ? `${{ REPLY: '◂ reply', CHANGE: '⚙ cluster change' }[walk.leg] || 'request ▸'} · ${walk.label}` : '')
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
			// the detail, unless the narration just said it (a drop's reason is its narration): never the same sentence twice
			const detail = d.detail && d.detail !== text ? d.detail : '';
			txt.append('span').attr('class', 'disp-detail').text(`${atEnd(state) ? 'Final' : fmt.legText(walk.leg)}${detail ? ` · ${detail}` : ''}`);
		}
		const showTake = atEnd(state) && sc && sc.takeaway;
		takeaway.attr('hidden', showTake ? null : '').text(showTake ? `Takeaway: ${sc.takeaway.trim()}` : '');

		renderInspector(inspector, state);
		renderDetail(detail, state);
		lastState = state;
		renderEvents(events, state, hiddenTypes(hiddenGroups));
	}

	return { update };
}

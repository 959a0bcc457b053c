// Two traces side by side: the alignment rule, pure (no DOM).
//
// 1. Walks are paired in trace order: the i-th walk of each side (flow position and leg, request then reply). A walk
//    without a partner is on one side only.
// 2. Within a pair of walks, steps are aligned by the longest common subsequence of their keys: the namespace, the
//    step type and where in the namespace it happens (the device; the netfilter table and hook; the NAT kind; the
//    bridge). A walk's last step (deliver or drop) is keyed by "end" alone, so both ends always share a row. Steps
//    on one row happened at the same place on both sides; a step without a partner is on one side only.
// 3. Aligned steps are compared: a different rewrite (NAT or forward changes), a different endpoint (delivered in
//    another namespace), a different outcome (delivered vs dropped), a different packet (addresses or the
//    destination port after the step; source ports are drawn at random on both sides and are not compared).

/** Where a step happens, as the alignment compares it. */
export function stepKey(step, last) {
	if (last) {
		return 'end';
	}
	const ns = step.at?.namespace ?? '';
	switch (step.type) {
		case 'transmit':
		case 'receive':
		case 'encapsulate':
		case 'decapsulate':
			return `${ns}|${step.type}|${step.device ?? ''}`;
		case 'netfilter':
			return `${ns}|netfilter|${step.table}/${step.hook}`;
		case 'nat':
			return `${ns}|nat|${step.kind}`;
		case 'bridge':
			return `${ns}|bridge|${step.bridge}`;
		case 'policy':
			return `${ns}|policy|${step.direction}`;
		default:
			return `${ns}|${step.type}`;
	}
}

/** The steps of a walk, in order, with their index in the whole trace (the player's step numbers). */
function flatten(trace) {
	const walks = [];
	let index = 0;
	for (const w of trace.walks) {
		const steps = [];
		for (const hop of w.hops) {
			for (const s of hop.steps) {
				steps.push({ step: s, index: index++ });
			}
		}
		walks.push({ walk: w, steps });
	}
	return walks;
}

/** Longest common subsequence of two key lists: the matched index pairs, in order. */
export function lcs(a, b) {
	const n = a.length;
	const m = b.length;
	const t = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
	for (let i = n - 1; i >= 0; i--) {
		for (let j = m - 1; j >= 0; j--) {
			t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
		}
	}
	const pairs = [];
	let i = 0;
	let j = 0;
	while (i < n && j < m) {
		if (a[i] === b[j]) {
			pairs.push([i, j]);
			i++;
			j++;
		} else if (t[i + 1][j] >= t[i][j + 1]) {
			i++;
		} else {
			j++;
		}
	}
	return pairs;
}

function addressOf(packet) {
	if (!packet?.ip) {
		return '';
	}
	const dport = packet.l4?.dstPort ?? packet.l4?.id ?? '';
	return `${packet.ip.src} → ${packet.ip.dst}${dport === '' ? '' : `:${dport}`}`;
}

function rewriteOf(step) {
	return (step.diffs || [])
		.filter(d => d.field !== 'TTL')
		.map(d => `${d.field} ${d.field === 'SRC_PORT' ? '*' : d.before} → ${d.field === 'SRC_PORT' ? '*' : d.after}`)
		.join(', ');
}

/** What differs between two aligned steps: a list of {kind, text}. */
export function differences(left, right) {
	const out = [];
	if (left.type === 'deliver' || right.type === 'deliver' || left.type === 'drop' || right.type === 'drop') {
		if (left.type !== right.type) {
			out.push({ kind: 'outcome', text: `${left.type === 'deliver' ? 'delivered' : 'dropped'} vs ${right.type === 'deliver' ? 'delivered' : 'dropped'}` });
		} else if (left.type === 'drop' && left.reason !== right.reason) {
			out.push({ kind: 'outcome', text: `dropped: ${left.reason} vs ${right.reason}` });
		} else if (left.at?.namespace !== right.at?.namespace) {
			out.push({ kind: 'endpoint', text: `${left.at?.namespace} vs ${right.at?.namespace}` });
		}
	}
	if ((left.type === 'nat' || left.type === 'forward') && rewriteOf(left) !== rewriteOf(right)) {
		out.push({ kind: 'rewrite', text: `${rewriteOf(left) || 'nothing'} vs ${rewriteOf(right) || 'nothing'}` });
	}
	const a = addressOf(left.packet);
	const b = addressOf(right.packet);
	if (a !== b) {
		out.push({ kind: 'packet', text: `${a} vs ${b}` });
	}
	return out;
}

/**
 * The aligned rows of two traces: one section per walk pair, {walk, left, right, rows}, each row {left, right,
 * status, diffs} with left/right {step, index} or null and status 'both', 'left-only', 'right-only'.
 */
export function align(leftTrace, rightTrace) {
	const L = flatten(leftTrace);
	const R = flatten(rightTrace);
	const sections = [];
	for (let w = 0; w < Math.max(L.length, R.length); w++) {
		const l = L[w];
		const r = R[w];
		const ls = l ? l.steps : [];
		const rs = r ? r.steps : [];
		const keys = list => list.map((s, i) => stepKey(s.step, i === list.length - 1));
		const pairs = lcs(keys(ls), keys(rs));
		const rows = [];
		let i = 0;
		let j = 0;
		const push = (a, b) => {
			const status = a && b ? 'both' : a ? 'left-only' : 'right-only';
			rows.push({ left: a, right: b, status, diffs: a && b ? differences(a.step, b.step) : [] });
		};
		for (const [pi, pj] of [...pairs, [ls.length, rs.length]]) {
			while (i < pi) {
				push(ls[i++], null);
			}
			while (j < pj) {
				push(null, rs[j++]);
			}
			if (pi < ls.length && pj < rs.length) {
				push(ls[i++], rs[j++]);
			}
		}
		sections.push({ left: l?.walk ?? null, right: r?.walk ?? null, rows });
	}
	return sections;
}

/** Counts for the summary line. */
export function summary(sections) {
	const s = { leftOnly: 0, rightOnly: 0, rewrite: 0, endpoint: 0, outcome: 0, packet: 0, rows: 0 };
	for (const sec of sections) {
		for (const row of sec.rows) {
			s.rows++;
			if (row.status === 'left-only') {
				s.leftOnly++;
			} else if (row.status === 'right-only') {
				s.rightOnly++;
			}
			for (const d of row.diffs) {
				s[d.kind]++;
			}
		}
	}
	return s;
}

// A netfilter step's walk (docs/api.md, "The rule walk") as rows to draw: every rule the kernel tested, in order,
// indented by the chain depth it ran at; runs of misses longer than SHOW_RUN collapse into one row that opens; the
// statistic rules become the probability ladder's rungs. Pure: no DOM; tested by rulewalk.test.js. Every field comes
// typed from the trace: nothing here reads rule text.

/** Runs of at most this many misses are shown rule by rule; longer ones collapse into "… n rules that did not match". */
export const SHOW_RUN = 3;

/**
 * The rows of a walk. Each row: {kind: 'rule'|'skipped'|'return'|'policy', depth, …}. A `rule` row carries the hit
 * ({chain, number, rule, effect, action, target, comment, probability, draw}) and `matched`; a `skipped` row has
 * {chain, from, to, count, rules, collapsed} and, when opened, one `miss` row per rule follows it (the caller decides
 * with `expanded`, a set of run keys `chain:from`, or `all`).
 */
export function walkRows(step, expanded = new Set(), all = false) {
	const rows = [];
	const stack = [];
	for (const w of step.walk || []) {
		const depth = stack.length;
		switch (w.kind) {
			case 'rule': {
				const h = w.hit;
				rows.push({ kind: 'rule', depth, matched: w.matched, ...h, key: `r:${h.chain}:${h.number}:${rows.length}` });
				if (w.matched && h.action === 'JUMP') {
					stack.push(h.chain);
				} else if (w.matched && h.action === 'GOTO') {
					// goto: the chain we leave does not come back; the depth stays
				} else if (w.matched && h.action === 'RETURN') {
					stack.pop();
				}
				break;
			}
			case 'skipped': {
				const count = w.to - w.from + 1;
				const key = `s:${w.chain}:${w.from}`;
				const open = count <= SHOW_RUN || all || expanded.has(key);
				rows.push({ kind: 'skipped', depth, chain: w.chain, from: w.from, to: w.to, count, key, collapsed: !open,
					listed: (w.rules || []).length === count });
				if (open) {
					for (let n = w.from; n <= w.to; n++) {
						const text = (w.rules || [])[n - w.from];
						rows.push({ kind: 'miss', depth, chain: w.chain, number: n, rule: text ?? null, key: `m:${w.chain}:${n}:${rows.length}` });
					}
				}
				break;
			}
			case 'return':
				stack.pop();
				rows.push({ kind: 'return', depth: stack.length, chain: w.chain, to: w.to, key: `ret:${w.chain}:${rows.length}` });
				break;
			case 'policy':
				rows.push({ kind: 'policy', depth: 0, chain: w.chain, policy: w.policy, key: `pol:${rows.length}` });
				break;
			default:
				rows.push({ kind: 'unknown', depth, key: `u:${rows.length}`, text: JSON.stringify(w) });
		}
	}
	return rows;
}

/** How many rules the walk tested, and how many matched (what the summary line says). */
export function walkCounts(step) {
	let tested = 0;
	let matched = 0;
	for (const w of step.walk || []) {
		if (w.kind === 'skipped') {
			tested += w.to - w.from + 1;
		} else if (w.kind === 'rule') {
			tested++;
			if (w.matched) {
				matched++;
			}
		}
	}
	return { tested, matched };
}

/**
 * The probability ladder: every rule with a `-m statistic` match the walk reached (each drew), in order, and the rule
 * without a probability that took the rest when every rung missed. Empty when the step drew nothing.
 * A rung: {chain, number, comment, target, probability, draw, picked}.
 */
export function ladder(step) {
	const rungs = [];
	let chain = null;
	for (const w of step.walk || []) {
		if (w.kind !== 'rule') {
			continue;
		}
		const h = w.hit;
		if (h.probability != null) {
			chain = h.chain;
			rungs.push({ chain: h.chain, number: h.number, comment: h.comment ?? null, target: h.target ?? null,
				probability: h.probability, draw: h.draw, picked: w.matched, rest: false });
		} else if (w.matched && chain === h.chain && h.action === 'JUMP') {
			rungs.push({ chain: h.chain, number: h.number, comment: h.comment ?? null, target: h.target ?? null,
				probability: null, draw: null, picked: true, rest: true });
		}
	}
	return rungs;
}

/** A probability or a draw as four decimals (0.2000, 0.3256): enough to compare one with the other. */
export function fraction(x) {
	return x == null ? '' : Number(x).toFixed(4);
}

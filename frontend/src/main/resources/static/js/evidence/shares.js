// Pure helpers of the distribution page: counts and expected shares as rows, the imbalance worth calling out, and
// fractions as people write them. No DOM.

/** "default/kuard-lpzlr" → "kuard-lpzlr". */
export function shortName(ns) {
	const slash = ns.indexOf('/');
	return slash >= 0 ? ns.slice(slash + 1) : ns;
}

/** 0.25 → "1/4", 1/3 → "1/3", 0.1234 → "12.3 %". */
export function fraction(p) {
	if (p === 0) {
		return '0';
	}
	for (let d = 1; d <= 12; d++) {
		const n = p * d;
		if (Math.abs(n - Math.round(n)) < 1e-6) {
			return `${Math.round(n)}/${d}`;
		}
	}
	return percent(p);
}

export function percent(p) {
	return `${(p * 100).toFixed(1)} %`;
}

/**
 * One row per key seen or expected, sorted by name: {key, label, count, share, expected}. `expected` is null when
 * the shares could not be worked out for that key.
 */
export function rows(counts, expected, total, label = k => k) {
	const keys = [...new Set([...Object.keys(counts || {}), ...Object.keys(expected || {})])].sort();
	return keys.map(key => ({
		key,
		label: label(key),
		count: counts?.[key] ?? 0,
		share: total > 0 ? (counts?.[key] ?? 0) / total : 0,
		expected: expected && key in expected ? expected[key] : null
	}));
}

/**
 * The imbalance the datapath builds in: null when every expected share is equal; else the most and least favoured
 * keys with their shares and how many times as much the first gets.
 */
export function imbalance(expected) {
	const entries = Object.entries(expected || {}).filter(([, p]) => p > 0);
	if (entries.length < 2) {
		return null;
	}
	const max = Math.max(...entries.map(([, p]) => p));
	const min = Math.min(...entries.map(([, p]) => p));
	if (max - min < 1e-6) {
		return null;
	}
	return {
		max,
		min,
		ratio: max / min,
		most: entries.filter(([, p]) => Math.abs(p - max) < 1e-6).map(([k]) => k).sort(),
		least: entries.filter(([, p]) => Math.abs(p - min) < 1e-6).map(([k]) => k).sort()
	};
}

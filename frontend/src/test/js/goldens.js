// The golden traces of every built-in scenario (model/src/test/resources/golden/), for the pure modules' tests.
import fs from 'node:fs';

const dir = new URL('../../../../model/src/test/resources/golden/', import.meta.url);

/** [{id, trace}] for every golden trace, in name order. */
export function goldenTraces() {
	return fs.readdirSync(dir)
		.filter(f => f.endsWith('.json') && !f.includes('.narration'))
		.sort()
		.map(f => ({ id: f.replace(/\.json$/, ''), trace: JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8')) }))
		.filter(g => Array.isArray(g.trace.walks));
}

/** Every step of a trace, flat. */
export function stepsOf(trace) {
	return trace.walks.flatMap(w => w.hops.flatMap(h => h.steps));
}

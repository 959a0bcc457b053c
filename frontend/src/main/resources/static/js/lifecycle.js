// What exists when, in a scenario whose cluster changes (a timeline): the `cni` (and `node-sync`) steps say from which step on a
// namespace or device exists (`creates`) and from which step it is gone (`removes`), as `namespace` or
// `namespace/device`. Pure (no DOM): `node --test` checks it; render/topology.js hides what is absent at the cursor.

const cache = new WeakMap();

/** The steps' births and deaths: {born: Map(key → flat index), gone: Map(key → flat index)}. */
export function lifecycleOf(steps) {
	if (cache.has(steps)) {
		return cache.get(steps);
	}
	const born = new Map();
	const gone = new Map();
	steps.forEach(({ step }, i) => {
		if (step.type !== 'cni' && step.type !== 'node-sync') {
			return;
		}
		(step.creates || []).forEach(k => {
			if (!born.has(k)) {
				born.set(k, i);
			}
		});
		(step.removes || []).forEach(k => gone.set(k, i));
	});
	const life = { born, gone };
	cache.set(steps, life);
	return life;
}

function absentKey(life, key, cursor) {
	const b = life.born.get(key);
	if (b !== undefined && cursor < b) {
		return true;
	}
	const g = life.gone.get(key);
	return g !== undefined && cursor >= g && (b === undefined || b <= g);
}

/** Is the namespace (device null) or the device absent at the cursor (-1: before the first step)? */
export function isAbsent(life, namespace, device, cursor) {
	if (absentKey(life, namespace, cursor)) {
		return true;
	}
	return device != null && absentKey(life, `${namespace}/${device}`, cursor);
}

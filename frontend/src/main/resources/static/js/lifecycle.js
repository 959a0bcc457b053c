// What exists when, in a scenario whose cluster changes (a timeline): the `cni` (and `node-sync`) steps say from which step on a
// namespace or device exists (`creates`) and from which step it is gone (`removes`), as `namespace` or
// `namespace/device`; a `cni` step of action `ADDRESS` says from which step on the device has its address (`addressed`). Pure (no DOM): `node --test` checks it; render/topology.js hides what is absent at the cursor.

const cache = new WeakMap();

/** The steps' births and deaths: {born, gone, addressed: Map(key → flat index)}. */
export function lifecycleOf(steps) {
	if (cache.has(steps)) {
		return cache.get(steps);
	}
	const born = new Map();
	const gone = new Map();
	const addressed = new Map();
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
		if (step.type === 'cni' && step.action === 'ADDRESS' && step.at?.device) {
			const key = `${step.at.namespace}/${step.at.device}`;
			if (!addressed.has(key)) {
				addressed.set(key, i);
			}
		}
	});
	const life = { born, gone, addressed };
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

/**
 * Has the device no address yet at the cursor? True between the step that creates it and the CNI step that sets its
 * address (`ip addr add`): the map draws the device without its address until then.
 */
export function isUnaddressed(life, namespace, device, cursor) {
	const a = life.addressed.get(`${namespace}/${device}`);
	return a !== undefined && cursor < a;
}

// Large scenarios stay legible: on a node with many pods, the pods no packet of the trace ever visits are folded
// into one box that says how many there are. Pure: (topology, trace) → topology, so it can be tested with node.

/** A node keeps all its pods drawn up to this many; beyond it, the untouched ones collapse. */
export const MAX_PODS_DRAWN = 4;
/**
 * A cluster of more node panels than this does not fit a laptop's stage at a readable scale: the nodes the trace
 * never visits (no step in the node, nor in a pod on it) fold into one small box that names them.
 */
export const MAX_NODES_DRAWN = 2;

const memo = new WeakMap(); // topology → Map(touched key → collapsed topology)

/** Every namespace id a step of the trace happens in. */
export function touchedNamespaces(trace) {
	const ids = new Set();
	for (const walk of trace?.walks || []) {
		for (const hop of walk.hops || []) {
			for (const step of hop.steps || []) {
				if (step.at?.namespace) {
					ids.add(step.at.namespace);
				}
			}
		}
	}
	return ids;
}

/**
 * The topology to draw: untouched pods of crowded nodes replaced by one "+N pods" box per node (their host-side
 * veths go with them). Returns the same object when nothing collapses, and the same collapsed object for the same
 * set of touched namespaces, so the layout (memoised per topology object) is not recomputed needlessly.
 */
export function collapseTopology(topology, trace) {
	if (!topology || !trace) {
		return topology;
	}
	const touched = touchedNamespaces(trace);
	const key = [...touched].sort().join('\n');
	let byKey = memo.get(topology);
	if (!byKey) {
		byKey = new Map();
		memo.set(topology, byKey);
	}
	if (byKey.has(key)) {
		return byKey.get(key);
	}
	const all = topology.namespaces || [];
	const hidden = new Map(); // node id → [pod namespaces]
	for (const node of all.filter(n => n.kind === 'NODE')) {
		const pods = all.filter(n => n.kind === 'POD' && n.node === node.id && n.id !== node.id);
		if (pods.length <= MAX_PODS_DRAWN) {
			continue;
		}
		const untouched = pods.filter(p => !touched.has(p.id));
		if (untouched.length >= 2) {
			hidden.set(node.id, untouched);
		}
	}
	const nodes = all.filter(n => n.kind === 'NODE');
	const podsOn = new Map(nodes.map(n => [n.id, all.filter(p => p.kind === 'POD' && p.node === n.id && p.id !== n.id)]));
	const idleNodes = nodes.length > MAX_NODES_DRAWN
		? nodes.filter(n => !touched.has(n.id) && !podsOn.get(n.id).some(p => touched.has(p.id)))
		: [];
	if (hidden.size === 0 && idleNodes.length === 0) {
		byKey.set(key, topology);
		return topology;
	}
	const gone = new Set([...hidden.values()].flat().map(p => p.id));
	const goneNodes = new Set(idleNodes.map(n => n.id));
	for (const n of idleNodes) {
		hidden.delete(n.id);
		podsOn.get(n.id).forEach(p => gone.add(p.id));
	}
	// the devices elsewhere (a switch's or router's ports) that were wired to a folded node go with it
	const wiredToGone = d => d.peer && (gone.has(d.peer.namespace) || goneNodes.has(d.peer.namespace));
	const namespaces = [];
	let folded = false;
	for (const ns of all) {
		if (gone.has(ns.id)) {
			continue;
		}
		if (goneNodes.has(ns.id)) {
			if (!folded) {
				folded = true;
				namespaces.push({
					id: `+${idleNodes.length}-nodes`,
					kind: 'NODE',
					label: `+${idleNodes.length} node${idleNodes.length === 1 ? '' : 's'}`,
					devices: [],
					collapsed: idleNodes.map(n => n.id),
					collapsedPods: idleNodes.reduce((sum, n) => sum + podsOn.get(n.id).length, 0)
				});
			}
			continue;
		}
		if (ns.kind !== 'NODE' && ns.kind !== 'POD' && goneNodes.size && ns.devices.some(wiredToGone)) {
			namespaces.push({ ...ns, devices: ns.devices.filter(d => !wiredToGone(d)) });
			continue;
		}
		if (ns.kind === 'NODE' && hidden.has(ns.id)) {
			const devices = ns.devices.filter(d => !(d.peer && gone.has(d.peer.namespace)));
			namespaces.push({ ...ns, devices });
			const folded = hidden.get(ns.id);
			namespaces.push({
				id: `${ns.id}/+${folded.length}-pods`,
				node: ns.id,
				kind: 'POD',
				label: `+${folded.length} pods`,
				devices: [],
				collapsed: folded.map(p => p.id)
			});
		} else {
			namespaces.push(ns);
		}
	}
	const collapsed = { ...topology, namespaces };
	byKey.set(key, collapsed);
	return collapsed;
}

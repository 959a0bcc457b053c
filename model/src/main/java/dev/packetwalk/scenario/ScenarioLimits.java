package dev.packetwalk.scenario;

/**
 * How big and how deep a scenario file may be. Hostile or runaway YAML is refused while
 * it is read, before anything is built from it; every error names the limit and its
 * setting ({@code packetwalk.limits.*} in the web application).
 *
 * @param maxCodePoints the file's length in Unicode code points
 * @param maxAliases how many aliases ({@code *name}) may point at mappings or sequences
 * (each one copies a subtree)
 * @param maxDepth how deeply mappings and sequences may nest
 * @param maxValues how many values (scalars, mappings, sequences) the document may hold
 * once aliases are expanded
 * @param maxNodes entries of {@code cluster.nodes}
 * @param maxPods entries of {@code cluster.pods}
 * @param maxFlows entries of {@code flows}
 * @param maxObjects entries of {@code objects}
 * @param maxRules the kube-proxy rules (iptables mode) or IPVS entries the Services make,
 * summed over all nodes (kube-proxy writes them on every node); refused before any rule
 * is generated
 */
public record ScenarioLimits(int maxCodePoints, int maxAliases, int maxDepth, int maxValues, int maxNodes, int maxPods,
		int maxFlows, int maxObjects, int maxRules) {

	/**
	 * 3 MiB of text, 50 collection aliases, depth 100, 1,000,000 values, 200 nodes, 5,000
	 * pods, 50 flows, 2,000 objects, 50,000 rules.
	 */
	public static final ScenarioLimits DEFAULTS = new ScenarioLimits(3 * 1024 * 1024, 50, 100, 1_000_000, 200, 5_000,
			50, 2_000, 50_000);

	/** The limits without {@code maxRules} (it keeps its default). */
	public ScenarioLimits(int maxCodePoints, int maxAliases, int maxDepth, int maxValues, int maxNodes, int maxPods,
			int maxFlows, int maxObjects) {
		this(maxCodePoints, maxAliases, maxDepth, maxValues, maxNodes, maxPods, maxFlows, maxObjects, 50_000);
	}

	/** The prefix of the settings that change these limits in the web application. */
	public static final String SETTINGS_PREFIX = "packetwalk.limits.";

	public ScenarioLimits {
		positive("max-code-points", maxCodePoints);
		if (maxAliases < 0) {
			throw new IllegalArgumentException(SETTINGS_PREFIX + "max-aliases must be 0 or more, was " + maxAliases);
		}
		positive("max-depth", maxDepth);
		positive("max-values", maxValues);
		positive("max-nodes", maxNodes);
		positive("max-pods", maxPods);
		positive("max-flows", maxFlows);
		positive("max-objects", maxObjects);
		positive("max-rules", maxRules);
	}

	private static void positive(String setting, int value) {
		if (value < 1) {
			throw new IllegalArgumentException(SETTINGS_PREFIX + setting + " must be at least 1, was " + value);
		}
	}

	/**
	 * The full name of a setting: {@code setting("max-pods")} is
	 * {@code packetwalk.limits.max-pods}.
	 */
	static String setting(String name) {
		return SETTINGS_PREFIX + name;
	}

}

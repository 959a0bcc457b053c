package dev.packetwalk.scenario;

import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checks every scenario file passes before the compiler looks at what it means: read
 * the YAML within {@link ScenarioLimits}, check the model's size, validate against
 * {@link ScenarioSchema}, then bind to {@link ScenarioDocument}. Every problem found is
 * collected (with its line) rather than stopping at the first.
 */
final class ScenarioInput {

	/**
	 * What was read. {@code document} is null when nothing further can be checked (the
	 * problems say why); otherwise the compiler's semantic checks run on it and add to
	 * the same problems.
	 */
	record Read(ScenarioDocument document, Problems problems) {
	}

	/**
	 * Binds what the schema accepted: unknown properties cannot occur, the rest must bind
	 * exactly.
	 */
	private static final ObjectMapper STRICT = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	/**
	 * Binds a document the schema found problems in, so the semantic checks can still
	 * report theirs.
	 */
	private static final ObjectMapper LENIENT = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private ScenarioInput() {
	}

	static Read read(String file, String text, ScenarioLimits limits) {
		return read(file, text, limits, dev.packetwalk.budget.Budget.UNLIMITED);
	}

	static Read read(String file, String text, ScenarioLimits limits, dev.packetwalk.budget.Budget budget) {
		return read(file, text, limits, budget, true);
	}

	/**
	 * {@link #read(String, String, ScenarioLimits)} whose readings (the first, and the
	 * one with positions that places problems) check the budget at every 1,024 events.
	 * With {@code schema} false the JSON Schema is neither loaded nor checked (a file the
	 * build has checked against it: {@link ScenarioCompiler#compileTrusted}); the tree is
	 * bound strictly as when the schema finds nothing.
	 */
	static Read read(String file, String text, ScenarioLimits limits, dev.packetwalk.budget.Budget budget,
			boolean schema) {
		YamlTreeReader.Result tree;
		try {
			// positions are only needed to place problems: read them again when the first
			// problem is placed
			tree = new YamlTreeReader(limits, false).read(text, budget);
		}
		catch (YamlTreeReader.YamlReadException fast) {
			YamlTreeReader.YamlReadException ex = fast;
			try {
				// the reader that records positions fails at the same place, with the
				// full message
				new YamlTreeReader(limits, true).read(text, budget);
			}
			catch (YamlTreeReader.YamlReadException full) {
				ex = full;
			}
			Problems problems = new Problems(file, (YamlLocator) null);
			problems.addAt(ex.line(), ex.column(), "", ex.getMessage());
			return new Read(null, problems);
		}
		// the position read is bounded as the first one is (its pointers too) and checks
		// the same budget
		Problems problems = new Problems(file, () -> {
			YamlTreeReader.Result located = new YamlTreeReader(limits, true).read(text, budget);
			return new YamlLocator(located.values(), located.keys());
		});
		JsonNode root = tree.root();
		if (root == null || root.isNull()) {
			problems.error("", "the file is empty: a scenario starts with 'apiVersion: " + ScenarioCompiler.API_VERSION
					+ "' and 'kind: Scenario'");
			return new Read(null, problems);
		}
		if (!root.isObject()) {
			problems.error("", "a scenario is a mapping (apiVersion:, kind:, metadata:, cluster:, flows:), not "
					+ ScenarioSchema.describe(root));
			return new Read(null, problems);
		}
		boolean tooBig = size(root, "/cluster/nodes", limits.maxNodes(), "nodes", "max-nodes", problems)
				| size(root, "/cluster/pods", limits.maxPods(), "pods", "max-pods", problems)
				| size(root, "/flows", limits.maxFlows(), "flows", "max-flows", problems)
				| size(root, "/objects", limits.maxObjects(), "objects", "max-objects", problems);
		if (tooBig) {
			return new Read(null, problems);
		}
		// Validating and binding both only read the tree. A large document is bound
		// strictly on a second core while
		// the schema checks it: when the schema finds nothing (the usual case) that
		// binding is the one wanted. The
		// result is the same either way; only the wall time differs.
		java.util.concurrent.CompletableFuture<ScenarioDocument> strict = tree.size() >= PARALLEL_BIND_VALUES
				? java.util.concurrent.CompletableFuture
					.supplyAsync(() -> STRICT.treeToValue(root, ScenarioDocument.class))
				: null;
		List<ScenarioSchema.Violation> violations = schema ? ScenarioSchema.check(root) : List.of();
		for (ScenarioSchema.Violation v : violations) {
			problems.schemaError(v.pointer(), v.message(), v.atKey(), v.covers());
		}
		boolean schemaOk = violations.isEmpty();
		JsonNode bindable = schemaOk ? root : withoutRejected(root, violations);
		try {
			if (strict != null && schemaOk) {
				return new Read(joined(strict), problems);
			}
			return new Read((schemaOk ? STRICT : LENIENT).treeToValue(bindable, ScenarioDocument.class), problems);
		}
		catch (DatabindException ex) {
			if (schemaOk) {
				// the schema and the records disagree (ScenarioSchemaTest keeps them in
				// step): still say where
				String pointer = pointerOf(ex);
				problems.error(pointer, ex.getOriginalMessage());
			}
			return new Read(null, problems);
		}
		catch (JacksonException ex) {
			if (schemaOk) {
				problems.error("", ex.getOriginalMessage());
			}
			return new Read(null, problems);
		}
	}

	/**
	 * Documents with at least this many values are bound while the schema checks them
	 * ({@link #read}).
	 */
	static final long PARALLEL_BIND_VALUES = 50_000;

	/**
	 * The strict binding done on another thread, or the exception it threw, as if it had
	 * run on this one.
	 */
	private static ScenarioDocument joined(java.util.concurrent.CompletableFuture<ScenarioDocument> binding) {
		try {
			return binding.join();
		}
		catch (java.util.concurrent.CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	/**
	 * A copy of the document without the values the schema rejected, so the compiler's
	 * semantic checks can still run on the rest (with defaults in their place) and report
	 * what else is wrong, without a cascade from the rejected values. The compiler's
	 * errors at those places are dropped ({@link Problems#schemaError}).
	 */
	private static JsonNode withoutRejected(JsonNode root, List<ScenarioSchema.Violation> violations) {
		JsonNode copy = root.deepCopy();
		for (ScenarioSchema.Violation v : violations) {
			if (v.removable()) {
				remove(copy, v.pointer());
			}
		}
		return copy;
	}

	private static void remove(JsonNode root, String pointer) {
		int slash = pointer.lastIndexOf('/');
		if (slash < 0) {
			return;
		}
		JsonNode parent = root.at(pointer.substring(0, slash));
		String last = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
		if (parent instanceof ObjectNode o) {
			o.remove(last);
		}
		else if (parent instanceof ArrayNode a && last.chars().allMatch(Character::isDigit)) {
			int i = Integer.parseInt(last);
			if (i < a.size()) {
				// keep the indexes of the entries after it
				a.set(i, a.get(i).isObject() ? JsonNodeFactory.instance.objectNode()
						: JsonNodeFactory.instance.nullNode());
			}
		}
	}

	private static boolean size(JsonNode root, String pointer, int max, String what, String setting,
			Problems problems) {
		JsonNode n = root.at(pointer);
		if (n.isArray() && n.size() > max) {
			problems.error(pointer, n.size() + " " + what + " is more than the limit of " + max + " (setting "
					+ ScenarioLimits.setting(setting) + ")");
			return true;
		}
		return false;
	}

	private static String pointerOf(DatabindException ex) {
		StringBuilder sb = new StringBuilder();
		for (var ref : ex.getPath()) {
			sb.append('/');
			sb.append(ref.getPropertyName() != null ? ref.getPropertyName() : Integer.toString(ref.getIndex()));
		}
		return sb.toString();
	}

}

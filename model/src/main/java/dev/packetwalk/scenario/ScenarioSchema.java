package dev.packetwalk.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scenario format as a JSON Schema (draft 2020-12, {@code scenario.schema.json}
 * beside this class): what editors use for completion and hover help, and the first check
 * every scenario passes. Schema errors are turned into messages that say what is wrong
 * and how to fix it.
 */
public final class ScenarioSchema {

	/** The classpath location of the schema. */
	public static final String RESOURCE = "/dev/packetwalk/scenario/scenario.schema.json";

	private static final String TEXT = load();

	private static final JsonNode NODE = JsonMapper.builder().build().readTree(TEXT);

	private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
		.getSchema(NODE);

	private ScenarioSchema() {
	}

	/** The schema's text, as served to editors. */
	public static String text() {
		return TEXT;
	}

	/** The schema as a tree (read-only by convention). */
	static JsonNode node() {
		return NODE;
	}

	private static String load() {
		try (InputStream in = ScenarioSchema.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("scenario schema missing from the classpath: " + RESOURCE);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One schema violation: where (a JSON pointer), what to tell the author, whether the
	 * place is a mapping key (an unknown property), the pointers whose semantic errors it
	 * makes redundant, and whether the value there can be dropped before the semantic
	 * checks.
	 */
	record Violation(String pointer, String message, boolean atKey, List<String> covers, boolean removable) {

		/**
		 * A value that is wrong in itself (not missing): it can be left out for the
		 * semantic checks.
		 */
		Violation(String pointer, String message, boolean atKey, List<String> covers) {
			this(pointer, message, atKey, covers, true);
		}

	}

	/** Every violation of the schema in the document. */
	static List<Violation> check(JsonNode document) {
		List<Violation> out = new ArrayList<>();
		for (Error e : SCHEMA.validate(document)) {
			out.add(explain(e));
		}
		return withoutEchoes(out);
	}

	/**
	 * One mistake, one problem: a required field that is missing only because its name is
	 * misspelt ("containerPrt") is said once, by the unknown field's "did you mean
	 * 'containerPort'?", not again as "'containerPort' is required".
	 */
	private static List<Violation> withoutEchoes(List<Violation> all) {
		java.util.Map<String, Integer> suggestedBy = new java.util.HashMap<>();
		for (int i = 0; i < all.size(); i++) {
			Violation v = all.get(i);
			java.util.regex.Matcher m = DID_YOU_MEAN.matcher(v.message());
			if (v.atKey() && m.find()) {
				suggestedBy.put(v.pointer().substring(0, v.pointer().lastIndexOf('/') + 1) + escape(m.group(1)), i);
			}
		}
		if (suggestedBy.isEmpty()) {
			return all;
		}
		List<Violation> out = new ArrayList<>(all);
		java.util.Set<Integer> echoes = new java.util.HashSet<>();
		for (int i = 0; i < all.size(); i++) {
			Violation v = all.get(i);
			Integer typo = suggestedBy.get(v.pointer());
			if (typo != null && !v.removable()) {
				// the typo's error now also stands for what the missing field would have
				// been checked for
				Violation t = out.get(typo);
				List<String> covers = new ArrayList<>(t.covers());
				covers.addAll(v.covers());
				out.set(typo, new Violation(t.pointer(), t.message(), t.atKey(), covers, t.removable()));
				echoes.add(i);
			}
		}
		List<Violation> kept = new ArrayList<>();
		for (int i = 0; i < out.size(); i++) {
			if (!echoes.contains(i)) {
				kept.add(out.get(i));
			}
		}
		return kept;
	}

	private static final java.util.regex.Pattern DID_YOU_MEAN = java.util.regex.Pattern
		.compile("\\(did you mean '([^']+)'\\?\\)");

	/**
	 * Pod networks people ask for that the model does not build (yet): refused as such,
	 * not as a typo.
	 */
	static final List<String> NETWORKS_NOT_YET = List.of("calico", "cilium", "weave", "weave-net", "canal", "antrea",
			"kube-router", "flannel", "aws-vpc-cni", "azure-cni");

	private static Violation explain(Error e) {
		String at = pointer(e.getInstanceLocation());
		JsonNode value = e.getInstanceNode();
		List<String> schemaPath = names(e.getSchemaLocation().getFragment());
		String keyword = e.getKeyword() == null ? "" : e.getKeyword();
		switch (keyword) {
			case "additionalProperties", "unevaluatedProperties" -> {
				String name = e.getProperty();
				String pointer = at + "/" + escape(name);
				List<String> allowed = new ArrayList<>();
				JsonNode props = schemaAt(schemaPath.subList(0, schemaPath.size() - 1)).path("properties");
				props.propertyNames().forEach(allowed::add);
				return new Violation(pointer, "unknown field '" + name + "'" + Problems.didYouMean(name, allowed), true,
						List.of(pointer));
			}
			case "required" -> {
				String name = e.getProperty() != null ? e.getProperty() : String.valueOf(e.getArguments()[0]);
				String pointer = at + "/" + escape(name);
				JsonNode prop = schemaAt(schemaPath.subList(0, schemaPath.size() - 1)).path("properties").path(name);
				String hint = description(prop);
				return new Violation(pointer, "'" + name + "' is required" + (hint.isEmpty() ? "" : ": " + hint), false,
						List.of(pointer, at), false);
			}
			case "type" -> {
				JsonNode expected = e.getSchemaNode();
				String want = expected.isArray() ? join(expected, " or ") : expected.asString();
				return new Violation(at, "must be " + article(want) + ", not " + describe(value), false, List.of(at));
			}
			case "enum" -> {
				JsonNode allowed = e.getSchemaNode();
				List<String> names = new ArrayList<>();
				allowed.forEach(n -> names.add(n.asString()));
				String written = value == null ? "" : value.asString();
				if (at.equals("/cluster/network")
						&& NETWORKS_NOT_YET.contains(written.toLowerCase(java.util.Locale.ROOT))) {
					return new Violation(at, "the " + written + " pod network is not supported yet: PacketWalk models "
							+ String.join(", ", distinctIgnoringCase(names)), false, List.of(at));
				}
				String dym = Problems.didYouMean(written, names);
				return new Violation(at, "must be one of " + String.join(", ", distinctIgnoringCase(names)) + ", not "
						+ describe(value) + (dym.startsWith(" (did") ? dym : ""), false, List.of(at));
			}
			case "const" -> {
				return new Violation(at, "must be '" + e.getSchemaNode().asString() + "', not " + describe(value),
						false, List.of(at));
			}
			case "minimum", "exclusiveMinimum" -> {
				return new Violation(at,
						"must be at least " + e.getSchemaNode().asString() + ", was " + describe(value), false,
						List.of(at));
			}
			case "maximum", "exclusiveMaximum" -> {
				return new Violation(at, "must be at most " + e.getSchemaNode().asString() + ", was " + describe(value),
						false, List.of(at));
			}
			case "maxLength" -> {
				return new Violation(at,
						"must be at most " + e.getSchemaNode().asString() + " characters, was " + describe(value),
						false, List.of(at));
			}
			case "minItems" -> {
				return new Violation(at, "needs at least " + e.getSchemaNode().asString() + " "
						+ (e.getSchemaNode().asInt() == 1 ? "entry" : "entries"), false, List.of(at));
			}
			case "pattern" -> {
				return new Violation(at, patternMessage(schemaPath, value), false, List.of(at));
			}
			default -> {
				return new Violation(at, e.getMessage(), false, List.of(at));
			}
		}
	}

	private static String patternMessage(List<String> schemaPath, JsonNode value) {
		String def = schemaPath.size() >= 2 && schemaPath.get(0).equals("$defs") ? schemaPath.get(1) : "";
		String was = ", not " + describe(value);
		return switch (def) {
			case "name" ->
				"must be a name of lower-case letters, digits and dashes that starts and ends with a letter or digit (at most 63)"
						+ was;
			case "cidr" -> value != null && value.isString() && value.asString().contains(":")
					? "IPv6 is not supported yet: write an IPv4 CIDR such as 10.244.1.0/24" + was
					: "must be an IPv4 CIDR such as 10.244.1.0/24" + was;
			case "ip" -> value != null && value.isString() && value.asString().contains(":")
					? "IPv6 is not supported yet: write an IPv4 address such as 10.244.1.2" + was
					: "must be an IPv4 address such as 10.244.1.2" + was;
			case "host" -> "must be protocol/port such as tcp/80 or udp/53" + was;
			case "port" -> "must be a port as [name:][protocol/]port, such as 8080, udp/53 or http:tcp/8080 (protocol"
					+ " tcp, udp or icmp), or a mapping {name, containerPort, protocol}" + was;
			default -> "does not have the expected form" + was;
		};
	}

	private static List<String> distinctIgnoringCase(List<String> names) {
		List<String> out = new ArrayList<>();
		for (String n : names) {
			if (out.stream().noneMatch(o -> o.equalsIgnoreCase(n))) {
				out.add(n);
			}
		}
		return out;
	}

	private static String description(JsonNode prop) {
		JsonNode d = prop.path("description");
		if (d.isMissingNode() && prop.has("$ref")) {
			d = schemaAt(List.of(prop.get("$ref").asString().substring(2).split("/"))).path("description");
		}
		return d.isString() ? d.asString() : "";
	}

	/** The schema node at a path of names from the schema's root. */
	static JsonNode schemaAt(List<String> path) {
		JsonNode n = NODE;
		for (String p : path) {
			n = n.isArray() ? n.path(Integer.parseInt(p)) : n.path(p);
		}
		return n;
	}

	private static List<String> names(NodePath path) {
		List<String> out = new ArrayList<>();
		if (path == null) {
			return out;
		}
		for (int i = 0; i < path.getNameCount(); i++) {
			out.add(String.valueOf(path.getElement(i)));
		}
		return out;
	}

	private static String pointer(NodePath path) {
		StringBuilder sb = new StringBuilder();
		for (String name : names(path)) {
			sb.append('/').append(escape(name));
		}
		return sb.toString();
	}

	private static String escape(String name) {
		return name.replace("~", "~0").replace("/", "~1");
	}

	private static String join(JsonNode array, String sep) {
		List<String> parts = new ArrayList<>();
		array.forEach(n -> parts.add(n.asString()));
		return String.join(sep, parts);
	}

	private static String article(String type) {
		return switch (type) {
			case "integer" -> "an integer (a whole number)";
			case "object" -> "a mapping (key: value lines)";
			case "array" -> "a list (lines starting with '- ' or [a, b])";
			case "boolean" -> "true or false";
			case "string" -> "a string";
			case "number" -> "a number";
			default -> type;
		};
	}

	/** How to show a value the author wrote. */
	static String describe(JsonNode value) {
		if (value == null || value.isMissingNode()) {
			return "missing";
		}
		if (value.isNull()) {
			return "empty (null)";
		}
		if (value.isString()) {
			return "'" + shorten(value.asString()) + "'";
		}
		if (value.isObject()) {
			return "a mapping";
		}
		if (value.isArray()) {
			return "a list";
		}
		if (value.isBoolean()) {
			return value.asString();
		}
		return shorten(value.asString())
				+ (value.isIntegralNumber() ? "" : " (" + value.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
	}

	private static String shorten(String s) {
		return s.length() <= 60 ? s : s.substring(0, 57) + "...";
	}

}

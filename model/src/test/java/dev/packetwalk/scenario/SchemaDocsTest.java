package dev.packetwalk.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two descriptions of the format agree: every field docs/scenario-format.md documents
 * (a row of a field table, or a {@code {a, b}} list in its parent's row) is a property of
 * the JSON Schema with a description, and every property of the schema is documented
 * there (the editor's hover help and completion show the schema's text).
 */
class SchemaDocsTest {

	private static final Path DOC = Path.of(System.getProperty("scenario.doc", "../docs/scenario-format.md"));

	/** A section heading → the path prefix of its table's fields. */
	private static final Map<String, String> SECTIONS = Map.of("## Top level", "", "### `metadata`", "metadata.",
			"## `cluster`", "cluster.", "### `cluster.nodes[]`", "cluster.nodes[].", "### `cluster.pods[]`",
			"cluster.pods[].", "### `cluster.hosts[]`", "cluster.hosts[].", "## `flows[]`", "flows[].",
			"## `timeline[]`", "timeline[].");

	private static final Pattern ROW = Pattern.compile("^\\| (`[^|]+`) \\|(.*)$");

	private static final Pattern NAME = Pattern.compile("`([A-Za-z][\\w.\\[\\]]*)`");

	private static final Pattern BRACES = Pattern.compile("`\\{([\\w, ]+)\\}`");

	/**
	 * The fields the document's tables name, with the path they have in the schema
	 * ("containers[]" → "containers").
	 */
	private static TreeSet<String> documented() throws IOException {
		TreeSet<String> out = new TreeSet<>();
		String prefix = null;
		boolean fieldTable = false;
		for (String line : Files.readAllLines(DOC)) {
			if (line.startsWith("#")) {
				prefix = SECTIONS.get(line.strip());
				fieldTable = false;
				continue;
			}
			if (line.startsWith("| field |")) {
				fieldTable = prefix != null;
				continue;
			}
			if (!line.startsWith("|")) {
				fieldTable = false; // a table ends at the first line that is not a row
				continue;
			}
			Matcher row = ROW.matcher(line);
			if (!fieldTable || !row.matches()) {
				continue;
			}
			String[] cells = row.group(2).split("\\|");
			String meaning = cells.length == 0 ? "" : cells[cells.length - 1].strip();
			Matcher names = NAME.matcher(row.group(1));
			while (names.find()) {
				String field = prefix + names.group(1).replaceAll("\\[]$", "");
				out.add(field);
				Matcher braces = BRACES.matcher(meaning);
				if (meaning.startsWith("`{") && braces.find()) {
					for (String child : braces.group(1).split(",\\s*")) {
						out.add(field + (field.endsWith("]") ? "." : "[].") + child.strip());
					}
				}
			}
		}
		// objects' own fields are the Kubernetes manifest's, named in the section's prose
		String objects = Files.readString(DOC);
		objects = objects.substring(objects.indexOf("## `objects`"), objects.indexOf("## `flows[]`"));
		for (String f : List.of("apiVersion", "kind", "metadata", "metadata.name", "metadata.namespace")) {
			if (objects.contains("`" + f + "`") || objects.contains("`" + f + ".")) {
				out.add("objects[]." + f);
			}
		}
		return out;
	}

	/**
	 * Every property path of the schema (items as "[]") → its description ("" when it has
	 * none).
	 */
	private static Map<String, String> schemaFields() {
		Map<String, String> out = new TreeMap<>();
		collect(ScenarioSchema.node(), ScenarioSchema.node(), "", out, 0);
		return out;
	}

	private static JsonNode deref(JsonNode root, JsonNode n) {
		while (n.has("$ref")) {
			String[] parts = n.get("$ref").asString().substring(2).split("/");
			JsonNode t = root;
			for (String p : parts) {
				t = t.path(p);
			}
			n = t;
		}
		return n;
	}

	private static void collect(JsonNode root, JsonNode node, String path, Map<String, String> out, int depth) {
		JsonNode n = deref(root, node);
		if (depth > 8) {
			return;
		}
		n.path("properties").properties().forEach(e -> {
			String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
			JsonNode d = e.getValue().path("description");
			if (d.isMissingNode()) {
				d = deref(root, e.getValue()).path("description");
			}
			out.put(p, d.isString() ? d.asString() : "");
			collect(root, e.getValue(), p, out, depth + 1);
		});
		JsonNode items = n.path("items");
		if (!items.isMissingNode()) {
			collect(root, items, path + "[]", out, depth + 1);
		}
	}

	/**
	 * "cluster.nodes[].name" and "cluster.nodes.name" are the same field to the reader:
	 * compare without "[]".
	 */
	private static String plain(String path) {
		return path.replace("[]", "");
	}

	@Test
	void everyDocumentedFieldHasASchemaDescription() throws IOException {
		Map<String, String> schema = new TreeMap<>();
		schemaFields().forEach((k, v) -> schema.put(plain(k), v));
		TreeSet<String> missing = new TreeSet<>();
		for (String f : documented()) {
			if (schema.getOrDefault(plain(f), "").isBlank()) {
				missing.add(f);
			}
		}
		assertThat(documented()).as("fields read from docs/scenario-format.md").hasSizeGreaterThan(60);
		assertThat(missing).as("documented fields without a schema description").isEmpty();
	}

	@Test
	void everySchemaFieldIsDocumented() throws IOException {
		TreeSet<String> docs = new TreeSet<>();
		documented().forEach(f -> docs.add(plain(f)));
		TreeSet<String> undocumented = new TreeSet<>();
		schemaFields().forEach((k, v) -> {
			if (!docs.contains(plain(k))) {
				undocumented.add(k);
			}
		});
		assertThat(undocumented).as("schema fields docs/scenario-format.md does not document").isEmpty();
	}

	@Test
	void noDescriptionIsStale() {
		Map<String, String> schema = schemaFields();
		assertThat(schema.get("objects")).doesNotContain("Today").contains("NetworkPolicy");
		assertThat(schema.get("cluster.pods[].labels")).contains("NetworkPolicy");
	}

}

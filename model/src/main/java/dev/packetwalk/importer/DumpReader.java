package dev.packetwalk.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads what {@code kubectl get -o yaml|json} prints into its objects: one or several
 * YAML documents, each an object, a {@code kind: List} (or {@code PodList}, …) of
 * {@code items}, or a sequence of objects; JSON is read as the YAML it is a subset of.
 * Nothing is interpreted here; the objects come out as parsed maps in input order.
 */
final class DumpReader {

	/** One object of a dump and where it was. */
	record Item(String source, Map<String, Object> object) {

		String kind() {
			Object k = object.get("kind");
			return k instanceof String s ? s : "";
		}

	}

	private DumpReader() {
	}

	static List<Item> read(ImportSource source, int maxCodePoints, List<ImportWarning> warnings) {
		LoadSettings settings = LoadSettings.builder()
			.setLabel(source.name())
			.setSchema(new CoreSchema())
			.setCodePointLimit(Math.max(maxCodePoints, 1))
			.setMaxAliasesForCollections(50)
			.setAllowDuplicateKeys(false)
			.build();
		List<Item> items = new ArrayList<>();
		try {
			int doc = 0;
			for (Object document : new Load(settings).loadAllFromString(source.text())) {
				doc++;
				collect(source.name(), "document " + doc, document, items, warnings, 0);
			}
		}
		catch (MarkedYamlEngineException ex) {
			// the problem and its place only: the snippet around it could be a Secret's
			// value
			String where = ex.getProblemMark().map(m -> ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("");
			throw new ImportException(source.name() + where + ": not YAML or JSON: " + ex.getProblem());
		}
		catch (YamlEngineException ex) {
			String msg = ex.getMessage() == null ? "" : ex.getMessage();
			if (msg.contains("code point")) {
				throw new ImportException(source.name() + ": larger than " + maxCodePoints + " characters");
			}
			throw new ImportException(source.name() + ": not YAML or JSON");
		}
		return items;
	}

	@SuppressWarnings("unchecked")
	private static void collect(String source, String where, Object node, List<Item> items,
			List<ImportWarning> warnings, int depth) {
		if (node == null) {
			return;
		}
		if (node instanceof List<?> list && depth == 0) {
			for (int i = 0; i < list.size(); i++) {
				collect(source, where + " item " + (i + 1), list.get(i), items, warnings, depth + 1);
			}
			return;
		}
		if (!(node instanceof Map<?, ?> map) || !(map.get("kind") instanceof String kind)) {
			warnings.add(new ImportWarning(source, "", where + " is not a Kubernetes object (no kind): skipped"));
			return;
		}
		if (kind.endsWith("List") && map.get("items") instanceof List<?> list && depth < 2) {
			for (int i = 0; i < list.size(); i++) {
				collect(source, where + " items[" + i + "]", list.get(i), items, warnings, depth + 1);
			}
			return;
		}
		items.add(new Item(source, (Map<String, Object>) map));
	}

}

package dev.packetwalk.scenario;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A scenario's catalogue line: its metadata with the defaults a compiled scenario gets
 * (title: the name, level: beginner, chapter: Other, order: 100). A compiled scenario's
 * fields come from here ({@link ScenarioCompiler}), and {@link #read} reads one from a
 * file without compiling it, for a file the build compiles (a built-in) so the catalogue
 * can be listed before its scenarios are compiled.
 */
public record ScenarioHeader(String id, String title, String summary, List<String> tags, String level, String chapter,
		int order) {

	private static final ObjectMapper BIND = JsonMapper.builder().build();

	public ScenarioHeader {
		tags = List.copyOf(tags);
	}

	static ScenarioHeader of(ScenarioDocument.Metadata md) {
		return new ScenarioHeader(md.name(), md.title() == null ? md.name() : md.title(),
				md.summary() == null ? "" : md.summary(), md.tags() == null ? List.of() : md.tags(),
				md.level() == null ? "beginner" : md.level(), md.chapter() == null ? "Other" : md.chapter(),
				md.order() == null ? 100 : md.order());
	}

	/**
	 * The header of a file that compiles (a built-in: the build compiles every one), from
	 * its {@code metadata} alone. Throws {@link IllegalArgumentException} when the file
	 * has no {@code metadata.name}.
	 */
	public static ScenarioHeader read(String file, String text) {
		JsonNode metadata = new YamlTreeReader(ScenarioLimits.DEFAULTS, false)
			.read(text, dev.packetwalk.budget.Budget.UNLIMITED)
			.root()
			.path("metadata");
		ScenarioDocument.Metadata md = metadata.isObject() ? BIND.treeToValue(metadata, ScenarioDocument.Metadata.class)
				: null;
		if (md == null || md.name() == null) {
			throw new IllegalArgumentException(file + " has no metadata.name");
		}
		return of(md);
	}

}

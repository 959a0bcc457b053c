package dev.packetwalk.importer;

import java.util.Map;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Writes the imported scenario as YAML: block style, quotes only where a string would
 * read as something else.
 */
final class ImportYaml {

	private static final ObjectMapper YAML = YAMLMapper.builder()
		.disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
		.disable(YAMLWriteFeature.SPLIT_LINES)
		.enable(YAMLWriteFeature.MINIMIZE_QUOTES)
		.enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
		.enable(YAMLWriteFeature.INDENT_ARRAYS_WITH_INDICATOR)
		.build();

	private ImportYaml() {
	}

	static String write(Map<String, Object> document, String header) {
		return header + YAML.writeValueAsString(document);
	}

}

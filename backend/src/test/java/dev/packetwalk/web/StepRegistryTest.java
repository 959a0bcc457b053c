package dev.packetwalk.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.packetwalk.trace.Step;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frontend's one registry of step types (static/js/steps/registry.js) against the
 * trace contract: every Java step type has an entry with a filter group that has a chip
 * (or always shows), a CSS colour in css/app.css, a row in docs/api.md's step table. A
 * new step type that misses one of these fails here, instead of falling silently into a
 * default on the page.
 */
class StepRegistryTest {

	private static final Pattern ENTRY = Pattern.compile("(?m)^\\t'?([\\w-]+)'?: \\{$");

	private static final Pattern GROUP = Pattern.compile("(?m)^\\t\\tgroup: '(\\w+)',$");

	private static final Pattern FILTER_GROUP = Pattern.compile("\\{ id: '(\\w+)', label: '[^']*', title: '[^']*'");

	/**
	 * The JSON type names of every permitted Step record, from @JsonTypeName or
	 * Step's @JsonSubTypes.
	 */
	static Map<Class<?>, String> javaTypeNames() {
		Map<Class<?>, String> fromSubTypes = new LinkedHashMap<>();
		JsonSubTypes sub = Step.class.getAnnotation(JsonSubTypes.class);
		if (sub != null) {
			for (JsonSubTypes.Type t : sub.value()) {
				fromSubTypes.put(t.value(), t.name());
			}
		}
		Map<Class<?>, String> names = new LinkedHashMap<>();
		for (Class<?> c : Step.class.getPermittedSubclasses()) {
			JsonTypeName own = c.getAnnotation(JsonTypeName.class);
			String name = own != null ? own.value() : fromSubTypes.get(c);
			assertThat(name).as("%s declares its JSON type name", c.getSimpleName()).isNotBlank();
			names.put(c, name);
		}
		return names;
	}

	private static String resource(String path) throws IOException {
		try (InputStream in = StepRegistryTest.class.getResourceAsStream(path)) {
			assertThat(in).as("%s on the classpath (the frontend module)", path).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/** The registry's entries: type → the text of its entry (up to the next one). */
	private static Map<String, String> registryEntries(String js) {
		int start = js.indexOf("const TYPES = {");
		assertThat(start).as("registry.js declares its entries in `const TYPES = {`").isNotNegative();
		String body = js.substring(start, js.indexOf("\n};", start));
		Map<String, String> entries = new LinkedHashMap<>();
		Matcher m = ENTRY.matcher(body);
		List<int[]> spans = new ArrayList<>();
		List<String> names = new ArrayList<>();
		while (m.find()) {
			names.add(m.group(1));
			spans.add(new int[] { m.start(), m.end() });
		}
		for (int i = 0; i < names.size(); i++) {
			int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : body.length();
			entries.put(names.get(i), body.substring(spans.get(i)[1], end));
		}
		return entries;
	}

	@Test
	void everyJavaStepTypeHasARegistryEntryWithAFilterGroupAndACssColour() throws IOException {
		Map<Class<?>, String> types = javaTypeNames();
		String js = resource("/static/js/steps/registry.js");
		String css = resource("/static/css/app.css");
		Map<String, String> entries = registryEntries(js);
		List<String> groups = FILTER_GROUP.matcher(js.substring(0, js.indexOf("]);")))
			.results()
			.map(r -> r.group(1))
			.toList();
		assertThat(groups).as("FILTER_GROUPS").contains("arp", "nat", "policy");

		assertThat(entries.keySet()).as("registry.js entries").containsExactlyInAnyOrderElementsOf(types.values());
		for (String type : types.values()) {
			String entry = entries.get(type);
			Matcher g = GROUP.matcher(entry);
			assertThat(g.find()).as("%s has a filter group", type).isTrue();
			assertThat(groups).as("%s's filter group", type).contains(g.group(1));
			for (String field : List.of("name: '", "short: '", "focus: '", "story: ", "summary: ", "detail: ")) {
				assertThat(entry).as("%s's entry has %s", type, field.trim()).contains("\t\t" + field);
			}
			// a rule whose selector names .step-<type> and sets a background colour
			Pattern colour = Pattern
				.compile("(?m)^[^{}]*\\.step-" + Pattern.quote(type) + "\\b[^{}]*\\{[^}]*background:");
			assertThat(colour.matcher(css).find()).as("app.css gives .step-%s a colour", type).isTrue();
		}
	}

	@Test
	void everyJavaStepTypeIsInTheApiDocs() throws IOException {
		String api = Files.readString(Path.of("..", "docs", "api.md"));
		for (String type : javaTypeNames().values()) {
			assertThat(api).as("docs/api.md's step table has a row for %s", type).contains("| `" + type + "` |");
		}
	}

}

package dev.packetwalk.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Every built-in scenario, run with its default seed, must produce exactly its golden
 * trace ({@code src/test/resources/golden/<id>.json}). After an intended change,
 * regenerate them with
 * {@code ./mvnw -pl model test -Dtest=GoldenTraceTest -Dgolden.update=true} and review
 * the diff.
 * <p>
 * Meaning and wording are checked apart: {@link #meaningMatchesItsGolden} compares the
 * traces with every {@code narration} left out (where the packet goes, what each step
 * decided), {@link #narrationMatchesItsGolden} lists the steps whose sentence changed,
 * old and new. A wording change fails only the second (and the bytes), and says which
 * sentences to read before regenerating.
 */
class GoldenTraceTest {

	static Path scenariosDir() {
		return Path.of(System.getProperty("scenarios.dir", "../scenarios"));
	}

	static Path goldenDir() {
		return Path.of(System.getProperty("golden.dir", "src/test/resources/golden"));
	}

	static Stream<Path> scenarioFiles() throws IOException {
		try (Stream<Path> s = Files.list(scenariosDir())) {
			List<Path> files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
			assertThat(files).as("built-in scenarios in " + scenariosDir()).isNotEmpty();
			return files.stream();
		}
	}

	private static String traceOf(Path file) throws IOException {
		CompiledScenario s = new ScenarioCompiler().compile(file.getFileName().toString(),
				Files.readString(file, StandardCharsets.UTF_8));
		return TraceJson.pretty(new Engine(s.scenario()).run(s.seed()));
	}

	private static String goldenOf(Path file) throws IOException {
		Path golden = goldenDir().resolve(file.getFileName().toString().replaceFirst("\\.yaml$", ".json"));
		assertThat(golden).as("golden trace (run with -Dgolden.update=true to create it)").exists();
		return Files.readString(golden, StandardCharsets.UTF_8);
	}

	/**
	 * The trace without its words: every {@code narration} removed, the rest as it is.
	 */
	private static JsonNode meaning(String json) {
		JsonNode tree = TraceJson.mapper().readTree(json);
		strip(tree);
		return tree;
	}

	private static void strip(JsonNode n) {
		if (n instanceof ObjectNode o) {
			o.remove("narration");
		}
		n.forEach(GoldenTraceTest::strip);
	}

	/**
	 * Every narration with where it is ({@code walk 0 hop 1 step 2 (route)}), in trace
	 * order.
	 */
	private static Map<String, String> narrations(String json) {
		Map<String, String> out = new LinkedHashMap<>();
		JsonNode walks = TraceJson.mapper().readTree(json).get("walks");
		for (int w = 0; w < walks.size(); w++) {
			JsonNode hops = walks.get(w).get("hops");
			for (int h = 0; h < hops.size(); h++) {
				JsonNode steps = hops.get(h).get("steps");
				for (int i = 0; i < steps.size(); i++) {
					JsonNode st = steps.get(i);
					out.put("walk " + w + " hop " + h + " step " + i + " (" + st.get("type").asString() + ")",
							st.get("narration").asString());
				}
			}
		}
		return out;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarioFiles")
	void meaningMatchesItsGolden(Path file) throws IOException {
		assumeFalse(Boolean.getBoolean("golden.update"));
		assertThat(meaning(traceOf(file))).as("the trace of " + file.getFileName() + " without its narration")
			.isEqualTo(meaning(goldenOf(file)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarioFiles")
	void narrationMatchesItsGolden(Path file) throws IOException {
		assumeFalse(Boolean.getBoolean("golden.update"));
		Map<String, String> actual = narrations(traceOf(file));
		Map<String, String> golden = narrations(goldenOf(file));
		List<String> changed = new ArrayList<>();
		golden.forEach((where, old) -> {
			String now = actual.get(where);
			if (!old.equals(now)) {
				changed.add(where + ":\n  - " + old + "\n  + " + now);
			}
		});
		actual.keySet()
			.stream()
			.filter(k -> !golden.containsKey(k))
			.forEach(k -> changed.add(k + ":\n  + " + actual.get(k)));
		assertThat(changed)
			.as("steps of " + file.getFileName() + " whose narration changed (read them, then regenerate)")
			.isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarioFiles")
	void matchesItsGoldenTrace(Path file) throws IOException {
		CompiledScenario s = new ScenarioCompiler().compile(file.getFileName().toString(),
				Files.readString(file, StandardCharsets.UTF_8));
		assertThat(file.getFileName().toString()).as("file name is the scenario id").isEqualTo(s.id() + ".yaml");
		Trace trace = new Engine(s.scenario()).run(s.seed());
		String actual = TraceJson.pretty(trace);
		Path golden = goldenDir().resolve(s.id() + ".json");
		if (Boolean.getBoolean("golden.update")) {
			Files.createDirectories(golden.getParent());
			Files.writeString(golden, actual, StandardCharsets.UTF_8);
			return;
		}
		assertThat(golden).as("golden trace for " + s.id() + " (run with -Dgolden.update=true to create it)").exists();
		assertThat(actual).as("trace of " + s.id() + " vs " + golden)
			.isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
		// and the engine is deterministic: a second run gives the same bytes
		assertThat(TraceJson.pretty(new Engine(s.scenario()).run(s.seed()))).isEqualTo(actual);
	}

}

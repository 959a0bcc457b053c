package dev.packetwalk.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every built-in scenario, run with its default seed, must produce exactly its golden trace
 * ({@code src/test/resources/golden/<id>.json}). After an intended change, regenerate them with
 * {@code ./mvnw -pl model test -Dtest=GoldenTraceTest -Dgolden.update=true} and review the diff.
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
		assertThat(actual).as("trace of " + s.id() + " vs " + golden).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
		// and the engine is deterministic: a second run gives the same bytes
		assertThat(TraceJson.pretty(new Engine(s.scenario()).run(s.seed()))).isEqualTo(actual);
	}

}

package dev.packetwalk.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.engine.Engine;
import dev.packetwalk.trace.TraceJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ScenarioCompiler#compileTrusted}, which the server uses for the built-ins, skips
 * the JSON Schema. That loses nothing only if every built-in passes the schema (checked
 * here, so a built-in the schema rejects fails the build) and if skipping it changes no
 * result: the same traces, byte for byte, and for a file with problems the same errors.
 */
class TrustedCompileTest {

	static java.util.stream.Stream<Path> builtIns() throws IOException {
		return GoldenTraceTest.scenarioFiles();
	}

	private static String read(Path file) throws IOException {
		return Files.readString(file, StandardCharsets.UTF_8);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("builtIns")
	void everyBuiltInPassesTheSchema(Path file) throws IOException {
		YamlTreeReader.Result tree = new YamlTreeReader(ScenarioLimits.DEFAULTS, false).read(read(file),
				Budget.UNLIMITED);
		assertThat(ScenarioSchema.check(tree.root())).as("schema violations in " + file.getFileName()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("builtIns")
	void sameTracesAsAFullCompile(Path file) throws IOException {
		String name = file.getFileName().toString();
		CompiledScenario full = new ScenarioCompiler().compile(name, read(file));
		CompiledScenario trusted = new ScenarioCompiler().compileTrusted(name, read(file));
		assertThat(trusted.warnings()).isEqualTo(full.warnings());
		assertThat(List.of(trusted.id(), trusted.title(), trusted.summary(), trusted.level(), trusted.chapter()))
			.isEqualTo(List.of(full.id(), full.title(), full.summary(), full.level(), full.chapter()));
		for (long seed = 1; seed <= 3; seed++) {
			assertThat(TraceJson.pretty(new Engine(trusted.scenario()).run(seed))).as(name + " seed " + seed)
				.isEqualTo(TraceJson.pretty(new Engine(full.scenario()).run(seed)));
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("builtIns")
	void theHeaderReadWithoutCompilingIsTheCompiledOnes(Path file) throws IOException {
		String name = file.getFileName().toString();
		CompiledScenario s = new ScenarioCompiler().compile(name, read(file));
		assertThat(ScenarioHeader.read(name, read(file)))
			.isEqualTo(new ScenarioHeader(s.id(), s.title(), s.summary(), s.tags(), s.level(), s.chapter(), s.order()));
	}

	/**
	 * Files with problems: an unknown field (the strict binding refuses it), a value of
	 * the wrong kind, a value the schema's enum refuses, a flow to nowhere (the
	 * compiler's own check). The trusted compile reports exactly what the full one does.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "      nodee: node1\n", "      node: [node1]\n",
			"      node: node1\n      containers:\n        - name: web\n          ports:\n            - {containerPort: 80, protocol: SCTPX}\n",
			"      node: node9\n" })
	void aFileWithProblemsGetsTheSameErrors(String pod2) {
		String yaml = """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata:
				  name: two-pods
				cluster:
				  nodes:
				    - name: node1
				  pods:
				    - name: pod1
				      node: node1
				    - name: pod2
				""" + pod2 + """
				flows:
				  - id: syn
				    from: pod1
				    to: pod2:80
				""";
		List<ScenarioProblem> full = problems(() -> new ScenarioCompiler().compile("t.yaml", yaml));
		assertThat(full).isNotEmpty();
		assertThat(problems(() -> new ScenarioCompiler().compileTrusted("t.yaml", yaml))).isEqualTo(full);
	}

	private static List<ScenarioProblem> problems(Runnable compile) {
		try {
			compile.run();
		}
		catch (ScenarioException ex) {
			return ex.problems();
		}
		throw new AssertionError("expected problems, the scenario compiled");
	}

}

package dev.packetwalk.scenario;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.packetwalk.engine.Engine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the scenario reader, schema check and compiler, and
 * of the engine on whatever compiles: for any bytes, {@link ScenarioCompiler#compile}
 * either returns a scenario that traces, or throws {@link ScenarioException} whose
 * problems each say what and where. Any other exception, a hang or a stack overflow is a
 * crash.
 *
 * <p>
 * In an ordinary test run (CI) this is a regression test: it runs the inputs in
 * {@code src/test/resources/dev/packetwalk/scenario/ScenarioFuzzTestInputs/compile/} (a
 * few built-in scenarios, and every crash found so far, named {@code crash-*}), in
 * seconds. To fuzz (docs/scenario-format.md, "Fuzzing"):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl model test -Dtest=ScenarioFuzzTest -Djazzer.max_duration=10m
 * </pre>
 *
 * A crash is written to the inputs directory above; commit it and it becomes a regression
 * test.
 */
class ScenarioFuzzTest {

	/**
	 * Small enough that a fuzzed input cannot ask for minutes of work; big enough for
	 * every built-in scenario.
	 */
	private static final ScenarioCompiler COMPILER = new ScenarioCompiler(
			new ScenarioLimits(64 * 1024, 10, 30, 20_000, 20, 200, 10, 100, 5_000));

	@FuzzTest(maxDuration = "30s")
	void compile(byte[] data) {
		String text = new String(data, StandardCharsets.UTF_8);
		CompiledScenario s;
		try {
			s = COMPILER.compile("fuzz.yaml", text);
		}
		catch (ScenarioException ex) {
			assertThat(ex.problems()).isNotEmpty().allSatisfy(p -> {
				assertThat(p.message()).isNotBlank();
				assertThat(p.line()).isGreaterThanOrEqualTo(0);
				assertThat(p.column()).isGreaterThanOrEqualTo(0);
			});
			return;
		}
		assertThat(s.scenario()).isNotNull();
		assertThat(new Engine(s.scenario(), 32).run(s.seed()).walks()).isNotEmpty();
	}

}

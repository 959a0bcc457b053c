package dev.packetwalk.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.budget.BudgetExceededException;
import dev.packetwalk.engine.Distribution;
import dev.packetwalk.engine.Engine;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.trace.TraceJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 23, cooperative deadlines and the trace's size: the compiler and the engine stop
 * when their budget runs out (time passed, cancelled, trace too large), and a trace that
 * finishes within its budget is byte for byte the one without a budget.
 */
class BudgetTest {

	private static final Duration AMPLE = Duration.ofMinutes(10);

	static Stream<Path> scenarioFiles() throws IOException {
		return GoldenTraceTest.scenarioFiles();
	}

	@ParameterizedTest
	@MethodSource("scenarioFiles")
	void aTraceWithinItsBudgetIsTheSameTrace(Path file) throws IOException {
		String text = Files.readString(file, StandardCharsets.UTF_8);
		String name = file.getFileName().toString();
		CompiledScenario plain = new ScenarioCompiler().compile(name, text);
		CompiledScenario budgeted = new ScenarioCompiler().compile(name, text, Budget.of(AMPLE, 100_000, 16L << 20));
		String expected = TraceJson.write(new Engine(plain.scenario()).run(plain.seed()));
		String actual = TraceJson
			.write(new Engine(budgeted.scenario()).run(budgeted.seed(), Budget.of(AMPLE, 100_000, 16L << 20)));
		assertThat(actual).isEqualTo(expected);
	}

	@Test
	void aPassedDeadlineStopsTheCompilerAndTheEngine() throws Exception {
		String text = builtIn("netpol-three-tier");
		Budget spent = Budget.of(Duration.ofNanos(1), 100_000, 16L << 20);
		Thread.sleep(1);
		assertThat(spent.spent()).isTrue();
		assertThatThrownBy(() -> new ScenarioCompiler().compile("x.yaml", text, spent))
			.isInstanceOfSatisfying(BudgetExceededException.class,
					ex -> assertThat(ex.reason()).isEqualTo(BudgetExceededException.Reason.TIME))
			.hasMessageContaining("packetwalk.limits.max-request-time");
		CompiledScenario s = new ScenarioCompiler().compile("x.yaml", text);
		assertThatThrownBy(() -> new Engine(s.scenario()).run(1, spent)).isInstanceOf(BudgetExceededException.class);
		assertThatThrownBy(() -> Distribution.of(new Engine(s.scenario()), null, 1_000_000, 1, spent))
			.isInstanceOf(BudgetExceededException.class);
	}

	@Test
	void aCancelledBudgetStopsAtItsNextCheck() throws Exception {
		CompiledScenario s = new ScenarioCompiler().compile("x.yaml", builtIn("netpol-three-tier"));
		Budget budget = Budget.of(AMPLE, 100_000, 16L << 20);
		budget.cancel();
		assertThatThrownBy(() -> new Engine(s.scenario()).run(1, budget)).isInstanceOfSatisfying(
				BudgetExceededException.class,
				ex -> assertThat(ex.reason()).isEqualTo(BudgetExceededException.Reason.CANCELLED));
		assertThatThrownBy(() -> s.scenario().policies().reachability(6379, Protocol.TCP, budget))
			.isInstanceOf(BudgetExceededException.class);
		// the shared unlimited budget cannot be cancelled by anyone
		Budget.UNLIMITED.cancel();
		assertThat(Budget.UNLIMITED.spent()).isFalse();
	}

	/**
	 * Stopping a run that is under way: another thread cancels, the engine notices within
	 * its walk.
	 */
	@Test
	void cancellingFromAnotherThreadStopsLongWork() throws Exception {
		CompiledScenario s = new ScenarioCompiler().compile("x.yaml", builtIn("kuard-five-endpoints"));
		Budget budget = Budget.of(AMPLE, 100_000, 16L << 20);
		Thread canceller = Thread.ofVirtual().start(() -> {
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			budget.cancel();
		});
		// far more seeds than 200 ms allow: only the cancellation ends it
		assertThatThrownBy(() -> Distribution.of(new Engine(s.scenario()), null, Integer.MAX_VALUE, 1, budget))
			.isInstanceOfSatisfying(BudgetExceededException.class,
					ex -> assertThat(ex.reason()).isEqualTo(BudgetExceededException.Reason.CANCELLED));
		canceller.join();
	}

	@Test
	void aTraceOverItsStepsOrSizeIsRefusedByName() throws Exception {
		CompiledScenario s = new ScenarioCompiler().compile("x.yaml", builtIn("netpol-three-tier"));
		assertThatThrownBy(() -> new Engine(s.scenario()).run(1, Budget.of(AMPLE, 10, 16L << 20)))
			.isInstanceOfSatisfying(BudgetExceededException.class,
					ex -> assertThat(ex.reason()).isEqualTo(BudgetExceededException.Reason.STEPS))
			.hasMessageContaining("packetwalk.limits.max-trace-steps");
		assertThatThrownBy(() -> new Engine(s.scenario()).run(1, Budget.of(AMPLE, 100_000, 2_000)))
			.isInstanceOfSatisfying(BudgetExceededException.class,
					ex -> assertThat(ex.reason()).isEqualTo(BudgetExceededException.Reason.SIZE))
			.hasMessageContaining("packetwalk.limits.max-trace-size");
	}

	/**
	 * The alias amplification file: one long string anchored once and referenced by alias
	 * in labels, paths and headers. Its expanded text counts towards max-code-points, so
	 * it is refused as it is read, naming the alias.
	 */
	@Test
	void aliasesCountTheirWholeTextTowardsTheFileLength() {
		String big = "x".repeat(200_000);
		StringBuilder y = new StringBuilder(
				"""
						apiVersion: packetwalk.dev/v1alpha1
						kind: Scenario
						metadata: {name: amplified}
						cluster:
						  nodes: [{name: n1}, {name: n2}]
						  pods: [{name: a, node: n1}, {name: b, node: n2, containers: [{name: c, ports: [{containerPort: 8080}]}]}]
						flows:
						""");
		y.append("  - {from: a, to: 'b:8080', label: &big \"/")
			.append(big)
			.append("\", http: {method: GET, path: *big}}\n");
		for (int i = 0; i < 8; i++) {
			y.append(
					"  - {from: a, to: 'b:8080', label: *big, http: {method: GET, path: *big, headers: {X-A: *big}}}\n");
		}
		assertThat(y.length()).isLessThan(210_000);
		assertThatThrownBy(() -> new ScenarioCompiler().compile("amplified.yaml", y.toString())).isInstanceOfSatisfying(
				ScenarioException.class,
				ex -> assertThat(ex.problems().getFirst().message()).contains("once its aliases are expanded")
					.contains("packetwalk.limits.max-code-points"));
	}

	private static String builtIn(String id) throws IOException {
		return Files.readString(GoldenTraceTest.scenariosDir().resolve(id + ".yaml"), StandardCharsets.UTF_8);
	}

}

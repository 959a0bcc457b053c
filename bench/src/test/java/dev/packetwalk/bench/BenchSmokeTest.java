package dev.packetwalk.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.trace.Trace;

/**
 * The benchmarks never run in the build, so this checks that they still could: the
 * generated cluster (at a small size) compiles within the limits {@link LargeCluster}
 * asks for and traces, and the scenario list covers every file. No timing here.
 */
class BenchSmokeTest {

	@Test
	void theGeneratedClusterCompilesWithinItsOwnLimitsAndTraces() {
		int nodes = 8;
		int podsPerNode = 10;
		int services = 16;
		CompiledScenario cs = LargeCluster.compile(
				LargeCluster.yaml(nodes, podsPerNode, services, LargeCluster.ENDPOINTS_PER_SERVICE), nodes, podsPerNode,
				services);
		Trace t = new Engine(cs.scenario()).run(cs.seed());
		assertThat(t.walks()).isNotEmpty().allMatch(w -> w.disposition().delivered());
	}

	@Test
	void theLimitsLetTheFullSizeClusterThrough() {
		var limits = LargeCluster.limits(LargeCluster.NODES, LargeCluster.NODES * LargeCluster.PODS_PER_NODE,
				LargeCluster.SERVICES);
		assertThat((long) limits.maxRules()).isGreaterThanOrEqualTo(170_000_000L);
		assertThat(limits.maxPods()).isEqualTo(LargeCluster.NODES * LargeCluster.PODS_PER_NODE);
	}

	@Test
	void everyBuiltInScenarioIsBenchmarked() throws IOException {
		Path dir = Path.of("..", "scenarios");
		try (Stream<Path> files = Files.list(dir)) {
			assertThat(files.map(p -> p.getFileName().toString())
				.filter(n -> n.endsWith(".yaml"))
				.map(n -> n.substring(0, n.length() - ".yaml".length())))
				.containsExactlyInAnyOrderElementsOf(Arrays.asList(Scenarios.IDS));
		}
		for (String id : Scenarios.IDS) {
			assertThat(Scenarios.compile(id).scenario().sentFlows()).as(id + ": packets to benchmark").isNotEmpty();
		}
	}

}

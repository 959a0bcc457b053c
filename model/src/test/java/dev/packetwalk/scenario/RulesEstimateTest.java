package dev.packetwalk.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.topology.Namespace;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 23: the estimate behind {@code max-rules} is never below what kube-proxy really
 * writes. For every built-in scenario with Services in iptables mode (ClusterIP,
 * NodePort, LoadBalancer with either traffic policy, session affinity, source ranges),
 * the Services' generated rules are counted over all nodes; a limit one below that count
 * must be refused before generation, so the estimate is at least the count.
 */
class RulesEstimateTest {

	static Stream<Path> scenarios() throws IOException {
		try (Stream<Path> s = Files.list(GoldenTraceTest.scenariosDir())) {
			return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
		}
	}

	@ParameterizedTest
	@MethodSource("scenarios")
	void theEstimateIsAtLeastTheGeneratedRules(Path file) throws IOException {
		String text = Files.readString(file);
		CompiledScenario s = new ScenarioCompiler().compile(file.getFileName().toString(), text);
		Engine engine = new Engine(s.scenario());
		long generated = 0;
		for (Namespace ns : s.scenario().topology().namespaces()) {
			String rules = engine.iptablesSave(ns.id());
			if (rules != null) {
				generated += serviceRules(rules);
			}
		}
		if (generated < 2) {
			return; // no Service rules in iptables form (none, IPVS, docker); a limit
					// below 1 is not a setting
		}
		ScenarioLimits d = ScenarioLimits.DEFAULTS;
		ScenarioLimits justBelow = new ScenarioLimits(d.maxCodePoints(), d.maxAliases(), d.maxDepth(), d.maxValues(),
				d.maxNodes(), d.maxPods(), d.maxFlows(), d.maxObjects(), (int) generated - 1);
		assertThatThrownBy(() -> new ScenarioCompiler(justBelow).compile(file.getFileName().toString(), text))
			.as(file + ": " + generated + " Service rules generated; a limit of " + (generated - 1)
					+ " must be refused")
			.isInstanceOf(ScenarioException.class)
			.hasMessageContaining("max-rules");
	}

	/**
	 * The rules of a node's iptables-save that exist because of a Service: in its chains,
	 * or naming it.
	 */
	static long serviceRules(String iptablesSave) {
		List<String> perService = List.of("KUBE-SVC-", "KUBE-SEP-", "KUBE-EXT-", "KUBE-SVL-", "KUBE-FW-", "KUBE-XLB-");
		return iptablesSave.lines().filter(l -> l.startsWith("-A ")).filter(l -> {
			String chain = l.split(" ")[1];
			return perService.stream().anyMatch(chain::startsWith)
					|| l.matches(".*--comment \"?[a-z0-9-]+/[a-z0-9-]+.*");
		}).count();
	}

}

package dev.packetwalk.rulesdiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.packetwalk.engine.Scenario;
import dev.packetwalk.importer.ClusterImporter;
import dev.packetwalk.importer.ImportOptions;
import dev.packetwalk.importer.ImportSource;
import dev.packetwalk.scenario.ScenarioCompiler;
import org.junit.jupiter.api.Test;

/**
 * The model's kube-proxy rules for a node against a node's iptables-save: the model's own
 * text diffs empty (also with counters and shuffled chains, as iptables-save -c prints
 * them); a node whose kube-proxy has not seen a pod become Ready reports exactly that
 * Service.
 */
class RulesDiffTest {

	private static Scenario kind(boolean podX6kfnReady) throws Exception {
		String dump;
		try (var in = RulesDiffTest.class.getResourceAsStream("/import/kind.yaml")) {
			dump = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
		String yaml = ClusterImporter.importDumps(List.of(new ImportSource("kind.yaml", dump)), ImportOptions.DEFAULTS)
			.yaml();
		if (podX6kfnReady) {
			yaml = yaml.replaceFirst("(name: cart-7d4b9c8f6-x6kfn(?s:.*?))\n      ready: false", "$1");
		}
		return new ScenarioCompiler().compile("my-cluster.yaml", yaml).scenario();
	}

	@Test
	void theModelsOwnRulesDiffEmptyEvenWithCountersAndAnotherChainOrder() throws Exception {
		String model = RulesDiff.modelRules(kind(false), "kind-worker");
		assertThat(RulesDiff.diff("kind-worker", model, model, Map.of()).same()).isTrue();
		// iptables-save -c: counters on every rule; the chains' rules listed in another
		// order
		List<String> lines = new java.util.ArrayList<>(
				model.lines().map(l -> l.startsWith("-A ") ? "[12:720] " + l : l).toList());
		int first = lines.indexOf(lines.stream().filter(l -> l.contains("-A KUBE-SEP-")).findFirst().orElseThrow());
		String moved = lines.remove(first);
		lines.add(lines.lastIndexOf("COMMIT") > 0 ? indexOfNatCommit(lines) : lines.size(), moved);
		RulesDiff.Result r = RulesDiff.diff("kind-worker", model, String.join("\n", lines), Map.of());
		assertThat(r.same()).as("%s", r).isTrue();
		assertThat(r.compared()).isGreaterThan(20);
	}

	private static int indexOfNatCommit(List<String> lines) {
		int nat = lines.indexOf("*nat");
		for (int i = nat; i < lines.size(); i++) {
			if (lines.get(i).equals("COMMIT")) {
				return i;
			}
		}
		return lines.size();
	}

	@Test
	void aNodeThatMissedAPodBecomingReadyReportsExactlyThatService() throws Exception {
		String onNode = RulesDiff.modelRules(kind(false), "kind-worker"); // what
																			// kube-proxy
																			// wrote
																			// before
																			// x6kfn was
																			// Ready
		String model = RulesDiff.modelRules(kind(true), "kind-worker");
		RulesDiff.Result r = RulesDiff.diff("kind-worker", model, onNode,
				Map.of("10.244.2.4", "shop/cart-7d4b9c8f6-x6kfn"));
		assertThat(r.services()).extracting(RulesDiff.ServiceDiff::service).containsExactly("shop/cart:http");
		RulesDiff.ServiceDiff cart = r.services().getFirst();
		assertThat(cart.message()).isEqualTo("Service shop/cart:http: node has 2 endpoints, the model expects 3"
				+ " (pod shop/cart-7d4b9c8f6-x6kfn (10.244.2.4:8080) is missing on the node)");
		assertThat(cart.nodeEndpoints()).containsExactlyInAnyOrder("10.244.1.3:8080", "10.244.2.3:8080");
		assertThat(cart.missingOnNode()).anyMatch(l -> l.contains("--to-destination 10.244.2.4:8080"));
		assertThat(r.otherMissing()).isEmpty();
		assertThat(r.otherExtra()).isEmpty();
	}

}

package dev.packetwalk.scenario;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A document of more than {@link ScenarioInput#PARALLEL_BIND_VALUES} values is bound
 * while the schema checks it: it must compile to what the sequential path gives, and a
 * schema problem in it must still be reported where it is.
 */
class LargeScenarioTest {

	private static final int NODES = 25;

	private static final int PODS_PER_NODE = 200;

	private static String yaml(String extraPodField) {
		StringBuilder y = new StringBuilder(
				"apiVersion: packetwalk.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: large\n")
			.append("seed: 7\ncluster:\n  podCIDR: 10.64.0.0/14\n  nodes:\n");
		for (int n = 0; n < NODES; n++) {
			y.append("    - {name: node").append(n).append("}\n");
		}
		y.append("  pods:\n");
		for (int p = 0; p < NODES * PODS_PER_NODE; p++) {
			y.append("    - {name: pod")
				.append(p)
				.append(", node: node")
				.append(p % NODES)
				.append(", labels: {app: a")
				.append(p % 7)
				.append(", tier: t")
				.append(p % 3)
				.append("}, containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]");
			if (p == 4_321 && extraPodField != null) {
				y.append(", ").append(extraPodField);
			}
			y.append("}\n");
		}
		y.append("flows:\n  - {id: across, from: pod0, to: 'pod4999:8080', protocol: TCP, reply: true}\n");
		return y.toString();
	}

	private static ScenarioCompiler compiler() {
		ScenarioLimits d = ScenarioLimits.DEFAULTS;
		return new ScenarioCompiler(new ScenarioLimits(d.maxCodePoints(), d.maxAliases(), d.maxDepth(), d.maxValues(),
				d.maxNodes(), 10_000, d.maxFlows(), d.maxObjects(), d.maxRules()));
	}

	@Test
	void aLargeDocumentCompilesAsASmallOneWould() {
		String text = yaml(null);
		YamlTreeReader.Result tree = new YamlTreeReader(ScenarioLimits.DEFAULTS, false).read(text);
		assertThat(tree.size()).isGreaterThanOrEqualTo(ScenarioInput.PARALLEL_BIND_VALUES);

		CompiledScenario compiled = compiler().compile("large.yaml", text);
		assertThat(compiled.scenario().topology().namespaces()).hasSizeGreaterThan(NODES * PODS_PER_NODE);
		// the same document compiles to the same scenario every time, whichever thread
		// bound it
		assertThat(compiler().compile("large.yaml", text).scenario()).isEqualTo(compiled.scenario());
	}

	@Test
	void aSchemaProblemInALargeDocumentIsReportedAtItsLine() {
		String text = yaml("colour: blue");
		ScenarioException ex = catchThrowableOfType(ScenarioException.class,
				() -> compiler().compile("large.yaml", text));
		List<ScenarioProblem> problems = ex.problems();
		int line = 1 + (int) text.substring(0, text.indexOf("colour: blue")).chars().filter(c -> c == '\n').count();
		assertThat(problems).anySatisfy(p -> {
			assertThat(p.line()).isEqualTo(line);
			assertThat(p.message()).contains("colour");
		});
	}

}

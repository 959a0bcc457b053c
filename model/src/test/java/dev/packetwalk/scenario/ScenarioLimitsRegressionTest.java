package dev.packetwalk.scenario;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Scenarios that once made the compiler hang or answer with something other than
 * problems: each now ends, fast, in problems that say what is wrong and where.
 */
class ScenarioLimitsRegressionTest {

	private static final String HEADER = "apiVersion: packetwalk.dev/v1alpha1\nkind: Scenario\nmetadata: {name: hostile}\n";

	private static List<ScenarioProblem> problems(String yaml) {
		return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try {
				new ScenarioCompiler().compile("test.yaml", yaml);
			}
			catch (ScenarioException ex) {
				return ex.problems();
			}
			throw new AssertionError("expected problems, the scenario compiled");
		});
	}

	/**
	 * 2,000 Services selecting the same 200 pods: 1.2 million rules per node once took
	 * minutes and a GiB of heap.
	 */
	@Test
	void servicesThatWouldWriteMillionsOfRulesAreRefusedBeforeGeneration() {
		StringBuilder y = new StringBuilder(HEADER).append("cluster:\n  nodes: [{name: n1}, {name: n2}]\n  pods:\n");
		for (int i = 0; i < 200; i++) {
			y.append("    - {name: p").append(i).append(", node: n").append(1 + i % 2).append(", labels: {app: w}}\n");
		}
		y.append("objects:\n");
		for (int i = 0; i < 2000; i++) {
			y.append("  - {apiVersion: v1, kind: Service, metadata: {name: s")
				.append(i)
				.append("}, spec: {selector: {app: w}, ports: [{port: 80, targetPort: 8080}]}}\n");
		}
		y.append("flows: [{from: p0, to: 'service/s1999:80'}]\n");
		assertThat(problems(y.toString())).singleElement().satisfies(p -> {
			assertThat(p.path()).isEqualTo("objects");
			assertThat(p.message()).contains("2408000 rules over 2 nodes").contains("packetwalk.limits.max-rules");
		});
	}

	@Test
	void moreAutomaticPodAddressesThanTheNodesPodCidrHoldsIsAnError() {
		StringBuilder y = new StringBuilder(HEADER)
			.append("cluster:\n  nodes: [{name: n1, podCIDR: 10.244.1.0/29}]\n  pods:\n");
		for (int i = 0; i < 6; i++) {
			y.append("    - {name: p").append(i).append(", node: n1}\n");
		}
		y.append("flows: [{from: p0, to: 'p1:80'}]\n");
		assertThat(problems(y.toString())).singleElement().satisfies(p -> {
			assertThat(p.path()).isEqualTo("cluster.pods[5].node");
			assertThat(p.message())
				.isEqualTo("node n1's pod CIDR 10.244.1.0/29 has no free address left for pod p5 (5 pods fit):"
						+ " give the node a larger podCIDR");
		});
	}

	@Test
	void overlappingNodePodCidrsAreAnError() {
		String y = HEADER + """
				cluster:
				  cloud: {provider: gcp}
				  nodes:
				    - {name: node1, podCIDR: 10.244.0.0/16}
				    - {name: node2, podCIDR: 10.244.2.0/24}
				  pods: [{name: a, node: node1}]
				flows: [{from: a, to: '10.244.2.7:80'}]
				""";
		assertThat(problems(y)).singleElement().satisfies(p -> {
			assertThat(p.path()).isEqualTo("cluster.nodes[1].podCIDR");
			assertThat(p.message()).startsWith("pod CIDR 10.244.2.0/24 overlaps node node1's 10.244.0.0/16");
		});
	}

	@Test
	void aFullServiceCidrIsAProblemNotACrash() {
		StringBuilder y = new StringBuilder(HEADER)
			.append("cluster:\n  serviceCIDR: 10.96.0.0/25\n  nodes: [{name: n1}]\n")
			.append("  pods: [{name: a, node: n1}]\nobjects:\n");
		for (int i = 0; i < 30; i++) {
			y.append("  - {apiVersion: v1, kind: Service, metadata: {name: s")
				.append(i)
				.append("}, spec: {selector: {app: w}, ports: [{port: 80}]}}\n");
		}
		y.append("flows: [{from: a, to: 'service/s0:80'}]\n");
		assertThat(problems(y.toString())).filteredOn(p -> p.severity() == ScenarioProblem.Severity.ERROR)
			.first()
			.satisfies(p -> assertThat(p.message()).contains("10.96.0.0/25 is full"));
	}

}

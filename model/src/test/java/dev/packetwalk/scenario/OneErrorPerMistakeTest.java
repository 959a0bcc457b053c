package dev.packetwalk.scenario;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One mistake, one error: the cascades authors met (issue #20) give only their root
 * error, a raw YAML reader message never reaches the author, an ambiguous pod name lists
 * every candidate, and a missing feature says "not supported yet". The counts before this
 * change are in each test's comment.
 */
class OneErrorPerMistakeTest {

	static final String BASE = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata:
			  name: two-pods
			cluster:
			  nodes:
			    - name: node1
			      podCIDR: 10.244.1.0/24
			    - name: node2
			      podCIDR: 10.244.5.0/24
			  pods:
			    - name: pod1
			      node: node2
			      ip: 10.244.5.2
			    - name: pod2
			      node: node1
			      containers:
			        - name: web
			          ports:
			            - {name: http, containerPort: 8080, protocol: TCP}
			flows:
			  - id: syn
			    from: pod1
			    to: pod2:8080
			  - id: back
			    from: pod2
			    to: pod1:8080
			""";

	private final ScenarioCompiler compiler = new ScenarioCompiler();

	private List<ScenarioProblem> problems(String yaml) {
		try {
			compiler.compile("test.yaml", yaml);
			return List.of();
		}
		catch (ScenarioException ex) {
			return ex.problems();
		}
	}

	@Test
	void theBaseIsValid() {
		assertThat(problems(BASE)).isEmpty();
	}

	@Test
	void aMisspeltPodCidrIsOneErrorNotAnUnknownSourceWherePod1Exists() {
		// before: 4 (the unknown field, pod1's IP outside the defaulted pod CIDR, unknown
		// source 'pod1', unknown destination 'pod1')
		List<ScenarioProblem> p = problems(
				BASE.replace("      podCIDR: 10.244.5.0/24", "      podCIRD: 10.244.5.0/24"));
		assertThat(p).singleElement().satisfies(x -> {
			assertThat(x.message()).isEqualTo("unknown field 'podCIRD' (did you mean 'podCIDR'?)");
			assertThat(x.line()).isEqualTo(10);
		});
	}

	@Test
	void aMisspeltContainerPortIsOnlyTheDidYouMean() {
		// before: 2, "'containerPort' is required" listed first
		List<ScenarioProblem> p = problems(BASE.replace("containerPort: 8080", "containerPrt: 8080"));
		assertThat(p).singleElement()
			.satisfies(x -> assertThat(x.message())
				.isEqualTo("unknown field 'containerPrt' (did you mean 'containerPort'?)"));
	}

	@Test
	void aNodeTypoIsOneErrorAndTheFlowsOfItsPodAreNotReportedAgain() {
		// before: 3 (unknown node, unknown source 'pod1', unknown destination 'pod1')
		List<ScenarioProblem> p = problems(BASE.replace("      node: node2", "      node: nod2"));
		assertThat(p).singleElement()
			.satisfies(x -> assertThat(x.message()).isEqualTo("unknown node 'nod2' (did you mean 'node2'?)"));
	}

	@Test
	void anInvalidNodeBlockIsOneError() {
		// before: 4 (the CIDR, unknown node 'node2' for pod1, unknown source, unknown
		// destination)
		List<ScenarioProblem> p = problems(BASE.replace("podCIDR: 10.244.5.0/24", "podCIDR: 10.244.5.0/33"));
		assertThat(p).singleElement().satisfies(x -> assertThat(x.path()).isEqualTo("cluster.nodes[1].podCIDR"));
	}

	@Test
	void aRefusedHostIsOneErrorNotOneMorePerFlow() {
		// before: 3 (the host, then each of the two flows that use it); a host is refused
		// for an address the cluster uses (any other address is fine, with or without a
		// cloud)
		String yaml = BASE.replace("  pods:", "  hosts:\n    - {name: web, ip: 10.244.1.7, listen: [tcp/80]}\n  pods:")
				+ "  - {id: out, from: pod2, to: host/web:80}\n  - {id: in, from: host/web, to: pod2:8080}\n";
		assertThat(problems(yaml)).singleElement().satisfies(x -> {
			assertThat(x.path()).isEqualTo("cluster.hosts[0].ip");
			assertThat(x.message()).contains("10.244.1.7", "node node1's pod CIDR 10.244.1.0/24");
		});
	}

	@Test
	void aBadIndentIsAHumanSentenceWithTheLine() {
		// before: "not valid YAML: mapping values are not allowed here"
		List<ScenarioProblem> more = problems(BASE.replace("      node: node1\n", "        node: node1\n"));
		assertThat(more).singleElement().satisfies(x -> {
			assertThat(x.message())
				.startsWith("line 16: this line is indented more than the key above it ('name' on line 15");
			assertThat(x.message()).doesNotContain("mapping values", "<block");
		});
		// before: "not valid YAML: while parsing a block collection: expected <block
		// end>, but found '<block mapping start>'"
		List<ScenarioProblem> less = problems(BASE.replace("    to: pod2:8080", "   to: pod2:8080"));
		assertThat(less).singleElement().satisfies(x -> {
			assertThat(x.message()).startsWith(
					"line 24: this line is indented less than the line above it (3 spaces here, 4 spaces on line 23)");
			assertThat(x.message()).doesNotContain("<block", "expected");
		});
		assertThat(problems(BASE.replace("      node: node1\n", "\tnode: node1\n"))).singleElement()
			.satisfies(x -> assertThat(x.message()).contains("tab"));
	}

	@Test
	void anAmbiguousPodNameListsEveryCandidate() {
		// before: "unknown source 'b' (did you mean 'x/b'?)"
		String yaml = BASE
			.replace("  pods:\n", "  pods:\n    - {name: b, namespace: x, node: node1}\n"
					+ "    - {name: b, namespace: y, node: node1}\n    - {name: b, namespace: z, node: node1}\n")
			.replace("    from: pod1\n", "    from: b\n");
		assertThat(problems(yaml)).singleElement()
			.satisfies(x -> assertThat(x.message())
				.isEqualTo("ambiguous: 'b' is a pod in 3 namespaces: x/b, y/b, z/b (write one of them)"));
		assertThat(problems(yaml.replace("to: pod1:8080", "to: b:8080"))).hasSize(2)
			.allSatisfy(x -> assertThat(x.message()).startsWith("ambiguous: 'b'"));
	}

	@Test
	void aMissingFeatureIsNotSupportedYetNotATypo() {
		assertThat(problems(BASE.replace("cluster:\n", "cluster:\n  network: calico\n"))).singleElement()
			.satisfies(x -> assertThat(x.message()).startsWith("the calico pod network is not supported yet"));
		assertThat(problems(BASE.replace("ip: 10.244.5.2", "ip: 'fd00::2'"))).singleElement()
			.satisfies(x -> assertThat(x.message()).startsWith("IPv6 is not supported yet"));
	}

}

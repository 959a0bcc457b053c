package dev.packetwalk.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verdicts that come from Kubernetes' implicit rules are narrated as policy steps, naming
 * the rule.
 */
class ImplicitPolicyVerdictTest {

	static Trace run(String name, String yaml) {
		CompiledScenario s = new ScenarioCompiler().compile(name, yaml);
		return new Engine(s.scenario()).run(s.seed());
	}

	static List<Step.Policy> policySteps(Walk w) {
		return w.hops()
			.stream()
			.flatMap(h -> h.steps().stream())
			.filter(Step.Policy.class::isInstance)
			.map(Step.Policy.class::cast)
			.toList();
	}

	/**
	 * fe-1 → be-1 is allowed; its reply reaches fe-1, which default-deny-ingress
	 * isolates: a policy step says why it passes.
	 */
	@Test
	void theReplyOfAnAllowedConnectionToAnIsolatedPodIsNarrated() throws IOException {
		Path file = Path.of("../scenarios/netpol-three-tier.yaml");
		Trace t = run("netpol-three-tier.yaml", Files.readString(file, StandardCharsets.UTF_8));
		Walk reply = t.walks()
			.stream()
			.filter(w -> w.flow().equals("fe-to-be") && w.leg() == Walk.Leg.REPLY)
			.findFirst()
			.orElseThrow();
		assertThat(reply.disposition().delivered()).isTrue();
		assertThat(policySteps(reply)).singleElement().satisfies(p -> {
			assertThat(p.allowed()).isTrue();
			assertThat(p.pod()).isEqualTo("store/fe-1");
			assertThat(p.direction()).isEqualTo(Step.Policy.Direction.INGRESS);
			assertThat(p.isolatedBy()).containsExactly("store/default-deny-ingress");
			assertThat(p.rule()).isEqualTo(PolicyEnforcement.REPLY_RULE);
			assertThat(p.narration()).contains("reply of a connection that was allowed");
		});
	}

	/**
	 * The node itself (its kubelet probing the pod) reaches a pod that denies all
	 * ingress: its own node is always allowed.
	 */
	@Test
	void theKubeletOnThePodsOwnNodeIsAllowedByTheNodeRule() {
		String yaml = """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: kubelet-probe, title: "kubelet probe", summary: "kubelet to an isolated pod"}
				seed: 1
				cluster:
				  network: kubenet
				  nodes:
				    - {name: node1, internalIP: 10.240.0.2, podCIDR: 10.244.1.0/24}
				  pods:
				    - {name: web-1, node: node1, ip: 10.244.1.10, labels: {app: web}, containers: [{name: web, ports: [{containerPort: 8080}]}]}
				objects:
				  - apiVersion: networking.k8s.io/v1
				    kind: NetworkPolicy
				    metadata: {name: default-deny-ingress, namespace: default}
				    spec: {podSelector: {}, policyTypes: [Ingress]}
				flows:
				  - {id: probe, label: "kubelet → web-1:8080", from: node/node1, to: default/web-1:8080, protocol: TCP}
				""";
		Trace t = run("kubelet-probe.yaml", yaml);
		Walk probe = t.walks().getFirst();
		assertThat(probe.disposition().delivered()).as(dev.packetwalk.trace.TraceJson.pretty(t)).isTrue();
		assertThat(policySteps(probe)).singleElement().satisfies(p -> {
			assertThat(p.allowed()).isTrue();
			assertThat(p.pod()).isEqualTo("default/web-1");
			assertThat(p.at().namespace()).isEqualTo("node1");
			assertThat(p.rule()).contains("its own node").contains("always allowed");
		});
	}

}

package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.packet.Transport;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NetworkPolicy ports with {@code protocol: SCTP} filter SCTP associations as upstream's
 * NetworkPolicy semantics say (its netpol e2e [Feature:SCTPConnectivity] cases): a rule
 * allowing SCTP/3868 lets an association to 3868 through (INIT, INIT ACK, COOKIE ECHO,
 * COOKIE ACK, DATA, SACK), drops SCTP to another port, and does not open TCP/3868; an
 * {@code endPort} range covers its SCTP ports; a Service's SCTP port is checked after
 * kube-proxy's DNAT, on the endpoint's port.
 */
class SctpPolicyTest {

	static final String SCENARIO = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: sctp-policy, title: "SCTP policy", summary: "NetworkPolicy on SCTP ports"}
			seed: 1
			cluster:
			  network: kubenet
			  cloud: {provider: gcp, vpcCIDR: 10.240.0.0/16}
			  proxyMode: %s
			  nodes:
			    - {name: node1, internalIP: 10.240.0.2, podCIDR: 10.244.1.0/24}
			    - {name: node2, internalIP: 10.240.0.3, podCIDR: 10.244.2.0/24}
			  pods:
			    - {name: client, node: node1, ip: 10.244.1.10, labels: {app: client}}
			    - {name: hss, node: node2, ip: 10.244.2.20, labels: {app: hss},
			       containers: [{name: hss, ports: [sctp/3868, sctp/3869, sctp/3871, tcp/3868]}]}
			objects:
			  - apiVersion: networking.k8s.io/v1
			    kind: NetworkPolicy
			    metadata: {name: diameter-only}
			    spec:
			      podSelector: {matchLabels: {app: hss}}
			      ingress:
			        - ports: [%s]
			  - {apiVersion: v1, kind: Service, metadata: {name: hss}, spec: {selector: {app: hss},
			      clusterIP: 10.96.0.38, ports: [{name: diameter, port: 3868, protocol: SCTP}]}}
			flows:
			  - {id: diameter, from: client, to: "hss:3868", protocol: SCTP}
			  - {id: other-port, from: client, to: "hss:3869", protocol: SCTP}
			  - {id: tcp-same-port, from: client, to: "hss:3868", protocol: TCP}
			  - {id: via-service, from: client, to: "service/hss:3868", protocol: SCTP}
			""";

	static Trace run(String mode, String ports) {
		CompiledScenario s = new ScenarioCompiler().compile("sctp-policy.yaml", SCENARIO.formatted(mode, ports));
		return new Engine(s.scenario()).run(s.seed());
	}

	static List<Walk> walks(Trace t, String flow) {
		return t.walks().stream().filter(w -> w.flow().equals(flow)).toList();
	}

	/** The walk's ingress NetworkPolicy steps (the client is not isolated for egress). */
	static List<Step.Policy> ingressSteps(Walk w) {
		return w.hops()
			.stream()
			.flatMap(h -> h.steps().stream())
			.filter(Step.Policy.class::isInstance)
			.map(Step.Policy.class::cast)
			.filter(p -> p.direction() == Step.Policy.Direction.INGRESS)
			.toList();
	}

	static String outcome(Walk w) {
		return chunk(w) + " " + (w.disposition().delivered() ? "delivered" : w.disposition().reason());
	}

	static String chunk(Walk w) {
		return ((Transport.Sctp) w.hops().getFirst().steps().getFirst().packet().l4()).chunk();
	}

	@Test
	void anSctpRuleLetsItsAssociationThroughAndNothingElse() {
		for (String mode : List.of("iptables", "nftables", "ipvs")) {
			Trace t = run(mode, "{protocol: SCTP, port: 3868}");
			List<Walk> diameter = walks(t, "diameter");
			assertThat(diameter).as(mode)
				.extracting(SctpPolicyTest::outcome)
				.containsExactly("INIT delivered", "INIT ACK delivered", "COOKIE ECHO delivered",
						"COOKIE ACK delivered", "DATA delivered", "SACK delivered");
			// the INIT is the association's first packet: ingress checked on node2,
			// allowed by the rule's SCTP port
			assertThat(ingressSteps(diameter.getFirst())).as(mode).singleElement().satisfies(p -> {
				assertThat(p.allowed()).isTrue();
				assertThat(p.pod()).isEqualTo("default/hss");
				assertThat(p.narration()).contains("3868/SCTP");
			});

			assertThat(walks(t, "other-port")).as(mode)
				.extracting(SctpPolicyTest::outcome)
				.containsExactly("INIT " + DropReason.POLICY_DENIED);
			Walk otherPort = walks(t, "other-port").getFirst();
			assertThat(ingressSteps(otherPort)).singleElement()
				.satisfies(p -> assertThat(p.narration()).contains("3869/SCTP"));

			// upstream: "should not allow access by TCP when a policy specifies only
			// SCTP"
			Walk tcp = walks(t, "tcp-same-port").getFirst();
			assertThat(tcp.disposition().reason()).as(mode).isEqualTo(DropReason.POLICY_DENIED);

			// through the Service: DNAT first, then the endpoint's 3868/SCTP is allowed
			assertThat(walks(t, "via-service")).as(mode)
				.extracting(SctpPolicyTest::outcome)
				.containsExactly("INIT delivered", "INIT ACK delivered", "COOKIE ECHO delivered",
						"COOKIE ACK delivered", "DATA delivered", "SACK delivered");
		}
	}

	@Test
	void anSctpEndPortRangeCoversItsPortsOnly() {
		Trace t = run("iptables", "{protocol: SCTP, port: 3869, endPort: 3871}");
		assertThat(walks(t, "other-port")).extracting(SctpPolicyTest::outcome)
			.containsExactly("INIT delivered", "INIT ACK delivered", "COOKIE ECHO delivered", "COOKIE ACK delivered",
					"DATA delivered", "SACK delivered");
		assertThat(walks(t, "diameter")).extracting(SctpPolicyTest::outcome)
			.containsExactly("INIT " + DropReason.POLICY_DENIED);
		assertThat(walks(t, "tcp-same-port").getFirst().disposition().reason()).isEqualTo(DropReason.POLICY_DENIED);
	}

}

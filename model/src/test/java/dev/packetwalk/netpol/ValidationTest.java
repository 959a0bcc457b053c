package dev.packetwalk.netpol;

import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the API server would reject, reported with the policy and the field path; input
 * record invariants.
 */
class ValidationTest {

	static List<String> problems(String spec) {
		try {
			PolicyYaml.compile(TruthTableTest.policy("x", "bad", spec));
		}
		catch (PolicyException ex) {
			return ex.problems();
		}
		throw new AssertionError("expected the policy to be rejected");
	}

	@Test
	void ipBlockCombinedWithASelectorIsRejected() {
		assertThat(problems("""
				podSelector: {}
				ingress:
				- from:
				  - podSelector: {}
				  - ipBlock: {cidr: 10.0.0.0/8}
				    namespaceSelector: {}
				""")).containsExactly("NetworkPolicy x/bad: spec.ingress[0].from[1]: ipBlock may not be combined with "
				+ "namespaceSelector in the same peer (use separate peers)");
	}

	@Test
	void exceptOutsideCidrIsRejected() {
		assertThat(problems("""
				podSelector: {}
				egress:
				- to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24, 10.1.0.0/24, 10.0.0.0/16]}}]
				""")).containsExactly(
				"NetworkPolicy x/bad: spec.egress[0].to[0].ipBlock.except[1]: 10.1.0.0/24 must be a strict subset of cidr 10.0.0.0/16",
				"NetworkPolicy x/bad: spec.egress[0].to[0].ipBlock.except[2]: 10.0.0.0/16 must be a strict subset of cidr 10.0.0.0/16");
	}

	@Test
	void endPortNeedsANumericPortAtOrBelowIt() {
		assertThat(problems("""
				podSelector: {}
				ingress:
				- ports:
				  - {endPort: 90}
				  - {port: 90, endPort: 80}
				  - {port: http, endPort: 90}
				  - {port: 80, endPort: 70000}
				""")).containsExactly(
				"NetworkPolicy x/bad: spec.ingress[0].ports[0].endPort: may not be specified when port is not specified",
				"NetworkPolicy x/bad: spec.ingress[0].ports[1].endPort: endPort must be greater than or equal to port (80 < 90)",
				"NetworkPolicy x/bad: spec.ingress[0].ports[2].endPort: may not be specified when port is a named port (http)",
				"NetworkPolicy x/bad: spec.ingress[0].ports[3].endPort: endPort must be at most 65535, was 70000");
	}

	@ParameterizedTest(name = "protocol {0} is rejected")
	@CsvSource({ "tcp", "ICMP", "HTTP" })
	void unknownProtocolIsRejected(String protocol) {
		assertThat(problems("podSelector: {}\ningress:\n- ports: [{protocol: " + protocol + ", port: 80}]\n"))
			.containsExactly("NetworkPolicy x/bad: spec.ingress[0].ports[0].protocol: unsupported protocol '" + protocol
					+ "' (expected TCP, UDP or SCTP)");
	}

	@Test
	void sctpIsAValidProtocolThatMatchesSctpOnly() {
		List<Policy> p = PolicyYaml.compile(TruthTableTest.policy("x", "sctp", """
				podSelector: {}
				ingress:
				- ports: [{protocol: SCTP, port: 80}]
				"""));
		assertThat(p.getFirst().ingress().getFirst().ports())
			.containsExactly(PolicyPort.number(PolicyProtocol.SCTP, 80));
		assertThat(PolicyProtocol.SCTP.matches(Protocol.SCTP)).isTrue();
		assertThat(PolicyProtocol.SCTP.matches(Protocol.TCP)).isFalse();
		assertThat(PolicyProtocol.TCP.matches(Protocol.SCTP)).isFalse();
		assertThat(PolicyProtocol.UDP.matches(Protocol.SCTP)).isFalse();
	}

	@Test
	void unknownPolicyTypeIsRejected() {
		assertThat(problems("podSelector: {}\npolicyTypes: [Ingress, egress]\n")).containsExactly(
				"NetworkPolicy x/bad: spec.policyTypes[1]: unknown policyTypes value 'egress' (expected Ingress or Egress)");
	}

	@Test
	void invalidMatchExpressionsAreRejected() {
		assertThat(problems("""
				podSelector:
				  matchExpressions:
				  - {key: pod, operator: Equals, values: [a]}
				  - {key: pod, operator: In}
				  - {key: pod, operator: NotIn, values: []}
				  - {key: pod, operator: Exists, values: [a]}
				  - {key: pod, operator: DoesNotExist, values: [a]}
				""")).containsExactly(
				"NetworkPolicy x/bad: spec.podSelector.matchExpressions[0].operator: operator 'Equals' is not a valid label "
						+ "selector operator (expected In, NotIn, Exists or DoesNotExist)",
				"NetworkPolicy x/bad: spec.podSelector.matchExpressions[1].values: values must be non-empty when operator is In (key pod)",
				"NetworkPolicy x/bad: spec.podSelector.matchExpressions[2].values: values must be non-empty when operator is NotIn (key pod)",
				"NetworkPolicy x/bad: spec.podSelector.matchExpressions[3].values: values must be empty when operator is Exists (key pod)",
				"NetworkPolicy x/bad: spec.podSelector.matchExpressions[4].values: values must be empty when operator is DoesNotExist (key pod)");
	}

	@Test
	void aPeerNeedsAtLeastOneField() {
		assertThat(problems("podSelector: {}\ningress:\n- from: [{}]\n")).containsExactly(
				"NetworkPolicy x/bad: spec.ingress[0].from[0]: must specify a peer (podSelector, namespaceSelector or ipBlock)");
	}

	@Test
	void podSelectorIsRequired() {
		assertThat(problems("ingress: [{}]\n")).containsExactly(
				"NetworkPolicy x/bad: spec.podSelector: is required (use {} to select every pod in the namespace)");
	}

	@Test
	void misspelledFieldsAreRejectedNotIgnored() {
		assertThat(problems("""
				podSelector: {}
				ingress:
				- form: [{podSelector: {}}]
				""")).containsExactly("NetworkPolicy x/bad: spec.ingress[0].form: is not a NetworkPolicy field");
	}

	@Test
	void quotedNumericPortIsRejected() {
		assertThat(problems("podSelector: {}\ningress:\n- ports: [{port: \"80\"}]\n")).containsExactly(
				"NetworkPolicy x/bad: spec.ingress[0].ports[0].port: '80' is a string of digits: write the port as a number, or use a port name");
	}

	@Test
	void everyProblemOfEveryPolicyIsReportedTogether() {
		String two = TruthTableTest.policy("x", "one", "podSelector: {}\npolicyTypes: [Sideways]\n") + "---\n"
				+ TruthTableTest.policy("y", "two", "podSelector: {}\negress:\n- to: [{ipBlock: {cidr: 10.0.0.0}}]\n");
		assertThatThrownBy(() -> PolicyYaml.compile(two))
			.isInstanceOfSatisfying(PolicyException.class, ex -> assertThat(ex.problems()).containsExactly(
					"NetworkPolicy x/one: spec.policyTypes[0]: unknown policyTypes value 'Sideways' (expected Ingress or Egress)",
					"NetworkPolicy y/two: spec.egress[0].to[0].ipBlock.cidr: '10.0.0.0' is not a CIDR (it needs a /prefix length)"));
	}

	@Test
	void policyTypesDefaultToIngressPlusEgressWhenThereAreEgressRules() {
		assertThat(PolicyYaml.compile(TruthTableTest.policy("x", "p", "podSelector: {}\n")).getFirst().types())
			.containsExactly(Direction.INGRESS);
		assertThat(
				PolicyYaml.compile(TruthTableTest.policy("x", "p", "podSelector: {}\negress: []\n")).getFirst().types())
			.containsExactly(Direction.INGRESS);
		assertThat(PolicyYaml.compile(TruthTableTest.policy("x", "p", "podSelector: {}\negress: [{}]\n"))
			.getFirst()
			.types()).containsExactly(Direction.INGRESS, Direction.EGRESS);
		assertThat(PolicyYaml
			.compile(TruthTableTest.policy("x", "p", "podSelector: {}\npolicyTypes: [Egress]\ningress: [{}]\n"))
			.getFirst()
			.types()).containsExactly(Direction.EGRESS);
	}

	@Test
	void aManifestOfAnotherKindIsRejected() {
		assertThatThrownBy(() -> PolicyYaml.convert(Map.of("apiVersion", "v1", "kind", "Service")))
			.hasMessageContaining("expected apiVersion networking.k8s.io/v1, kind NetworkPolicy");
	}

	@Test
	void namespaceAlwaysCarriesItsMetadataNameLabel() {
		assertThat(PolicyNamespace.of("x").labels()).containsEntry("kubernetes.io/metadata.name", "x");
		assertThat(PolicyNamespace.of("x", Map.of("team", "a")).labels())
			.containsEntry("kubernetes.io/metadata.name", "x")
			.containsEntry("team", "a");
		assertThatThrownBy(() -> PolicyNamespace.of("x", Map.of("kubernetes.io/metadata.name", "y")))
			.hasMessageContaining("must equal the namespace name");
	}

	@Test
	void engineRejectsAnInconsistentCluster() {
		PolicyPod a = new PolicyPod("x", "a", Map.of(), Ip.parse("10.0.0.1"), "n1", Map.of());
		PolicyPod b = new PolicyPod("w", "b", Map.of(), Ip.parse("10.0.0.1"), "n2", Map.of());
		assertThatThrownBy(() -> new PolicyEngine(List.of(PolicyNamespace.of("x")), List.of(a, b), List.of(),
				Map.of("n1", List.of(Ip.parse("172.18.0.2")))))
			.hasMessageContaining("pods x/a and w/b share IP 10.0.0.1")
			.hasMessageContaining("pod w/b is in namespace w, which is not listed")
			.hasMessageContaining("pod w/b runs on node n2, which has no addresses listed");
		assertThatThrownBy(() -> PortProto.tcp(0)).hasMessageContaining("1..65535");
		assertThatThrownBy(() -> new PortProto(53, Protocol.ICMP)).hasMessageContaining("TCP, UDP or SCTP");
	}

	@Test
	void connectionPortRules() {
		PolicyPod a = XyzCluster.pod("x/a");
		assertThatThrownBy(() -> Connection.tcp(a, a, 0)).hasMessageContaining("destination port 1..65535");
		assertThatThrownBy(() -> new Connection(new ConnectionEnd.Pod(a), new ConnectionEnd.Pod(a), Protocol.ICMP, 8))
			.hasMessageContaining("ICMP connection has no port");
		assertThatThrownBy(() -> new Connection(new ConnectionEnd.Pod(a), new ConnectionEnd.Pod(a), Protocol.SCTP, 0))
			.hasMessageContaining("an SCTP connection needs a destination port 1..65535");
	}

}

package dev.packetwalk.netpol;

import dev.packetwalk.net.Protocol;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.packetwalk.netpol.XyzCluster.engine;
import static dev.packetwalk.netpol.XyzCluster.grid;
import static dev.packetwalk.netpol.XyzCluster.table;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Truth tables in the style of upstream's {@code test/e2e/network/netpol}: the x/y/z
 * cluster of {@link XyzCluster}, one grid per probe ({@code .} = connected, {@code X} =
 * blocked; rows are sources, columns destinations). A pod can always reach itself
 * (upstream's {@code AllowLoopback}).
 */
class TruthTableTest {

	static final String ALL_ALLOWED = """
			-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
			x/a  .   .   .   .   .   .   .   .   .
			x/b  .   .   .   .   .   .   .   .   .
			x/c  .   .   .   .   .   .   .   .   .
			y/a  .   .   .   .   .   .   .   .   .
			y/b  .   .   .   .   .   .   .   .   .
			y/c  .   .   .   .   .   .   .   .   .
			z/a  .   .   .   .   .   .   .   .   .
			z/b  .   .   .   .   .   .   .   .   .
			z/c  .   .   .   .   .   .   .   .   .
			""";

	/** Every pod of x is isolated for ingress and nothing is allowed in. */
	static final String X_INGRESS_CLOSED = """
			-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
			x/a  .   X   X   .   .   .   .   .   .
			x/b  X   .   X   .   .   .   .   .   .
			x/c  X   X   .   .   .   .   .   .   .
			y/a  X   X   X   .   .   .   .   .   .
			y/b  X   X   X   .   .   .   .   .   .
			y/c  X   X   X   .   .   .   .   .   .
			z/a  X   X   X   .   .   .   .   .   .
			z/b  X   X   X   .   .   .   .   .   .
			z/c  X   X   X   .   .   .   .   .   .
			""";

	/** Pods of x may only be reached from namespace y. */
	static final String X_INGRESS_FROM_Y_ONLY = """
			-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
			x/a  .   X   X   .   .   .   .   .   .
			x/b  X   .   X   .   .   .   .   .   .
			x/c  X   X   .   .   .   .   .   .   .
			y/a  .   .   .   .   .   .   .   .   .
			y/b  .   .   .   .   .   .   .   .   .
			y/c  .   .   .   .   .   .   .   .   .
			z/a  X   X   X   .   .   .   .   .   .
			z/b  X   X   X   .   .   .   .   .   .
			z/c  X   X   X   .   .   .   .   .   .
			""";

	/** Pods named b (in any namespace) may reach x; nothing else may. */
	static final String X_INGRESS_FROM_EVERY_B = """
			-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
			x/a  .   X   X   .   .   .   .   .   .
			x/b  .   .   .   .   .   .   .   .   .
			x/c  X   X   .   .   .   .   .   .   .
			y/a  X   X   X   .   .   .   .   .   .
			y/b  .   .   .   .   .   .   .   .   .
			y/c  X   X   X   .   .   .   .   .   .
			z/a  X   X   X   .   .   .   .   .   .
			z/b  .   .   .   .   .   .   .   .   .
			z/c  X   X   X   .   .   .   .   .   .
			""";

	static String policy(String namespace, String name, String spec) {
		return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: "
				+ namespace + "}\nspec:\n"
				+ spec.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
	}

	static final String DENY_INGRESS_X = policy("x", "deny-ingress", """
			podSelector: {}
			""");

	// ---- no policy, default deny
	// ------------------------------------------------------------------------------

	@Test
	void noPolicyAllowsAllTcp() {
		assertThat(table(engine(), 80, Protocol.TCP)).isEqualTo(grid(ALL_ALLOWED));
	}

	@Test
	void noPolicyAllowsAllUdp() {
		assertThat(table(engine(), 81, Protocol.UDP)).isEqualTo(grid(ALL_ALLOWED));
	}

	@Test
	void defaultDenyIngressIsolatesEveryPodOfTheNamespace() {
		assertThat(table(engine(DENY_INGRESS_X), 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void defaultDenyIngressExplainsTheIsolation() {
		Verdict v = engine(DENY_INGRESS_X).evaluate(XyzCluster.tcp("y/a", "x/b", 80));
		assertThat(v.ingress().isolatedBy()).containsExactly("x/deny-ingress");
		assertThat(v.ingress().decision()).isEqualTo(new Decision.Denied(java.util.Optional.empty()));
		assertThat(v.summary())
			.isEqualTo("y/a -> x/b 80/TCP: denied (ingress to x/b: denied, x/b is isolated for ingress by "
					+ "x/deny-ingress and no rule allows from y/a on 80/TCP; these policies have no ingress rules)");
		assertThat(v.egress().decision()).isInstanceOf(Decision.NotIsolated.class);
	}

	@Test
	void defaultDenyEgressBlocksEverythingLeavingTheNamespace() {
		PolicyEngine e = engine(policy("x", "deny-egress", """
				podSelector: {}
				policyTypes: [Egress]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   X   X   X   X   X   X
				x/b  X   .   X   X   X   X   X   X   X
				x/c  X   X   .   X   X   X   X   X   X
				y/a  .   .   .   .   .   .   .   .   .
				y/b  .   .   .   .   .   .   .   .   .
				y/c  .   .   .   .   .   .   .   .   .
				z/a  .   .   .   .   .   .   .   .   .
				z/b  .   .   .   .   .   .   .   .   .
				z/c  .   .   .   .   .   .   .   .   .
				"""));
	}

	@Test
	void defaultDenyEgressWithPolicyTypesEgressLeavesIngressUnisolated() {
		PolicyEngine e = engine(policy("x", "deny-egress", """
				podSelector: {}
				policyTypes: [Egress]
				"""));
		Verdict v = e.evaluate(XyzCluster.tcp("y/a", "x/a", 80));
		assertThat(v.allowed()).isTrue();
		assertThat(v.ingress().isolated()).isFalse();
		assertThat(v.ingress().summary())
			.isEqualTo("ingress to x/a: allowed, no NetworkPolicy selects x/a for ingress");
		assertThat(e.isolating(XyzCluster.pod("x/a"), Direction.EGRESS)).extracting(Policy::name)
			.containsExactly("deny-egress");
	}

	@Test
	void defaultDenyBothDirections() {
		PolicyEngine e = engine(policy("x", "deny-all", """
				podSelector: {}
				policyTypes: [Ingress, Egress]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   X   X   X   X   X   X
				x/b  X   .   X   X   X   X   X   X   X
				x/c  X   X   .   X   X   X   X   X   X
				y/a  X   X   X   .   .   .   .   .   .
				y/b  X   X   X   .   .   .   .   .   .
				y/c  X   X   X   .   .   .   .   .   .
				z/a  X   X   X   .   .   .   .   .   .
				z/b  X   X   X   .   .   .   .   .   .
				z/c  X   X   X   .   .   .   .   .   .
				"""));
	}

	@Test
	void aPolicyOnlyIsolatesPodsOfItsOwnNamespace() {
		PolicyEngine e = engine(policy("y", "deny-ingress", """
				podSelector: {}
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   .   .   X   X   X   .   .   .
				x/b  .   .   .   X   X   X   .   .   .
				x/c  .   .   .   X   X   X   .   .   .
				y/a  .   .   .   .   X   X   .   .   .
				y/b  .   .   .   X   .   X   .   .   .
				y/c  .   .   .   X   X   .   .   .   .
				z/a  .   .   .   X   X   X   .   .   .
				z/b  .   .   .   X   X   X   .   .   .
				z/c  .   .   .   X   X   X   .   .   .
				"""));
	}

	@Test
	void podSelectorOfThePolicyPicksWhichPodsAreIsolated() {
		PolicyEngine e = engine(policy("x", "deny-ingress-to-a-b", """
				podSelector:
				  matchExpressions: [{key: pod, operator: In, values: [a, b]}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   .   .   .   .   .   .   .
				x/b  X   .   .   .   .   .   .   .   .
				x/c  X   X   .   .   .   .   .   .   .
				y/a  X   X   .   .   .   .   .   .   .
				y/b  X   X   .   .   .   .   .   .   .
				y/c  X   X   .   .   .   .   .   .   .
				z/a  X   X   .   .   .   .   .   .   .
				z/b  X   X   .   .   .   .   .   .   .
				z/c  X   X   .   .   .   .   .   .   .
				"""));
	}

	// ---- peers
	// ---------------------------------------------------------------------------------------------

	@Test
	void podSelectorPeerAllowsLabelledPodsOfTheSameNamespaceOnly() {
		PolicyEngine e = engine(policy("x", "allow-from-b", """
				podSelector: {}
				ingress:
				- from: [{podSelector: {matchLabels: {pod: b}}}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   .   .   .   .   .   .
				x/b  .   .   .   .   .   .   .   .   .
				x/c  X   X   .   .   .   .   .   .   .
				y/a  X   X   X   .   .   .   .   .   .
				y/b  X   X   X   .   .   .   .   .   .
				y/c  X   X   X   .   .   .   .   .   .
				z/a  X   X   X   .   .   .   .   .   .
				z/b  X   X   X   .   .   .   .   .   .
				z/c  X   X   X   .   .   .   .   .   .
				"""));
	}

	@Test
	void podSelectorPeerDoesNotCrossNamespacesAndTheVerdictSaysSo() {
		PolicyEngine e = engine(policy("x", "allow-from-b", """
				podSelector: {}
				ingress:
				- from: [{podSelector: {matchLabels: {pod: b}}}]
				"""));
		Verdict v = e.evaluate(XyzCluster.tcp("y/b", "x/a", 80));
		Decision.Denied denied = (Decision.Denied) v.ingress().decision();
		assertThat(denied.closest()).hasValueSatisfying(m -> {
			assertThat(m.kind()).isEqualTo(NearMiss.Kind.PEER_MISMATCH);
			assertThat(m.detail())
				.isEqualTo("from[0] podSelector pod=b: y/b is in namespace y, and a podSelector alone only "
						+ "selects pods in the policy's namespace x");
		});
	}

	@Test
	void namespaceSelectorAloneAllowsEveryPodOfTheMatchingNamespaces() {
		PolicyEngine e = engine(policy("x", "allow-from-y", """
				podSelector: {}
				ingress:
				- from: [{namespaceSelector: {matchLabels: {ns: y}}}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_FROM_Y_ONLY));
	}

	@Test
	void namespaceSelectorMatchesTheAutomaticMetadataNameLabel() {
		PolicyEngine e = engine(policy("x", "allow-from-y", """
				podSelector: {}
				ingress:
				- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_FROM_Y_ONLY));
	}

	@Test
	void namespaceAndPodSelectorInOnePeerAreAnded() {
		PolicyEngine e = engine(policy("x", "allow-from-y-b", """
				podSelector: {}
				ingress:
				- from:
				  - namespaceSelector: {matchLabels: {ns: y}}
				    podSelector: {matchLabels: {pod: b}}
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   .   .   .   .   .   .
				x/b  X   .   X   .   .   .   .   .   .
				x/c  X   X   .   .   .   .   .   .   .
				y/a  X   X   X   .   .   .   .   .   .
				y/b  .   .   .   .   .   .   .   .   .
				y/c  X   X   X   .   .   .   .   .   .
				z/a  X   X   X   .   .   .   .   .   .
				z/b  X   X   X   .   .   .   .   .   .
				z/c  X   X   X   .   .   .   .   .   .
				"""));
	}

	@Test
	void namespaceAndPodSelectorInTwoPeersAreOred() {
		PolicyEngine e = engine(policy("x", "allow-from-y-or-b", """
				podSelector: {}
				ingress:
				- from:
				  - namespaceSelector: {matchLabels: {ns: y}}
				  - podSelector: {matchLabels: {pod: b}}
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   .   .   .   .   .   .
				x/b  .   .   .   .   .   .   .   .   .
				x/c  X   X   .   .   .   .   .   .   .
				y/a  .   .   .   .   .   .   .   .   .
				y/b  .   .   .   .   .   .   .   .   .
				y/c  .   .   .   .   .   .   .   .   .
				z/a  X   X   X   .   .   .   .   .   .
				z/b  X   X   X   .   .   .   .   .   .
				z/c  X   X   X   .   .   .   .   .   .
				"""));
	}

	@Test
	void emptyNamespaceSelectorWithPodSelectorMatchesThosePodsInEveryNamespace() {
		PolicyEngine e = engine(policy("x", "allow-from-every-b", """
				podSelector: {}
				ingress:
				- from:
				  - namespaceSelector: {}
				    podSelector: {matchLabels: {pod: b}}
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_FROM_EVERY_B));
	}

	@Test
	void matchExpressionsInSelectsNamespacesByValueList() {
		PolicyEngine e = engine(policy("x", "allow-from-y-z", """
				podSelector: {}
				ingress:
				- from:
				  - namespaceSelector:
				      matchExpressions: [{key: ns, operator: In, values: [y, z]}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_FROM_OTHER_NAMESPACES));
	}

	static final String X_INGRESS_FROM_OTHER_NAMESPACES = """
			-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
			x/a  .   X   X   .   .   .   .   .   .
			x/b  X   .   X   .   .   .   .   .   .
			x/c  X   X   .   .   .   .   .   .   .
			y/a  .   .   .   .   .   .   .   .   .
			y/b  .   .   .   .   .   .   .   .   .
			y/c  .   .   .   .   .   .   .   .   .
			z/a  .   .   .   .   .   .   .   .   .
			z/b  .   .   .   .   .   .   .   .   .
			z/c  .   .   .   .   .   .   .   .   .
			""";

	@Test
	void matchExpressionsNotInExcludesTheListedValues() {
		PolicyEngine e = engine(policy("x", "allow-from-not-x", """
				podSelector: {}
				ingress:
				- from:
				  - namespaceSelector:
				      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_FROM_OTHER_NAMESPACES));
	}

	@Test
	void matchExpressionsExistsMatchesEveryPodWithTheKey() {
		PolicyEngine e = engine(policy("x", "allow-from-labelled", """
				podSelector: {}
				ingress:
				- from:
				  - podSelector:
				      matchExpressions: [{key: pod, operator: Exists}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   .   .   .   .   .   .   .   .
				x/b  .   .   .   .   .   .   .   .   .
				x/c  .   .   .   .   .   .   .   .   .
				y/a  X   X   X   .   .   .   .   .   .
				y/b  X   X   X   .   .   .   .   .   .
				y/c  X   X   X   .   .   .   .   .   .
				z/a  X   X   X   .   .   .   .   .   .
				z/b  X   X   X   .   .   .   .   .   .
				z/c  X   X   X   .   .   .   .   .   .
				"""));
	}

	@Test
	void matchExpressionsDoesNotExistMatchesNoPodThatHasTheKey() {
		PolicyEngine e = engine(policy("x", "allow-from-unlabelled", """
				podSelector: {}
				ingress:
				- from:
				  - namespaceSelector: {}
				    podSelector:
				      matchExpressions: [{key: pod, operator: DoesNotExist}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void matchLabelsAndMatchExpressionsInOneSelectorAreAnded() {
		PolicyEngine e = engine(policy("x", "allow-from-b-and-in-b-c", """
				podSelector: {}
				ingress:
				- from:
				  - namespaceSelector: {}
				    podSelector:
				      matchLabels: {pod: b}
				      matchExpressions: [{key: pod, operator: In, values: [b, c]}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_FROM_EVERY_B));
	}

	// ---- ports
	// ---------------------------------------------------------------------------------------------

	static final String X_ALLOW_80 = policy("x", "allow-80", """
			podSelector: {}
			ingress:
			- ports: [{port: 80}]
			""");

	@Test
	void numericPortOpensThatPortFromEveryPeer() {
		assertThat(table(engine(X_ALLOW_80), 80, Protocol.TCP)).isEqualTo(grid(ALL_ALLOWED));
	}

	@Test
	void numericPortLeavesOtherPortsClosed() {
		assertThat(table(engine(X_ALLOW_80), 81, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void protocolDefaultsToTcpSoUdpOnTheSamePortStaysClosed() {
		assertThat(table(engine(X_ALLOW_80), 80, Protocol.UDP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void udpRuleDoesNotOpenTcp() {
		PolicyEngine e = engine(policy("x", "allow-80-udp", """
				podSelector: {}
				ingress:
				- ports: [{protocol: UDP, port: 80}]
				"""));
		assertThat(table(e, 80, Protocol.UDP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void namedPortOpensOnlyThePortItNames() {
		PolicyEngine e = engine(policy("x", "allow-serve-81-tcp", """
				podSelector: {}
				ingress:
				- ports: [{port: serve-81-tcp}]
				"""));
		assertThat(table(e, 81, Protocol.TCP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void namedUdpPortWithProtocolUdpOpensUdpOnly() {
		PolicyEngine e = engine(policy("x", "allow-serve-81-udp", """
				podSelector: {}
				ingress:
				- ports: [{protocol: UDP, port: serve-81-udp}]
				"""));
		assertThat(table(e, 81, Protocol.UDP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(table(e, 81, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void namedPortMustMatchTheRuleProtocol() {
		PolicyEngine e = engine(policy("x", "udp-name-tcp-rule", """
				podSelector: {}
				ingress:
				- ports: [{port: serve-81-udp}]
				"""));
		assertThat(table(e, 81, Protocol.UDP)).isEqualTo(grid(X_INGRESS_CLOSED));
		assertThat(table(e, 81, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
		Decision.Denied d = (Decision.Denied) e.evaluate(XyzCluster.tcp("y/a", "x/a", 81)).ingress().decision();
		assertThat(d.closest().orElseThrow().detail())
			.isEqualTo("ports[0] named port serve-81-udp of x/a is 81/UDP, not TCP");
	}

	@Test
	void endPortRangeIsInclusive() {
		PolicyEngine e = engine(policy("x", "allow-81-to-82", """
				podSelector: {}
				ingress:
				- ports: [{port: 81, endPort: 82}]
				"""));
		assertThat(table(e, 81, Protocol.TCP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
		assertThat(e.evaluate(XyzCluster.tcp("y/a", "x/a", 82)).allowed()).isTrue();
		assertThat(e.evaluate(XyzCluster.tcp("y/a", "x/a", 83)).allowed()).isFalse();
		assertThat(e.evaluate(XyzCluster.tcp("y/a", "x/a", 82)).ingress().summary()).endsWith("ports[0] 81-82/TCP");
	}

	@Test
	void endPortRangeOnUdpOpensBothServedUdpPorts() {
		PolicyEngine e = engine(policy("x", "allow-udp-80-81", """
				podSelector: {}
				ingress:
				- ports: [{protocol: UDP, port: 80, endPort: 81}]
				"""));
		assertThat(table(e, 80, Protocol.UDP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(table(e, 81, Protocol.UDP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(table(e, 81, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	// ---- SCTP ports (upstream's netpol e2e [Feature:SCTPConnectivity] cases)

	static final String X_ALLOW_SCTP_3868 = policy("x", "allow-diameter", """
			podSelector: {}
			ingress:
			- ports: [{protocol: SCTP, port: 3868}]
			""");

	@Test
	void noPolicyAllowsAllSctp() {
		assertThat(table(engine(), 3868, Protocol.SCTP)).isEqualTo(grid(ALL_ALLOWED));
	}

	@Test
	void sctpRuleOpensSctpOnThatPortOnly() {
		PolicyEngine e = engine(X_ALLOW_SCTP_3868);
		assertThat(table(e, 3868, Protocol.SCTP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(table(e, 3869, Protocol.SCTP)).isEqualTo(grid(X_INGRESS_CLOSED));
		assertThat(e.evaluate(XyzCluster.sctp("y/a", "x/a", 3868)).ingress().summary()).endsWith("ports[0] 3868/SCTP");
	}

	/** Upstream: "should not allow access by TCP when a policy specifies only SCTP". */
	@Test
	void anSctpOnlyRuleDoesNotOpenTcpOrUdpOnItsPort() {
		PolicyEngine e = engine(X_ALLOW_SCTP_3868);
		assertThat(table(e, 3868, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
		assertThat(table(e, 3868, Protocol.UDP)).isEqualTo(grid(X_INGRESS_CLOSED));
		Decision.Denied d = (Decision.Denied) e.evaluate(XyzCluster.tcp("y/a", "x/a", 3868)).ingress().decision();
		assertThat(d.closest().orElseThrow().detail()).isEqualTo("ports[0] 3868/SCTP does not cover 3868/TCP");
	}

	@Test
	void aTcpRuleDoesNotOpenSctpOnItsPort() {
		assertThat(table(engine(X_ALLOW_80), 80, Protocol.SCTP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void endPortRangeOnSctpIsInclusiveAndSctpOnly() {
		PolicyEngine e = engine(policy("x", "allow-sctp-3868-3870", """
				podSelector: {}
				ingress:
				- ports: [{protocol: SCTP, port: 3868, endPort: 3870}]
				"""));
		assertThat(table(e, 3870, Protocol.SCTP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(e.evaluate(XyzCluster.sctp("y/a", "x/a", 3868)).allowed()).isTrue();
		assertThat(e.evaluate(XyzCluster.sctp("y/a", "x/a", 3871)).allowed()).isFalse();
		assertThat(e.evaluate(XyzCluster.sctp("y/a", "x/a", 3867)).allowed()).isFalse();
		assertThat(e.evaluate(XyzCluster.tcp("y/a", "x/a", 3869)).allowed()).isFalse();
		assertThat(e.evaluate(XyzCluster.sctp("y/a", "x/a", 3869)).ingress().summary())
			.endsWith("ports[0] 3868-3870/SCTP");
	}

	@Test
	void namedSctpPortNeedsProtocolSctp() {
		PolicyEngine e = engine(policy("x", "allow-serve-80-sctp", """
				podSelector: {}
				ingress:
				- ports: [{protocol: SCTP, port: serve-80-sctp}]
				"""));
		assertThat(table(e, 80, Protocol.SCTP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
		// the rule's protocol defaults to TCP: the SCTP container port's name opens
		// nothing
		PolicyEngine tcpRule = engine(policy("x", "tcp-rule-sctp-name", """
				podSelector: {}
				ingress:
				- ports: [{port: serve-80-sctp}]
				"""));
		assertThat(table(tcpRule, 80, Protocol.SCTP)).isEqualTo(grid(X_INGRESS_CLOSED));
		assertThat(table(tcpRule, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_CLOSED));
	}

	@Test
	void sctpEgressRuleAllowsTheAssociationOut() {
		PolicyEngine e = engine(policy("x", "egress-sctp-only", """
				podSelector: {}
				policyTypes: [Egress]
				egress:
				- ports: [{protocol: SCTP, port: 3868}]
				"""));
		assertThat(e.evaluate(XyzCluster.sctp("x/a", "y/b", 3868)).allowed()).isTrue();
		assertThat(e.evaluate(XyzCluster.sctp("x/a", "y/b", 3869)).allowed()).isFalse();
		assertThat(e.evaluate(XyzCluster.tcp("x/a", "y/b", 3868)).allowed()).isFalse();
	}

	@Test
	void peerAndPortMustMatchInTheSameRule() {
		PolicyEngine e = engine(policy("x", "b-on-80-y-on-81", """
				podSelector: {}
				ingress:
				- from: [{podSelector: {matchLabels: {pod: b}}}]
				  ports: [{port: 80}]
				- from: [{namespaceSelector: {matchLabels: {ns: y}}}]
				  ports: [{port: 81}]
				"""));
		assertThat(table(e, 81, Protocol.TCP)).isEqualTo(grid(X_INGRESS_FROM_Y_ONLY));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   .   .   .   .   .   .
				x/b  .   .   .   .   .   .   .   .   .
				x/c  X   X   .   .   .   .   .   .   .
				y/a  X   X   X   .   .   .   .   .   .
				y/b  X   X   X   .   .   .   .   .   .
				y/c  X   X   X   .   .   .   .   .   .
				z/a  X   X   X   .   .   .   .   .   .
				z/b  X   X   X   .   .   .   .   .   .
				z/c  X   X   X   .   .   .   .   .   .
				"""));
	}

	// ---- policyTypes
	// ----------------------------------------------------------------------------------------

	static final String EGRESS_TO_Y_SPEC = """
			podSelector: {}
			egress:
			- to: [{namespaceSelector: {matchLabels: {ns: y}}}]
			""";

	@Test
	void egressOnlyPolicyWithPolicyTypesEgressLeavesIngressOpen() {
		PolicyEngine e = engine(policy("x", "egress-to-y", EGRESS_TO_Y_SPEC + "policyTypes: [Egress]\n"));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   .   .   .   X   X   X
				x/b  X   .   X   .   .   .   X   X   X
				x/c  X   X   .   .   .   .   X   X   X
				y/a  .   .   .   .   .   .   .   .   .
				y/b  .   .   .   .   .   .   .   .   .
				y/c  .   .   .   .   .   .   .   .   .
				z/a  .   .   .   .   .   .   .   .   .
				z/b  .   .   .   .   .   .   .   .   .
				z/c  .   .   .   .   .   .   .   .   .
				"""));
	}

	@Test
	void egressRulesWithoutPolicyTypesAlsoIsolateIngress() {
		PolicyEngine e = engine(policy("x", "egress-to-y", EGRESS_TO_Y_SPEC));
		assertThat(e.policies().getFirst().types()).containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   .   .   .   X   X   X
				x/b  X   .   X   .   .   .   X   X   X
				x/c  X   X   .   .   .   .   X   X   X
				y/a  X   X   X   .   .   .   .   .   .
				y/b  X   X   X   .   .   .   .   .   .
				y/c  X   X   X   .   .   .   .   .   .
				z/a  X   X   X   .   .   .   .   .   .
				z/b  X   X   X   .   .   .   .   .   .
				z/c  X   X   X   .   .   .   .   .   .
				"""));
	}

	@Test
	void ingressAllowAllRuleOpensEverything() {
		PolicyEngine e = engine(DENY_INGRESS_X, policy("x", "allow-all", """
				podSelector: {}
				ingress: [{}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(e.evaluate(XyzCluster.tcp("z/c", "x/a", 80)).ingress().summary()).isEqualTo(
				"ingress to x/a: allowed by policy x/allow-all, ingress rule 0, from any peer (no from), any port (no ports)");
	}

	@Test
	void egressAllowAllRuleOpensEverythingButStillIsolates() {
		PolicyEngine e = engine(policy("x", "allow-all-egress", """
				podSelector: {}
				policyTypes: [Egress]
				egress: [{}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(ALL_ALLOWED));
		assertThat(e.evaluate(XyzCluster.tcp("x/a", "z/c", 80)).egress().isolated()).isTrue();
	}

	// ---- union and both ends
	// ----------------------------------------------------------------------------------

	static final String ALLOW_A_FROM_B = policy("x", "allow-a-from-b", """
			podSelector: {matchLabels: {pod: a}}
			ingress:
			- from: [{podSelector: {matchLabels: {pod: b}}}]
			""");

	@Test
	void aSecondPolicyAddsToTheFirst() {
		assertThat(table(engine(ALLOW_A_FROM_B), 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   .   .   .   .   .   .   .   .
				x/b  .   .   .   .   .   .   .   .   .
				x/c  X   .   .   .   .   .   .   .   .
				y/a  X   .   .   .   .   .   .   .   .
				y/b  X   .   .   .   .   .   .   .   .
				y/c  X   .   .   .   .   .   .   .   .
				z/a  X   .   .   .   .   .   .   .   .
				z/b  X   .   .   .   .   .   .   .   .
				z/c  X   .   .   .   .   .   .   .   .
				"""));
		PolicyEngine both = engine(ALLOW_A_FROM_B, policy("x", "allow-a-from-c", """
				podSelector: {matchLabels: {pod: a}}
				ingress:
				- from: [{podSelector: {matchLabels: {pod: c}}}]
				"""));
		assertThat(table(both, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   .   .   .   .   .   .   .   .
				x/b  .   .   .   .   .   .   .   .   .
				x/c  .   .   .   .   .   .   .   .   .
				y/a  X   .   .   .   .   .   .   .   .
				y/b  X   .   .   .   .   .   .   .   .
				y/c  X   .   .   .   .   .   .   .   .
				z/a  X   .   .   .   .   .   .   .   .
				z/b  X   .   .   .   .   .   .   .   .
				z/c  X   .   .   .   .   .   .   .   .
				"""));
		assertThat(both.evaluate(XyzCluster.tcp("x/c", "x/a", 80)).ingress().isolatedBy())
			.containsExactly("x/allow-a-from-b", "x/allow-a-from-c");
	}

	@Test
	void defaultDenyDoesNotOverrideAnAllow() {
		PolicyEngine e = engine(DENY_INGRESS_X, policy("x", "allow-from-y", """
				podSelector: {}
				ingress:
				- from: [{namespaceSelector: {matchLabels: {ns: y}}}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid(X_INGRESS_FROM_Y_ONLY));
	}

	@Test
	void aConnectionNeedsTheSourceEgressAndTheDestinationIngress() {
		PolicyEngine e = engine(policy("x", "egress-to-y", EGRESS_TO_Y_SPEC + "policyTypes: [Egress]\n"),
				policy("y", "b-from-z", """
						podSelector: {matchLabels: {pod: b}}
						ingress:
						- from: [{namespaceSelector: {matchLabels: {ns: z}}}]
						"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   X   X   .   X   .   X   X   X
				x/b  X   .   X   .   X   .   X   X   X
				x/c  X   X   .   .   X   .   X   X   X
				y/a  .   .   .   .   X   .   .   .   .
				y/b  .   .   .   .   .   .   .   .   .
				y/c  .   .   .   .   X   .   .   .   .
				z/a  .   .   .   .   .   .   .   .   .
				z/b  .   .   .   .   .   .   .   .   .
				z/c  .   .   .   .   .   .   .   .   .
				"""));
		Verdict toYb = e.evaluate(XyzCluster.tcp("x/a", "y/b", 80));
		assertThat(toYb.egress().allowed()).isTrue();
		assertThat(toYb.denyingDirection()).isSameAs(toYb.ingress());
		Verdict toZa = e.evaluate(XyzCluster.tcp("x/a", "z/a", 80));
		assertThat(toZa.denyingDirection()).isSameAs(toZa.egress());
		assertThat(toZa.ingress().allowed()).isTrue();
	}

	// ---- ipBlock
	// ---------------------------------------------------------------------------------------------

	@Test
	void ipBlockMatchesPodIpsForEgressLikeUpstream() {
		PolicyEngine e = engine(policy("x", "a-egress-to-node-2-pods", """
				podSelector: {matchLabels: {pod: a}}
				policyTypes: [Egress]
				egress:
				- to: [{ipBlock: {cidr: 10.244.2.0/24}}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   .   X   X   .   X   X   .   X
				x/b  .   .   .   .   .   .   .   .   .
				x/c  .   .   .   .   .   .   .   .   .
				y/a  .   .   .   .   .   .   .   .   .
				y/b  .   .   .   .   .   .   .   .   .
				y/c  .   .   .   .   .   .   .   .   .
				z/a  .   .   .   .   .   .   .   .   .
				z/b  .   .   .   .   .   .   .   .   .
				z/c  .   .   .   .   .   .   .   .   .
				"""));
	}

	@Test
	void ipBlockExceptCarvesPodIpsOut() {
		PolicyEngine e = engine(policy("x", "a-egress-except-node-3", """
				podSelector: {matchLabels: {pod: a}}
				policyTypes: [Egress]
				egress:
				- to: [{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.3.0/24]}}]
				"""));
		assertThat(table(e, 80, Protocol.TCP)).isEqualTo(grid("""
				-    x/a x/b x/c y/a y/b y/c z/a z/b z/c
				x/a  .   .   X   .   .   X   .   .   X
				x/b  .   .   .   .   .   .   .   .   .
				x/c  .   .   .   .   .   .   .   .   .
				y/a  .   .   .   .   .   .   .   .   .
				y/b  .   .   .   .   .   .   .   .   .
				y/c  .   .   .   .   .   .   .   .   .
				z/a  .   .   .   .   .   .   .   .   .
				z/b  .   .   .   .   .   .   .   .   .
				z/c  .   .   .   .   .   .   .   .   .
				"""));
		Decision.Denied d = (Decision.Denied) e.evaluate(XyzCluster.tcp("x/a", "y/c", 80)).egress().decision();
		assertThat(d.closest().orElseThrow().detail()).isEqualTo(
				"to[0] ipBlock 10.244.0.0/16 except 10.244.3.0/24: 10.244.3.12 is excluded by except 10.244.3.0/24");
	}

	@Test
	void ipBlockWithExceptForAnExternalSource() {
		PolicyEngine e = engine(policy("x", "a-from-lan", """
				podSelector: {matchLabels: {pod: a}}
				ingress:
				- from: [{ipBlock: {cidr: 192.168.0.0/16, except: [192.168.1.0/24]}}]
				"""));
		assertThat(e.evaluate(XyzCluster.fromIp("192.168.2.5", "x/a", Protocol.TCP, 80)).allowed()).isTrue();
		Verdict excepted = e.evaluate(XyzCluster.fromIp("192.168.1.5", "x/a", Protocol.TCP, 80));
		assertThat(excepted.allowed()).isFalse();
		assertThat(excepted.ingress().summary()).contains("192.168.1.5 is excluded by except 192.168.1.0/24");
		Verdict outside = e.evaluate(XyzCluster.fromIp("10.1.1.1", "x/a", Protocol.TCP, 80));
		assertThat(outside.ingress().summary()).contains("10.1.1.1 is outside 192.168.0.0/16");
		assertThat(outside.egress().decision()).isInstanceOf(Decision.NotApplicable.class);
		// pods are not in the block: the podSelector-free policy still isolates x/a
		// against them
		assertThat(e.evaluate(XyzCluster.tcp("x/b", "x/a", 80)).allowed()).isFalse();
	}

	@Test
	void ipBlockWithExceptForAnExternalDestination() {
		PolicyEngine e = engine(policy("x", "a-to-internet", """
				podSelector: {matchLabels: {pod: a}}
				policyTypes: [Egress]
				egress:
				- to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]
				  ports: [{port: 443}]
				"""));
		assertThat(e.evaluate(XyzCluster.toIp("x/a", "203.0.113.10", Protocol.TCP, 443)).allowed()).isTrue();
		assertThat(e.evaluate(XyzCluster.toIp("x/a", "203.0.113.200", Protocol.TCP, 443)).allowed()).isFalse();
		assertThat(e.evaluate(XyzCluster.toIp("x/a", "198.51.100.1", Protocol.TCP, 443)).allowed()).isFalse();
		Verdict v = e.evaluate(XyzCluster.toIp("x/a", "203.0.113.10", Protocol.TCP, 80));
		assertThat(v.egress().summary())
			.endsWith("closest: policy x/a-to-internet egress rule 0 matches the peer but not the port: "
					+ "ports[0] 443/TCP does not cover 80/TCP");
		assertThat(v.ingress().decision()).isInstanceOf(Decision.NotApplicable.class);
	}

	// ---- exemptions and replies
	// -----------------------------------------------------------------------------

	@Test
	void trafficFromTheDestinationPodsOwnNodeIsAlwaysAllowed() {
		PolicyEngine e = engine(DENY_INGRESS_X);
		Verdict v = e.evaluate(XyzCluster.fromIp("172.18.0.2", "x/a", Protocol.TCP, 80));
		assertThat(v.allowed()).isTrue();
		assertThat(v.ingress().decision()).isEqualTo(new Decision.Exempt(Decision.Exemption.OWN_NODE,
				"traffic from its own node node-1 (172.18.0.2) is always allowed"));
		assertThat(v.ingress().isolatedBy()).containsExactly("x/deny-ingress");
	}

	@Test
	void trafficFromAnotherNodeNeedsAnIpBlock() {
		assertThat(engine(DENY_INGRESS_X).evaluate(XyzCluster.fromIp("172.18.0.3", "x/a", Protocol.TCP, 80)).allowed())
			.isFalse();
		PolicyEngine e = engine(DENY_INGRESS_X, policy("x", "from-nodes", """
				podSelector: {}
				ingress:
				- from: [{ipBlock: {cidr: 172.18.0.0/24}}]
				"""));
		Verdict v = e.evaluate(XyzCluster.fromIp("172.18.0.3", "x/a", Protocol.TCP, 80));
		assertThat(v.ingress().decision()).isInstanceOf(Decision.AllowedByRule.class);
	}

	@Test
	void aPodCanAlwaysReachItself() {
		PolicyEngine e = engine(policy("x", "deny-all", """
				podSelector: {}
				policyTypes: [Ingress, Egress]
				"""));
		Verdict v = e.evaluate(XyzCluster.tcp("x/a", "x/a", 80));
		assertThat(v.allowed()).isTrue();
		assertThat(v.egress().decision()).isInstanceOf(Decision.Exempt.class);
		assertThat(v.ingress().summary()).isEqualTo("ingress to x/a: allowed, a pod cannot block traffic to itself");
	}

	@Test
	void repliesOfAnAllowedConnectionAreAllowedEvenAgainstTheReplierEgressPolicy() {
		PolicyEngine e = engine(policy("x", "deny-egress", """
				podSelector: {}
				policyTypes: [Egress]
				"""));
		Connection c = XyzCluster.tcp("y/a", "x/b", 80);
		ReplyVerdict reply = e.reply(c);
		assertThat(reply.allowed()).isTrue();
		assertThat(reply.summary())
			.isEqualTo("reply x/b -> y/a allowed: it belongs to the allowed connection y/a -> x/b 80/TCP "
					+ "(conntrack ESTABLISHED); NetworkPolicy does not judge replies");
		// a new connection the other way is judged, and denied
		assertThat(e.evaluate(XyzCluster.tcp("x/b", "y/a", 80)).allowed()).isFalse();
	}

	@Test
	void aDeniedConnectionHasNoReplies() {
		ReplyVerdict reply = engine(DENY_INGRESS_X).reply(XyzCluster.tcp("y/a", "x/b", 80));
		assertThat(reply.allowed()).isFalse();
		assertThat(reply.summary()).startsWith("no reply x/b -> y/a: the connection y/a -> x/b 80/TCP was denied");
	}

	@Test
	void icmpIsMatchedOnlyByRulesWithoutPorts() {
		PolicyEngine noPorts = engine(policy("x", "from-y", """
				podSelector: {}
				ingress:
				- from: [{namespaceSelector: {matchLabels: {ns: y}}}]
				"""));
		Connection ping = new Connection(new ConnectionEnd.Pod(XyzCluster.pod("y/a")),
				new ConnectionEnd.Pod(XyzCluster.pod("x/a")), Protocol.ICMP, 0);
		assertThat(noPorts.evaluate(ping).allowed()).isTrue();
		PolicyEngine withPorts = engine(policy("x", "from-y-80", """
				podSelector: {}
				ingress:
				- from: [{namespaceSelector: {matchLabels: {ns: y}}}]
				  ports: [{port: 80}, {protocol: UDP}]
				"""));
		assertThat(withPorts.evaluate(ping).allowed()).isFalse();
		assertThat(withPorts.evaluate(ping).ingress().summary()).contains("ports[1] all ports/UDP does not cover ICMP");
	}

	// ---- explanations
	// ---------------------------------------------------------------------------------------

	@Test
	void allowedVerdictNamesPolicyRulePeerAndPort() {
		PolicyEngine e = engine(policy("x", "allow-b-from-a", """
				podSelector: {matchLabels: {pod: b}}
				ingress:
				- from: [{podSelector: {matchLabels: {pod: a}}}]
				  ports: [{port: 6379}]
				"""));
		DirectionVerdict in = e.evaluate(XyzCluster.tcp("x/a", "x/b", 6379)).ingress();
		assertThat(in.decision()).isEqualTo(new Decision.AllowedByRule(
				new RuleMatch("x/allow-b-from-a", Direction.INGRESS, 0, 0, "podSelector pod=a", 0, "6379/TCP")));
		assertThat(in.summary()).isEqualTo(
				"ingress to x/b: allowed by policy x/allow-b-from-a, ingress rule 0, from[0] podSelector pod=a, ports[0] 6379/TCP");
	}

	@Test
	void allowedVerdictPointsAtTheFirstMatchingRulePeerAndPortIndexes() {
		PolicyEngine e = engine(policy("x", "two-rules", """
				podSelector: {matchLabels: {pod: a}}
				ingress:
				- from: [{podSelector: {matchLabels: {pod: c}}}]
				- from:
				  - namespaceSelector: {matchLabels: {ns: z}}
				  - podSelector: {matchLabels: {pod: b}}
				  ports: [{port: 81}, {port: serve-80-tcp}]
				"""));
		RuleMatch m = ((Decision.AllowedByRule) e.evaluate(XyzCluster.tcp("x/b", "x/a", 80)).ingress().decision())
			.match();
		assertThat(m.rule()).isEqualTo(1);
		assertThat(m.peer()).isEqualTo(1);
		assertThat(m.port()).isEqualTo(1);
		assertThat(m.describe())
			.isEqualTo("policy x/two-rules, ingress rule 1, from[1] podSelector pod=b, ports[1] serve-80-tcp/TCP");
	}

	@Test
	void deniedVerdictPrefersTheRuleWhosePeerMatched() {
		PolicyEngine e = engine(policy("x", "two-rules", """
				podSelector: {matchLabels: {pod: a}}
				ingress:
				- from: [{podSelector: {matchLabels: {pod: c}}}]
				  ports: [{port: 80}]
				- from: [{podSelector: {matchLabels: {pod: b}}}]
				  ports: [{port: 81}]
				"""));
		NearMiss m = ((Decision.Denied) e.evaluate(XyzCluster.tcp("x/b", "x/a", 80)).ingress().decision()).closest()
			.orElseThrow();
		assertThat(m).isEqualTo(new NearMiss("x/two-rules", Direction.INGRESS, 1, NearMiss.Kind.PORT_MISMATCH,
				"ports[0] 81/TCP does not cover 80/TCP"));
	}

	@Test
	@DisplayName("the truth table prints in upstream's tab-separated PrettyPrint layout")
	void truthTableUsesUpstreamLayout() {
		String t = table(engine(DENY_INGRESS_X), 80, Protocol.TCP);
		assertThat(t.lines().findFirst().orElseThrow()).isEqualTo("-\tx/a\tx/b\tx/c\ty/a\ty/b\ty/c\tz/a\tz/b\tz/c");
		assertThat(t.lines().skip(4).findFirst().orElseThrow()).isEqualTo("y/a\tX\tX\tX\t.\t.\t.\t.\t.\t.");
		assertThat(engine(DENY_INGRESS_X).reachability(80, Protocol.TCP).deniedReasons()).hasSize(6 * 3 + 3 * 2);
	}

}

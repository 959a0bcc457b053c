package dev.packetwalk.netpol;

import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Named ports resolve against the pod that owns the destination port: the peer for egress
 * rules, the selected pod for ingress rules. A client without named ports talks to a web
 * pod whose container port {@code http} is 8080.
 */
class NamedPortResolutionTest {

	static final PolicyPod CLIENT = new PolicyPod("x", "client", Map.of("app", "client"), Ip.parse("10.244.1.20"),
			"node-1", Map.of());

	static final PolicyPod WEB = new PolicyPod("x", "web", Map.of("app", "web"), Ip.parse("10.244.1.30"), "node-1",
			Map.of("http", PortProto.tcp(8080)));

	static final PolicyPod OTHER = new PolicyPod("x", "other", Map.of("app", "other"), Ip.parse("10.244.1.40"),
			"node-1", Map.of("http", PortProto.tcp(9090)));

	static PolicyEngine engine(String spec) {
		return new PolicyEngine(List.of(PolicyNamespace.of("x")), List.of(CLIENT, WEB, OTHER),
				PolicyYaml.compile(TruthTableTest.policy("x", "p", spec)),
				Map.of("node-1", List.of(Ip.parse("172.18.0.2"))));
	}

	@Test
	void egressNamedPortResolvesAgainstTheDestinationPod() {
		PolicyEngine e = engine("""
				podSelector: {matchLabels: {app: client}}
				policyTypes: [Egress]
				egress:
				- ports: [{port: http}]
				""");
		assertThat(e.evaluate(Connection.tcp(CLIENT, WEB, 8080)).allowed()).isTrue();
		assertThat(e.evaluate(Connection.tcp(CLIENT, OTHER, 9090)).allowed()).isTrue();
		Verdict wrong = e.evaluate(Connection.tcp(CLIENT, OTHER, 8080));
		assertThat(wrong.allowed()).isFalse();
		assertThat(wrong.egress().summary()).contains("named port http of x/other is 9090/TCP, not 8080/TCP");
		Verdict external = e.evaluate(new Connection(new ConnectionEnd.Pod(CLIENT),
				new ConnectionEnd.External(Ip.parse("8.8.8.8")), Protocol.TCP, 8080));
		assertThat(external.egress().summary())
			.contains("named port http cannot be resolved: the destination is not a pod");
	}

	@Test
	void ingressNamedPortResolvesAgainstTheSelectedPod() {
		PolicyEngine e = engine("""
				podSelector: {}
				ingress:
				- ports: [{port: http}]
				""");
		assertThat(e.evaluate(Connection.tcp(OTHER, WEB, 8080)).allowed()).isTrue();
		assertThat(e.evaluate(Connection.tcp(WEB, OTHER, 9090)).allowed()).isTrue();
		assertThat(e.evaluate(Connection.tcp(WEB, OTHER, 8080)).allowed()).isFalse();
		assertThat(e.evaluate(Connection.tcp(WEB, CLIENT, 8080)).ingress().summary())
			.contains("x/client has no container port named http");
	}

}

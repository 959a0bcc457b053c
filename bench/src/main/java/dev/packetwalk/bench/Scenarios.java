package dev.packetwalk.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;

/**
 * The built-in scenarios, read from the model's classpath ({@code scenarios/<id>.yaml})
 * as the application does.
 */
final class Scenarios {

	/**
	 * Every built-in scenario ({@code scenarios/*.yaml}). JMH needs the values at compile
	 * time; {@link BenchReport} fails when a file in {@code scenarios/} is missing from
	 * this list.
	 */
	static final String[] IDS = { "backend-dies-mid-connection", "container-to-container", "dns-then-connect",
			"docker-bridge-vs-pod", "ingress-http", "iptables-scaling", "iptables-scaling-ipvs", "kuard-five-endpoints",
			"kuard-five-endpoints-nftables", "lb-cluster-policy", "lb-local-policy", "lb-no-snat-invalid",
			"lb-source-ranges", "lb-source-ranges-ipvs", "netpol-docs-example", "netpol-egress-ipblock",
			"netpol-namespaces", "netpol-three-tier", "node-joins-flannel", "node-to-internet", "nodeport",
			"nodeport-nftables", "pod-network-setup", "pod-to-internet", "pod-to-internet-no-masquerade",
			"pod-to-pod-cross-node-antispoof", "pod-to-pod-cross-node-routed", "pod-to-pod-host-gw",
			"pod-to-pod-host-gw-different-subnets", "pod-to-pod-same-node", "pod-to-pod-vxlan", "pod-to-service",
			"pod-to-service-ipvs", "pod-to-service-nftables", "sctp-service", "service-hairpin", "service-hairpin-off",
			"service-no-endpoints", "service-scale-up", "service-session-affinity", "udp-conntrack-flush",
			"vxlan-mtu-blackhole" };

	private Scenarios() {
	}

	static String text(String id) {
		try (InputStream in = Scenarios.class.getClassLoader().getResourceAsStream("scenarios/" + id + ".yaml")) {
			if (in == null) {
				throw new IllegalArgumentException("no built-in scenario " + id + " on the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static CompiledScenario compile(String id) {
		return new ScenarioCompiler().compile(id + ".yaml", text(id));
	}

}

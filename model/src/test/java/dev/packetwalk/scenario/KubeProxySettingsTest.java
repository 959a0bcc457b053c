package dev.packetwalk.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.packetwalk.topology.Namespace;
import org.junit.jupiter.api.Test;

/**
 * Every {@code cluster.kubeProxy} field changes the rules kube-proxy writes, as
 * upstream's proxier does.
 */
class KubeProxySettingsTest {

	private static final String SCENARIO = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: knobs}
			cluster:
			  proxyMode: %s
			  %s
			  nodes:
			    - {name: node1, podCIDR: 10.244.1.0/24}
			    - {name: node2, podCIDR: 10.244.2.0/24}
			  pods:
			    - {name: web, node: node1, ip: 10.244.1.5, labels: {app: web}, containers: [{name: w, ports: [{containerPort: 8080}]}]}
			objects:
			  - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {type: NodePort, selector: {app: web},
			      clusterIP: 10.96.0.10, ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}}
			flows:
			  - {from: web, to: "service/web:80"}
			""";

	private static CompiledScenario compile(String mode, String kubeProxy) {
		return new ScenarioCompiler().compile("knobs.yaml", SCENARIO.formatted(mode, kubeProxy));
	}

	private static String rules(CompiledScenario cs, String node) {
		return table(cs, node, Namespace::iptables);
	}

	private static String table(CompiledScenario cs, String node,
			java.util.function.Function<Namespace, String> which) {
		return cs.scenario()
			.topology()
			.namespaces()
			.stream()
			.filter(n -> n.id().equals(node))
			.map(which)
			.findFirst()
			.orElseThrow();
	}

	private static final String MASQ_RULE = "-A KUBE-SVC-";

	private static List<String> svcMasqueradeRules(String rules) {
		return rules.lines().filter(l -> l.startsWith(MASQ_RULE) && l.endsWith("-j KUBE-MARK-MASQ")).toList();
	}

	@Test
	void theDefaultDetectorIsTheClusterCidr() {
		assertThat(svcMasqueradeRules(rules(compile("iptables", ""), "node1"))).singleElement()
			.asString()
			.contains("! -s 10.244.0.0/16 -j KUBE-MARK-MASQ");
	}

	@Test
	void nodeCidrUsesEachNodesPodCidr() {
		CompiledScenario cs = compile("iptables", "kubeProxy: {detectLocalMode: NodeCIDR}");
		assertThat(svcMasqueradeRules(rules(cs, "node1"))).singleElement().asString().contains("! -s 10.244.1.0/24 ");
		assertThat(svcMasqueradeRules(rules(cs, "node2"))).singleElement().asString().contains("! -s 10.244.2.0/24 ");
	}

	@Test
	void bridgeInterfaceAndInterfaceNamePrefixMatchTheInputDevice() {
		assertThat(svcMasqueradeRules(rules(
				compile("iptables",
						"kubeProxy: {detectLocalMode: BridgeInterface, detectLocal: {bridgeInterface: cbr0}}"),
				"node1")))
			.singleElement()
			.asString()
			.contains("! -i cbr0 -j KUBE-MARK-MASQ")
			.doesNotContain("-s 10.244");
		assertThat(svcMasqueradeRules(rules(
				compile("iptables",
						"kubeProxy: {detectLocalMode: InterfaceNamePrefix, detectLocal: {interfaceNamePrefix: veth}}"),
				"node1")))
			.singleElement()
			.asString()
			.contains("! -i veth+ -j KUBE-MARK-MASQ");
	}

	@Test
	void masqueradeAllMarksEveryClusterIpPacket() {
		String rules = rules(compile("iptables", "kubeProxy: {iptables: {masqueradeAll: true}}"), "node1");
		assertThat(svcMasqueradeRules(rules)).singleElement().asString().doesNotContain("! -s").doesNotContain("-i ");
		assertThat(svcMasqueradeRules(rules(compile("ipvs", "kubeProxy: {iptables: {masqueradeAll: true}}"), "node1")))
			.isEmpty();
		assertThat(rules(compile("ipvs", "kubeProxy: {iptables: {masqueradeAll: true}}"), "node1"))
			.contains("--match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ");
	}

	@Test
	void localhostNodePortsFalseKeepsLoopbackOutOfTheNodePorts() {
		String on = rules(compile("iptables", ""), "node1");
		String off = rules(compile("iptables", "kubeProxy: {iptables: {localhostNodePorts: false}}"), "node1");
		assertThat(on).contains("-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS").contains(":KUBE-FIREWALL");
		assertThat(off).contains("-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS")
			.doesNotContain(":KUBE-FIREWALL");
	}

	@Test
	void masqueradeBitMovesTheMark() {
		String rules = rules(compile("iptables", "kubeProxy: {iptables: {masqueradeBit: 15}}"), "node1");
		assertThat(rules).contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x8000").doesNotContain("0x4000");
	}

	@Test
	void theIpvsSchedulerIsTheVirtualServersScheduler() {
		CompiledScenario cs = compile("ipvs", "kubeProxy: {ipvs: {scheduler: sh}}");
		assertThat(cs.warnings()).isEmpty();
		assertThat(cs.scenario().ipvs().get("node1").virtualServers())
			.allSatisfy(vs -> assertThat(vs.scheduler()).isEqualTo("sh"));
	}

	@Test
	void aFieldTheModeDoesNotReadIsNamedInAWarning() {
		assertThat(compile("ipvs", "kubeProxy: {iptables: {localhostNodePorts: false}}").warnings())
			.anySatisfy(w -> assertThat(w.toString()).contains("cluster.kubeProxy.iptables.localhostNodePorts"));
		assertThat(compile("iptables", "kubeProxy: {ipvs: {scheduler: sh}}").warnings())
			.anySatisfy(w -> assertThat(w.toString()).contains("cluster.kubeProxy.ipvs.scheduler"));
		assertThat(compile("iptables", "kubeProxy: {detectLocal: {bridgeInterface: cbr0}}").warnings())
			.anySatisfy(w -> assertThat(w.toString()).contains("cluster.kubeProxy.detectLocal.bridgeInterface"));
		assertThat(compile("none", "kubeProxy: {iptables: {masqueradeAll: true}}").warnings())
			.anySatisfy(w -> assertThat(w.toString()).contains("cluster.kubeProxy: kubeProxy is ignored"));
	}

	private static String nft(CompiledScenario cs, String node) {
		return table(cs, node, Namespace::nftables);
	}

	/**
	 * The service chain's masquerade rule of nftables mode (upstream's IfNotLocalNFT).
	 */
	private static List<String> nftMasqueradeRules(String nft) {
		return nft.lines()
			.filter(l -> l.startsWith("add rule ip kube-proxy service-") && l.endsWith("jump mark-for-masquerade"))
			.toList();
	}

	@Test
	void nftablesModeHonoursTheDetectorForms() {
		assertThat(nftMasqueradeRules(nft(compile("nftables", ""), "node1"))).singleElement()
			.asString()
			.endsWith("ip daddr 10.96.0.10 ip saddr != 10.244.0.0/16 jump mark-for-masquerade");
		CompiledScenario nodeCidr = compile("nftables", "kubeProxy: {detectLocalMode: NodeCIDR}");
		assertThat(nftMasqueradeRules(nft(nodeCidr, "node1"))).singleElement()
			.asString()
			.contains("ip saddr != 10.244.1.0/24 ");
		assertThat(nftMasqueradeRules(nft(nodeCidr, "node2"))).singleElement()
			.asString()
			.contains("ip saddr != 10.244.2.0/24 ");
		assertThat(nftMasqueradeRules(nft(
				compile("nftables",
						"kubeProxy: {detectLocalMode: BridgeInterface, detectLocal: {bridgeInterface: cbr0}}"),
				"node1")))
			.singleElement()
			.asString()
			.contains("iifname != cbr0 jump mark-for-masquerade");
		CompiledScenario prefix = compile("nftables",
				"kubeProxy: {detectLocalMode: InterfaceNamePrefix, detectLocal: {interfaceNamePrefix: veth}}");
		assertThat(nftMasqueradeRules(nft(prefix, "node1"))).singleElement()
			.asString()
			.contains("iifname != veth* jump mark-for-masquerade");
		assertThat(prefix.warnings()).isEmpty();
	}

	@Test
	void nftablesModeReadsTheNftablesBlock() {
		CompiledScenario all = compile("nftables", "kubeProxy: {nftables: {masqueradeAll: true, masqueradeBit: 15}}");
		assertThat(all.warnings()).isEmpty();
		assertThat(nftMasqueradeRules(nft(all, "node1"))).singleElement()
			.asString()
			.endsWith("ip daddr 10.96.0.10 tcp dport 80 jump mark-for-masquerade");
		assertThat(nft(all, "node1")).contains("mark set mark or 0x8000").doesNotContain("0x4000");
		// upstream's conversion: nftables mode reads nftables.*, the iptables block is
		// named in a warning and changes nothing
		CompiledScenario ipt = compile("nftables",
				"kubeProxy: {iptables: {masqueradeAll: true, masqueradeBit: 15, localhostNodePorts: false}}");
		assertThat(nft(ipt, "node1")).isEqualTo(nft(compile("nftables", ""), "node1"));
		assertThat(ipt.warnings()).map(Object::toString)
			.anySatisfy(w -> assertThat(w).contains("cluster.kubeProxy.iptables.masqueradeAll")
				.contains("nftables.masqueradeAll"))
			.anySatisfy(w -> assertThat(w).contains("cluster.kubeProxy.iptables.masqueradeBit"))
			.anySatisfy(w -> assertThat(w).contains("cluster.kubeProxy.iptables.localhostNodePorts")
				.contains("never accepts NodePorts on 127.0.0.1"));
		assertThat(compile("iptables", "kubeProxy: {nftables: {masqueradeAll: true}}").warnings())
			.anySatisfy(w -> assertThat(w.toString()).contains("cluster.kubeProxy.nftables.masqueradeAll"));
	}

	@Test
	void bridgeInterfaceWithoutItsDeviceIsAnError() {
		assertThatProblem("kubeProxy: {detectLocalMode: BridgeInterface}", "needs detectLocal.bridgeInterface");
		assertThatProblem("kubeProxy: {detectLocalMode: InterfaceNamePrefix}", "needs detectLocal.interfaceNamePrefix");
	}

	/**
	 * SCTP Services, flows and container ports compile in iptables, nftables and IPVS
	 * modes (an SCTP virtual server and a KUBE-NODE-PORT-SCTP-HASH member), and a
	 * protocol Kubernetes does not have is an error naming it.
	 */
	@Test
	void sctpCompilesAndAWrongProtocolIsNamed() {
		for (String mode : List.of("iptables", "nftables", "ipvs")) {
			String sctp = SCENARIO.formatted(mode, "")
				.replace("ports: [{port: 80, targetPort: 8080, nodePort: 30080}]",
						"ports: [{port: 80, targetPort: 8080, nodePort: 30080, protocol: SCTP}]")
				.replace("to: \"service/web:80\"}", "to: \"service/web:80\", protocol: SCTP}")
				.replace("ports: [{containerPort: 8080}]", "ports: [{containerPort: 8080, protocol: SCTP}]");
			org.assertj.core.api.Assertions.assertThat(sctp).isNotEqualTo(SCENARIO.formatted(mode, ""));
			CompiledScenario cs = new ScenarioCompiler().compile("sctp.yaml", sctp);
			if (mode.equals("ipvs")) {
				org.assertj.core.api.Assertions.assertThat(cs.scenario().ipvs().get("node1").ipvsadmList())
					.contains("\nSCTP 10.96.0.10:80 rr\n");
				org.assertj.core.api.Assertions
					.assertThat(cs.scenario().ipvs().get("node1").ipset("KUBE-NODE-PORT-SCTP-HASH").entries())
					.hasSize(1)
					.allMatch(e -> e.endsWith(",sctp:30080"));
				continue;
			}
			String written = mode.equals("iptables") ? rules(cs, "node1") : table(cs, "node1", Namespace::nftables);
			org.assertj.core.api.Assertions.assertThat(written)
				.contains(mode.equals("iptables")
						? "\"default/web cluster IP\" -m sctp -p sctp -d 10.96.0.10 --dport 80 -j KUBE-SVC-"
						: "10.96.0.10 . sctp . 80");
		}
		String wrong = SCENARIO.formatted("iptables", "")
			.replace("ports: [{port: 80, targetPort: 8080, nodePort: 30080}]",
					"ports: [{port: 80, targetPort: 8080, nodePort: 30080, protocol: ICMP}]");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScenarioCompiler().compile("sctp.yaml", wrong))
			.hasMessageContaining("sctp.yaml:14:94: error: objects[0].spec.ports[0].protocol")
			.hasMessageContaining("protocol must be TCP, UDP or SCTP, was 'ICMP'");
	}

	/**
	 * IPVS mode enforces loadBalancerSourceRanges as upstream does (the
	 * KUBE-LOAD-BALANCER-FW / -SOURCE-CIDR sets behind KUBE-PROXY-FIREWALL, and the
	 * {@code -m ipvs} KUBE-IPVS-OUT-FILTER rule when no range holds the node's address);
	 * the walks are checked in IpvsPacketFlowTest.
	 */
	@Test
	void loadBalancerSourceRangesInIpvsModeWriteUpstreamsSetsAndRules() {
		String lb = SCENARIO.formatted("ipvs", "")
			.replace("{type: NodePort, selector: {app: web},",
					"{type: LoadBalancer, loadBalancerSourceRanges: [192.0.2.0/24], selector: {app: web},")
			.replace("ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}}",
					"ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}, status: {loadBalancer: {ingress: [{ip: 203.0.113.9}]}}}");
		org.assertj.core.api.Assertions.assertThat(lb).contains("LoadBalancer", "203.0.113.9");
		String rules = dev.packetwalk.netfilter.RuleSet
			.parse(rules(new ScenarioCompiler().compile("lb.yaml", lb), "node1"))
			.print();
		org.assertj.core.api.Assertions.assertThat(rules)
			.contains(
					"-A KUBE-PROXY-FIREWALL -m comment --comment \"Kubernetes service load balancer ip + port for load"
							+ " balancer with sourceRange\" -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst -j"
							+ " KUBE-SOURCE-RANGES-FIREWALL")
			.contains("--match-set KUBE-LOAD-BALANCER-SOURCE-CIDR dst,dst,src -j RETURN")
			.contains("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP")
			.contains(
					"-A KUBE-IPVS-OUT-FILTER -s 203.0.113.9/32 -m ipvs --vproto 6 --vaddr 203.0.113.9 --vport 80 -j DROP");
	}

	private static void assertThatProblem(String kubeProxy, String text) {
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> compile("iptables", kubeProxy))
			.hasMessageContaining(text);
	}

}

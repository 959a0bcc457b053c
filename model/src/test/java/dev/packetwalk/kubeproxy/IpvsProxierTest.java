package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IpvsProxierTest {

	static final String NODE = "node-1";

	static Ip ip(String s) {
		return Ip.parse(s);
	}

	static ProxyConfig config() {
		return ProxyConfig.defaults(NODE, Cidr.parse("10.244.0.0/16"), ip("192.168.1.10"));
	}

	static List<KubeService> services() {
		return List.of(
				KubeService.clusterIp("default", "kubernetes", ip("10.96.0.1"), ServicePort.tcp("https", 443, 6443)),
				KubeService.clusterIp("kube-system", "kube-dns", ip("10.96.0.10"),
						ServicePort.of("dns", Protocol.UDP, 53, 53), ServicePort.tcp("dns-tcp", 53, 53),
						ServicePort.tcp("metrics", 9153, 9153)),
				KubeService
					.nodePort("default", "web", ip("10.96.100.100"), ServicePort.tcp("", 80, 8080).withNodePort(30080))
					.withSessionAffinity(SessionAffinity.clientIp()),
				KubeService
					.loadBalancer("default", "lb", ip("10.96.200.200"),
							ServicePort.tcp("http", 80, 80).withNodePort(31000))
					.withLoadBalancerIps(ip("203.0.113.10"))
					.withExternalTrafficPolicy(TrafficPolicy.LOCAL)
					.withHealthCheckNodePort(32000));
	}

	static Map<ServiceRef, List<Endpoint>> endpoints() {
		Map<String, Integer> dnsPorts = Map.of("dns", 53, "dns-tcp", 53, "metrics", 9153);
		return Map.of(ServiceRef.of("default", "kubernetes"),
				List.of(Endpoint.ready(ip("192.168.1.10"), "https", 6443, null)),
				ServiceRef.of("kube-system", "kube-dns"),
				List.of(new Endpoint(ip("10.244.0.3"), dnsPorts, "node-0", true, true, false),
						new Endpoint(ip("10.244.0.2"), dnsPorts, "node-0", true, true, false)),
				ServiceRef.of("default", "web"),
				List.of(Endpoint.ready(ip("10.244.2.6"), 8080, "node-2"), Endpoint.ready(ip("10.244.1.5"), 8080, NODE)),
				ServiceRef.of("default", "lb"), List.of(Endpoint.ready(ip("10.244.1.7"), "http", 80, NODE),
						Endpoint.ready(ip("10.244.2.8"), "http", 80, "node-2")));
	}

	static String dest(String addr) {
		return String.format("  -> %-28s %-7s %-6d %-10d %-10d", addr, "Masq", 1, 0, 0);
	}

	@Test
	void ipvsadmListing() {
		IpvsState state = IpvsProxier.generate(services(), endpoints(), config());
		String expected = String.join("\n", "IP Virtual Server version 1.2.1 (size=4096)",
				"Prot LocalAddress:Port Scheduler Flags",
				"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn", "TCP  10.96.0.1:443 rr",
				dest("192.168.1.10:6443"), "TCP  10.96.0.10:53 rr", dest("10.244.0.2:53"), dest("10.244.0.3:53"),
				"TCP  10.96.0.10:9153 rr", dest("10.244.0.2:9153"), dest("10.244.0.3:9153"),
				"TCP  10.96.100.100:80 rr persistent 10800", dest("10.244.1.5:8080"), dest("10.244.2.6:8080"),
				"TCP  10.96.200.200:80 rr", dest("10.244.1.7:80"), dest("10.244.2.8:80"),
				"TCP  192.168.1.10:30080 rr persistent 10800", dest("10.244.1.5:8080"), dest("10.244.2.6:8080"),
				"TCP  192.168.1.10:31000 rr", dest("10.244.1.7:80"), "TCP  203.0.113.10:80 rr", dest("10.244.1.7:80"),
				"UDP  10.96.0.10:53 rr", dest("10.244.0.2:53"), dest("10.244.0.3:53")) + "\n";
		assertThat(state.ipvsadmList()).isEqualTo(expected);
		// the destination line is padded exactly as ipvsadm's printf pads it (trailing
		// spaces included)
		assertThat(dest("10.244.0.2:53"))
			.isEqualTo("  -> 10.244.0.2:53                Masq    1      0          0         ");
	}

	@Test
	void dummyDeviceAndIpsets() {
		IpvsState state = IpvsProxier.generate(services(), endpoints(), config());
		assertThat(state.dummyDevice()).isEqualTo("kube-ipvs0");
		assertThat(state.dummyDeviceAddresses()).containsExactly("10.96.0.1/32", "10.96.0.10/32", "10.96.100.100/32",
				"10.96.200.200/32", "203.0.113.10/32");
		assertThat(state.ipset("KUBE-CLUSTER-IP").entries()).containsExactlyInAnyOrder("10.96.0.1,tcp:443",
				"10.96.0.10,udp:53", "10.96.0.10,tcp:53", "10.96.0.10,tcp:9153", "10.96.100.100,tcp:80",
				"10.96.200.200,tcp:80");
		assertThat(state.ipset("KUBE-CLUSTER-IP").type()).isEqualTo("hash:ip,port");
		assertThat(state.ipset("KUBE-LOOP-BACK").entries()).containsExactlyInAnyOrder("10.244.1.5,tcp:8080,10.244.1.5",
				"10.244.1.7,tcp:80,10.244.1.7");
		assertThat(state.ipset("KUBE-NODE-PORT-TCP").entries()).containsExactly("30080", "31000");
		assertThat(state.ipset("KUBE-NODE-PORT-TCP").type()).isEqualTo("bitmap:port");
		assertThat(state.ipset("KUBE-NODE-PORT-LOCAL-TCP").entries()).containsExactly("31000");
		assertThat(state.ipset("KUBE-NODE-PORT-UDP").entries()).isEmpty();
		assertThat(state.ipset("KUBE-LOAD-BALANCER").entries()).containsExactly("203.0.113.10,tcp:80");
		assertThat(state.ipset("KUBE-LOAD-BALANCER-LOCAL").entries()).containsExactly("203.0.113.10,tcp:80");
		assertThat(state.ipset("KUBE-HEALTH-CHECK-NODE-PORT").entries()).containsExactly("32000");
		assertThat(state.ipset("KUBE-IPVS-IPS").entries()).hasSize(5).contains("203.0.113.10");
		assertThat(state.ipsets()).extracting(IpSet::name)
			.startsWith("KUBE-LOOP-BACK", "KUBE-CLUSTER-IP")
			.endsWith("KUBE-HEALTH-CHECK-NODE-PORT", "KUBE-IPVS-IPS")
			.hasSize(17);
	}

	@Test
	void externalIpsAndSourceRanges() {
		KubeService svc = KubeService.loadBalancer("ns", "fw", ip("10.96.5.5"), ServicePort.tcp("http", 80, 8080))
			.withExternalIps(ip("198.51.100.7"), ip("192.168.1.10"))
			.withLoadBalancerIps(ip("203.0.113.20"))
			.withLoadBalancerSourceRanges(Cidr.parse("203.0.113.0/25"));
		IpvsState state = IpvsProxier.generate(List.of(svc), Map.of(), config());
		assertThat(state.ipset("KUBE-EXTERNAL-IP").entries()).containsExactly("192.168.1.10,tcp:80",
				"198.51.100.7,tcp:80");
		// a node address is not bound on kube-ipvs0
		assertThat(state.boundAddresses()).contains(ip("198.51.100.7")).doesNotContain(ip("192.168.1.10"));
		assertThat(state.ipset("KUBE-LOAD-BALANCER-FW").entries()).containsExactly("203.0.113.20,tcp:80");
		assertThat(state.ipset("KUBE-LOAD-BALANCER-SOURCE-CIDR").entries())
			.containsExactly("203.0.113.20,tcp:80,203.0.113.0/25");
		assertThat(state.ipset("KUBE-LOAD-BALANCER-SOURCE-IP").entries()).isEmpty();
		assertThat(state.iptables().table("filter").rulesOf("KUBE-IPVS-OUT-FILTER")).containsExactly(
				"-A KUBE-IPVS-OUT-FILTER -s 203.0.113.20 -m ipvs --vaddr 203.0.113.20 --vproto tcp --vport 80 -j DROP");
		assertThat(state.iptables().table("filter").rulesOf("KUBE-PROXY-FIREWALL")).containsExactly(
				"-A KUBE-PROXY-FIREWALL -m comment --comment \"Kubernetes service load balancer ip + port for load balancer with sourceRange\" -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst -j KUBE-SOURCE-RANGES-FIREWALL");
		assertThat(state.iptables().table("nat").rulesOf("KUBE-SERVICES")).contains(
				"-A KUBE-SERVICES -m comment --comment \"Kubernetes service external ip + port for masquerade and filter purpose\" -m set --match-set KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ",
				"-A KUBE-SERVICES -m comment --comment \"Kubernetes service external ip + port for masquerade and filter purpose\" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT");
		// no endpoints: IPVS still has the virtual service, just no real servers
		assertThat(state.virtualServer("10.96.5.5:80/TCP").realServers()).isEmpty();
	}

	@Test
	void iptablesRulesMatchIpsets() {
		IpvsState state = IpvsProxier.generate(services(), endpoints(), config());
		String text = state.iptables().text();
		assertThat(text.indexOf("*nat")).isLessThan(text.indexOf("*filter"));
		IptablesRestore.Table nat = state.iptables().table("nat");
		assertThat(nat.rulesOf("KUBE-SERVICES")).containsExactly("-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN",
				"-A KUBE-SERVICES -m comment --comment \"Kubernetes service lb portal\" -m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER",
				"-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
				"-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT",
				"-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
				"-A KUBE-SERVICES -m set --match-set KUBE-LOAD-BALANCER dst,dst -j ACCEPT");
		assertThat(nat.rulesOf("KUBE-POSTROUTING")).containsExactly(
				"-A KUBE-POSTROUTING -m comment --comment \"Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose\" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE",
				"-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
				"-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
				"-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
		assertThat(nat.rulesOf("KUBE-NODE-PORT")).containsExactly(
				"-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port with externalTrafficPolicy=local\" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN",
				"-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port for masquerade purpose\" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ");
		assertThat(nat.rulesOf("KUBE-LOAD-BALANCER")).containsExactly(
				"-A KUBE-LOAD-BALANCER -m comment --comment \"Kubernetes service load balancer ip + port with externalTrafficPolicy=local\" -m set --match-set KUBE-LOAD-BALANCER-LOCAL dst,dst -j RETURN",
				"-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ");
		assertThat(nat.rulesOf("KUBE-MARK-MASQ")).containsExactly("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000");
		IptablesRestore.Table filter = state.iptables().table("filter");
		assertThat(filter.rulesOf("KUBE-IPVS-FILTER")).containsExactly(
				"-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN",
				"-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN",
				"-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN",
				"-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN",
				"-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN",
				"-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT");
		assertThat(filter.rulesOf("INPUT")).containsExactly(
				"-A INPUT -m comment --comment \"kubernetes ipvs access filter\" -j KUBE-IPVS-FILTER",
				"-A INPUT -m comment --comment \"kube-proxy firewall rules\" -j KUBE-PROXY-FIREWALL",
				"-A INPUT -m comment --comment \"kubernetes health check rules\" -j KUBE-NODE-PORT");
		assertThat(nat.rulesOf("PREROUTING"))
			.containsExactly("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
	}

	/**
	 * SCTP Service ports as upstream's IPVS proxier writes them: a virtual server of
	 * protocol SCTP ({@code SCTP 10.96.30.30:3868 rr} in {@code ipvsadm -Ln}: the
	 * protocol padded to 4, so one space), {@code ip,sctp:port} members of the hash sets,
	 * and node ports in KUBE-NODE-PORT-SCTP-HASH (hash:ip,port: bitmap:port takes TCP and
	 * UDP packets only) as {@code nodeIP,sctp:nodePort}, matched by {@code -p sctp ...
	 * dst,dst}.
	 */
	@Test
	void sctpServicePortsAreSctpVirtualServersAndHashIpPortMembers() {
		KubeService diameter = KubeService
			.nodePort("telco", "diameter", ip("10.96.30.30"),
					ServicePort.of("diameter", Protocol.SCTP, 3868, 3868).withNodePort(30868),
					ServicePort.tcp("diameter-tcp", 3868, 3868).withNodePort(30869))
			.withExternalTrafficPolicy(TrafficPolicy.LOCAL);
		Map<ServiceRef, List<Endpoint>> eps = Map.of(diameter.ref(),
				List.of(new Endpoint(ip("10.244.1.9"), Map.of("diameter", 3868, "diameter-tcp", 3868), NODE, true, true,
						false),
						new Endpoint(ip("10.244.2.9"), Map.of("diameter", 3868, "diameter-tcp", 3868), "node-2", true,
								true, false)));
		ProxyConfig twoAddresses = ProxyConfig.defaults(NODE, Cidr.parse("10.244.0.0/16"), ip("192.168.1.10"),
				ip("10.0.0.10"));
		IpvsState state = IpvsProxier.generate(List.of(diameter), eps, twoAddresses);

		assertThat(state.ipvsadmList()).contains(
				"\nSCTP 10.96.30.30:3868 rr\n" + dest("10.244.1.9:3868") + "\n" + dest("10.244.2.9:3868") + "\n",
				"\nTCP  10.96.30.30:3868 rr\n", "\nSCTP 192.168.1.10:30868 rr\n" + dest("10.244.1.9:3868") + "\n",
				"\nSCTP 10.0.0.10:30868 rr\n");
		// ipvsadm sorts by protocol number: TCP (6) before SCTP (132)
		assertThat(state.ipvsadmList().indexOf("TCP  10.96.30.30:3868"))
			.isLessThan(state.ipvsadmList().indexOf("SCTP 10.96.30.30:3868"));
		assertThat(state.virtualServer("10.96.30.30:3868/SCTP").realServers()).hasSize(2);
		// externalTrafficPolicy: Local: the node ports' real servers are the local ones
		assertThat(state.virtualServer("192.168.1.10:30868/SCTP").realServers())
			.containsExactly(IpvsRealServer.masq(ip("10.244.1.9"), 3868));

		assertThat(state.ipset("KUBE-CLUSTER-IP").entries()).containsExactly("10.96.30.30,sctp:3868",
				"10.96.30.30,tcp:3868");
		assertThat(state.ipset("KUBE-LOOP-BACK").entries()).containsExactly("10.244.1.9,sctp:3868,10.244.1.9",
				"10.244.1.9,tcp:3868,10.244.1.9");
		assertThat(state.ipset("KUBE-NODE-PORT-SCTP-HASH").type()).isEqualTo("hash:ip,port");
		assertThat(state.ipset("KUBE-NODE-PORT-SCTP-HASH").entries()).containsExactly("10.0.0.10,sctp:30868",
				"192.168.1.10,sctp:30868");
		assertThat(state.ipset("KUBE-NODE-PORT-LOCAL-SCTP-HASH").entries()).containsExactly("10.0.0.10,sctp:30868",
				"192.168.1.10,sctp:30868");
		assertThat(state.ipset("KUBE-NODE-PORT-TCP").entries()).containsExactly("30869");
		assertThat(state.ipsetRestoreText()).contains(
				"create KUBE-NODE-PORT-SCTP-HASH hash:ip,port family inet hashsize 1024 maxelem 65536 -exist\n",
				"add KUBE-NODE-PORT-SCTP-HASH 192.168.1.10,sctp:30868 -exist\n");
		assertThat(state.iptables().table("nat").rulesOf("KUBE-NODE-PORT")).containsExactly(
				"-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port with externalTrafficPolicy=local\" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN",
				"-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port for masquerade purpose\" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ",
				"-A KUBE-NODE-PORT -p sctp -m comment --comment \"Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'\" -m set --match-set KUBE-NODE-PORT-LOCAL-SCTP-HASH dst,dst -j RETURN",
				"-A KUBE-NODE-PORT -p sctp -m comment --comment \"Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'\" -m set --match-set KUBE-NODE-PORT-SCTP-HASH dst,dst -j KUBE-MARK-MASQ");
	}

	@Test
	void noDetectorMasqueradesVipSourcedTraffic() {
		IpvsState state = IpvsProxier.generate(services(), endpoints(),
				ProxyConfig.defaults(NODE, null, ip("192.168.1.10")));
		assertThat(state.iptables().table("nat").rulesOf("KUBE-SERVICES")).contains(
				"-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ");
	}

	@Test
	void externalPolicyLocalUsesLocalRealServersOnlyForExternalAddresses() {
		IpvsState state = IpvsProxier.generate(services(), endpoints(), config());
		assertThat(state.virtualServer("10.96.200.200:80/TCP").realServers()).hasSize(2);
		assertThat(state.virtualServer("203.0.113.10:80/TCP").realServers())
			.containsExactly(IpvsRealServer.masq(ip("10.244.1.7"), 80));
		assertThat(state.virtualServer("192.168.1.10:31000/TCP").realServers())
			.containsExactly(IpvsRealServer.masq(ip("10.244.1.7"), 80));
		assertThat(state.virtualServer("10.96.100.100:80/TCP").persistenceTimeout()).isEqualTo(10800);
		assertThat(state.virtualServers()).allMatch(v -> v.scheduler().equals("rr"));
	}

	/**
	 * IPVS mode: the iptables rule count does not grow with services or endpoints
	 * (contrast with iptables mode).
	 */
	@Test
	void iptablesRuleCountIsConstantInIpvsMode() {
		List<Integer> counts = new ArrayList<>();
		for (int n : List.of(1, 10, 100)) {
			List<KubeService> svcs = new ArrayList<>();
			Map<ServiceRef, List<Endpoint>> eps = new HashMap<>();
			for (int s = 0; s < n; s++) {
				KubeService svc = KubeService.clusterIp("ns", "svc-" + s, ip("10.96.0.0").plus(s + 1),
						ServicePort.tcp("http", 80, 8080));
				svcs.add(svc);
				eps.put(svc.ref(), List.of(Endpoint.ready(ip("10.244.9.0").plus(s + 1), "http", 8080, "elsewhere"),
						Endpoint.ready(ip("10.245.9.0").plus(s + 1), "http", 8080, "elsewhere")));
			}
			counts.add(IpvsProxier.generate(svcs, eps, config()).iptables().kubeProxyRuleCount());
		}
		assertThat(counts).containsOnly(counts.getFirst());
	}

}

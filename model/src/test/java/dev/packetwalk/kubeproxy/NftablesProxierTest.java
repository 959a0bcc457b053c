package dev.packetwalk.kubeproxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.netfilter.NftRuleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kube-proxy's nftables mode against upstream's own expectations: the services of
 * {@code TestOverallNFTablesRules} (pkg/proxy/nftables/proxier_test.go) with the fake
 * proxier's settings (pod CIDR 10.0.0.0/8, service CIDR 172.30.0.0/16, node test-node at
 * 192.168.0.2, nodePortAddresses 192.168.0.2/32, mark 0x4000) give upstream's expected
 * transaction, line for line, modulo the order of lines (knftables' dump and nft order
 * objects their own way).
 */
class NftablesProxierTest {

	static final String NODE = "test-node";

	static final Ip NODE_IP = Ip.parse("192.168.0.2");

	/** The inputs of upstream's TestOverallNFTablesRules. */
	static List<KubeService> upstreamServices() {
		ServicePort p80 = ServicePort.tcp("p80", 80, 80);
		return List.of(KubeService.clusterIp("ns1", "svc1", Ip.parse("172.30.0.41"), p80),
				KubeService.loadBalancer("ns2", "svc2", Ip.parse("172.30.0.42"), p80.withNodePort(3001))
					.withExternalTrafficPolicy(TrafficPolicy.LOCAL)
					.withLoadBalancerIps(Ip.parse("1.2.3.4"))
					.withExternalIps(Ip.parse("192.168.99.22"))
					.withHealthCheckNodePort(30000),
				KubeService.nodePort("ns3", "svc3", Ip.parse("172.30.0.43"), p80.withNodePort(3003)),
				KubeService.nodePort("ns4", "svc4", Ip.parse("172.30.0.44"), p80)
					.withExternalIps(Ip.parse("192.168.99.33")),
				KubeService.loadBalancer("ns5", "svc5", Ip.parse("172.30.0.45"), p80.withNodePort(3002))
					.withLoadBalancerIps(Ip.parse("5.6.7.8"))
					// upstream also sets healthCheckNodePort 30000 here (with Cluster
					// policy, which the API server refuses
					// and which writes nothing in nftables mode); the model refuses it as
					// the API server does
					.withLoadBalancerSourceRanges(Cidr.parse("203.0.113.0/25"))
					.withSessionAffinity(SessionAffinity.clientIp(10800)),
				KubeService.clusterIp("ns6", "svc6", Ip.parse("172.30.0.46"), p80));
	}

	static Map<ServiceRef, List<Endpoint>> upstreamEndpoints() {
		Map<ServiceRef, List<Endpoint>> m = new HashMap<>();
		m.put(new ServiceRef("ns1", "svc1"), List.of(Endpoint.ready(Ip.parse("10.180.0.1"), "p80", 80, null)));
		m.put(new ServiceRef("ns2", "svc2"), List.of(Endpoint.ready(Ip.parse("10.180.0.2"), "p80", 80, null)));
		m.put(new ServiceRef("ns3", "svc3"), List.of(Endpoint.ready(Ip.parse("10.180.0.3"), "p80", 80, null)));
		m.put(new ServiceRef("ns4", "svc4"), List.of(Endpoint.ready(Ip.parse("10.180.0.4"), "p80", 80, null),
				Endpoint.ready(Ip.parse("10.180.0.5"), "p80", 80, NODE)));
		m.put(new ServiceRef("ns5", "svc5"), List.of(Endpoint.ready(Ip.parse("10.180.0.3"), "p80", 80, null)));
		return m;
	}

	static NftablesProxier.Settings upstreamSettings() {
		return new NftablesProxier.Settings(ProxyConfig.defaults(NODE, Cidr.parse("10.0.0.0/8"), NODE_IP),
				Cidr.parse("172.30.0.0/16"), List.of(NODE_IP));
	}

	static String upstreamTransaction() {
		return NftablesProxier.generate(upstreamServices(), upstreamEndpoints(), upstreamSettings());
	}

	@Test
	void overallRulesEqualUpstreamExpectationModuloOrder() throws IOException {
		String expected;
		try (InputStream in = getClass().getResourceAsStream("/kubeproxy/upstream-overall-nftables.txt")) {
			expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertThat(lines(upstreamTransaction())).isEqualTo(lines(expected));
	}

	@Test
	void theTransactionParsesAndEveryNamedChainExists() {
		NftRuleset rs = NftRuleset.parse(upstreamTransaction());
		assertThat(rs.tableName()).isEqualTo("ip kube-proxy");
		assertThat(rs.chain("firewall-HVFWP5L3-ns5/svc5/tcp/p80").rules()).hasSize(1);
		assertThat(rs.set("service-ips").elements()).hasSize(9);
	}

	/**
	 * Chain-name vectors: every name upstream's TestOverallNFTablesRules expects, from
	 * the model's hash ({@code base32(sha256(name))[:8]}).
	 */
	@ParameterizedTest
	@CsvSource({ "service-, ns1/svc1/tcp/p80, service-ULMVA6XW-ns1/svc1/tcp/p80",
			"endpoint-, ns1/svc1/tcp/p80__10.180.0.1/80, endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80",
			"service-, ns2/svc2/tcp/p80, service-42NFTM6N-ns2/svc2/tcp/p80",
			"external-, ns2/svc2/tcp/p80, external-42NFTM6N-ns2/svc2/tcp/p80",
			"endpoint-, ns2/svc2/tcp/p80__10.180.0.2/80, endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80",
			"service-, ns3/svc3/tcp/p80, service-4AT6LBPK-ns3/svc3/tcp/p80",
			"endpoint-, ns3/svc3/tcp/p80__10.180.0.3/80, endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80",
			"service-, ns4/svc4/tcp/p80, service-LAUZTJTB-ns4/svc4/tcp/p80",
			"endpoint-, ns4/svc4/tcp/p80__10.180.0.4/80, endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80",
			"endpoint-, ns4/svc4/tcp/p80__10.180.0.5/80, endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80",
			"service-, ns5/svc5/tcp/p80, service-HVFWP5L3-ns5/svc5/tcp/p80",
			"firewall-, ns5/svc5/tcp/p80, firewall-HVFWP5L3-ns5/svc5/tcp/p80",
			"endpoint-, ns5/svc5/tcp/p80__10.180.0.3/80, endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80",
			"affinity-, ns5/svc5/tcp/p80__10.180.0.3/80, affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80" })
	void chainNameVectorsFromUpstream(String prefix, String base, String expected) {
		assertThat(KubeProxyHash.nftChainName(prefix, base)).isEqualTo(expected);
	}

	@Test
	void protocolIsPartOfTheName() {
		KubeService svc = KubeService.clusterIp("ns1", "svc1", Ip.parse("172.30.0.41"),
				ServicePort.of("dns", Protocol.UDP, 53, 53));
		String tx = NftablesProxier.generate(List.of(svc),
				Map.of(svc.ref(), List.of(Endpoint.ready(Ip.parse("10.180.0.1"), "dns", 53, null))),
				upstreamSettings());
		assertThat(tx).contains("add element ip kube-proxy service-ips { 172.30.0.41 . udp . 53 : goto "
				+ KubeProxyHash.nftChainName("service-", "ns1/svc1/udp/dns") + " }");
		assertThat(tx).contains("meta l4proto udp dnat to 10.180.0.1:53");
	}

	/**
	 * A Service with three ports (kube-dns: 53/UDP, 53/TCP, 9153/TCP) adds its ClusterIP
	 * to {@code cluster-ips} once per port, as upstream's proxier does; the kernel's set
	 * keeps one element, so {@code nft list ruleset} prints it once, and the elements in
	 * nft's order (text checked against nft 1.0.6 in a network namespace).
	 */
	@Test
	void aThreePortServiceIsOneElementOfClusterIps() {
		KubeService dns = KubeService.clusterIp("kube-system", "kube-dns", Ip.parse("10.96.0.10"),
				ServicePort.of("dns", Protocol.UDP, 53, 53), ServicePort.of("dns-tcp", Protocol.TCP, 53, 53),
				ServicePort.of("metrics", Protocol.TCP, 9153, 9153));
		KubeService web = KubeService.clusterIp("default", "web", Ip.parse("10.96.0.2"),
				ServicePort.tcp("http", 80, 8080));
		Map<ServiceRef, List<Endpoint>> eps = Map.of(dns.ref(),
				List.of(Endpoint.ready(Ip.parse("10.244.0.2"), "dns", 53, null),
						Endpoint.ready(Ip.parse("10.244.0.2"), "dns-tcp", 53, null),
						Endpoint.ready(Ip.parse("10.244.0.2"), "metrics", 9153, null)),
				web.ref(), List.of(Endpoint.ready(Ip.parse("10.244.0.3"), "http", 8080, null)));
		String tx = NftablesProxier.generate(List.of(dns, web), eps, upstreamSettings());
		assertThat(tx.lines().filter(l -> l.equals("add element ip kube-proxy cluster-ips { 10.96.0.10 }"))).hasSize(3);
		NftRuleset rs = NftRuleset.parse(tx);
		assertThat(rs.set("cluster-ips").elements()).extracting(NftRuleset.Element::key)
			.containsExactly("10.96.0.10", "10.96.0.2");
		String udp = KubeProxyHash.nftChainName("service-", "kube-system/kube-dns/udp/dns");
		String tcp = KubeProxyHash.nftChainName("service-", "kube-system/kube-dns/tcp/dns-tcp");
		String metrics = KubeProxyHash.nftChainName("service-", "kube-system/kube-dns/tcp/metrics");
		String http = KubeProxyHash.nftChainName("service-", "default/web/tcp/http");
		assertThat(rs.listRuleset()).contains("""
					set cluster-ips {
						type ipv4_addr
						comment "Active ClusterIPs"
						elements = { 10.96.0.2, 10.96.0.10 }
					}
				""")
			.contains("""
							elements = { 10.96.0.10 . tcp . 53 : goto %s,
								     10.96.0.10 . udp . 53 : goto %s,
								     10.96.0.2 . tcp . 80 : goto %s,
								     10.96.0.10 . tcp . 9153 : goto %s }
					""".formatted(tcp, udp, http, metrics))
			.contains("type filter hook prerouting priority dstnat - 10;")
			.contains("type filter hook output priority -110;")
			.contains("type nat hook output priority -100;")
			.contains("type nat hook postrouting priority srcnat;");
	}

	/** nft keeps one element per key; the same key with another verdict is refused. */
	@Test
	void anElementAddedTwiceIsOneAndAClashIsRefused() {
		String head = """
				add table ip t
				add set ip t s { type ipv4_addr ; }
				add map ip t m { type ipv4_addr . inet_proto . inet_service : verdict ; }
				add chain ip t a
				add chain ip t b
				add element ip t s { 10.0.0.2 }
				add element ip t s { 10.0.0.2 }
				add element ip t s { 9.0.0.3 }
				add element ip t s { 10.0.1.1 }
				add element ip t m { 10.0.0.2 . tcp . 53 : goto a }
				add element ip t m { 10.0.0.2 . tcp . 53 : goto a }
				add element ip t m { 10.0.0.2 . tcp . 256 : goto a }
				add element ip t m { 10.0.1.1 . udp . 1 : goto a }
				""";
		NftRuleset rs = NftRuleset.parse(head);
		// as nft 1.0.6 lists these (run in a network namespace)
		assertThat(rs.listRuleset()).contains("""
						elements = { 9.0.0.3, 10.0.0.2,
							     10.0.1.1 }
				""").contains("""
						elements = { 10.0.0.2 . tcp . 256 : goto a,
							     10.0.1.1 . udp . 1 : goto a,
							     10.0.0.2 . tcp . 53 : goto a }
				""");
		assertThatThrownBy(() -> NftRuleset.parse(head + "add element ip t m { 10.0.0.2 . tcp . 53 : goto b }\n"))
			.hasMessageContaining("10.0.0.2 . tcp . 53")
			.hasMessageContaining("File exists");
	}

	/**
	 * The lines that are objects, sorted: blank lines and comments dropped, blank space
	 * trimmed.
	 */
	static List<String> lines(String text) {
		return Arrays.stream(text.split("\n"))
			.map(String::strip)
			.filter(l -> !l.isEmpty() && !l.startsWith("#"))
			.sorted()
			.toList();
	}

}

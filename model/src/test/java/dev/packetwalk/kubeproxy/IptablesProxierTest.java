package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IptablesProxierTest {

	static final String NODE = "test-node";

	/**
	 * Upstream's fake proxier: detector 10.0.0.0/8, no --random-fully, nfacct counters
	 * present.
	 */
	static ProxyConfig fakeProxierConfig() {
		return ProxyConfig.defaults(NODE, Cidr.parse("10.0.0.0/8"), Ip.parse("192.168.0.2"))
			.withRandomFully(false)
			.withNfacct(true);
	}

	static Ip ip(String s) {
		return Ip.parse(s);
	}

	static ServicePort p80() {
		return ServicePort.tcp("p80", 80, 80);
	}

	// ---------------------------------------------------------------- probability

	@ParameterizedTest(name = "probability({0}) = {1}")
	@CsvSource({ "1, 1.0000000000", "2, 0.5000000000", "3, 0.3333333333", "4, 0.2500000000", "5, 0.2000000000",
			"6, 0.1666666667", "7, 0.1428571429", "10, 0.1000000000", "100, 0.0100000000", "1000, 0.0010000000",
			"10000, 0.0001000000", "100000, 0.0000100000", "100001, 0.0000099999",
			// Derived: 1/2048 = 0.00048828125 exactly; Go rounds half-to-even,
			// String.format would give ...813.
			"2048, 0.0004882812" })
	void computeProbability(int n, String expected) {
		assertThat(IptablesProxier.probability(n)).isEqualTo(expected);
	}

	@Test
	void probabilityIsStrictlyIncreasingAsNDecreases() {
		BigDecimal previous = BigDecimal.ZERO;
		for (int n = 100000; n >= 2; n--) {
			BigDecimal p = new BigDecimal(IptablesProxier.probability(n));
			assertThat(p).as("probability(%d)", n).isGreaterThan(previous);
			previous = p;
		}
	}

	@Test
	void probabilityNeedsAnEndpoint() {
		assertThatThrownBy(() -> IptablesProxier.probability(0)).hasMessageContaining("n >= 1");
	}

	// ----------------------------------------------------------------
	// TestOverallIPTablesRules

	static List<KubeService> overallServices() {
		return List.of(KubeService.clusterIp("ns1", "svc1", ip("172.30.0.41"), p80()),
				KubeService.loadBalancer("ns2", "svc2", ip("172.30.0.42"), p80().withNodePort(3001))
					.withLoadBalancerIps(ip("1.2.3.4"))
					.withExternalIps(ip("192.168.99.22"))
					.withExternalTrafficPolicy(TrafficPolicy.LOCAL)
					.withHealthCheckNodePort(30000),
				KubeService.nodePort("ns3", "svc3", ip("172.30.0.43"), p80().withNodePort(3003)),
				KubeService.nodePort("ns4", "svc4", ip("172.30.0.44"), p80()).withExternalIps(ip("192.168.99.33")),
				// upstream also sets healthCheckNodePort 30000 here; kube-proxy ignores
				// it for eTP=Cluster and our
				// records reject it, so it is left at 0.
				KubeService.loadBalancer("ns5", "svc5", ip("172.30.0.45"), p80().withNodePort(3002))
					.withLoadBalancerIps(ip("5.6.7.8"))
					.withLoadBalancerSourceRanges(Cidr.parse("203.0.113.0/25"))
					.withSessionAffinity(SessionAffinity.clientIp(10800)),
				KubeService.clusterIp("ns6", "svc6", ip("172.30.0.46"), p80()));
	}

	static Map<ServiceRef, List<Endpoint>> overallEndpoints() {
		return Map.of(ServiceRef.of("ns1", "svc1"), List.of(Endpoint.ready(ip("10.180.0.1"), "p80", 80, null)),
				ServiceRef.of("ns2", "svc2"), List.of(Endpoint.ready(ip("10.180.0.2"), "p80", 80, null)),
				ServiceRef.of("ns3", "svc3"), List.of(Endpoint.ready(ip("10.180.0.3"), "p80", 80, null)),
				ServiceRef.of("ns4", "svc4"),
				List.of(Endpoint.ready(ip("10.180.0.4"), "p80", 80, null),
						Endpoint.ready(ip("10.180.0.5"), "p80", 80, NODE)),
				ServiceRef.of("ns5", "svc5"), List.of(Endpoint.ready(ip("10.180.0.3"), "p80", 80, null)));
	}

	/**
	 * With thousands of service ports the rules are written in slices on all cores: the
	 * document must be the one writing them in turn gives. Upstream's six overall
	 * Services (every kind: no endpoints, Local policy with no local endpoint, external
	 * IPs, source ranges with affinity, node ports) repeated 500 times in distinct
	 * namespaces.
	 */
	@Test
	void writingInSlicesGivesTheDocumentWritingInTurnGives() {
		List<KubeService> services = new java.util.ArrayList<>();
		Map<ServiceRef, List<Endpoint>> endpoints = new java.util.HashMap<>();
		Map<ServiceRef, List<Endpoint>> overall = overallEndpoints();
		for (int copy = 0; copy < 500; copy++) {
			for (KubeService svc : overallServices()) {
				KubeService renamed = new KubeService(svc.namespace() + "-" + copy, svc.name(), svc.type(),
						Ip.of(172, 16 + copy / 200, copy % 200, svc.clusterIp().octet(3)), svc.ports(),
						svc.externalIps(), svc.loadBalancerIps(), svc.loadBalancerSourceRanges(), svc.sessionAffinity(),
						svc.internalTrafficPolicy(), svc.externalTrafficPolicy(), svc.healthCheckNodePort());
				services.add(renamed);
				List<Endpoint> eps = overall.get(svc.ref());
				if (eps != null) {
					endpoints.put(renamed.ref(), eps);
				}
			}
		}
		assertThat(services.size()).isGreaterThanOrEqualTo(IptablesProxier.PARALLEL_PORTS);
		String inTurn = IptablesProxier.generate(services, endpoints, fakeProxierConfig(), Integer.MAX_VALUE).text();
		String inSlices = IptablesProxier.generate(services, endpoints, fakeProxierConfig(), 1).text();
		assertThat(inSlices).isEqualTo(inTurn);
		assertThat(IptablesProxier.generate(services, endpoints, fakeProxierConfig()).text()).isEqualTo(inTurn);
		assertThat(inTurn).contains("ns5-499/svc5:p80", "ns1-0/svc1:p80");
	}

	/**
	 * Upstream TestOverallIPTablesRules expected output (after upstream's
	 * sortIPTablesRules).
	 */
	static final String OVERALL_EXPECTED = """
			*filter
			:KUBE-NODEPORTS - [0:0]
			:KUBE-SERVICES - [0:0]
			:KUBE-EXTERNAL-SERVICES - [0:0]
			:KUBE-FIREWALL - [0:0]
			:KUBE-FORWARD - [0:0]
			:KUBE-PROXY-FIREWALL - [0:0]
			-A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT
			-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT
			-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP
			-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP
			-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP
			-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
			-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP
			-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
			-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
			-A KUBE-PROXY-FIREWALL -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP
			COMMIT
			*nat
			:KUBE-NODEPORTS - [0:0]
			:KUBE-SERVICES - [0:0]
			:KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]
			:KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]
			:KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]
			:KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]
			:KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]
			:KUBE-MARK-MASQ - [0:0]
			:KUBE-POSTROUTING - [0:0]
			:KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
			:KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]
			:KUBE-SEP-OYPFS5VJICHGATKP - [0:0]
			:KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]
			:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
			:KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
			:KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
			:KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]
			:KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]
			:KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]
			:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
			-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3001 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
			-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
			-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3003 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-X27LE4BHSL4DOUIK
			-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
			-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3002 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-NUKIZ6OKUXPJNT4C
			-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
			-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
			-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
			-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
			-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
			-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
			-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
			-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
			-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C
			-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C
			-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
			-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
			-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
			-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "pod traffic for ns2/svc2:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
			-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "masquerade LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
			-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "route LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
			-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ
			-A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C
			-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
			-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
			-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
			-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
			-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
			-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
			-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
			-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
			-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
			-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
			-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
			-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
			-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
			-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
			-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
			-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
			-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
			-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
			-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
			-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
			-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
			-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
			-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
			-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
			-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ
			-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
			-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --rcheck --seconds 10800 --reap -j KUBE-SEP-I77PXRDZVX7PMWMN
			-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN
			-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
			-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
			-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
			-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
			COMMIT
			""";

	@Test
	void reproducesUpstreamTestOverallIPTablesRules() {
		IptablesRestore restore = IptablesProxier.generate(overallServices(), overallEndpoints(), fakeProxierConfig());
		String sorted = UpstreamSort.sort(restore.text(), true);
		assertThat(sorted.lines().toList()).containsExactlyElementsOf(OVERALL_EXPECTED.lines().toList());
	}

	@Test
	void upstreamNatRuleCountMatches() {
		IptablesRestore restore = IptablesProxier.generate(overallServices(), overallEndpoints(), fakeProxierConfig());
		long expectedNat = OVERALL_EXPECTED.lines()
			.dropWhile(l -> !l.equals("*nat"))
			.filter(l -> l.startsWith("-A"))
			.count();
		long expectedFilter = OVERALL_EXPECTED.lines()
			.takeWhile(l -> !l.equals("*nat"))
			.filter(l -> l.startsWith("-A"))
			.count();
		assertThat(restore.table("nat").rules()).hasSize((int) expectedNat);
		assertThat(restore.table("filter").rules()).hasSize((int) expectedFilter);
		assertThat(restore.kubeProxyRuleCount()).isEqualTo((int) (expectedNat + expectedFilter));
	}

	// ---------------------------------------------------------------- section 1.7:
	// ns4/svc4, ClusterIP part

	static final String SVC4_EXCERPT = """
			*nat
			:KUBE-SERVICES - [0:0]
			:KUBE-MARK-MASQ - [0:0]
			:KUBE-POSTROUTING - [0:0]
			:KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
			:KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
			:KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
			-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
			-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
			-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
			-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
			-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
			-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
			-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
			-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
			-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
			-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
			-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
			-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
			-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
			COMMIT
			""";

	@Test
	void reproducesSection17ExcerptLineByLine() {
		KubeService svc4 = KubeService.clusterIp("ns4", "svc4", ip("172.30.0.44"), p80());
		IptablesRestore restore = IptablesProxier.generate(List.of(svc4),
				Map.of(svc4.ref(), overallEndpoints().get(svc4.ref())), fakeProxierConfig());
		IptablesRestore.Table nat = restore.table("nat");
		List<String> excerptRules = SVC4_EXCERPT.lines().filter(l -> l.startsWith("-A")).toList();
		List<String> excerptChains = SVC4_EXCERPT.lines()
			.filter(l -> l.startsWith(":"))
			.map(l -> l.substring(1, l.indexOf(' ')))
			.toList();

		assertThat(nat.chains()).containsAll(excerptChains);
		// every excerpt line is in the output, and within each chain in the same relative
		// order
		for (String chain : excerptChains) {
			List<String> expected = excerptRules.stream()
				.filter(r -> IptablesRestore.chainOf(r).equals(chain))
				.toList();
			assertThat(nat.rulesOf(chain)).as(chain).containsExactlyElementsOf(expected);
		}
		// and the whole nat table holds nothing else than the excerpt (kube-proxy's part)
		assertThat(nat.rules()).containsExactlyInAnyOrderElementsOf(excerptRules);
		// kube-proxy's own write order: static rules, then the service, then the
		// nodeports tail
		assertThat(nat.rules()).containsExactly(excerptRules.get(3), excerptRules.get(4), excerptRules.get(5),
				excerptRules.get(2), excerptRules.get(0), excerptRules.get(10), excerptRules.get(11),
				excerptRules.get(12), excerptRules.get(8), excerptRules.get(9), excerptRules.get(6),
				excerptRules.get(7), excerptRules.get(1));
		assertThat(nat.chains()).containsExactly("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING",
				"KUBE-MARK-MASQ", "KUBE-SVC-4SW47YFZTEDKD3PK", "KUBE-SEP-UKSFD7AGPMPPLUHC",
				"KUBE-SEP-C6EBXVWJJZMIWKLZ");
	}

	// ---------------------------------------------------------------- fragments

	@Test
	void sessionAffinityRecentMatches() {
		IptablesRestore restore = IptablesProxier.generate(overallServices(), overallEndpoints(), fakeProxierConfig());
		assertThat(restore.table("nat").rulesOf("KUBE-SVC-NUKIZ6OKUXPJNT4C")).contains(
				"-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 -> 10.180.0.3:80\" -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --rcheck --seconds 10800 --reap -j KUBE-SEP-I77PXRDZVX7PMWMN");
		assertThat(restore.table("nat").rulesOf("KUBE-SEP-I77PXRDZVX7PMWMN")).contains(
				"-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80");
	}

	@Test
	void affinityChecksComeBeforeTheProbabilityCascadeForEveryEndpoint() {
		KubeService svc = KubeService.clusterIp("ns", "sticky", ip("10.96.0.50"), ServicePort.tcp("web", 80, 8080))
			.withSessionAffinity(SessionAffinity.clientIp(600));
		List<Endpoint> eps = List.of(Endpoint.ready(ip("10.244.1.2"), "web", 8080, "n1"),
				Endpoint.ready(ip("10.244.2.2"), "web", 8080, "n2"));
		IptablesRestore r = IptablesProxier.generate(List.of(svc), Map.of(svc.ref(), eps), fakeProxierConfig());
		String svcChain = KubeProxyHash.svcChain(svc.portName(svc.ports().getFirst()),
				svc.ports().getFirst().protocol());
		List<String> rules = r.table("nat").rulesOf(svcChain);
		assertThat(rules).hasSize(5);
		assertThat(rules.get(0)).contains("! -s 10.0.0.0/8 -j KUBE-MARK-MASQ");
		assertThat(rules.get(1)).contains("-> 10.244.1.2:8080\" -m recent --name KUBE-SEP-")
			.contains("--rcheck --seconds 600 --reap");
		assertThat(rules.get(2)).contains("-> 10.244.2.2:8080\" -m recent");
		assertThat(rules.get(3)).contains("--probability 0.5000000000");
		assertThat(rules.get(4)).doesNotContain("statistic");
	}

	@Test
	void noEndpointsGivesFilterRejectAndNoNatChains() {
		KubeService svc6 = KubeService.clusterIp("ns6", "svc6", ip("172.30.0.46"), p80());
		IptablesRestore r = IptablesProxier.generate(List.of(svc6), Map.of(), fakeProxierConfig());
		assertThat(r.table("filter").rulesOf("KUBE-SERVICES")).containsExactly(
				"-A KUBE-SERVICES -m comment --comment \"ns6/svc6:p80 has no endpoints\" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT");
		assertThat(r.table("nat").chains()).noneMatch(c -> c.startsWith("KUBE-SVC-") || c.startsWith("KUBE-SEP-"));
	}

	@Test
	void noEndpointsRejectsExternalIpLoadBalancerAndNodePortToo() {
		KubeService svc = KubeService.loadBalancer("ns1", "svc1", ip("172.30.0.41"), p80().withNodePort(3001))
			.withExternalIps(ip("192.168.99.11"))
			.withLoadBalancerIps(ip("1.2.3.4"));
		IptablesRestore r = IptablesProxier.generate(List.of(svc), Map.of(), fakeProxierConfig());
		assertThat(r.table("filter").rulesOf("KUBE-EXTERNAL-SERVICES")).containsExactly(
				"-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp -p tcp -d 192.168.99.11 --dport 80 -j REJECT",
				"-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j REJECT",
				"-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT");
		assertThat(r.table("nat").rulesOf("KUBE-NODEPORTS")).isEmpty();
	}

	@Test
	void externalPolicyLocalWithoutLocalEndpointsDrops() {
		IptablesRestore r = IptablesProxier.generate(overallServices(), overallEndpoints(), fakeProxierConfig());
		assertThat(r.table("filter").rulesOf("KUBE-EXTERNAL-SERVICES")).containsExactly(
				"-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP",
				"-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP",
				"-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP");
		// the EXT chain keeps only the three short-circuit rules, and no KUBE-SVL chain
		// is made
		assertThat(r.table("nat").rulesOf("KUBE-EXT-GNZBNJ2PO5MGZ6GT")).hasSize(3);
		assertThat(r.table("nat").chains()).doesNotContain("KUBE-SVL-GNZBNJ2PO5MGZ6GT");
	}

	@Test
	void externalPolicyLocalWithLocalEndpointUsesSvlChainWithoutMasquerade() {
		KubeService svc2 = overallServices().get(1);
		List<Endpoint> eps = List.of(Endpoint.ready(ip("10.180.0.2"), "p80", 80, null),
				Endpoint.ready(ip("10.180.0.9"), "p80", 80, NODE));
		IptablesRestore r = IptablesProxier.generate(List.of(svc2), Map.of(svc2.ref(), eps), fakeProxierConfig());
		assertThat(r.table("nat").rulesOf("KUBE-EXT-GNZBNJ2PO5MGZ6GT")).hasSize(4)
			.last()
			.isEqualTo("-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -j KUBE-SVL-GNZBNJ2PO5MGZ6GT");
		assertThat(r.table("nat").rulesOf("KUBE-SVL-GNZBNJ2PO5MGZ6GT")).singleElement()
			.asString()
			.endsWith("-> 10.180.0.9:80\" -j "
					+ KubeProxyHash.sepChain(svc2.portName(p80()), p80().protocol(), "10.180.0.9:80"))
			.doesNotContain("KUBE-MARK-MASQ");
		assertThat(r.table("filter").rulesOf("KUBE-EXTERNAL-SERVICES")).isEmpty();
		// SEP chains exist for both (cluster chain for short-circuited traffic, local
		// chain for external)
		assertThat(r.table("nat").chains()).filteredOn(c -> c.startsWith("KUBE-SEP-")).hasSize(2);
	}

	@Test
	void nodePortWithClusterPolicyGoesThroughExtChainAndMasquerades() {
		KubeService svc = KubeService.nodePort("default", "web", ip("10.96.10.10"),
				ServicePort.tcp("http", 80, 8080).withNodePort(30080));
		List<Endpoint> eps = List.of(Endpoint.ready(ip("10.244.1.7"), "http", 8080, "other-node"));
		IptablesRestore r = IptablesProxier.generate(List.of(svc), Map.of(svc.ref(), eps),
				ProxyConfig.defaults(NODE, Cidr.parse("10.244.0.0/16")));
		ServicePortName spn = svc.portName(svc.ports().getFirst());
		String ext = KubeProxyHash.extChain(spn, svc.ports().getFirst().protocol());
		String svcChain = KubeProxyHash.svcChain(spn, svc.ports().getFirst().protocol());
		IptablesRestore.Table nat = r.table("nat");
		assertThat(nat.rulesOf("KUBE-NODEPORTS")).containsExactly(
				"-A KUBE-NODEPORTS -m comment --comment default/web:http -m tcp -p tcp --dport 30080 -j " + ext);
		assertThat(nat.rulesOf(ext)).containsExactly("-A " + ext
				+ " -m comment --comment \"masquerade traffic for default/web:http external destinations\" -j KUBE-MARK-MASQ",
				"-A " + ext + " -j " + svcChain);
		assertThat(nat.rulesOf("KUBE-POSTROUTING").getLast()).endsWith("-j MASQUERADE --random-fully");
		assertThat(nat.rulesOf("KUBE-SERVICES").getLast()).contains("NOTE: this must be the last rule");
	}

	@Test
	void kuardFiveEndpointsProbabilityCascade() {
		KubeService kuard = KubeService.clusterIp("default", "kuard", ip("10.96.7.7"), ServicePort.tcp("", 8080, 8080));
		List<Endpoint> eps = new ArrayList<>();
		for (String a : List.of("10.244.2.4", "10.244.1.9", "10.244.10.3", "10.244.3.2", "10.244.1.10")) {
			eps.add(Endpoint.ready(ip(a), 8080, null));
		}
		IptablesRestore r = IptablesProxier.generate(List.of(kuard), Map.of(kuard.ref(), eps),
				ProxyConfig.defaults(NODE, Cidr.parse("10.244.0.0/16")));
		ServicePortName spn = kuard.portName(kuard.ports().getFirst());
		assertThat(spn).hasToString("default/kuard");
		List<String> dispatch = r.table("nat")
			.rulesOf(KubeProxyHash.svcChain(spn, kuard.ports().getFirst().protocol()))
			.stream()
			.filter(l -> l.contains(" -> "))
			.toList();
		// sorted by address *string*: 10.244.1.10 < 10.244.1.9 < 10.244.10.3 < 10.244.2.4
		// < 10.244.3.2
		List<String> order = dispatch.stream().map(l -> l.replaceAll(".*-> ([0-9.:]+)\".*", "$1")).toList();
		assertThat(order).containsExactly("10.244.1.10:8080", "10.244.1.9:8080", "10.244.10.3:8080", "10.244.2.4:8080",
				"10.244.3.2:8080");
		List<String> probabilities = dispatch.stream()
			.map(l -> l.contains("--probability ") ? l.replaceAll(".*--probability (\\S+).*", "$1") : "none")
			.toList();
		assertThat(probabilities).containsExactly("0.2000000000", "0.2500000000", "0.3333333333", "0.5000000000",
				"none");
		assertThat(dispatch.getFirst()).startsWith("-A KUBE-SVC-")
			.contains("--comment \"default/kuard -> 10.244.1.10:8080\"");
	}

	@Test
	void internalPolicyLocal() {
		KubeService svc = KubeService.clusterIp("ns", "itp", ip("10.96.3.3"), p80())
			.withInternalTrafficPolicy(TrafficPolicy.LOCAL);
		ServicePortName spn = svc.portName(p80());
		String svl = KubeProxyHash.svlChain(spn, p80().protocol());
		// a local endpoint: KUBE-SERVICES jumps to KUBE-SVL, which holds the masquerade
		// rule and only local endpoints
		List<Endpoint> eps = List.of(Endpoint.ready(ip("10.244.1.1"), "p80", 80, NODE),
				Endpoint.ready(ip("10.244.2.1"), "p80", 80, "elsewhere"));
		IptablesRestore r = IptablesProxier.generate(List.of(svc), Map.of(svc.ref(), eps), fakeProxierConfig());
		assertThat(r.table("nat").rulesOf("KUBE-SERVICES").getFirst()).endsWith("-j " + svl);
		assertThat(r.table("nat").rulesOf(svl)).hasSize(2)
			.first()
			.asString()
			.endsWith("! -s 10.0.0.0/8 -j KUBE-MARK-MASQ");
		assertThat(r.table("nat").chains()).noneMatch(c -> c.startsWith("KUBE-SVC-"));
		assertThat(r.table("nat").chains()).filteredOn(c -> c.startsWith("KUBE-SEP-")).hasSize(1);
		// no local endpoint: DROP in filter (not REJECT)
		IptablesRestore none = IptablesProxier.generate(List.of(svc), Map.of(svc.ref(), eps.subList(1, 2)),
				fakeProxierConfig());
		assertThat(none.table("filter").rulesOf("KUBE-SERVICES")).containsExactly(
				"-A KUBE-SERVICES -m comment --comment \"ns/itp:p80 has no local endpoints\" -m tcp -p tcp -d 10.96.3.3 --dport 80 -j DROP");
	}

	@Test
	void servingTerminatingEndpointsAreTheFallback() {
		KubeService svc = KubeService.clusterIp("ns", "term", ip("10.96.4.4"), p80());
		Endpoint ready = Endpoint.ready(ip("10.244.1.1"), "p80", 80, null);
		Endpoint terminating = Endpoint.servingTerminating(ip("10.244.1.2"), "p80", 80, null);
		Endpoint notServing = new Endpoint(ip("10.244.1.3"), Map.of("p80", 80), null, false, false, true);
		String svcChain = KubeProxyHash.svcChain(svc.portName(p80()), p80().protocol());

		IptablesRestore both = IptablesProxier.generate(List.of(svc),
				Map.of(svc.ref(), List.of(terminating, ready, notServing)), fakeProxierConfig());
		assertThat(both.table("nat").rulesOf(svcChain)).filteredOn(l -> l.contains(" -> "))
			.singleElement()
			.asString()
			.contains("10.244.1.1:80");

		IptablesRestore fallback = IptablesProxier.generate(List.of(svc),
				Map.of(svc.ref(), List.of(terminating, notServing)), fakeProxierConfig());
		assertThat(fallback.table("nat").rulesOf(svcChain)).filteredOn(l -> l.contains(" -> "))
			.singleElement()
			.asString()
			.contains("10.244.1.2:80");

		IptablesRestore nothing = IptablesProxier.generate(List.of(svc), Map.of(svc.ref(), List.of(notServing)),
				fakeProxierConfig());
		assertThat(nothing.table("filter").rulesOf("KUBE-SERVICES")).singleElement().asString().endsWith("-j REJECT");
	}

	@Test
	void masqueradeAllAndNoDetector() {
		KubeService svc = KubeService.clusterIp("ns1", "svc1", ip("172.30.0.41"), p80());
		Map<ServiceRef, List<Endpoint>> eps = Map.of(svc.ref(),
				List.of(Endpoint.ready(ip("10.180.0.1"), "p80", 80, null)));
		String chain = "KUBE-SVC-XPGD46QRK7WJZT7O";
		assertThat(IptablesProxier.generate(List.of(svc), eps, fakeProxierConfig().withMasqueradeAll(true))
			.table("nat")
			.rulesOf(chain)
			.getFirst()).isEqualTo(
					"-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-MARK-MASQ");
		ProxyConfig noDetector = ProxyConfig.defaults(NODE, null);
		assertThat(IptablesProxier.generate(List.of(svc), eps, noDetector).table("nat").rulesOf(chain))
			.noneMatch(l -> l.contains("KUBE-MARK-MASQ"));
	}

	@Test
	void localhostNodePortsOffAndLiberalConntrack() {
		ProxyConfig c = ProxyConfig.defaults(NODE, null).withLocalhostNodePorts(false).withConntrackTcpBeLiberal(true);
		IptablesRestore r = IptablesProxier.generate(List.of(), Map.of(), c);
		assertThat(r.table("nat").rulesOf("KUBE-SERVICES")).containsExactly(
				"-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS");
		assertThat(r.table("filter").chains()).doesNotContain("KUBE-FIREWALL");
		assertThat(r.table("filter").rulesOf("KUBE-FORWARD")).noneMatch(l -> l.contains("INVALID"));
	}

	@Test
	void builtinChainsAreDeclaredAndJumpedFromInUpstreamOrder() {
		IptablesRestore r = IptablesProxier.generate(List.of(), Map.of(), ProxyConfig.defaults(NODE, null));
		String text = r.text();
		assertThat(text).startsWith("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
		assertThat(text).contains(
				"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
		assertThat(r.table("filter").rulesOf("INPUT")).containsExactly(
				"-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
				"-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS",
				"-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES",
				"-A INPUT -j KUBE-FIREWALL");
		assertThat(r.table("filter").rulesOf("FORWARD")).containsExactly(
				"-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
				"-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD",
				"-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
				"-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES");
		assertThat(r.table("filter").rulesOf("OUTPUT")).containsExactly(
				"-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
				"-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
				"-A OUTPUT -j KUBE-FIREWALL");
		assertThat(r.table("nat").rulesOf("PREROUTING"))
			.containsExactly("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
		assertThat(r.table("nat").rulesOf("OUTPUT"))
			.containsExactly("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
		assertThat(r.table("nat").rulesOf("POSTROUTING")).containsExactly(
				"-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING");
		assertThat(text.indexOf("*filter")).isLessThan(text.indexOf("*nat"));
		assertThat(text).endsWith("COMMIT\n");
	}

	@Test
	void everyJumpTargetIsDeclaredInItsTable() {
		IptablesRestore r = IptablesProxier.generate(overallServices(), overallEndpoints(), fakeProxierConfig());
		Pattern jump = Pattern.compile(" -j (KUBE-[A-Z0-9-]+)");
		for (IptablesRestore.Table t : r.tables()) {
			for (String rule : allRules(t)) {
				Matcher m = jump.matcher(rule);
				if (m.find()) {
					assertThat(t.chains()).as("%s in %s", rule, t.name()).contains(m.group(1));
				}
			}
		}
		assertThat(r.totalRuleCount() - r.kubeProxyRuleCount()).isEqualTo(12 + 2); // iptablesJumpChains
																					// +
																					// kubelet
																					// KUBE-FIREWALL
																					// jumps
	}

	private static List<String> allRules(IptablesRestore.Table t) {
		List<String> all = new ArrayList<>(t.builtinJumps());
		all.addAll(t.rules());
		return all;
	}

	@Test
	void largeClusterModeDropsPerEndpointComments() {
		KubeService svc = KubeService.clusterIp("big", "svc", ip("10.96.200.1"), p80());
		List<Endpoint> eps = new ArrayList<>();
		for (int i = 0; i < 1001; i++) {
			eps.add(Endpoint.ready(Ip.parse("10.240.0.0").plus(i + 1), "p80", 80, null));
		}
		IptablesRestore r = IptablesProxier.generate(List.of(svc), Map.of(svc.ref(), eps), fakeProxierConfig());
		String svcChain = KubeProxyHash.svcChain(svc.portName(p80()), p80().protocol());
		List<String> rules = r.table("nat").rulesOf(svcChain);
		assertThat(rules.get(0)).contains("cluster IP"); // the masquerade rule keeps its
															// comment
		assertThat(rules.subList(1, rules.size())).noneMatch(l -> l.contains("--comment"));
		assertThat(rules.get(1)).contains("--probability " + IptablesProxier.probability(1001));
		assertThat(r.table("nat").rules()).filteredOn(l -> l.startsWith("-A KUBE-SEP-"))
			.noneMatch(l -> l.contains("--comment"));
	}

	/**
	 * Rule count = 9 static + per ClusterIP service (1 portal + 1 masquerade + E dispatch
	 * + 2E endpoint).
	 */
	static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> grid() {
		return java.util.stream.IntStream.rangeClosed(0, 12)
			.boxed()
			.flatMap(s -> java.util.stream.IntStream.of(1, 2, 5, 12)
				.mapToObj(e -> org.junit.jupiter.params.provider.Arguments.of(s, e)));
	}

	@org.junit.jupiter.params.ParameterizedTest(name = "{0} services x {1} endpoints")
	@org.junit.jupiter.params.provider.MethodSource("grid")
	void iptablesRuleCountScalesWithServicesTimesEndpoints(int services, int endpointsPerService) {
		List<KubeService> svcs = new ArrayList<>();
		Map<ServiceRef, List<Endpoint>> eps = new HashMap<>();
		for (int s = 0; s < services; s++) {
			KubeService svc = KubeService.clusterIp("ns", "svc-" + s, Ip.parse("10.96.0.0").plus(s + 1),
					ServicePort.tcp("http", 80, 8080));
			svcs.add(svc);
			List<Endpoint> list = new ArrayList<>();
			for (int e = 0; e < endpointsPerService; e++) {
				list.add(Endpoint.ready(Ip.parse("10.244.0.0").plus(s * 256 + e + 1), "http", 8080, null));
			}
			eps.put(svc.ref(), list);
		}
		int count = IptablesProxier.countRules(svcs, eps, ProxyConfig.defaults(NODE, Cidr.parse("10.244.0.0/16")));
		assertThat(count).isEqualTo(9 + services * (2 + 3 * endpointsPerService));
	}

	@Test
	void markFormats() {
		ProxyConfig c = ProxyConfig.defaults(NODE, null);
		assertThat(c.masqueradeMark()).isEqualTo("0x4000");
		assertThat(c.goFormattedMasqueradeMark()).isEqualTo("0x00004000");
	}

}

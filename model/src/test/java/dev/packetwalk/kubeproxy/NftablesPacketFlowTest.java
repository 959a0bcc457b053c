package dev.packetwalk.kubeproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.netfilter.CtState;
import dev.packetwalk.netfilter.Hook;
import dev.packetwalk.netfilter.NftEvaluator;
import dev.packetwalk.netfilter.NftRuleset;
import dev.packetwalk.netfilter.Target;
import dev.packetwalk.netfilter.Verdict;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packet-flow tests in the style of upstream's {@code runPacketFlowTests}
 * (pkg/proxy/nftables/helpers_test.go), for kube-proxy's nftables mode: a new
 * connection's first packet walks the node's nftables base chains in hook and priority
 * order (a packet from elsewhere: prerouting, then input or forward by where the
 * destination now is, then postrouting; a packet the node sends: output, then
 * postrouting), with the model's {@link NftEvaluator}. The output is the endpoint(s) it
 * can be DNATed to (every {@code numgen} value tried), {@code DROP} or {@code REJECT},
 * and whether {@code masquerading} SNATs it. Inputs and expectations are upstream's (fake
 * proxier: pod CIDR 10.0.0.0/8, service CIDR 172.30.0.0/16, node test-node at
 * 192.168.0.2, NodePorts on 192.168.0.2 only).
 */
class NftablesPacketFlowTest {

	static final String NODE = NftablesProxierTest.NODE;

	/** upstream's testNodeIPs: the node's own addresses. */
	static final List<Ip> NODE_IPS = List.of(Ip.parse("192.168.0.2"), Ip.parse("192.168.1.2"),
			Ip.parse("192.168.99.11"));

	static final String EXTERNAL_CLIENT = "203.0.113.2";

	static final String EXTERNAL_CLIENT_BLOCKED = "203.0.113.130";

	/**
	 * @param inDev the device the packet comes in by (what {@code iifname} reads), or
	 * null: upstream's rows leave it out, and only the interface detectors read it
	 */
	record Flow(String name, Protocol protocol, String src, String dst, int port, String output, boolean masq,
			String inDev) {
		Flow(String name, Protocol protocol, String src, String dst, int port, String output, boolean masq) {
			this(name, protocol, src, dst, port, output, masq, null);
		}
	}

	/** What happened, as upstream prints it. */
	record Outcome(String output, boolean masq) {
	}

	/** Every row checked, for the report: name, expected, got. */
	static final List<String> TABLE = new ArrayList<>();

	@Test
	void clusterIpGeneral() {
		ServicePort http = ServicePort.tcp("http", 80, 80);
		KubeService svc1 = KubeService.clusterIp("ns1", "svc1", Ip.parse("172.30.0.41"), http);
		KubeService svc2 = KubeService.clusterIp("ns2", "svc2", Ip.parse("172.30.0.42"), http,
				ServicePort.tcp("https", 443, 8443), ServicePort.of("dns-udp", Protocol.UDP, 53, 53),
				ServicePort.tcp("dns-tcp", 53, 5353));
		Map<ServiceRef, List<Endpoint>> eps = Map.of(svc1.ref(),
				List.of(Endpoint.ready(Ip.parse("10.180.0.1"), "http", 80, NODE)), svc2.ref(),
				List.of(ep("10.180.0.1", NODE), ep("10.180.2.1", "node2")));
		run(List.of(svc1, svc2), eps, List.of(
				new Flow("simple clusterIP", Protocol.TCP, "10.180.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
				new Flow("hairpin to cluster IP", Protocol.TCP, "10.180.0.1", "172.30.0.41", 80, "10.180.0.1:80", true),
				new Flow("clusterIP with multiple endpoints", Protocol.TCP, "10.180.0.2", "172.30.0.42", 80,
						"10.180.0.1:80, 10.180.2.1:80", false),
				new Flow("clusterIP with TargetPort", Protocol.TCP, "10.180.0.2", "172.30.0.42", 443,
						"10.180.0.1:8443, 10.180.2.1:8443", false),
				new Flow("clusterIP with TCP and UDP on same port (TCP)", Protocol.TCP, "10.180.0.2", "172.30.0.42", 53,
						"10.180.0.1:5353, 10.180.2.1:5353", false),
				new Flow("clusterIP with TCP and UDP on same port (UDP)", Protocol.UDP, "10.180.0.2", "172.30.0.42", 53,
						"10.180.0.1:53, 10.180.2.1:53", false),
				new Flow("TCP-only port does not match UDP traffic", Protocol.UDP, "10.180.0.2", "172.30.0.42", 80,
						"REJECT", false),
				new Flow("svc1 does not accept svc2's ports", Protocol.TCP, "10.180.0.2", "172.30.0.41", 443, "REJECT",
						false),
				new Flow("packet to unallocated cluster ip", Protocol.TCP, "10.180.0.2", "172.30.0.50", 80, "DROP",
						false)));
	}

	/**
	 * The same port on TCP, UDP and SCTP, each reaching its own endpoint port; SCTP to a
	 * TCP-only port is rejected (upstream's "TCP-only port does not match UDP traffic",
	 * with SCTP); an SCTP Service without endpoints is rejected.
	 */
	@Test
	void samePortOnTcpUdpAndSctp() {
		KubeService svc = KubeService.clusterIp("ns1", "svc1", Ip.parse("172.30.0.41"),
				ServicePort.tcp("dns-tcp", 53, 5353), ServicePort.of("dns-udp", Protocol.UDP, 53, 5354),
				ServicePort.of("dns-sctp", Protocol.SCTP, 53, 5355), ServicePort.tcp("http", 80, 80));
		KubeService none = KubeService.clusterIp("ns1", "svc2", Ip.parse("172.30.0.42"),
				ServicePort.of("diameter", Protocol.SCTP, 3868, 3868));
		Endpoint e = new Endpoint(Ip.parse("10.180.0.1"),
				Map.of("dns-tcp", 5353, "dns-udp", 5354, "dns-sctp", 5355, "http", 80), NODE, true, true, false);
		run(List.of(svc, none), Map.of(svc.ref(), List.of(e)), List.of(
				new Flow("same port, TCP", Protocol.TCP, "10.180.0.2", "172.30.0.41", 53, "10.180.0.1:5353", false),
				new Flow("same port, UDP", Protocol.UDP, "10.180.0.2", "172.30.0.41", 53, "10.180.0.1:5354", false),
				new Flow("same port, SCTP", Protocol.SCTP, "10.180.0.2", "172.30.0.41", 53, "10.180.0.1:5355", false),
				new Flow("TCP-only port does not match SCTP traffic", Protocol.SCTP, "10.180.0.2", "172.30.0.41", 80,
						"REJECT", false),
				new Flow("SCTP service with no endpoints", Protocol.SCTP, "10.180.0.2", "172.30.0.42", 3868, "REJECT",
						false)));
	}

	private static Endpoint ep(String ip, String node) {
		return new Endpoint(Ip.parse(ip), Map.of("http", 80, "https", 8443, "dns-udp", 53, "dns-tcp", 5353), node, true,
				true, false);
	}

	@Test
	void noEndpointsReject() {
		KubeService svc = KubeService
			.loadBalancer("ns1", "svc1", Ip.parse("172.30.0.41"), ServicePort.tcp("p80", 80, 80).withNodePort(3001))
			.withExternalIps(Ip.parse("192.168.99.11"))
			.withLoadBalancerIps(Ip.parse("1.2.3.4"));
		run(List.of(svc), Map.of(),
				List.of(new Flow("pod to cluster IP with no endpoints", Protocol.TCP, "10.0.0.2", "172.30.0.41", 80,
						"REJECT", false),
						new Flow("external to external IP with no endpoints", Protocol.TCP, EXTERNAL_CLIENT,
								"192.168.99.11", 80, "REJECT", false),
						new Flow("pod to NodePort with no endpoints", Protocol.TCP, "10.0.0.2", "192.168.0.2", 3001,
								"REJECT", false),
						new Flow("external to NodePort with no endpoints", Protocol.TCP, EXTERNAL_CLIENT, "192.168.0.2",
								3001, "REJECT", false),
						new Flow("pod to LoadBalancer IP with no endpoints", Protocol.TCP, "10.0.0.2", "1.2.3.4", 80,
								"REJECT", false),
						new Flow("external to LoadBalancer IP with no endpoints", Protocol.TCP, EXTERNAL_CLIENT,
								"1.2.3.4", 80, "REJECT", false)));
	}

	@Test
	void loadBalancerWithSourceRanges() {
		KubeService svc = KubeService
			.loadBalancer("ns1", "svc1", Ip.parse("172.30.0.41"), ServicePort.tcp("p80", 80, 80).withNodePort(3001))
			.withLoadBalancerIps(Ip.parse("1.2.3.4"), Ip.parse("5.6.7.8"))
			.withLoadBalancerSourceRanges(Cidr.parse("192.168.0.0/24"), Cidr.parse("203.0.113.0/25"));
		Map<ServiceRef, List<Endpoint>> eps = Map.of(svc.ref(),
				List.of(Endpoint.ready(Ip.parse("10.180.0.1"), "p80", 80, null)));
		run(List.of(svc), eps, List.of(
				new Flow("pod to cluster IP", Protocol.TCP, "10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
				new Flow("external to nodePort", Protocol.TCP, EXTERNAL_CLIENT, "192.168.0.2", 3001, "10.180.0.1:80",
						true),
				new Flow("nodePort bypasses LoadBalancerSourceRanges", Protocol.TCP, EXTERNAL_CLIENT_BLOCKED,
						"192.168.0.2", 3001, "10.180.0.1:80", true),
				new Flow("accepted external to LB1", Protocol.TCP, EXTERNAL_CLIENT, "1.2.3.4", 80, "10.180.0.1:80",
						true),
				new Flow("accepted external to LB2", Protocol.TCP, EXTERNAL_CLIENT, "5.6.7.8", 80, "10.180.0.1:80",
						true),
				new Flow("blocked external to LB1", Protocol.TCP, EXTERNAL_CLIENT_BLOCKED, "1.2.3.4", 80, "DROP",
						false),
				new Flow("blocked external to LB2", Protocol.TCP, EXTERNAL_CLIENT_BLOCKED, "5.6.7.8", 80, "DROP",
						false),
				new Flow("pod to LB1 (blocked by LoadBalancerSourceRanges)", Protocol.TCP, "10.0.0.2", "1.2.3.4", 80,
						"DROP", false),
				new Flow("node to LB1 (allowed by LoadBalancerSourceRanges)", Protocol.TCP, "192.168.0.2", "1.2.3.4",
						80, "10.180.0.1:80", true)));
	}

	@Test
	void externalTrafficPolicy() {
		ServicePort p80 = ServicePort.tcp("p80", 80, 80).withNodePort(3001);
		KubeService local = KubeService.loadBalancer("ns1", "svc1", Ip.parse("172.30.0.41"), p80)
			.withLoadBalancerIps(Ip.parse("1.2.3.4"))
			.withExternalTrafficPolicy(TrafficPolicy.LOCAL);
		KubeService localNone = KubeService.loadBalancer("ns2", "svc2", Ip.parse("172.30.0.42"), p80.withNodePort(3002))
			.withLoadBalancerIps(Ip.parse("5.6.7.8"))
			.withExternalTrafficPolicy(TrafficPolicy.LOCAL);
		KubeService cluster = KubeService.loadBalancer("ns3", "svc3", Ip.parse("172.30.0.43"), p80.withNodePort(3003))
			.withLoadBalancerIps(Ip.parse("9.10.11.12"));
		Map<ServiceRef, List<Endpoint>> eps = Map.of(local.ref(),
				List.of(Endpoint.ready(Ip.parse("10.180.0.1"), "p80", 80, NODE),
						Endpoint.ready(Ip.parse("10.180.2.1"), "p80", 80, "node2")),
				localNone.ref(), List.of(Endpoint.ready(Ip.parse("10.180.2.2"), "p80", 80, "node2")), cluster.ref(),
				List.of(Endpoint.ready(Ip.parse("10.180.0.3"), "p80", 80, NODE),
						Endpoint.ready(Ip.parse("10.180.2.3"), "p80", 80, "node2")));
		run(List.of(local, localNone, cluster), eps,
				List.of(new Flow("eTP Local: external to LB goes to the local endpoint only, client IP kept",
						Protocol.TCP, EXTERNAL_CLIENT, "1.2.3.4", 80, "10.180.0.1:80", false),
						new Flow("eTP Local: external to NodePort, local endpoint only", Protocol.TCP, EXTERNAL_CLIENT,
								"192.168.0.2", 3001, "10.180.0.1:80", false),
						new Flow("eTP Local: pod to LB is short-circuited to all endpoints", Protocol.TCP, "10.0.0.2",
								"1.2.3.4", 80, "10.180.0.1:80, 10.180.2.1:80", false),
						new Flow("eTP Local: node to NodePort is masqueraded to all endpoints", Protocol.TCP,
								"192.168.0.2", "192.168.0.2", 3001, "10.180.0.1:80, 10.180.2.1:80", true),
						new Flow("eTP Local without local endpoints: external to LB dropped", Protocol.TCP,
								EXTERNAL_CLIENT, "5.6.7.8", 80, "DROP", false),
						new Flow("eTP Local without local endpoints: external to NodePort dropped", Protocol.TCP,
								EXTERNAL_CLIENT, "192.168.0.2", 3002, "DROP", false),
						new Flow("eTP Cluster: external to LB, any endpoint, masqueraded", Protocol.TCP,
								EXTERNAL_CLIENT, "9.10.11.12", 80, "10.180.0.3:80, 10.180.2.3:80", true),
						new Flow("eTP Cluster: external to NodePort from outside, masqueraded", Protocol.TCP,
								EXTERNAL_CLIENT, "192.168.0.2", 3003, "10.180.0.3:80, 10.180.2.3:80", true),
						new Flow("NodePort from the node itself, masqueraded", Protocol.TCP, "192.168.0.2",
								"192.168.0.2", 3003, "10.180.0.3:80, 10.180.2.3:80", true),
						new Flow("NodePort on a secondary node address is not a NodePort (nodePortAddresses primary)",
								Protocol.TCP, EXTERNAL_CLIENT, "192.168.1.2", 3003, "192.168.1.2:3003", false),
						new Flow("NodePort on localhost is not a NodePort in nftables mode", Protocol.TCP, "127.0.0.1",
								"127.0.0.1", 3003, "127.0.0.1:3003", false)));
	}

	@Test
	void internalTrafficPolicyLocal() {
		ServicePort p80 = ServicePort.tcp("p80", 80, 80);
		KubeService withLocal = KubeService.clusterIp("ns1", "svc1", Ip.parse("172.30.0.41"), p80)
			.withInternalTrafficPolicy(TrafficPolicy.LOCAL);
		KubeService noLocal = KubeService.clusterIp("ns2", "svc2", Ip.parse("172.30.0.42"), p80)
			.withInternalTrafficPolicy(TrafficPolicy.LOCAL);
		Map<ServiceRef, List<Endpoint>> eps = Map.of(withLocal.ref(),
				List.of(Endpoint.ready(Ip.parse("10.180.0.1"), "p80", 80, NODE),
						Endpoint.ready(Ip.parse("10.180.2.1"), "p80", 80, "node2")),
				noLocal.ref(), List.of(Endpoint.ready(Ip.parse("10.180.2.2"), "p80", 80, "node2")));
		run(List.of(withLocal, noLocal), eps,
				List.of(new Flow("iTP Local: pod to cluster IP, local endpoint only", Protocol.TCP, "10.0.0.2",
						"172.30.0.41", 80, "10.180.0.1:80", false),
						new Flow("iTP Local without local endpoints: dropped", Protocol.TCP, "10.0.0.2", "172.30.0.42",
								80, "DROP", false)));
	}

	@Test
	void masqueradeAll() {
		KubeService svc = KubeService.clusterIp("ns1", "svc1", Ip.parse("172.30.0.41"), ServicePort.tcp("p80", 80, 80));
		Map<ServiceRef, List<Endpoint>> eps = Map.of(svc.ref(),
				List.of(Endpoint.ready(Ip.parse("10.180.0.1"), "p80", 80, null)));
		NftablesProxier.Settings s = NftablesProxierTest.upstreamSettings();
		NftablesProxier.Settings all = new NftablesProxier.Settings(s.config().withMasqueradeAll(true), s.serviceCidr(),
				s.nodePortIps());
		run(NftablesProxier.generate(List.of(svc), eps, all),
				List.of(new Flow("masqueradeAll: pod to cluster IP is masqueraded", Protocol.TCP, "10.0.0.2",
						"172.30.0.41", 80, "10.180.0.1:80", true)));
	}

	/**
	 * cluster.kubeProxy's knobs in nftables mode: each detector form
	 * ({@code IfNotLocalNFT} in the service chain: pod traffic keeps its source,
	 * off-cluster traffic to a cluster IP is masqueraded), no detector, masqueradeBit,
	 * and localhostNodePorts (nftables mode has none, whatever the setting).
	 */
	@Test
	void kubeProxyKnobs() {
		KubeService svc = KubeService.clusterIp("ns1", "svc1", Ip.parse("172.30.0.41"), ServicePort.tcp("p80", 80, 80));
		Map<ServiceRef, List<Endpoint>> eps = Map.of(svc.ref(),
				List.of(Endpoint.ready(Ip.parse("10.180.0.1"), "p80", 80, null)));
		NftablesProxier.Settings s = NftablesProxierTest.upstreamSettings();
		java.util.function.Function<ProxyConfig, String> tx = c -> NftablesProxier.generate(List.of(svc), eps,
				new NftablesProxier.Settings(c, s.serviceCidr(), s.nodePortIps()));
		run(tx.apply(s.config().withLocalDetector(new LocalDetector.ByCidr(Cidr.parse("10.180.0.0/24")))),
				List.of(new Flow("NodeCIDR detector: pod of this node to cluster IP, not masqueraded", Protocol.TCP,
						"10.180.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
						new Flow("NodeCIDR detector: pod of another node to cluster IP, masqueraded", Protocol.TCP,
								"10.180.2.2", "172.30.0.41", 80, "10.180.0.1:80", true)));
		run(tx.apply(s.config().withLocalDetector(new LocalDetector.ByBridgeInterface("cni0"))),
				List.of(new Flow("BridgeInterface detector: in by cni0, not masqueraded", Protocol.TCP, "10.0.0.2",
						"172.30.0.41", 80, "10.180.0.1:80", false, "cni0"),
						new Flow("BridgeInterface detector: in by eth0, masqueraded", Protocol.TCP, EXTERNAL_CLIENT,
								"172.30.0.41", 80, "10.180.0.1:80", true, "eth0")));
		run(tx.apply(s.config().withLocalDetector(new LocalDetector.ByInterfaceNamePrefix("veth"))),
				List.of(new Flow("InterfaceNamePrefix detector: in by veth1234, not masqueraded", Protocol.TCP,
						"10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", false, "veth1234"),
						new Flow("InterfaceNamePrefix detector: in by cni0 (behind a bridge), masqueraded",
								Protocol.TCP, "10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", true, "cni0")));
		run(tx.apply(s.config().withLocalDetector(new LocalDetector.None())),
				List.of(new Flow("no detector: off-cluster client to cluster IP keeps its source", Protocol.TCP,
						EXTERNAL_CLIENT, "172.30.0.41", 80, "10.180.0.1:80", false, "eth0")));
		run(tx.apply(s.config().withMasqueradeBit(15)),
				List.of(new Flow("masqueradeBit 15: off-cluster client to cluster IP, masqueraded", Protocol.TCP,
						EXTERNAL_CLIENT, "172.30.0.41", 80, "10.180.0.1:80", true)));
		assertThat(tx.apply(s.config().withMasqueradeBit(15))).contains("mark set mark or 0x8000")
			.contains("mark and 0x8000 == 0 return")
			.doesNotContain("0x4000");
		// localhostNodePorts: the nftables proxier has no such option
		// (KubeProxyConfiguration:
		// "localhost NodePorts are never allowed with other proxy modes")
		KubeService np = KubeService.nodePort("ns1", "svc1", Ip.parse("172.30.0.41"),
				ServicePort.tcp("p80", 80, 80).withNodePort(3001));
		for (boolean localhost : new boolean[] { true, false }) {
			String t = NftablesProxier.generate(List.of(np), eps, new NftablesProxier.Settings(
					s.config().withLocalhostNodePorts(localhost), s.serviceCidr(), s.nodePortIps()));
			run(t, List.of(new Flow("localhostNodePorts " + localhost + ": 127.0.0.1:3001 is no NodePort in nftables",
					Protocol.TCP, "127.0.0.1", "127.0.0.1", 3001, "127.0.0.1:3001", false)));
		}
	}

	// ----------------------------------------------------------------------------------------------------
	// tracer

	private static void run(List<KubeService> services, Map<ServiceRef, List<Endpoint>> eps, List<Flow> flows) {
		run(NftablesProxier.generate(services, eps, NftablesProxierTest.upstreamSettings()), flows);
	}

	private static void run(String transaction, List<Flow> flows) {
		NftRuleset rs = NftRuleset.parse(transaction);
		List<String> failures = new ArrayList<>();
		for (Flow f : flows) {
			Outcome got = trace(rs, f);
			String row = f.name() + " | expected " + f.output() + (f.masq() ? " (masq)" : "") + " | got " + got.output()
					+ (got.masq() ? " (masq)" : "");
			TABLE.add(row);
			System.out.println("nftables packet flow: " + row);
			boolean endpoint = !f.output().equals("DROP") && !f.output().equals("REJECT");
			if (!got.output().equals(f.output()) || (endpoint && got.masq() != f.masq())) {
				failures.add(row);
			}
		}
		assertThat(failures).as("packet-flow rows that differ from upstream's expectation").isEmpty();
	}

	private static boolean isLocal(Ip ip) {
		return ip.isLoopback() || NODE_IPS.contains(ip);
	}

	/**
	 * Tries every numgen value (a draw of k·2^28 selects floor(k·N/16), so 16 draws cover
	 * N ≤ 16).
	 */
	static Outcome trace(NftRuleset rs, Flow f) {
		TreeSet<String> outputs = new TreeSet<>();
		boolean masq = false;
		String terminal = null;
		for (int k = 0; k < 16; k++) {
			int draw = k << 28;
			Outcome o = once(rs, f, () -> draw);
			if (o.output().equals("DROP") || o.output().equals("REJECT")) {
				terminal = o.output();
				break;
			}
			outputs.add(o.output());
			masq |= o.masq();
		}
		return terminal != null ? new Outcome(terminal, false) : new Outcome(String.join(", ", outputs), masq);
	}

	private static Outcome once(NftRuleset rs, Flow f, dev.packetwalk.netfilter.RandomSource random) {
		Ip src = Ip.parse(f.src());
		Packet p = packet(f.protocol(), src, Ip.parse(f.dst()), f.port());
		NftEvaluator.DynamicSets sets = new NftEvaluator.DynamicSets();
		Predicate<Ip> local = NftablesPacketFlowTest::isLocal;
		List<Hook> hooks = new ArrayList<>();
		boolean fromNode = isLocal(src);
		hooks.add(fromNode ? Hook.OUTPUT : Hook.PREROUTING);
		boolean masq = false;
		for (int i = 0; i < hooks.size(); i++) {
			Hook hook = hooks.get(i);
			for (NftRuleset.BaseChain b : rs.baseChains(hook)) {
				NftEvaluator.Result r = NftEvaluator.evaluate(rs, b.chain(), new NftEvaluator.Context(p,
						hook.hasInDevice() ? f.inDev() : null, CtState.NEW, local, random, sets, 0));
				p = p.withMark(r.mark());
				switch (r.verdict()) {
					case Verdict.Drop d -> {
						return new Outcome("DROP", false);
					}
					case Verdict.Reject rj -> {
						return new Outcome("REJECT", false);
					}
					case Verdict.Accept a -> {
						if (r.nat() instanceof Target.Dnat d) {
							p = p.withIp(p.ip().withDst(d.to().minIp()))
								.withL4(p.l4()
									.withPorts(p.l4().srcPort(),
											d.to().hasPorts() ? d.to().minPort() : p.l4().dstPort()));
						}
						else if (r.nat() instanceof Target.Masquerade) {
							masq = true;
						}
					}
				}
			}
			if (hook == Hook.PREROUTING) {
				hooks.add(isLocal(p.dst()) ? Hook.INPUT : Hook.FORWARD);
				if (!isLocal(p.dst())) {
					hooks.add(Hook.POSTROUTING);
				}
			}
			else if (hook == Hook.OUTPUT && !isLocal(p.dst())) {
				hooks.add(Hook.POSTROUTING);
			}
		}
		return new Outcome(p.dst() + ":" + p.l4().dstPort(), masq);
	}

	private static Packet packet(Protocol proto, Ip src, Ip dst, int port) {
		Transport l4 = switch (proto) {
			case TCP -> new Transport.Tcp(40000, port, "S");
			case UDP -> new Transport.Udp(40000, port);
			case SCTP -> new Transport.Sctp(40000, port, 0, Transport.Sctp.INIT, 0x1234abcdL);
			case ICMP -> throw new IllegalArgumentException("the rows send to ports");
		};
		return Packet.of(new Ipv4(src, dst, proto, 64, true), l4, Payload.Bytes.EMPTY);
	}

}

package dev.packetwalk.kubeproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.RuleMatch;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PacketFlowTest}'s cluster with kube-proxy in IPVS mode: the rows about
 * loadBalancerSourceRanges (upstream's {@code KUBE-LOAD-BALANCER-FW},
 * {@code KUBE-LOAD-BALANCER-SOURCE-CIDR} and {@code KUBE-SOURCE-RANGES-FIREWALL}) and a
 * few others to show the same answers come out of the other datapath. The LB IP is bound
 * on kube-ipvs0, so the packet goes to INPUT, where filter's KUBE-PROXY-FIREWALL runs
 * before IPVS takes it at LOCAL_IN.
 */
class IpvsPacketFlowTest {

	static Stream<PacketFlowTest.Row> rows() {
		String ipvs = "proxyMode: ipvs";
		return Stream.of(
				new PacketFlowTest.Row("pod to cluster IP", ipvs, "client", "10.96.0.10:80", "TCP",
						"10.244.1.5:8080 from 10.244.1.10"),
				new PacketFlowTest.Row("same port, TCP", ipvs, "client", "10.96.0.10:53", "TCP",
						"10.244.1.5:5354 from 10.244.1.10"),
				new PacketFlowTest.Row("same port, UDP", ipvs, "client", "10.96.0.10:53", "UDP",
						"10.244.1.5:5353 from 10.244.1.10"),
				new PacketFlowTest.Row("LB IP from an allowed source", ipvs, "host/office", "203.0.113.120:443", "TCP",
						"10.244.2.5:8080 masqueraded"),
				new PacketFlowTest.Row("LB IP from a blocked source", ipvs, "host/stranger", "203.0.113.120:443", "TCP",
						"DROP"),
				new PacketFlowTest.Row("pod to LB IP with source ranges", ipvs, "client", "203.0.113.120:443", "TCP",
						"DROP"),
				new PacketFlowTest.Row("external to NodePort (Cluster policy)", ipvs, "host/office",
						"198.51.100.10:30080", "TCP", "10.244.2.5:8080 masqueraded"),
				new PacketFlowTest.Row("node to cluster IP", ipvs, "node/node2", "10.96.0.10:80", "TCP",
						"10.244.1.5:8080 masqueraded"),
				new PacketFlowTest.Row("node to LB IP, no range holds the node", ipvs, "node/node1",
						"203.0.113.120:443", "TCP", "DROP"),
				// SCTP: an SCTP virtual server per Service port, its own endpoint port
				new PacketFlowTest.Row("same port, SCTP", ipvs, "client", "10.96.0.10:53", "SCTP",
						"10.244.1.5:5355 from 10.244.1.10"),
				new PacketFlowTest.Row("pod to SCTP cluster IP", ipvs, "client", "10.96.0.16:3868", "SCTP",
						"10.244.2.5:3868 from 10.244.1.10"),
				new PacketFlowTest.Row("node to SCTP cluster IP", ipvs, "node/node2", "10.96.0.16:3868", "SCTP",
						"10.244.2.5:3868 masqueraded"),
				// no SCTP virtual server on 10.96.0.12:80: KUBE-IPVS-FILTER rejects a new
				// connection to an address on kube-ipvs0 that no set holds with its port
				new PacketFlowTest.Row("wrong protocol (SCTP to a TCP-only port)", ipvs, "client", "10.96.0.12:80",
						"SCTP", "REJECT"),
				new PacketFlowTest.Row("external to SCTP NodePort (Cluster policy)", SCTP_NODE_PORT, "host/office",
						"198.51.100.10:30868", "SCTP", "10.244.2.5:3868 masqueraded"),
				new PacketFlowTest.Row("pod to SCTP NodePort on its own node", SCTP_NODE_PORT, "client",
						"10.240.0.2:30868", "SCTP", "10.244.2.5:3868 masqueraded"));
	}

	/**
	 * IPVS mode, and svc-np with an SCTP port beside its TCP one: {@code 3868/SCTP},
	 * nodePort 30868, to ep-b's {@code diameter} port.
	 */
	static final String SCTP_NODE_PORT = "proxyMode: ipvs\n# sctp node port";

	static String yaml(PacketFlowTest.Row row) {
		String yaml = PacketFlowTest.CLUSTER.formatted(row.kubeProxy(), row.from(), row.to(), row.protocol());
		if (row.kubeProxy().equals(SCTP_NODE_PORT)) {
			String np = "ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}}";
			if (!yaml.contains(np)) {
				throw new IllegalStateException("svc-np's ports changed: " + np + " not found");
			}
			yaml = yaml.replace(np, "ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080},"
					+ " {name: diameter, port: 3868, protocol: SCTP, targetPort: diameter, nodePort: 30868}]}}");
		}
		return yaml;
	}

	private static final List<String> TABLE = new ArrayList<>();

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void theFlowEndsWhereUpstreamSays(PacketFlowTest.Row row) {
		Walk request = walk(row, 1);
		String got = PacketFlowTest.outcome(request,
				((Step.Send) request.hops().getFirst().steps().getFirst()).packet().ip().src().toString());
		TABLE.add("| " + row.name() + " | ipvs | " + row.expected() + " | " + got + " |");
		assertThat(got).as(row.name()).isEqualTo(row.expected());
	}

	/**
	 * The blocked source is dropped by the firewall chain's last rule, after the source
	 * CIDR set did not hold it; the allowed one returns from there on the set's member.
	 */
	@Test
	void theFirewallChainDecidesOnTheSourceCidrSet() {
		Walk blocked = walk(new PacketFlowTest.Row("blocked", "proxyMode: ipvs", "host/stranger", "203.0.113.120:443",
				"TCP", "DROP"), 1);
		List<RuleMatch> hits = filterInputHits(blocked);
		assertThat(hits).extracting(RuleMatch::chain)
			.containsSubsequence("INPUT", "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL");
		assertThat(hits.getLast().rule()).isEqualTo("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP");
		Step.Drop drop = (Step.Drop) blocked.hops().getLast().steps().getLast();
		assertThat(drop.at().namespace()).startsWith("node");

		Walk allowed = walk(
				new PacketFlowTest.Row("allowed", "proxyMode: ipvs", "host/office", "203.0.113.120:443", "TCP", ""), 1);
		assertThat(filterInputHits(allowed)).anySatisfy(h -> {
			assertThat(h.chain()).isEqualTo("KUBE-SOURCE-RANGES-FIREWALL");
			assertThat(h.rule()).contains("--match-set KUBE-LOAD-BALANCER-SOURCE-CIDR dst,dst,src -j RETURN");
		});
		assertThat(allowed.hops().stream().flatMap(h -> h.steps().stream())).anyMatch(s -> s instanceof Step.Ipvs);
	}

	/**
	 * kubernetes#119656: the node's own connection to the LB IP leaves with the LB IP as
	 * its source and IPVS takes it at LOCAL_OUT, so the INPUT firewall never sees it;
	 * KUBE-IPVS-OUT-FILTER's {@code -m ipvs} rule drops it in filter OUTPUT unless a
	 * range holds the node's address (then KUBE-LOAD-BALANCER-SOURCE-IP has the LB IP as
	 * a source and no such rule is written).
	 */
	@Test
	void theNodesOwnConnectionIsDroppedByTheIpvsOutFilterUnlessARangeHoldsTheNode() {
		PacketFlowTest.Row row = new PacketFlowTest.Row("node to LB", "proxyMode: ipvs", "node/node1",
				"203.0.113.120:443", "TCP", "");
		Walk blocked = walk(row, 1);
		List<Step> steps = blocked.hops().stream().flatMap(h -> h.steps().stream()).toList();
		assertThat(steps).anyMatch(s -> s instanceof Step.Ipvs i && i.narration().contains("LOCAL_OUT"));
		Step.Netfilter out = steps.stream()
			.filter(s -> s instanceof Step.Netfilter n && n.hook() == Step.Netfilter.Hook.OUTPUT
					&& n.table() == Step.Netfilter.Table.FILTER)
			.map(Step.Netfilter.class::cast)
			.reduce((a, b) -> b)
			.orElseThrow();
		assertThat(out.matched().getLast().rule()).isEqualTo(
				"-A KUBE-IPVS-OUT-FILTER -s 203.0.113.120/32 -m ipvs --vproto 6 --vaddr 203.0.113.120 --vport 443 -j DROP");
		assertThat(steps.getLast()).isInstanceOf(Step.Drop.class);

		String yaml = PacketFlowTest.CLUSTER.formatted(row.kubeProxy(), row.from(), row.to(), row.protocol())
			.replace("loadBalancerSourceRanges: [192.0.2.0/24]",
					"loadBalancerSourceRanges: [192.0.2.0/24, 10.240.0.0/16]");
		assertThat(yaml).contains("10.240.0.0/16]");
		List<Walk> walks = new Engine(new ScenarioCompiler().compile("node-in-range.yaml", yaml).scenario()).run(1)
			.walks();
		assertThat(PacketFlowTest.outcome(walks.getFirst(), "203.0.113.120")).isEqualTo("10.244.2.5:8080 masqueraded");
		// the reply is un-NATed by conntrack back to the node's socket, from the LB IP
		assertThat(walks).hasSize(2);
		assertThat(walks.getLast().disposition().delivered()).as(walks.getLast().disposition().toString()).isTrue();
	}

	/**
	 * An SCTP association through an SCTP virtual server: IPVS takes the INIT at LOCAL_IN
	 * ({@code SCTP 10.96.0.16:3868 rr}, as ipvsadm -Ln prints it) and the rest of the
	 * association (INIT ACK, COOKIE ECHO, COOKIE ACK, DATA, SACK) follows conntrack's
	 * entry without IPVS scheduling again; an SCTP virtual server without real servers
	 * (svc-sctp-none) answers ICMP port unreachable (ip_vs_leave), whatever the protocol.
	 */
	@Test
	void anSctpAssociationGoesThroughItsVirtualServerAndOneWithoutRealServersIsRefused() {
		PacketFlowTest.Row row = new PacketFlowTest.Row("sctp", "proxyMode: ipvs", "client", "10.96.0.16:3868", "SCTP",
				"");
		List<Walk> walks = new Engine(new ScenarioCompiler().compile("sctp.yaml", yaml(row)).scenario()).run(1).walks();
		assertThat(walks)
			.extracting(
					w -> ((dev.packetwalk.packet.Transport.Sctp) w.hops().getFirst().steps().getFirst().packet().l4())
						.chunk() + (w.disposition().delivered() ? " delivered" : " " + w.disposition().reason()))
			.containsExactly("INIT delivered", "INIT ACK delivered", "COOKIE ECHO delivered", "COOKIE ACK delivered",
					"DATA delivered", "SACK delivered");
		List<Step.Ipvs> ipvsSteps = walks.stream()
			.flatMap(w -> w.hops().stream())
			.flatMap(h -> h.steps().stream())
			.filter(Step.Ipvs.class::isInstance)
			.map(Step.Ipvs.class::cast)
			.toList();
		assertThat(ipvsSteps).singleElement().satisfies(i -> {
			assertThat(i.virtualServer()).isEqualTo("SCTP 10.96.0.16:3868 rr");
			assertThat(i.chosen()).isEqualTo("10.244.2.5:3868");
		});

		Walk refused = walk(
				new PacketFlowTest.Row("sctp none", "proxyMode: ipvs", "client", "10.96.0.17:3868", "SCTP", ""), 1);
		Step.Drop drop = (Step.Drop) refused.hops().getLast().steps().getLast();
		assertThat(drop.reason()).isEqualTo(dev.packetwalk.trace.DropReason.NO_LISTENER);
		assertThat(drop.icmp()).isEqualTo("ICMP type 3 code 3 port unreachable");
		assertThat(drop.narration()).contains("virtual server 10.96.0.17:3868/SCTP but no real server");
	}

	private static List<RuleMatch> filterInputHits(Walk w) {
		return w.hops()
			.stream()
			.flatMap(h -> h.steps().stream())
			.filter(s -> s instanceof Step.Netfilter n && n.table() == Step.Netfilter.Table.FILTER
					&& n.hook() == Step.Netfilter.Hook.INPUT)
			.flatMap(s -> ((Step.Netfilter) s).matched().stream())
			.toList();
	}

	private static Walk walk(PacketFlowTest.Row row, long seed) {
		String yaml = yaml(row);
		CompiledScenario cs = new ScenarioCompiler().compile(row.name() + ".yaml", yaml);
		Trace trace = new Engine(cs.scenario()).run(seed);
		return trace.walks().getFirst();
	}

	@AfterAll
	static void printTable() {
		System.out.println("| row | mode | expected | got |\n|---|---|---|---|");
		TABLE.forEach(System.out::println);
	}

}

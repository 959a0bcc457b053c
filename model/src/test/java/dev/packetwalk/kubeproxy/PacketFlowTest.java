package dev.packetwalk.kubeproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packet flows through kube-proxy's iptables rules, in the manner of upstream's
 * {@code runPacketFlowTests} ({@code pkg/proxy/iptables/proxier_test.go}): for a source,
 * a destination and a protocol, where does the packet end up (an endpoint, REJECT, DROP,
 * nowhere), and is it masqueraded? Unlike upstream, each row is walked through the whole
 * datapath of a small cluster (pod veths, bridges, the cloud network, conntrack), not
 * just the rules.
 *
 * <p>
 * The expected column is upstream's answer for the same situation (its test cases "pod to
 * cluster IP", "hairpin", "same port on TCP and UDP", "wrong protocol", "no endpoints:
 * REJECT", "external to NodePort", "node to NodePort", "localhost to NodePort", "LB with
 * loadBalancerSourceRanges", "pod to LB with loadBalancerSourceRanges", "eTP Local", "iTP
 * Local", "masqueradeAll").
 */
class PacketFlowTest {

	/**
	 * Two kubenet nodes on a GCP-style VPC, two outside hosts, and one Service per case.
	 */
	static final String CLUSTER = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: packet-flows}
			cluster:
			  network: kubenet
			  cloud: {provider: gcp, vpcCIDR: 10.240.0.0/16}
			  %s
			  nodes:
			    - {name: node1, internalIP: 10.240.0.2, externalIP: 198.51.100.10, podCIDR: 10.244.1.0/24}
			    - {name: node2, internalIP: 10.240.0.3, externalIP: 198.51.100.11, podCIDR: 10.244.2.0/24}
			  pods:
			    - {name: client, node: node1, ip: 10.244.1.10}
			    - {name: client2, node: node2, ip: 10.244.2.10}
			    - name: ep-a
			      node: node1
			      ip: 10.244.1.5
			      labels: {app: a}
			      containers:
			        - name: a
			          ports:
			            - {name: http, containerPort: 8080}
			            - {name: dns-tcp, containerPort: 5354}
			            - {name: dns-udp, containerPort: 5353, protocol: UDP}
			            - {name: dns-sctp, containerPort: 5355, protocol: SCTP}
			    - {name: ep-b, node: node2, ip: 10.244.2.5, labels: {app: b}, containers: [{name: b, ports: [{name: http, containerPort: 8080}, "diameter:sctp/3868"]}]}
			  hosts:
			    - {name: office, ip: 192.0.2.50}
			    - {name: stranger, ip: 198.51.100.7}
			objects:
			  - {apiVersion: v1, kind: Service, metadata: {name: svc-a}, spec: {selector: {app: a}, clusterIP: 10.96.0.10,
			      ports: [{name: http, port: 80, targetPort: http}, {name: dns-tcp, port: 53, targetPort: 5354},
			              {name: dns-udp, port: 53, protocol: UDP, targetPort: 5353},
			              {name: dns-sctp, port: 53, protocol: SCTP, targetPort: 5355}]}}
			  - {apiVersion: v1, kind: Service, metadata: {name: svc-sctp}, spec: {selector: {app: b}, clusterIP: 10.96.0.16,
			      ports: [{name: diameter, port: 3868, protocol: SCTP, targetPort: diameter}]}}
			  - {apiVersion: v1, kind: Service, metadata: {name: svc-sctp-none}, spec: {selector: {app: nothing}, clusterIP: 10.96.0.17,
			      ports: [{port: 3868, protocol: SCTP}]}}
			  - {apiVersion: v1, kind: Service, metadata: {name: svc-none}, spec: {selector: {app: nothing}, clusterIP: 10.96.0.11,
			      ports: [{port: 80}]}}
			  - {apiVersion: v1, kind: Service, metadata: {name: svc-np}, spec: {type: NodePort, selector: {app: b},
			      clusterIP: 10.96.0.12, ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}}
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: svc-lb}
			    spec: {type: LoadBalancer, selector: {app: b}, clusterIP: 10.96.0.13, loadBalancerSourceRanges: [192.0.2.0/24],
			           ports: [{port: 443, targetPort: 8080, nodePort: 30443}]}
			    status: {loadBalancer: {ingress: [{ip: 203.0.113.120}]}}
			  - {apiVersion: v1, kind: Service, metadata: {name: svc-local}, spec: {type: NodePort, externalTrafficPolicy: Local,
			      selector: {app: b}, clusterIP: 10.96.0.14, ports: [{port: 80, targetPort: 8080, nodePort: 30081}]}}
			  - {apiVersion: v1, kind: Service, metadata: {name: svc-itp}, spec: {internalTrafficPolicy: Local,
			      selector: {app: b}, clusterIP: 10.96.0.15, ports: [{port: 80, targetPort: 8080}]}}
			flows:
			  - {id: flow, from: %s, to: "%s", protocol: %s}
			""";

	/** One row: who sends what where, and what upstream's rules do with it. */
	record Row(String name, String kubeProxy, String from, String to, String protocol, String expected) {

		@Override
		public String toString() {
			return name;
		}
	}

	static Stream<Row> rows() {
		String none = "";
		String masqAll = "kubeProxy: {iptables: {masqueradeAll: true}}";
		String noLocalhost = "kubeProxy: {iptables: {localhostNodePorts: false}}";
		String bridgeDetector = "kubeProxy: {detectLocalMode: BridgeInterface, detectLocal: {bridgeInterface: cbr0}}";
		return Stream.of(
				new Row("pod to cluster IP", none, "client", "10.96.0.10:80", "TCP",
						"10.244.1.5:8080 from 10.244.1.10"),
				new Row("hairpin: endpoint to its own cluster IP", none, "ep-a", "10.96.0.10:80", "TCP",
						"10.244.1.5:8080 masqueraded"),
				new Row("targetPort (named) 80 -> 8080", none, "client2", "10.96.0.10:80", "TCP",
						"10.244.1.5:8080 from 10.244.2.10"),
				new Row("same port, TCP", none, "client", "10.96.0.10:53", "TCP", "10.244.1.5:5354 from 10.244.1.10"),
				new Row("same port, UDP", none, "client", "10.96.0.10:53", "UDP", "10.244.1.5:5353 from 10.244.1.10"),
				new Row("wrong protocol (UDP to a TCP-only port)", none, "client", "10.96.0.12:80", "UDP",
						"not DNATed"),
				new Row("no endpoints", none, "client", "10.96.0.11:80", "TCP", "REJECT"),
				new Row("external to NodePort (Cluster policy)", none, "host/office", "198.51.100.10:30080", "TCP",
						"10.244.2.5:8080 masqueraded"),
				new Row("node to its own NodePort", none, "node/node1", "10.240.0.2:30080", "TCP",
						"10.244.2.5:8080 masqueraded"),
				new Row("localhost to NodePort", none, "node/node1", "localhost:30080", "TCP",
						"10.244.2.5:8080 masqueraded"),
				new Row("localhost to NodePort, localhostNodePorts false", noLocalhost, "node/node1", "localhost:30080",
						"TCP", "not DNATed"),
				new Row("LB IP from an allowed source", none, "host/office", "203.0.113.120:443", "TCP",
						"10.244.2.5:8080 masqueraded"),
				new Row("LB IP from a blocked source", none, "host/stranger", "203.0.113.120:443", "TCP", "DROP"),
				new Row("pod to LB IP with source ranges", none, "client", "203.0.113.120:443", "TCP", "DROP"),
				new Row("eTP Local, node without local endpoints", none, "host/office", "198.51.100.10:30081", "TCP",
						"DROP"),
				new Row("eTP Local, node with a local endpoint", none, "host/office", "198.51.100.11:30081", "TCP",
						"10.244.2.5:8080 from 192.0.2.50"),
				new Row("eTP Cluster, node without local endpoints", none, "host/office", "198.51.100.10:30080", "TCP",
						"10.244.2.5:8080 masqueraded"),
				new Row("iTP Local, client on a node without endpoints", none, "client", "10.96.0.15:80", "TCP",
						"DROP"),
				new Row("iTP Local, client on the endpoint's node", none, "client2", "10.96.0.15:80", "TCP",
						"10.244.2.5:8080 from 10.244.2.10"),
				new Row("masqueradeAll: pod to cluster IP", masqAll, "client2", "10.96.0.10:80", "TCP",
						"10.244.1.5:8080 masqueraded"),
				new Row("detectLocalMode BridgeInterface: pod to cluster IP", bridgeDetector, "client2",
						"10.96.0.10:80", "TCP", "10.244.1.5:8080 from 10.244.2.10"),
				new Row("detectLocalMode BridgeInterface: node to cluster IP", bridgeDetector, "node/node2",
						"10.96.0.10:80", "TCP", "10.244.1.5:8080 masqueraded"),
				new Row("detectLocalMode NodeCIDR: pod to cluster IP", "kubeProxy: {detectLocalMode: NodeCIDR}",
						"client2", "10.96.0.10:80", "TCP", "10.244.1.5:8080 from 10.244.2.10"),
				// behind a bridge, br_netfilter's PREROUTING sees the bridge (cbr0) as
				// the input device, not the pod's veth:
				// '! -i veth+' matches every pod packet, so a bridged pod is "not local"
				// and is masqueraded (the mode is
				// meant for CNIs that route pod veths without a bridge)
				new Row("detectLocalMode InterfaceNamePrefix veth behind a bridge: pod to cluster IP",
						"kubeProxy: {detectLocalMode: InterfaceNamePrefix, detectLocal: {interfaceNamePrefix: veth}}",
						"client2", "10.96.0.10:80", "TCP", "10.244.1.5:8080 masqueraded"),
				new Row("hairpin with hairpinMode none", "hairpinMode: none", "ep-a", "10.96.0.10:80", "TCP",
						"dropped after DNAT: NOT_FOR_THIS_HOST"));
	}

	/**
	 * SCTP, in iptables and nftables modes: the same port on TCP, UDP and SCTP reaches
	 * each protocol's own endpoint port; SCTP to a TCP-only port is not DNATed (nftables
	 * mode rejects it, as it rejects any packet to a cluster IP on a port it does not
	 * serve); an SCTP cluster IP reaches its endpoint on the other node; an SCTP Service
	 * without endpoints is rejected (upstream writes {@code -j REJECT} / the no-endpoint
	 * verdict for every protocol).
	 */
	static Stream<Row> sctpRows() {
		return Stream.of("", "proxyMode: nftables")
			.flatMap(mode -> Stream.of(
					new Row("same port, TCP (with SCTP)", mode, "client", "10.96.0.10:53", "TCP",
							"10.244.1.5:5354 from 10.244.1.10"),
					new Row("same port, UDP (with SCTP)", mode, "client", "10.96.0.10:53", "UDP",
							"10.244.1.5:5353 from 10.244.1.10"),
					new Row("same port, SCTP", mode, "client", "10.96.0.10:53", "SCTP",
							"10.244.1.5:5355 from 10.244.1.10"),
					// nftables mode rejects what reaches a cluster IP on no Service port
					// (upstream's "TCP-only port does not match UDP traffic": REJECT)
					new Row("wrong protocol (SCTP to a TCP-only port)", mode, "client", "10.96.0.12:80", "SCTP",
							mode.isEmpty() ? "not DNATed" : "REJECT"),
					new Row("pod to SCTP cluster IP", mode, "client", "10.96.0.16:3868", "SCTP",
							"10.244.2.5:3868 from 10.244.1.10"),
					new Row("SCTP, no endpoints", mode, "client", "10.96.0.17:3868", "SCTP", "REJECT")));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("sctpRows")
	void sctpEndsWhereUpstreamSays(Row row) {
		theFlowEndsWhereUpstreamSays(row);
	}

	private static final List<String> TABLE = new ArrayList<>();

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void theFlowEndsWhereUpstreamSays(Row row) {
		String yaml = CLUSTER.formatted(row.kubeProxy(), row.from(), row.to(), row.protocol());
		CompiledScenario cs = new ScenarioCompiler().compile(row.name() + ".yaml", yaml);
		Trace trace = new Engine(cs.scenario()).run(1);
		Walk request = trace.walks().getFirst();
		String got = outcome(request, senderIp(cs, row.from()));
		TABLE.add("| " + row.name() + " | " + (row.kubeProxy().contains("nftables") ? "nftables" : "iptables") + " | "
				+ row.expected() + " | " + got + " |");
		assertThat(got).as(row.name()).isEqualTo(row.expected());
	}

	@AfterAll
	static void printTable() {
		System.out.println("| row | mode | expected | got |\n|---|---|---|---|");
		TABLE.forEach(System.out::println);
	}

	/** The sender's own address, as the flow's first packet carries it. */
	private static String senderIp(CompiledScenario cs, String from) {
		Walk w = new Engine(cs.scenario()).run(1).walks().getFirst();
		return ((Step.Send) w.hops().getFirst().steps().getFirst()).packet().ip().src().toString();
	}

	/**
	 * What upstream's packet-flow tests report: the endpoint reached and whether the
	 * source was rewritten; or REJECT / DROP when a kube-proxy rule refused it; or "not
	 * DNATed" when no Service rule touched it.
	 */
	static String outcome(Walk request, String senderIp) {
		List<Step> steps = request.hops().stream().flatMap(h -> h.steps().stream()).toList();
		boolean dnat = steps.stream().anyMatch(s -> s instanceof Step.Nat n && n.kind() == Step.Nat.Kind.DNAT);
		if (request.disposition().delivered()) {
			Step.Deliver d = (Step.Deliver) steps.getLast();
			String src = d.packet().ip().src().toString();
			String where = d.packet().ip().dst() + ":" + d.packet().l4().dstPort();
			if (!dnat) {
				return "not DNATed (delivered to " + where + ")";
			}
			boolean masqueraded = steps.stream()
				.anyMatch(s -> s instanceof Step.Nat n
						&& (n.kind() == Step.Nat.Kind.MASQUERADE || n.kind() == Step.Nat.Kind.SNAT));
			return where + (masqueraded ? " masqueraded" : " from " + src);
		}
		Step.Drop drop = (Step.Drop) steps.getLast();
		return switch (drop.reason()) {
			case NETFILTER_REJECT -> "REJECT";
			// a kube-proxy rule on a node, not the cloud network dropping what nobody
			// translated
			case NETFILTER_DROP ->
				drop.at().namespace().startsWith("node") ? "DROP" : dnat ? "dropped after DNAT" : "not DNATed";
			default -> dnat ? "dropped after DNAT: " + drop.reason() : "not DNATed";
		};
	}

}

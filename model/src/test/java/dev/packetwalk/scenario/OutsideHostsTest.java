package dev.packetwalk.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.trace.Disposition;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside hosts at any address the cluster does not use (issue #20, item 3): declared or
 * made on the fly by a flow's bare address, on a node segment or behind the router (the
 * Internet with a cloud); an address in one of the cluster's ranges is one error naming
 * both, and the flows that use the refused host are not reported again.
 */
class OutsideHostsTest {

	static final String LAN = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: outside}
			cluster:
			  network: kubenet
			  nodes:
			    - {name: node1, podCIDR: 10.244.1.0/24}
			  pods:
			    - {name: web, node: node1, ip: 10.244.1.10, containers: [{name: web, ports: [{containerPort: 8080}]}]}
			""";

	private final ScenarioCompiler compiler = new ScenarioCompiler();

	private List<ScenarioProblem> problems(String yaml) {
		try {
			compiler.compile("test.yaml", yaml);
			return List.of();
		}
		catch (ScenarioException ex) {
			return ex.problems();
		}
	}

	private static Trace run(CompiledScenario s) {
		return new Engine(s.scenario()).run(s.seed());
	}

	private static Walk walk(Trace t, String flow, Walk.Leg leg) {
		return t.walks().stream().filter(w -> w.flow().equals(flow) && w.leg() == leg).findFirst().orElseThrow();
	}

	private static List<Step.Policy> policySteps(Walk w) {
		return w.hops()
			.stream()
			.flatMap(h -> h.steps().stream())
			.filter(Step.Policy.class::isInstance)
			.map(Step.Policy.class::cast)
			.toList();
	}

	private static Namespace ns(CompiledScenario s, String id) {
		return s.scenario()
			.topology()
			.namespaces()
			.stream()
			.filter(n -> n.id().equals(id))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no namespace " + id));
	}

	/**
	 * The Kubernetes docs' test-network-policy, with the docs' own addresses: 172.17.0.5
	 * is allowed on 6379, 172.17.1.5 (in the except range) is denied, and db's egress to
	 * 10.0.0.5:5978 is allowed.
	 */
	@Test
	void theDocsNetworkPolicyExampleRunsWithItsOwnAddresses() throws IOException {
		String yaml = Files.readString(Path.of("../scenarios/netpol-docs-example.yaml"), StandardCharsets.UTF_8);
		CompiledScenario s = compiler.compile("netpol-docs-example.yaml", yaml);
		Trace t = run(s);

		Walk allowed = walk(t, "client-allowed", Walk.Leg.REQUEST);
		assertThat(allowed.disposition().outcome()).isEqualTo(Disposition.Outcome.DELIVERED);
		assertThat(policySteps(allowed)).singleElement().satisfies(p -> {
			assertThat(p.allowed()).isTrue();
			assertThat(p.pod()).isEqualTo("default/db");
			assertThat(p.packet().ip().src().toString()).isEqualTo("172.17.0.5");
		});
		assertThat(walk(t, "client-allowed", Walk.Leg.REPLY).disposition().outcome())
			.isEqualTo(Disposition.Outcome.DELIVERED);

		Walk denied = walk(t, "client-denied", Walk.Leg.REQUEST);
		assertThat(denied.disposition().outcome()).isEqualTo(Disposition.Outcome.DROPPED);
		assertThat(denied.disposition().reason()).isEqualTo(DropReason.POLICY_DENIED);
		assertThat(policySteps(denied)).singleElement().satisfies(p -> {
			assertThat(p.allowed()).isFalse();
			assertThat(p.packet().ip().src().toString()).isEqualTo("172.17.1.5");
			assertThat(p.packet().l4().dstPort()).isEqualTo(6379);
		});

		for (String flow : List.of("frontend", "myproject", "egress")) {
			assertThat(walk(t, flow, Walk.Leg.REQUEST).disposition().outcome()).as(flow)
				.isEqualTo(Disposition.Outcome.DELIVERED);
		}
		// the on-the-fly hosts: behind the router (their addresses are in no segment)
		Namespace client = ns(s, "host/172.17.0.5");
		assertThat(client.kind()).isEqualTo(Namespace.Kind.HOST);
		assertThat(client.label()).isEqualTo("outside host 172.17.0.5");
		assertThat(client.devices()).anySatisfy(d -> assertThat(d.name()).isEqualTo("eth0"));
		Namespace router = ns(s, "router");
		assertThat(router.devices()).extracting(Device::name)
			.contains("to-lan", "h-172.17.0.5", "h-172.17.1.5", "h-10.0.0.5");
		// kubenet: the router routes the node's pod CIDR to the node
		assertThat(router.routes()).anySatisfy(r -> assertThat(r.text()).startsWith("10.244.1.0/24 via 10.240.0.2"));
		// a destination made on the fly listens on the port flows send to
		assertThat(ns(s, "host/10.0.0.5").listeners()).anySatisfy(l -> assertThat(l.port()).isEqualTo(5978));
	}

	@Test
	void aHostInsideANodeSegmentIsPluggedIntoItsSwitch() {
		CompiledScenario s = compiler.compile("t.yaml",
				LAN.replace("  pods:", "  hosts:\n    - {name: nas, ip: 10.240.0.50, listen: [tcp/2049]}\n  pods:")
						+ "flows:\n  - {from: web, to: host/nas:2049}\n");
		assertThat(ns(s, "lan").devices()).extracting(Device::name).contains("h-nas");
		assertThat(s.scenario().topology().namespaces()).extracting(Namespace::id).doesNotContain("router");
		assertThat(ns(s, "host/nas").devices()).anySatisfy(d -> {
			assertThat(d.name()).isEqualTo("eth0");
			assertThat(d.addresses().getFirst().toString()).isEqualTo("10.240.0.50/24");
		});
		assertThat(walk(run(s), "flow1", Walk.Leg.REQUEST).disposition().outcome())
			.isEqualTo(Disposition.Outcome.DELIVERED);
	}

	@Test
	void anyAddressWorksWithACloudToo() {
		String gcp = LAN.replace("  network: kubenet", "  network: kubenet\n  cloud: {provider: gcp}")
			.replace("  pods:",
					"  ipMasqAgent: {}\n  hosts:\n    - {name: dns, ip: 8.8.8.8, listen: [udp/53]}\n  pods:")
				+ "flows:\n  - {from: web, to: host/dns:53, protocol: UDP}\n  - {from: web, to: '1.1.1.1:53', protocol: UDP}\n";
		CompiledScenario s = compiler.compile("t.yaml", gcp);
		assertThat(ns(s, "internet").devices()).extracting(Device::name).contains("h-dns", "h-1.1.1.1");
		Trace t = run(s);
		assertThat(walk(t, "flow1", Walk.Leg.REQUEST).disposition().outcome()).isEqualTo(Disposition.Outcome.DELIVERED);
		assertThat(walk(t, "flow2", Walk.Leg.REQUEST).disposition().outcome()).isEqualTo(Disposition.Outcome.DELIVERED);
	}

	@Test
	void aHostInThePodNetworkIsOneErrorNamingBothRangesAndTheLine() {
		String yaml = LAN.replace("  pods:", "  hosts:\n    - {name: bad, ip: 10.244.1.77}\n  pods:")
				+ "flows:\n  - {from: host/bad, to: web:8080}\n  - {from: web, to: host/bad:80}\n"
				+ "  - {from: 10.244.1.77, to: web:8080}\n";
		assertThat(problems(yaml)).singleElement().satisfies(p -> {
			assertThat(p.path()).isEqualTo("cluster.hosts[0].ip");
			assertThat(p.line()).isEqualTo(9);
			assertThat(p.message()).isEqualTo("host bad cannot have the address 10.244.1.77: it is inside node node1's"
					+ " pod CIDR 10.244.1.0/24 (cluster.nodes[0].podCIDR, line 7). An outside host needs an address"
					+ " the cluster does not use (pod CIDRs, the service CIDR, node addresses, the VPC)");
		});
	}

	@Test
	void collisionsWithDefaultsNodesAndOtherHostsAreRefused() {
		String service = LAN.replace("  pods:", "  hosts:\n    - {name: bad, ip: 10.96.0.10}\n  pods:")
				+ "flows:\n  - {from: host/bad, to: web:8080}\n";
		assertThat(problems(service)).singleElement()
			.satisfies(
					p -> assertThat(p.message()).contains("it is inside the service CIDR 10.96.0.0/12 (the default)"));
		String node = LAN.replace("  pods:", "  hosts:\n    - {name: bad, ip: 10.240.0.2}\n  pods:")
				+ "flows:\n  - {from: host/bad, to: web:8080}\n";
		assertThat(problems(node)).singleElement()
			.satisfies(p -> assertThat(p.message()).contains("it is node node1's address (the default)"));
		String twice = LAN.replace("  pods:",
				"  hosts:\n    - {name: a, ip: 192.168.9.9}\n    - {name: b, ip: 192.168.9.9}\n  pods:")
				+ "flows:\n  - {from: host/a, to: web:8080}\n  - {from: host/b, to: web:8080}\n";
		assertThat(problems(twice)).singleElement().satisfies(p -> {
			assertThat(p.path()).isEqualTo("cluster.hosts[1].ip");
			assertThat(p.message()).contains("it is host a's already");
		});
		String loopback = LAN.replace("  pods:", "  hosts:\n    - {name: bad, ip: 127.0.0.5}\n  pods:")
				+ "flows:\n  - {from: web, to: host/bad:80}\n";
		assertThat(problems(loopback)).singleElement()
			.satisfies(p -> assertThat(p.message()).contains("it is inside the loopback range 127.0.0.0/8"));
		String router = LAN.replace("  pods:",
				"  hosts:\n    - {name: gw, ip: 10.240.0.1}\n    - {name: far, ip: 172.16.5.5}\n  pods:")
				+ "flows:\n  - {from: host/far, to: web:8080}\n";
		assertThat(problems(router)).singleElement().satisfies(p -> {
			assertThat(p.path()).isEqualTo("cluster.hosts[0].ip");
			assertThat(p.message()).contains("the router's address on segment lan");
		});
	}

	@Test
	void aBareSourceIsItsOwnerOrAnOutsideHostOrOneError() {
		CompiledScenario owner = compiler.compile("t.yaml", LAN + "flows:\n  - {from: 10.244.1.10, to: web:8080}\n");
		assertThat(owner.scenario().flows().getFirst().from()).isEqualTo("default/web");
		String inPods = LAN + "flows:\n  - {from: 10.244.1.99, to: web:8080}\n";
		assertThat(problems(inPods)).singleElement().satisfies(p -> {
			assertThat(p.path()).isEqualTo("flows[0].from");
			assertThat(p.message()).startsWith("no pod, node or host has 10.244.1.99, and no outside host can be made"
					+ " there: it is inside node node1's pod CIDR 10.244.1.0/24 (cluster.nodes[0].podCIDR, line 7)");
		});
		CompiledScenario fly = compiler.compile("t.yaml",
				LAN + "flows:\n  - {from: 192.168.50.7, to: web:8080}\n  - {from: web, to: '192.168.50.7:443'}\n");
		assertThat(fly.scenario().flows()).extracting(f -> f.from())
			.containsExactly("host/192.168.50.7", "default/web");
		assertThat(ns(fly, "host/192.168.50.7").listeners()).singleElement()
			.satisfies(l -> assertThat(l.port()).isEqualTo(443));
		Trace t = run(fly);
		assertThat(walk(t, "flow1", Walk.Leg.REQUEST).disposition().outcome()).isEqualTo(Disposition.Outcome.DELIVERED);
		assertThat(walk(t, "flow2", Walk.Leg.REQUEST).disposition().outcome()).isEqualTo(Disposition.Outcome.DELIVERED);
	}

	@Test
	void aLongAddressGetsAPortNameThatFits() {
		assertThat(OutsideHosts.portName(dev.packetwalk.net.Ip.parse("172.17.0.5"))).isEqualTo("h-172.17.0.5");
		assertThat(OutsideHosts.portName(dev.packetwalk.net.Ip.parse("172.217.160.142"))).isEqualTo("h-ACD9A08E");
	}

}

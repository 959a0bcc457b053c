package dev.packetwalk.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.packetwalk.topology.Topology;

/**
 * The command plan, checked without root: what would run, and that all of it stays inside
 * the lab.
 */
class MaterializerTest {

	private static Topology sameNode() {
		return Scenarios.compile("pod-to-pod-same-node").scenario().topology();
	}

	private static List<String> lines(List<Cmd> plan) {
		return plan.stream().map(Cmd::line).toList();
	}

	@Test
	void everyCommandIsConfinedToALabNamespace() {
		LabNames names = new LabNames("pwlab-1-1-");
		List<Cmd> plan = Materializer.plan(sameNode(), names);
		for (Cmd c : plan) {
			Safety.check(c.argv(), names::owns);
		}
		for (Cmd c : Materializer.teardown(names)) {
			Safety.check(c.argv(), names::owns);
		}
		assertThat(names.all().values()).allMatch(n -> n.startsWith("pwlab-1-1-"));
	}

	@Test
	void buildsTheModelsDevicesWithItsNamesMacsAndRoutes() {
		LabNames names = new LabNames("pwlab-1-1-");
		Topology topology = sameNode();
		List<String> plan = lines(Materializer.plan(topology, names));
		String pod1 = names.ns("default/pod1");
		String node = names.ns("node1");
		String lan = names.ns("lan");
		assertThat(pod1).isEqualTo("pwlab-1-1-0-pod1");
		assertThat(plan).contains("ip netns add " + pod1,
				"ip -n " + pod1 + " link add eth0 type veth peer name veth2680d45c netns " + node,
				"ip -n " + node + " link add cbr0 type bridge",
				"ip -n " + node + " link add eth0 type veth peer name port-node1 netns " + lan,
				"ip -n " + pod1 + " link set dev eth0 address 62:8b:ce:d3:50:52",
				"ip -n " + node + " link set dev veth2680d45c master cbr0",
				"ip -n " + node + " addr add 10.244.1.1/24 dev cbr0",
				"ip -n " + pod1 + " route add default via 10.244.1.1 dev eth0",
				"ip netns exec " + node + " sysctl -q -w net.ipv4.ip_forward=1",
				"ip netns exec " + node + " sysctl -q -w net.bridge.bridge-nf-call-iptables=1",
				"ip netns exec " + pod1 + " sysctl -q -w net.bridge.bridge-nf-call-iptables=0");
		// each pair exactly once; the kernel's connected routes are not added by hand
		assertThat(plan.stream().filter(l -> l.contains("type veth"))).hasSize(3);
		// two pod default routes and the node's default route to the segment's gateway
		assertThat(plan.stream().filter(l -> l.contains(" route add "))).hasSize(3);
		// the model's rules are loaded as they are, once per namespace that has any
		long withRules = topology.namespaces().stream().filter(n -> !n.iptables().isBlank()).count();
		assertThat(plan.stream().filter(l -> l.contains("iptables-restore"))).hasSize((int) withRules);
	}

	@Test
	void theGuardRefusesAnythingThatTouchesTheRootNamespace() {
		LabNames names = new LabNames("pwlab-1-1-").assign(List.of("a", "b"));
		String a = names.ns("a");
		List<List<String>> bad = List.of(List.of("ip", "link", "add", "x", "type", "veth", "peer", "name", "y"),
				List.of("sysctl", "-w", "net.ipv4.ip_forward=1"), List.of("iptables", "-A", "FORWARD", "-j", "DROP"),
				List.of("ip", "-n", "myns", "link", "set", "eth0", "down"),
				List.of("ip", "-n", a, "link", "add", "x", "type", "veth", "peer", "name", "y", "netns", "1"),
				List.of("ip", "netns", "del", "pwlab-999-1-0-other"), List.of("ip", "netns", "exec", "default", "sh"),
				List.of("bridge", "fdb", "append", "00:00:00:00:00:01", "dev", "x"));
		for (List<String> argv : bad) {
			assertThatThrownBy(() -> Safety.check(argv, names::owns)).as(String.join(" ", argv))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("refusing");
		}
		Safety.check(
				List.of("ip", "-n", a, "link", "add", "x", "type", "veth", "peer", "name", "y", "netns", names.ns("b")),
				names::owns);
	}

	@Test
	void routesKeepGatewayOnlinkSourceAndMetric() {
		var r = new dev.packetwalk.topology.Route(dev.packetwalk.net.Cidr.parse("10.42.2.0/24"),
				dev.packetwalk.net.Ip.parse("10.42.2.0"), "flannel.1", true, "static", null, 0);
		assertThat(Materializer.route("ns", r).line())
			.isEqualTo("ip -n ns route add 10.42.2.0/24 via 10.42.2.0 dev flannel.1 proto static onlink");
	}

}

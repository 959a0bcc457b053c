package dev.packetwalk.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.packetwalk.engine.Event;
import dev.packetwalk.engine.Scenario;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Topology;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Step;

/**
 * A timeline change's command plan, checked without root: the kernel gets what the
 * model's control-plane steps say, in their order, and nothing leaves the lab.
 */
class ChangePlannerTest {

	/**
	 * The plans of every change of a scenario, each from the cluster the one before left.
	 */
	private static List<ChangePlanner.Plan> plans(Scenario s, LabNames names) {
		Materializer.plan(s.topology(), names);
		List<ChangePlanner.Plan> out = new ArrayList<>();
		Topology now = s.topology();
		for (Event e : s.timeline()) {
			if (e instanceof Event.Change c) {
				out.add(ChangePlanner.plan(now, c, names));
				now = c.state().topology();
			}
		}
		return out;
	}

	private static Event.Change change(Scenario s, int i) {
		return s.timeline()
			.stream()
			.filter(Event.Change.class::isInstance)
			.map(Event.Change.class::cast)
			.toList()
			.get(i);
	}

	private static List<String> lines(List<Cmd> cmds) {
		return cmds.stream().map(Cmd::line).toList();
	}

	@Test
	void everyCommandOfEveryTimelineStaysInTheLab() {
		for (String id : List.of("pod-network-setup", "service-scale-up", "backend-dies-mid-connection",
				"udp-conntrack-flush", "node-joins-flannel")) {
			LabNames names = new LabNames("pwlab-1-1-");
			for (ChangePlanner.Plan p : plans(Scenarios.compile(id).scenario(), names)) {
				for (Cmd c : p.all()) {
					Safety.check(c.argv(), names::owns);
				}
			}
		}
	}

	/**
	 * CNI ADD: the commands follow the model's cni steps (sandbox, veth pair inside the
	 * pod, host end moved to the node, attached to the bridge with hairpin, address, up,
	 * default route), with the model's names and the address host-local allocated.
	 */
	@Test
	void cniAddRunsInTheOrderOfTheModelsSteps() {
		Scenario s = Scenarios.compile("backend-dies-mid-connection").scenario();
		LabNames names = new LabNames("pwlab-1-1-");
		ChangePlanner.Plan add = plans(s, names).getFirst();
		String pod = names.ns("default/web-2");
		String node = names.ns("node2");
		List<String> apply = lines(add.apply());
		List<String> expected = new ArrayList<>();
		for (Hop h : change(s, 0).hops()) {
			for (Step step : h.steps()) {
				if (step instanceof Step.Cni cni) {
					String line = switch (cni.action()) {
						case SANDBOX -> "ip netns add " + pod;
						case VETH -> "ip -n " + pod + " link add eth0 type veth peer name vethaae5e2dd";
						case MOVE -> "ip -n " + pod + " link set dev vethaae5e2dd netns " + node;
						case ATTACH -> "ip -n " + node + " link set dev vethaae5e2dd master cbr0";
						// host-local writes a file: no kernel state
						case IPAM -> null;
						case ADDRESS -> "ip -n " + pod + " addr add 10.244.2.3/24 dev eth0";
						case UP -> "ip -n " + pod + " link set dev eth0 up";
						case ROUTE -> "ip -n " + pod + " route add default via 10.244.2.1 dev eth0";
						case RELEASE, UNPLUG, TEARDOWN -> throw new AssertionError("a DEL step in CNI ADD");
					};
					if (line != null) {
						expected.add(line);
					}
				}
			}
		}
		assertThat(expected).hasSize(7);
		assertThat(apply).containsSubsequence(expected);
		// the bridge plugin's hairpin flag, right after the port is attached
		assertThat(apply.get(apply.indexOf(expected.get(3)) + 1))
			.isEqualTo("ip -n " + node + " link set dev vethaae5e2dd type bridge_slave hairpin on");
		assertThat(add.created()).containsExactly("default/web-2");
		assertThat(add.gone()).isEmpty();
		assertThat(add.conntrack()).isEmpty();
	}

	/**
	 * CNI DEL: the pod's eth0 is deleted in its namespace (its peer on the node goes with
	 * it), then the namespace; kube-proxy's new rules on every node; and the UDP
	 * conntrack cleanup of the endpoint that went away, on every node, as kube-proxy runs
	 * it.
	 */
	@Test
	void deleteUnplugsTearsDownRewritesTheRulesAndCleansConntrack() {
		Scenario s = Scenarios.compile("backend-dies-mid-connection").scenario();
		LabNames names = new LabNames("pwlab-1-1-");
		ChangePlanner.Plan del = plans(s, names).get(2);
		String pod = names.ns("default/web-1");
		assertThat(lines(del.unplug())).containsExactly("ip -n " + pod + " link del dev eth0");
		assertThat(del.gone()).containsExactly("default/web-1");
		assertThat(lines(del.teardown())).containsExactly("ip netns del " + pod);
		Topology after = change(s, 2).state().topology();
		for (String node : List.of("node1", "node2")) {
			String text = after.namespace(node).iptables();
			assertThat(del.apply()).anySatisfy(c -> {
				assertThat(c.line()).isEqualTo("ip netns exec " + names.ns(node) + " iptables-restore <<'EOF' ...");
				assertThat(c.stdin()).isEqualTo(text.endsWith("\n") ? text : text + "\n");
			});
			assertThat(text).doesNotContain("10.244.2.2");
		}
		assertThat(del.conntrack()).extracting(d -> d.cmd().line())
			.containsExactly("ip netns exec " + names.ns("node1") + " conntrack -D -p udp --dst-nat 10.244.2.2",
					"ip netns exec " + names.ns("node2") + " conntrack -D -p udp --dst-nat 10.244.2.2");
		// nothing else is touched: no device of a node is deleted by hand
		assertThat(lines(del.apply())).noneMatch(l -> l.contains(" link del "));
	}

	/** A Ready change only rewrites the rules: no device, no namespace. */
	@Test
	void aReadyChangeOnlyRewritesTheRules() {
		Scenario s = Scenarios.compile("backend-dies-mid-connection").scenario();
		LabNames names = new LabNames("pwlab-1-1-");
		ChangePlanner.Plan ready = plans(s, names).get(1);
		assertThat(ready.unplug()).isEmpty();
		assertThat(ready.created()).isEmpty();
		assertThat(lines(ready.apply())).hasSize(2).allMatch(l -> l.contains(" iptables-restore "));
	}

	/**
	 * A node joins a flannel cluster: its namespace and cable, and on every other node
	 * flanneld's three entries for its subnet (route via flannel.1 onlink, permanent ARP
	 * entry of its VTEP, FDB entry to its address).
	 */
	@Test
	void aJoiningNodeGetsFlanneldsEntriesOnTheOthers() {
		Scenario s = Scenarios.compile("node-joins-flannel").scenario();
		LabNames names = new LabNames("pwlab-1-1-");
		ChangePlanner.Plan join = plans(s, names).getFirst();
		Topology after = change(s, 0).state().topology();
		Namespace node3 = after.namespace("node3");
		var vtep = node3.devices().stream().filter(d -> d.name().equals("flannel.1")).findFirst().orElseThrow();
		String underlay = node3.devices()
			.stream()
			.filter(d -> d.name().equals("eth0"))
			.findFirst()
			.orElseThrow()
			.addresses()
			.getFirst()
			.address()
			.toString();
		List<String> apply = lines(join.apply());
		assertThat(join.created()).contains("node3");
		for (String node : List.of("node1", "node2")) {
			String n = names.ns(node);
			assertThat(apply).contains("ip -n " + n + " route add 10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink",
					"ip -n " + n + " neigh replace 10.244.3.0 lladdr " + vtep.mac() + " dev flannel.1 nud permanent",
					"bridge -n " + n + " fdb append " + vtep.mac() + " dev flannel.1 dst " + underlay
							+ " self permanent");
		}
		assertThat(apply).contains("ip -n " + names.ns("node3") + " link add eth0 type veth peer name port-node3 netns "
				+ names.ns("lan"));
	}

	/**
	 * kube-proxy's UDP cleanup is compared entry for entry: what the kernel's
	 * {@code conntrack -D} printed (as it did in a real run) against the model's
	 * proxy-sync step, node by node.
	 */
	@Test
	void theKernelsConntrackCleanupIsComparedWithTheModels() {
		var cs = Scenarios.compile("udp-conntrack-flush");
		var trace = new dev.packetwalk.engine.Engine(cs.scenario()).run(cs.seed());
		String node1 = "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been deleted.\n"
				+ "udp      17 28 src=10.244.1.2 dst=10.96.0.53 sport=60086 dport=53 src=10.244.2.2 dst=10.244.1.2"
				+ " sport=53 dport=60086 mark=0 use=1";
		String node2 = "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.";
		assertThat(KernelLab.deletedTuples(node1)).containsExactly(
				"src=10.244.1.2 dst=10.96.0.53 sport=60086 dport=53 src=10.244.2.2 dst=10.244.1.2 sport=53 dport=60086");
		List<FlowVerdict> same = KernelLab.conntrackVerdicts(
				List.of(new KernelLab.Cleaned("change2", "delete pod dns-1", "node1", KernelLab.deletedTuples(node1)),
						new KernelLab.Cleaned("change2", "delete pod dns-1", "node2", KernelLab.deletedTuples(node2))),
				trace);
		assertThat(same).singleElement().satisfies(v -> {
			assertThat(v.match()).as(v.render()).isTrue();
			assertThat(v.summary()).contains("node1 1", "node2 0");
		});
		List<FlowVerdict> none = KernelLab.conntrackVerdicts(
				List.of(new KernelLab.Cleaned("change2", "delete pod dns-1", "node1", List.of())), trace);
		assertThat(none).singleElement().satisfies(v -> {
			assertThat(v.match()).isFalse();
			assertThat(v.render()).contains(
					"kube-proxy's UDP conntrack cleanup on node1: model deleted [src=10.244.1.2",
					"the kernel's conntrack -D deleted []");
		});
	}

	/** No change, no command: a plan from a cluster to itself is empty. */
	@Test
	void nothingChangedNothingRuns() {
		Scenario s = Scenarios.compile("service-scale-up").scenario();
		LabNames names = new LabNames("pwlab-1-1-");
		Materializer.plan(s.topology(), names);
		Event.Change c = change(s, 0);
		Event.Change same = new Event.Change(c.id(), c.label(),
				new Event.State(s.topology(), s.dns(), s.policies(), s.ipvs()), c.hops(), List.of(), List.of());
		ChangePlanner.Plan p = ChangePlanner.plan(s.topology(), same, names);
		assertThat(p.all()).isEmpty();
	}

}

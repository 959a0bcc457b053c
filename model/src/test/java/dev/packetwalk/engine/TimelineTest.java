package dev.packetwalk.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Clusters that change: the timeline's control-plane steps and what the packets after a
 * change meet.
 */
class TimelineTest {

	private static CompiledScenario builtIn(String id) throws IOException {
		Path file = Path.of("../scenarios", id + ".yaml");
		return new ScenarioCompiler().compile(file.getFileName().toString(),
				Files.readString(file, StandardCharsets.UTF_8));
	}

	private static Trace trace(String id) throws IOException {
		CompiledScenario cs = builtIn(id);
		return new Engine(cs.scenario()).run(cs.seed());
	}

	private static List<Step> steps(Walk w) {
		return w.hops().stream().flatMap(h -> h.steps().stream()).toList();
	}

	private static Walk walk(Trace t, String flow, Walk.Leg leg) {
		return t.walks().stream().filter(w -> w.flow().equals(flow) && w.leg() == leg).findFirst().orElseThrow();
	}

	@Test
	void cniAddRunsInTheBridgePluginsOrderWithTheAllocatedAddress() throws IOException {
		Trace t = trace("pod-network-setup");
		Walk add = t.walks().getFirst();
		assertThat(add.leg()).isEqualTo(Walk.Leg.CHANGE);
		List<Step.Cni> cni = steps(add).stream().filter(Step.Cni.class::isInstance).map(Step.Cni.class::cast).toList();
		assertThat(cni).extracting(Step.Cni::action)
			.containsExactly(Step.Cni.Action.SANDBOX, Step.Cni.Action.VETH, Step.Cni.Action.MOVE,
					Step.Cni.Action.ATTACH, Step.Cni.Action.IPAM, Step.Cni.Action.ADDRESS, Step.Cni.Action.UP,
					Step.Cni.Action.ROUTE);
		// host-local: client holds 10.244.1.2, so web gets the next address
		assertThat(cni.get(4).details()).contains("allocated 10.244.1.3/24");
		assertThat(cni.get(5).equivalent()).isEqualTo("ip addr add 10.244.1.3/24 dev eth0");
		assertThat(cni.get(1).creates()).containsExactly("default/web/eth0");
		assertThat(cni.get(7).equivalent()).isEqualTo("ip route add default via 10.244.1.1 dev eth0");
		// then the first packet reaches the new pod
		Walk first = walk(t, "first", Walk.Leg.REQUEST);
		assertThat(first.disposition().delivered()).isTrue();
		assertThat(first.hops().getLast().place().namespace()).isEqualTo("default/web");
	}

	@Test
	void scaleUpRewritesTheLadderOnEveryNode() throws IOException {
		Trace t = trace("service-scale-up");
		Walk scale = t.walks().stream().filter(w -> w.leg() == Walk.Leg.CHANGE).findFirst().orElseThrow();
		List<Step.ProxySync> syncs = steps(scale).stream()
			.filter(Step.ProxySync.class::isInstance)
			.map(Step.ProxySync.class::cast)
			.toList();
		assertThat(syncs).extracting(Step.ProxySync::node).containsExactly("node1", "node2");
		for (Step.ProxySync s : syncs) {
			assertThat(s.ladder()).hasSize(1);
			assertThat(s.ladder().getFirst()).startsWith("default/web:http KUBE-SVC-").endsWith(": 1/5 1/4 1/3 1/2 1");
			assertThat(s.diff()).anyMatch(l -> l.startsWith("- ") && l.contains("--probability 0.3333333333"))
				.anyMatch(l -> l.startsWith("+ ") && l.contains("--probability 0.2000000000"));
		}
		assertThat(steps(scale).stream().filter(Step.Cni.class::isInstance).count()).isEqualTo(16);
		Step.EndpointsUpdate eps = steps(scale).stream()
			.filter(Step.EndpointsUpdate.class::isInstance)
			.map(Step.EndpointsUpdate.class::cast)
			.findFirst()
			.orElseThrow();
		assertThat(eps.ready()).hasSize(5);
		assertThat(eps.diff()).anyMatch(l -> l.equals("+     name: web-4"));
		assertThat(walk(t, "after", Walk.Leg.REQUEST).disposition().delivered()).isTrue();
	}

	@Test
	void afterABackendIsDeletedTheOpenConnectionDiesAndANewOneIsDelivered() throws IOException {
		Trace t = trace("backend-dies-mid-connection");
		Walk open = walk(t, "open", Walk.Leg.REQUEST);
		assertThat(open.hops().getLast().place().namespace()).isEqualTo("default/web-1");
		Walk next = walk(t, "next", Walk.Leg.REQUEST);
		assertThat(next.disposition().delivered()).isFalse();
		assertThat(next.disposition().reason()).isEqualTo(DropReason.NEIGHBOR_UNREACHABLE);
		Step.Send send = (Step.Send) steps(next).getFirst();
		Step.Send sendOpen = (Step.Send) steps(open).getFirst();
		assertThat(send.packet().l4().srcPort()).isEqualTo(sendOpen.packet().l4().srcPort());
		assertThat(steps(next)).anyMatch(s -> s instanceof Step.Conntrack)
			.noneMatch(s -> s instanceof Step.Netfilter nf
					&& nf.matched().stream().anyMatch(m -> m.chain().startsWith("KUBE-SVC")));
		Step last = steps(next).getLast();
		assertThat(last.packet().dst().toString())
			.isEqualTo(open.hops().getLast().steps().getLast().packet().dst().toString());
		Walk again = walk(t, "again", Walk.Leg.REQUEST);
		assertThat(again.disposition().delivered()).isTrue();
		assertThat(again.hops().getLast().place().namespace()).isEqualTo("default/web-2");
	}

	@Test
	void kubeProxyFlushesUdpConntrackOfADeletedEndpoint() throws IOException {
		Trace t = trace("udp-conntrack-flush");
		Walk query = walk(t, "query", Walk.Leg.REQUEST);
		assertThat(query.hops().getLast().place().namespace()).isEqualTo("default/dns-1");
		Walk delete = t.walks()
			.stream()
			.filter(w -> w.leg() == Walk.Leg.CHANGE && w.label().startsWith("delete"))
			.findFirst()
			.orElseThrow();
		Step.ProxySync node1 = steps(delete).stream()
			.filter(Step.ProxySync.class::isInstance)
			.map(Step.ProxySync.class::cast)
			.filter(s -> s.node().equals("node1"))
			.findFirst()
			.orElseThrow();
		assertThat(node1.conntrackDeleted()).hasSize(1);
		assertThat(node1.conntrackDeleted().getFirst()).startsWith("udp").contains("dst=10.96.0.53");
		Walk again = walk(t, "again", Walk.Leg.REQUEST);
		assertThat(again.disposition().delivered()).isTrue();
		assertThat(again.hops().getLast().place().namespace()).isEqualTo("default/dns-2");
		assertThat(((Step.Send) steps(again).getFirst()).packet().l4().srcPort())
			.isEqualTo(((Step.Send) steps(query).getFirst()).packet().l4().srcPort());
	}

	@Test
	void theSameSeedGivesTheSameTrace() throws IOException {
		for (String id : List.of("pod-network-setup", "service-scale-up", "backend-dies-mid-connection",
				"udp-conntrack-flush", "node-joins-flannel")) {
			CompiledScenario a = builtIn(id);
			CompiledScenario b = builtIn(id);
			assertThat(TraceJson.pretty(new Engine(a.scenario()).run(7)))
				.isEqualTo(TraceJson.pretty(new Engine(b.scenario()).run(7)));
		}
	}

	@Test
	void timelineProblemsNameTheirLine() {
		String yaml = """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: bad}
				cluster:
				  nodes: [{name: node1}]
				  pods: [{name: a, node: node1}]
				timeline:
				  - delete: b
				  - create: {name: c, node: nod1}
				  - flow: {continues: nothing}
				""";
		assertThatThrownBy(() -> new ScenarioCompiler().compile("bad.yaml", yaml)).isInstanceOf(ScenarioException.class)
			.hasMessageContaining("bad.yaml:8:13: error: timeline[0].delete: unknown pod 'b'");
		String badWait = yaml.replace("  - delete: b", "  - wait: soon");
		assertThatThrownBy(() -> new ScenarioCompiler().compile("bad.yaml", badWait))
			.isInstanceOf(ScenarioException.class)
			.hasMessageContaining("bad.yaml:8:")
			.hasMessageContaining("timeline[0].wait");
		String two = yaml.replace("  - delete: b", "  - {delete: a, ready: a}");
		assertThatThrownBy(() -> new ScenarioCompiler().compile("bad.yaml", two)).isInstanceOf(ScenarioException.class)
			.hasMessageContaining("bad.yaml:8:");
	}

	@Test
	void sessionAffinitySticksToAPodUntilItIsDeleted() {
		String yaml = """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: sticky}
				cluster:
				  nodes: [{name: node1}]
				  pods:
				    - {name: client, node: node1}
				    - {name: web-1, node: node1, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
				    - {name: web-2, node: node1, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
				objects:
				  - apiVersion: v1
				    kind: Service
				    metadata: {name: web}
				    spec:
				      selector: {app: web}
				      sessionAffinity: ClientIP
				      ports: [{name: http, port: 80, targetPort: http}]
				flows:
				  - {id: first, from: client, to: service/web:80}
				timeline:
				  - flow: {id: second, from: client, to: service/web:80}
				  - delete: web-1
				  - flow: {id: third, from: client, to: service/web:80}
				""";
		Scenario sc = new ScenarioCompiler().compile("sticky.yaml", yaml).scenario();
		int checked = 0;
		for (long seed = 1; seed <= 20; seed++) {
			Trace t = new Engine(sc).run(seed);
			String first = walk(t, "first", Walk.Leg.REQUEST).hops().getLast().place().namespace();
			// a new connection from the same client goes to the same pod (KUBE-SEP's -m
			// recent --rcheck)
			assertThat(walk(t, "second", Walk.Leg.REQUEST).hops().getLast().place().namespace()).as("seed " + seed)
				.isEqualTo(first);
			// once web-1 is gone its KUBE-SEP chain and its recent list with it: the
			// client goes to web-2
			assertThat(walk(t, "third", Walk.Leg.REQUEST).hops().getLast().place().namespace()).as("seed " + seed)
				.isEqualTo(first.equals("default/web-1") ? "default/web-2" : first);
			if (first.equals("default/web-1")) {
				checked++;
			}
		}
		assertThat(checked).as("seeds whose first connection went to the pod that is deleted").isPositive();
	}

	@Test
	void aJoiningNodeGetsFlannelsEntriesOnTheOthersThenACrossNodePacketReachesIt() throws IOException {
		Trace t = trace("node-joins-flannel");
		Walk join = t.walks().getFirst();
		List<Step.NodeSync> syncs = steps(join).stream()
			.filter(Step.NodeSync.class::isInstance)
			.map(Step.NodeSync.class::cast)
			.toList();
		assertThat(syncs).extracting(Step.NodeSync::node).containsExactly("node3", "node1", "node2");
		assertThat(syncs.getFirst().creates()).contains("node3");
		for (Step.NodeSync s : syncs.subList(1, 3)) {
			// flanneld's order: the ARP entry, the FDB entry, then the route
			assertThat(s.diff()).hasSize(3);
			assertThat(s.diff().get(0)).startsWith("+ ip neigh: 10.244.3.0 dev flannel.1 lladdr ");
			assertThat(s.diff().get(1)).startsWith("+ bridge fdb: ")
				.endsWith(" dev flannel.1 dst 10.240.0.4 self permanent");
			assertThat(s.diff().get(2)).startsWith("+ ip route: 10.244.3.0/24 via 10.244.3.0 dev flannel.1");
		}
		Walk across = walk(t, "across", Walk.Leg.REQUEST);
		assertThat(across.disposition().delivered()).isTrue();
		assertThat(steps(across)).anyMatch(s -> s instanceof Step.Encapsulate);
		assertThat(walk(t, "across", Walk.Leg.REPLY).disposition().delivered()).isTrue();
	}

}

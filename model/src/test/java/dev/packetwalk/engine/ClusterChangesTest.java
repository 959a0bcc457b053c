package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Timeline changes beyond create, ready, delete and scale: terminating endpoints, nodes
 * that leave, waits, and kube-proxy's sync in every proxy mode.
 */
class ClusterChangesTest {

	static final String TERMINATING = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: terminating}
			cluster:
			  network: kubenet
			  cloud: {provider: gcp}
			  proxyMode: MODE
			  nodes: [{name: node1}, {name: node2}]
			  pods:
			    - {name: client, node: node1}
			    - {name: web-1, node: node2, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
			objects:
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: web}
			    spec:
			      selector: {app: web}
			      clusterIP: 10.96.0.80
			      ports: [{name: http, port: 80, targetPort: http}]
			flows:
			  - {id: open, from: client, to: service/web:80}
			timeline:
			  - create: {name: web-2, node: node2, ready: true, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
			  - terminate: web-1
			  - flow: {id: next, continues: open, size: 100}
			  - flow: {id: new1, from: client, to: service/web:80}
			  - flow: {id: new2, from: client, to: service/web:80}
			  - flow: {id: new3, from: client, to: service/web:80}
			  - delete: web-2
			  - flow: {id: fallback, from: client, to: service/web:80}
			""";

	static Trace run(String yaml, long seed) {
		return new Engine(new ScenarioCompiler().compile("t.yaml", yaml).scenario()).run(seed);
	}

	static List<Step> steps(Walk w) {
		return w.hops().stream().flatMap(h -> h.steps().stream()).toList();
	}

	static Walk walk(Trace t, String flow, Walk.Leg leg) {
		return t.walks().stream().filter(w -> w.flow().equals(flow) && w.leg() == leg).findFirst().orElseThrow();
	}

	static <T extends Step> List<T> stepsOf(Walk w, Class<T> type) {
		return steps(w).stream().filter(type::isInstance).map(type::cast).toList();
	}

	@ParameterizedTest
	@ValueSource(strings = { "iptables", "ipvs", "nftables" })
	void aTerminatingEndpointServesOnlyWhenNoReadyOneIsLeft(String mode) {
		for (long seed = 1; seed <= 8; seed++) {
			Trace t = run(TERMINATING.replace("MODE", mode), seed);
			Walk terminate = walk(t, "change2", Walk.Leg.CHANGE);
			Step.EndpointsUpdate slice = stepsOf(terminate, Step.EndpointsUpdate.class).getFirst();
			assertThat(slice.diff()).containsSubsequence("-     ready: true", "+     ready: false",
					"      serving: true", "-     terminating: false", "+     terminating: true");
			assertThat(slice.ready()).containsExactly("10.244.2.3");
			List<Step.ProxySync> syncs = stepsOf(terminate, Step.ProxySync.class);
			assertThat(syncs).extracting(Step.ProxySync::node).containsExactly("node1", "node2");
			for (Step.ProxySync s : syncs) {
				// a ready endpoint is left: the terminating one leaves the rules
				assertThat(s.mode()).isEqualTo(mode);
				assertThat(s.diff()).as(mode).anyMatch(l -> l.startsWith("- ") && l.contains("10.244.2.2:8080"));
				assertThat(s.diff()).as(mode).noneMatch(l -> l.startsWith("+ ") && l.contains("10.244.2.2"));
				assertThat(s.conntrackDeleted()).isEmpty();
			}
			// the open connection still reaches the terminating pod (its conntrack entry,
			// the pod still runs)
			Walk next = walk(t, "next", Walk.Leg.REQUEST);
			assertThat(next.disposition().delivered()).as(mode + " seed " + seed).isTrue();
			assertThat(next.hops().getLast().place().namespace()).isEqualTo("default/web-1");
			for (String flow : List.of("new1", "new2", "new3")) {
				assertThat(walk(t, flow, Walk.Leg.REQUEST).hops().getLast().place().namespace())
					.as(mode + " seed " + seed + " " + flow)
					.isEqualTo("default/web-2");
			}
			// no ready endpoint left: kube-proxy falls back to the serving, terminating
			// one
			Walk delete = walk(t, "change7", Walk.Leg.CHANGE);
			assertThat(stepsOf(delete, Step.ProxySync.class))
				.allMatch(s -> s.diff().stream().anyMatch(l -> l.startsWith("+ ") && l.contains("10.244.2.2:8080")));
			Walk fallback = walk(t, "fallback", Walk.Leg.REQUEST);
			assertThat(fallback.disposition().delivered()).as(mode + " seed " + seed).isTrue();
			assertThat(fallback.hops().getLast().place().namespace()).isEqualTo("default/web-1");
		}
	}

	/**
	 * internalTrafficPolicy Local: the node's own endpoints only, ready first, then
	 * serving and terminating ones, even with a ready endpoint on another node
	 * (CategorizeEndpoints per policy).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "iptables", "ipvs", "nftables" })
	void theFallbackIsPerTrafficPolicy(String mode) {
		String yaml = TERMINATING.replace("MODE", mode)
			.replace("- {name: client, node: node1}", "- {name: client, node: node2}")
			.replace("create: {name: web-2, node: node2,", "create: {name: web-2, node: node1,")
			.replace("clusterIP: 10.96.0.80", "clusterIP: 10.96.0.80\n      internalTrafficPolicy: Local");
		for (long seed = 1; seed <= 8; seed++) {
			Trace t = run(yaml, seed);
			// client on node2, whose only endpoint web-1 is terminating: web-1, though
			// web-2 on
			// node1 is ready
			for (String flow : List.of("new1", "new2", "new3")) {
				Walk w = walk(t, flow, Walk.Leg.REQUEST);
				assertThat(w.disposition().delivered()).as(mode + " seed " + seed + " " + flow).isTrue();
				assertThat(w.hops().getLast().place().namespace()).as(mode + " seed " + seed + " " + flow)
					.isEqualTo("default/web-1");
			}
		}
	}

	static final String LEAVING = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: leaving}
			cluster:
			  network: flannel-vxlan
			  nodes: [{name: node1}, {name: node2}, {name: node3}]
			  pods:
			    - {name: client, node: node1}
			    - {name: web-2, node: node2, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
			    - {name: web-3, node: node3, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
			objects:
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: web}
			    spec:
			      selector: {app: web}
			      clusterIP: 10.96.0.80
			      ports: [{name: http, port: 80, targetPort: http}]
			flows:
			  - {id: before, from: client, to: web-3:8080}
			timeline:
			  - removeNode: node3
			  - flow: {id: after, from: client, to: 10.244.3.2:8080}
			  - flow: {id: next, continues: before, size: 100}
			  - flow: {id: svc, from: client, to: service/web:80}
			""";

	@Test
	void aNodeThatLeavesTakesItsPodsAndFlannelsEntriesWithIt() {
		for (long seed = 1; seed <= 4; seed++) {
			Trace t = run(LEAVING, seed);
			Walk leave = walk(t, "change1", Walk.Leg.CHANGE);
			assertThat(leave.label()).isEqualTo("node node3 leaves");
			List<Step.NodeSync> syncs = stepsOf(leave, Step.NodeSync.class);
			assertThat(syncs).extracting(Step.NodeSync::node).containsExactly("node3", "node1", "node2");
			assertThat(syncs.getFirst().removes()).containsExactly("node3", "default/web-3", "lan/port-node3");
			for (Step.NodeSync s : syncs.subList(1, 3)) {
				assertThat(s.agent()).isEqualTo("flanneld");
				// flanneld's order: the ARP entry, the FDB entry, then the route
				assertThat(s.diff()).hasSize(3);
				assertThat(s.diff().get(0)).startsWith("- ip neigh: 10.244.3.0 dev flannel.1 lladdr ");
				assertThat(s.diff().get(1)).startsWith("- bridge fdb: ")
					.endsWith(" dev flannel.1 dst 10.240.0.4 self permanent");
				assertThat(s.diff().get(2)).startsWith("- ip route: 10.244.3.0/24 via 10.244.3.0 dev flannel.1");
			}
			// web-3's endpoint goes and kube-proxy on the remaining nodes rewrites the
			// rules
			assertThat(stepsOf(leave, Step.EndpointsUpdate.class).getFirst().ready()).containsExactly("10.244.2.2");
			List<Step.ProxySync> proxy = stepsOf(leave, Step.ProxySync.class);
			assertThat(proxy).extracting(Step.ProxySync::node).containsExactly("node1", "node2");
			assertThat(proxy).allMatch(p -> p.diff()
				.stream()
				.anyMatch(l -> l.startsWith("- ") && l.contains("DNAT --to-destination 10.244.3.2:8080")));
			// no route to node3's subnet through flannel.1 any more: node1 sends it to
			// its
			// default gateway, which this segment does not have
			for (String flow : List.of("after", "next")) {
				Walk w = walk(t, flow, Walk.Leg.REQUEST);
				assertThat(w.disposition().delivered()).as(flow).isFalse();
				assertThat(w.disposition().reason()).as(flow).isEqualTo(DropReason.NEIGHBOR_UNREACHABLE);
				assertThat(w.hops().getLast().place().namespace()).isEqualTo("node1");
				assertThat(steps(w)).noneMatch(s -> s instanceof Step.Encapsulate);
			}
			Walk svc = walk(t, "svc", Walk.Leg.REQUEST);
			assertThat(svc.disposition().delivered()).isTrue();
			assertThat(svc.hops().getLast().place().namespace()).isEqualTo("default/web-2");
		}
	}

	static final String GCP_LEAVING = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: gcp-leaving}
			cluster:
			  network: kubenet
			  cloud: {provider: gcp}
			  nodes: [{name: node1}, {name: node2}, {name: node3}, {name: node4}]
			  pods:
			    - {name: client, node: node1}
			    - {name: web-2, node: node2, containers: [{name: c, ports: [8080]}]}
			    - {name: web-4, node: node4, containers: [{name: c, ports: [8080]}]}
			flows:
			  - {id: before, from: client, to: web-2:8080}
			timeline:
			  - removeNode: node2
			  - flow: {id: after, from: client, to: 10.244.2.2:8080}
			  - flow: {id: stays, from: client, to: web-4:8080}
			  - addNode: {name: node5}
			""";

	/**
	 * A node leaves a cluster whose pod network the VPC routes (kubenet on GCP): the
	 * route controller deletes the VPC route to its pod CIDR (one node-sync step at the
	 * VPC, after kube-controller-manager's), a packet for that CIDR no longer reaches a
	 * node, and the nodes after it keep their addresses and pod CIDRs; a node that joins
	 * later gets a route of its own, on free addresses.
	 */
	@Test
	void aNodeThatLeavesAGcpClusterTakesItsVpcRouteWithIt() {
		Trace t = run(GCP_LEAVING, 1);
		Walk leave = walk(t, "change1", Walk.Leg.CHANGE);
		List<Step.NodeSync> syncs = stepsOf(leave, Step.NodeSync.class);
		assertThat(syncs).extracting(Step.NodeSync::agent)
			.containsExactly("kube-controller-manager", "route-controller");
		Step.NodeSync route = syncs.get(1);
		assertThat(route.at().namespace()).isEqualTo("vpc");
		assertThat(route.node()).isEqualTo("node2");
		assertThat(route.diff()).containsExactly("- ip route: 10.240.0.3 dev vm-node2 proto static scope link",
				"- ip route: 10.244.2.0/24 via 10.240.0.3 dev vm-node2 proto static");
		assertThat(route.narration()).contains("deletes the VPC route for its pod CIDR 10.244.2.0/24");
		// no other node's route changes: node3 and node4 keep 10.240.0.4/.5 and their
		// CIDRs
		Walk after = walk(t, "after", Walk.Leg.REQUEST);
		assertThat(after.disposition().delivered()).isFalse();
		assertThat(after.hops().getLast().place().namespace()).isEqualTo("vpc");
		Walk stays = walk(t, "stays", Walk.Leg.REQUEST);
		assertThat(stays.disposition().delivered()).isTrue();
		assertThat(stays.hops().getLast().place().namespace()).isEqualTo("default/web-4");
		assertThat(steps(stays)).anyMatch(s -> s.at().namespace().equals("node4"));
		Walk join = walk(t, "change4", Walk.Leg.CHANGE);
		Step.NodeSync created = stepsOf(join, Step.NodeSync.class).get(1);
		assertThat(created.agent()).isEqualTo("route-controller");
		assertThat(created.diff()).containsExactly("+ ip route: 10.240.0.6 dev vm-node5 proto static scope link",
				"+ ip route: 10.244.5.0/24 via 10.240.0.6 dev vm-node5 proto static");
	}

	/**
	 * The VPC's routing table in the state view follows the route controller's step:
	 * node2's route is listed before it and gone from it on.
	 */
	@Test
	void theVpcsRouteLeavesTheStateAtTheRouteControllersStep() {
		TimelineTablesTest.Run r = TimelineTablesTest.run(GCP_LEAVING, 1);
		int sync = r.stepWhere(s -> s instanceof Step.NodeSync n && n.agent().equals("route-controller"));
		assertThat(NamespaceTablesTest.table(r.at(sync - 1, "vpc"), "route").text())
			.contains("10.244.2.0/24 via 10.240.0.3 dev vm-node2");
		assertThat(NamespaceTablesTest.table(r.at(sync, "vpc"), "route").text()).doesNotContain("10.244.2.0/24")
			.contains("10.244.4.0/24 via 10.240.0.5 dev vm-node4");
	}

	@Test
	void removeNodeProblemsNameTheirLine() {
		String unknown = LEAVING.replace("removeNode: node3", "removeNode: node4");
		assertThatThrownBy(() -> new ScenarioCompiler().compile("t.yaml", unknown))
			.isInstanceOf(ScenarioException.class)
			.hasMessageContaining("t.yaml:22:17: error: timeline[0].removeNode: unknown node 'node4'");
		String twice = LEAVING.replace("  - flow: {id: after",
				"  - terminate: web-2\n  - terminate: web-2\n  - flow: {id: after");
		assertThatThrownBy(() -> new ScenarioCompiler().compile("t.yaml", twice)).isInstanceOf(ScenarioException.class)
			.hasMessageContaining("timeline[2].terminate: pod web-2 is already terminating");
		String fromGone = LEAVING.replace("{id: after, from: client,", "{id: after, from: web-3,");
		assertThatThrownBy(() -> new ScenarioCompiler().compile("t.yaml", fromGone))
			.isInstanceOf(ScenarioException.class)
			.hasMessageContaining("timeline[1].flow.from");
	}

	static final String SCALE_IPVS = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: scale-ipvs}
			cluster:
			  network: kubenet
			  cloud: {provider: gcp}
			  proxyMode: ipvs
			  nodes: [{name: node1}, {name: node2}]
			  pods:
			    - {name: client, node: node2}
			    - {name: web-1, node: node1, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
			    - {name: web-2, node: node2, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
			objects:
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: web}
			    spec:
			      selector: {app: web}
			      clusterIP: 10.96.0.80
			      ports: [{name: http, port: 80, targetPort: http}]
			flows:
			  - {id: first, from: client, to: service/web:80}
			timeline:
			  - scale: {selector: {app: web}, replicas: 3}
			  - flow: {id: a, from: client, to: service/web:80}
			  - flow: {id: b, from: client, to: service/web:80}
			  - flow: {id: c, from: client, to: service/web:80}
			""";

	/**
	 * kube-proxy's IPVS sync shows the ipset and the {@code ipvsadm -Ln} lines that
	 * change: the new pod's KUBE-LOOP-BACK entry on its own node only, its real server
	 * under the virtual server on every node; no probability ladder (the scheduler
	 * balances).
	 */
	@Test
	void anIpvsSyncShowsTheIpsetAndIpvsadmDiff() {
		Trace t = run(SCALE_IPVS, 1);
		Walk scale = walk(t, "change1", Walk.Leg.CHANGE);
		List<Step.ProxySync> syncs = stepsOf(scale, Step.ProxySync.class);
		assertThat(syncs).extracting(Step.ProxySync::node).containsExactly("node1", "node2");
		// web-3 lands on node1 (the first of the nodes with fewest web pods): 10.244.1.3
		Step.ProxySync node1 = syncs.get(0);
		assertThat(node1.mode()).isEqualTo("ipvs");
		assertThat(node1.ladder()).isEmpty();
		assertThat(node1.narration()).contains("ipset restore, ipvsadm and iptables-restore")
			.contains("2 lines added, 0 removed");
		assertThat(node1.diff()).containsExactly("@@ KUBE-LOOP-BACK",
				"+ add KUBE-LOOP-BACK 10.244.1.3,tcp:8080,10.244.1.3 -exist", "@@ TCP  10.96.0.80:80 rr",
				"+   -> 10.244.1.3:8080              Masq    1      0          0         ");
		Step.ProxySync node2 = syncs.get(1);
		assertThat(node2.diff()).containsExactly("@@ TCP  10.96.0.80:80 rr",
				"+   -> 10.244.1.3:8080              Masq    1      0          0         ");
		// the virtual server's three real servers take the next connections in turn
		assertThat(List.of("a", "b", "c")
			.stream()
			.map(f -> walk(t, f, Walk.Leg.REQUEST).hops().getLast().place().namespace())
			.distinct()).hasSize(3);
		List<Step.Ipvs> ipvs = stepsOf(walk(t, "a", Walk.Leg.REQUEST), Step.Ipvs.class);
		assertThat(ipvs).hasSize(1);
		assertThat(ipvs.getFirst().realServers()).as("the real servers after the sync")
			.containsExactlyInAnyOrder("10.244.1.2:8080", "10.244.1.3:8080", "10.244.2.3:8080");
	}

	static final String WAITING = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: waiting}
			cluster:
			  network: kubenet
			  proxyMode: MODE
			  nodes: [{name: node1}]
			  pods:
			    - {name: client, node: node1}
			    - {name: web-1, node: node1, labels: {app: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
			    - {name: dns-1, node: node1, labels: {app: dns}, containers: [{name: c, ports: [{name: dns, containerPort: 53, protocol: UDP}]}]}
			objects:
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: web}
			    spec:
			      selector: {app: web}
			      clusterIP: 10.96.0.80
			      sessionAffinity: ClientIP
			      sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
			      ports: [{name: http, port: 80, targetPort: http}]
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: dns}
			    spec:
			      selector: {app: dns}
			      clusterIP: 10.96.0.53
			      ports: [{name: dns, port: 53, targetPort: dns, protocol: UDP}]
			flows:
			  - {id: first, from: client, to: service/web:80}
			  - {id: query, from: client, to: service/dns:53, protocol: UDP}
			timeline:
			  - wait: 5s
			  - wait: 2m
			  - flow: {id: again, continues: query}
			""";

	/**
	 * A wait is a walk of its own: nothing expires in 5 s (one step at the control
	 * plane); in 2 minutes the UDP entry (30 s) times out and the affinity entry (60 s)
	 * expires on node1, while the TCP connection (established: 5 days) stays; the same
	 * socket's next datagram is NEW again.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "iptables", "nftables" })
	void aWaitShowsWhatTimedOut(String mode) {
		Trace t = run(WAITING.replace("MODE", mode), 1);
		Walk quiet = walk(t, "change1", Walk.Leg.CHANGE);
		assertThat(quiet.label()).isEqualTo("wait 5 s");
		List<Step.Wait> nothing = stepsOf(quiet, Step.Wait.class);
		assertThat(nothing).hasSize(1);
		assertThat(nothing.getFirst().at().namespace()).isEqualTo("control-plane");
		assertThat(nothing.getFirst().seconds()).isEqualTo(5);
		assertThat(nothing.getFirst().conntrackExpired()).isEmpty();
		Walk longer = walk(t, "change2", Walk.Leg.CHANGE);
		List<Step.Wait> waits = stepsOf(longer, Step.Wait.class);
		Step.Wait node1 = waits.stream().filter(w -> w.at().namespace().equals("node1")).findFirst().orElseThrow();
		assertThat(node1.seconds()).isEqualTo(120);
		assertThat(node1.conntrackExpired()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.startsWith("udp")
			.contains("dst=10.96.0.53");
		assertThat(node1.affinityExpired()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("10.244.1.2");
		assertThat(node1.narration()).contains("1 conntrack entry timed out")
			.contains("1 session-affinity entry expired");
		Walk again = walk(t, "again", Walk.Leg.REQUEST);
		assertThat(stepsOf(again, Step.Conntrack.class).getFirst().state()).isEqualTo(Step.Conntrack.State.NEW);
		assertThat(again.disposition().delivered()).isTrue();
	}

	static final String PERSISTENT = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: persistent}
			cluster:
			  network: kubenet
			  proxyMode: ipvs
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
			      clusterIP: 10.96.0.80
			      sessionAffinity: ClientIP
			      sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
			      ports: [{name: http, port: 80, targetPort: http}]
			flows:
			  - {id: a, from: client, to: service/web:80}
			  - {id: b, from: client, to: service/web:80}
			timeline:
			  - wait: 2m
			  - flow: {id: c, from: client, to: service/web:80}
			  - wait: 20m
			  - flow: {id: d, from: client, to: service/web:80}
			""";

	/**
	 * IPVS persistence ({@code -p 60}): the second connection from the client goes to the
	 * first one's real server by its template, not by rr; 2 minutes later the template's
	 * 60 s have run out, but the connections it controls are still in the IPVS table (900
	 * s once established), so the kernel armed it again (60 s at a time) and a new
	 * connection still goes there; 20 minutes later those connections are gone, the
	 * template expired during the wait (its step names it) and the next connection is
	 * scheduled by rr again.
	 */
	@Test
	void ipvsPersistenceExpiresAsTheKernelsTemplates() {
		Trace t = run(PERSISTENT, 1);
		java.util.function.Function<String, String> real = f -> stepsOf(walk(t, f, Walk.Leg.REQUEST), Step.Ipvs.class)
			.getFirst()
			.chosen();
		assertThat(stepsOf(walk(t, "a", Walk.Leg.REQUEST), Step.Ipvs.class).getFirst().virtualServer())
			.endsWith("rr persistent 60");
		String first = real.apply("a");
		assertThat(real.apply("b")).as("by the template, not rr's next").isEqualTo(first);
		assertThat(stepsOf(walk(t, "b", Walk.Leg.REQUEST), Step.Ipvs.class).getFirst().narration())
			.contains("persistent template of client 10.244.1.2");
		List<Step.Wait> short_ = stepsOf(walk(t, "change1", Walk.Leg.CHANGE), Step.Wait.class);
		assertThat(short_).allMatch(w -> w.affinityExpired().isEmpty());
		assertThat(real.apply("c")).as("connections it controls kept the template").isEqualTo(first);
		List<Step.Wait> long_ = stepsOf(walk(t, "change3", Walk.Leg.CHANGE), Step.Wait.class);
		Step.Wait node1 = long_.stream().filter(w -> w.at().namespace().equals("node1")).findFirst().orElseThrow();
		assertThat(node1.affinityExpired()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.isEqualTo("IPVS persistent template TCP NONE 10.244.1.2:0 10.96.0.80:80 " + first
					+ " (its -p 60 s timer ran out with no connection it controls left)");
		assertThat(real.apply("d")).as("scheduled by rr again").isNotEqualTo(first);
		assertThat(stepsOf(walk(t, "d", Walk.Leg.REQUEST), Step.Ipvs.class).getFirst().narration())
			.doesNotContain("persistent template");
	}

}

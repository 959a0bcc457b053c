package dev.packetwalk.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static dev.packetwalk.engine.NamespaceTablesTest.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The state at a step along a timeline: what a wait timed out, what kube-proxy's UDP
 * flush deleted and what CNI DEL or flanneld removed is gone from the tables from the
 * step that removed it; conntrack's timeouts count down.
 */
class TimelineTablesTest {

	record Run(Engine engine, long seed, Trace trace, List<Step> steps) {
		NamespaceTables at(int step, String ns) {
			return engine.tablesAt(seed, step, ns);
		}

		/** The 1-based number of the first step of the flow's walk of that leg. */
		int firstStepOf(String flow, Walk.Leg leg) {
			int n = 0;
			for (Walk w : trace.walks()) {
				if (w.flow().equals(flow) && w.leg() == leg) {
					return n + 1;
				}
				n += w.hops().stream().mapToInt(h -> h.steps().size()).sum();
			}
			throw new AssertionError("no walk " + flow + " " + leg);
		}

		/** The 1-based number of the first step matching. */
		int stepWhere(java.util.function.Predicate<Step> p) {
			for (int i = 0; i < steps.size(); i++) {
				if (p.test(steps.get(i))) {
					return i + 1;
				}
			}
			throw new AssertionError("no such step");
		}
	}

	static Run run(String yaml, long seed) {
		Engine engine = new Engine(new ScenarioCompiler().compile("t.yaml", yaml).scenario());
		Trace t = engine.run(seed);
		List<Step> steps = new ArrayList<>();
		t.walks().forEach(w -> w.hops().forEach(h -> steps.addAll(h.steps())));
		return new Run(engine, seed, t, steps);
	}

	static Run builtIn(String id) throws IOException {
		NamespaceTablesTest.Run r = NamespaceTablesTest.run(id);
		return new Run(r.engine(), r.seed(), r.engine().run(r.seed()), r.steps());
	}

	static String conntrack(Run r, int step, String ns) {
		return table(r.at(step, ns), "conntrack").text();
	}

	/**
	 * Before the waits, node1 lists the TCP connection and the UDP flow, counted down by
	 * the run's clock (a second per walk: the TCP entry's last packet, the SYN-ACK, was
	 * two walks before, and the handshake's ACK made it ESTABLISHED); a wait of 5 s takes
	 * 5 more off both; after 2 more minutes the UDP entry timed out and is gone from
	 * node1's wait step on, the TCP one has 432000 - 127 s left.
	 */
	@Test
	void aWaitCountsConntrackDownAndTakesWhatTimedOut() {
		Run r = run(ClusterChangesTest.WAITING.replace("MODE", "iptables"), 1);
		int wait5 = r.firstStepOf("change1", Walk.Leg.CHANGE);
		int wait120 = r.firstStepOf("change2", Walk.Leg.CHANGE);
		// the SYN-ACK's own step: SYN_RECV with its full 60 s
		int synAck = r.firstStepOf("first", Walk.Leg.REPLY);
		int query = r.firstStepOf("query", Walk.Leg.REQUEST);
		assertThat(conntrack(r, query - 1, "node1")).contains("tcp      6 60 SYN_RECV src=10.244.1.2 dst=10.96.0.80 ");
		assertThat(synAck).isLessThan(query);
		String before = conntrack(r, wait5 - 1, "node1");
		assertThat(before.lines()).hasSize(2);
		assertThat(before).contains("tcp      6 431998 ESTABLISHED src=10.244.1.2 dst=10.96.0.80 ")
			.contains("udp      17 30 src=10.244.1.2 dst=10.96.0.53 ");
		String after5 = conntrack(r, wait5, "node1");
		assertThat(after5.lines()).hasSize(2);
		assertThat(after5).contains("tcp      6 431993 ESTABLISHED src=10.244.1.2 dst=10.96.0.80 ")
			.contains("[ASSURED] mark=0 use=1")
			.contains("udp      17 25 src=10.244.1.2 dst=10.96.0.53 ");
		// the 2-minute wait has a step for node1 (what timed out there): from that step
		// on only the TCP entry is listed
		int node1 = r
			.stepWhere(s -> s instanceof Step.Wait w && w.seconds() == 120 && w.at().namespace().equals("node1"));
		assertThat(node1).isGreaterThanOrEqualTo(wait120);
		assertThat(conntrack(r, node1 - 1, "node1")).contains("udp      17 25 ");
		String after = conntrack(r, node1, "node1");
		assertThat(after.lines()).singleElement()
			.asString()
			.startsWith("tcp      6 431873 ESTABLISHED src=10.244.1.2 dst=10.96.0.80 ");
		// the same socket's next datagram is a new entry with a fresh 30 s
		int again = r.firstStepOf("again", Walk.Leg.REQUEST);
		String later = conntrack(r, r.steps().size(), "node1");
		assertThat(later).contains("udp      17 30 src=10.244.1.2 dst=10.96.0.53 ");
		assertThat(again).isGreaterThan(node1);
	}

	/**
	 * kube-proxy's UDP flush: node1 lists the entry DNATed to dns-1 up to the step before
	 * its proxy-sync of the delete, and not from that step on; the next datagram makes a
	 * new one to dns-2.
	 */
	@Test
	void theUdpFlushTakesTheEntryAtKubeProxysSync() throws IOException {
		Run r = builtIn("udp-conntrack-flush");
		int sync = r.stepWhere(
				s -> s instanceof Step.ProxySync p && p.node().equals("node1") && !p.conntrackDeleted().isEmpty());
		String before = conntrack(r, sync - 1, "node1");
		assertThat(before).contains("udp      17 30 src=10.244.1.2 dst=10.96.0.53 ")
			.contains("src=10.244.2.2 dst=10.244.1.2 sport=53 ");
		assertThat(conntrack(r, sync, "node1")).isEmpty();
		String end = conntrack(r, r.steps().size(), "node1");
		assertThat(end).contains("dst=10.96.0.53 ").doesNotContain("src=10.244.2.2 ");
		// the rules of the sync are in force in node1 from that step: dns-1's KUBE-SEP
		// chain is gone
		assertThat(table(r.at(sync - 1, "node1"), "iptables").text()).contains("10.244.2.2:53");
		assertThat(table(r.at(sync, "node1"), "iptables").text()).doesNotContain("10.244.2.2:53");
	}

	/**
	 * CNI DEL: the entries node2's cbr0 learned on web-1's port are listed up to the
	 * UNPLUG step and gone from it; web-1's namespace is gone after its teardown, and
	 * asking for it says so; web-2's exists once created.
	 */
	@Test
	void cniDelTakesThePortsLearnedEntriesAndTheNamespace() throws IOException {
		Run r = builtIn("backend-dies-mid-connection");
		int unplug = r.stepWhere(s -> s instanceof Step.Cni c && c.action() == Step.Cni.Action.UNPLUG);
		Step.Cni cni = (Step.Cni) r.steps().get(unplug - 1);
		String port = cni.removes().get(1).substring("node2/".length());
		String fdbBefore = table(r.at(unplug - 1, "node2"), "fdb").text();
		assertThat(fdbBefore).contains(" dev " + port + " master cbr0 \n");
		String fdbAfter = table(r.at(unplug, "node2"), "fdb").text();
		assertThat(fdbAfter).doesNotContain(" dev " + port + " ");
		assertThat(table(r.at(1, "default/web-1"), "route").text()).isNotEmpty();
		assertThatThrownBy(() -> r.at(r.steps().size(), "default/web-1")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("no namespace default/web-1 after step " + r.steps().size());
		assertThatThrownBy(() -> r.at(1, "default/web-2")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("had not created it yet");
		assertThat(table(r.at(r.steps().size(), "default/web-2"), "route").text()).contains("default via 10.244.2.1");
		assertThatThrownBy(() -> r.at(1, "nowhere")).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("no namespace nowhere");
	}

	/**
	 * removeNode: flanneld on node1 deletes node3's ARP and FDB entries on flannel.1 at
	 * its node-sync step: listed before, gone from that step on.
	 */
	@Test
	void flanneldsRemovalsLeaveTheTablesAtItsStep() {
		Run r = run(ClusterChangesTest.LEAVING, 1);
		int sync = r.stepWhere(s -> s instanceof Step.NodeSync n && n.node().equals("node1"));
		assertThat(table(r.at(sync - 1, "node1"), "neigh").text()).contains("10.244.3.0 dev flannel.1 lladdr ");
		assertThat(table(r.at(sync - 1, "node1"), "fdb").text()).contains(" dev flannel.1 dst 10.240.0.4 ");
		assertThat(table(r.at(sync, "node1"), "neigh").text()).doesNotContain("10.244.3.0 dev flannel.1");
		assertThat(table(r.at(sync, "node1"), "fdb").text()).doesNotContain("dst 10.240.0.4");
		assertThat(table(r.at(sync, "node1"), "route").text()).doesNotContain("10.244.3.0/24");
		// node2's own step comes later: node2 still has them at node1's step
		assertThat(table(r.at(sync, "node2"), "fdb").text()).contains(" dev flannel.1 dst 10.240.0.4 ");
	}

	/**
	 * IPVS's connection table keeps its own timers: after the 2-minute wait the UDP
	 * query's conntrack entry (30 s) is gone but its IPVS connection (300 s) is still
	 * listed by {@code ipvsadm -Lnc}, counted down, as is the persistence template; a
	 * 15-minute wait takes both IPVS connections (TCP ESTABLISHED 900 s) and the template
	 * out of the table.
	 */
	@Test
	void ipvsConnectionsCountDownOnTheirOwnTimers() {
		Run r = run(ClusterChangesTest.WAITING.replace("MODE", "ipvs") + "  - wait: 15m\n", 1);
		int wait120 = r.firstStepOf("change2", Walk.Leg.CHANGE);
		int node1 = r
			.stepWhere(s -> s instanceof Step.Wait w && w.seconds() == 120 && w.at().namespace().equals("node1"));
		assertThat(node1).isGreaterThanOrEqualTo(wait120);
		String before = table(r.at(node1 - 1, "node1"), "ipvs-conn").text();
		assertThat(before).contains("\nTCP 14:53  ESTABLISHED 10.244.1.2:")
			.contains("\nUDP 04:55  UDP         10.244.1.2:");
		assertThat(conntrack(r, node1, "node1")).doesNotContain("udp ");
		String after = table(r.at(node1, "node1"), "ipvs-conn").text();
		assertThat(after).contains("\nTCP 12:53  ESTABLISHED 10.244.1.2:")
			.contains("\nUDP 02:55  UDP         10.244.1.2:")
			.contains(" 10.96.0.53:53      10.244.1.4:53\n");
		int last = r.firstStepOf("change4", Walk.Leg.CHANGE);
		// web's persistence template (sessionAffinity ClientIP, -p 60): armed again for
		// 60 s at each run-out while its TCP connection is in the table
		assertThat(after).contains("\nTCP 00:52  NONE        10.244.1.2:0       10.96.0.80:80      10.244.1.3:8080\n");
		assertThat(table(r.at(last - 1, "node1"), "ipvs-conn").text().lines()).hasSize(5);
		assertThat(table(r.at(r.steps().size(), "node1"), "ipvs-conn").text().lines()).hasSize(2);
	}

}

package dev.packetwalk.engine;

import dev.packetwalk.net.Protocol;
import dev.packetwalk.testing.Lab;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Field;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import org.junit.jupiter.api.Test;

import static dev.packetwalk.testing.TraceAssert.assertThatTrace;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One stage of the per-namespace pipeline at a time, on topologies of two or three
 * namespaces.
 */
class WalkerTest {

	private static Lab pair() {
		return new Lab().ns("a").ns("b").veth("a", "eth0", "10.0.0.1/24", "b", "eth0", "10.0.0.2/24");
	}

	@Test
	void onLinkDeliveryWithArpAndReply() {
		Trace t = pair().listen("b", Protocol.TCP, 80).tcp("a", "10.0.0.2", 80).run();
		assertThatTrace(t).hasWalks(2);
		assertThatTrace(t).walk(0)
			.isDelivered()
			.visits("a", "b")
			.hasStep(Step.NeighborLookup.class, n -> n.resolution() == Step.NeighborLookup.Resolution.ARP_REPLY
					&& n.answeredBy().namespace().equals("b"), "answered by b");
		// the reply reverses the addresses and finds the ARP entry b learned from the
		// request
		assertThatTrace(t).walk(1)
			.isDelivered()
			.visits("b", "a")
			.hasStep(Step.NeighborLookup.class, n -> n.resolution() == Step.NeighborLookup.Resolution.CACHE,
					"cache hit")
			.hasStep(Step.Send.class, s -> s.packet().src().toString().equals("10.0.0.2")
					&& s.packet().dst().toString().equals("10.0.0.1"), "from b to a");
	}

	@Test
	void noListenerIsRefused() {
		Trace t = pair().tcp("a", "10.0.0.2", 81).run();
		assertThatTrace(t).hasWalks(1).walk(0).isDroppedBecause(DropReason.NO_LISTENER);
	}

	@Test
	void noRouteIsUnreachable() {
		Trace t = pair().tcp("a", "192.0.2.1", 80).run();
		assertThatTrace(t).walk(0).isDroppedBecause(DropReason.NO_ROUTE).visits("a");
	}

	@Test
	void unansweredArpDrops() {
		Trace t = pair().tcp("a", "10.0.0.9", 80).run();
		assertThatTrace(t).walk(0)
			.isDroppedBecause(DropReason.NEIGHBOR_UNREACHABLE)
			.hasStep(Step.NeighborLookup.class, n -> n.resolution() == Step.NeighborLookup.Resolution.FAILED, "failed");
	}

	private static Lab routed() {
		return new Lab().ns("a")
			.router("r")
			.ns("b")
			.veth("a", "eth0", "10.0.1.2/24", "r", "ra", "10.0.1.1/24")
			.veth("r", "rb", "10.0.2.1/24", "b", "eth0", "10.0.2.2/24")
			.route("a", "default via 10.0.1.1 dev eth0")
			.route("b", "default via 10.0.2.1 dev eth0")
			.listen("b", Protocol.TCP, 80);
	}

	@Test
	void aRouterForwardsAndDecrementsTtl() {
		Trace t = routed().tcp("a", "10.0.2.2", 80).run();
		assertThatTrace(t).walk(0)
			.isDelivered()
			.visits("a", "r", "b")
			.hasStep(
					Step.Forward.class, f -> f.diffs().getFirst().field() == Field.TTL
							&& f.diffs().getFirst().before().equals("64") && f.diffs().getFirst().after().equals("63"),
					"64 → 63");
		assertThat(t.walks().get(0).hops().get(2).steps().getLast().packet().ip().ttl()).isEqualTo(63);
		assertThatTrace(t).walk(1).isDelivered().visits("b", "r", "a");
	}

	@Test
	void forwardingDisabledDrops() {
		Trace t = routed().forwarding("r", false).tcp("a", "10.0.2.2", 80).run();
		assertThatTrace(t).walk(0).isDroppedBecause(DropReason.FORWARDING_DISABLED).visits("a", "r");
	}

	@Test
	void longestPrefixWinsThenLowestMetric() {
		Lab lab = new Lab().ns("a")
			.ns("x")
			.ns("y")
			.veth("a", "ex", "10.0.1.2/24", "x", "eth0", "10.0.1.1/24")
			.veth("a", "ey", "10.0.2.2/24", "y", "eth0", "10.0.2.1/24")
			.route("a", "10.9.0.0/16 via 10.0.1.1 dev ex")
			.route("a", "10.9.9.0/24 via 10.0.2.1 dev ey metric 100")
			.route("a", "10.9.9.0/24 via 10.0.1.1 dev ex metric 50")
			.tcp("a", "10.9.9.9", 80);
		Trace t = lab.run();
		Step.RouteLookup r = assertThatTrace(t).walk(0).steps(Step.RouteLookup.class).getFirst();
		assertThat(r.table().get(r.matched())).isEqualTo("10.9.9.0/24 via 10.0.1.1 dev ex metric 50");
	}

	@Test
	void aHostEcmpRouteOnLocalOutputReportsTheLineThatMatched() {
		Lab lab = new Lab().ns("a")
			.ns("x")
			.ns("y")
			.veth("a", "ex", "10.0.1.2/24", "x", "eth0", "10.0.1.1/24")
			.veth("a", "ey", "10.0.2.2/24", "y", "eth0", "10.0.2.1/24")
			.multipath("a", "10.9.0.0/16", "10.0.1.1 dev ex", "10.0.2.1 dev ey")
			.tcp("a", "10.9.9.9", 80);
		Step.RouteLookup r = assertThatTrace(lab.run()).walk(0).steps(Step.RouteLookup.class).getFirst();
		assertThat(r.matched()).isNotNegative();
		assertThat(r.table().get(r.matched())).isEqualTo(
				"10.9.0.0/16 proto static nexthop via 10.0.1.1 dev ex weight 1 nexthop via 10.0.2.1 dev ey weight 1");
		assertThat(r.nextHop()).isIn("10.0.1.1", "10.0.2.1");
		assertThat(r.narration()).contains("2 usable equal-cost next hops");
	}

	/**
	 * The kernel runs the raw table (priority -300) before conntrack's lookup (-200), and
	 * nat (-100) after it.
	 */
	@Test
	void rawRunsBeforeConntrackAndNatAfter() {
		Trace t = routed().iptables("r", "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
				+ "-A PREROUTING -p tcp -m comment --comment \"seen before conntrack\" -j ACCEPT\nCOMMIT\n"
				+ "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
				+ "-A PREROUTING -p tcp -j ACCEPT\nCOMMIT\n")
			.tcp("a", "10.0.2.2", 80)
			.run();
		assertThatTrace(t).walk(0).isDelivered();
		java.util.List<String> order = t.walks()
			.get(0)
			.hops()
			.get(1)
			.steps()
			.stream()
			.filter(s -> s instanceof Step.Netfilter || s instanceof Step.Conntrack)
			.map(s -> s instanceof Step.Netfilter nf ? nf.table() + " " + nf.hook() : "conntrack")
			.toList();
		assertThat(order.subList(0, 3)).containsExactly("RAW PREROUTING", "conntrack", "NAT PREROUTING");
	}

	/**
	 * Two routers whose default routes point at each other, and a packet from a with this
	 * TTL into the loop.
	 */
	private static Lab routingLoop(int ttl) {
		return new Lab().router("r1")
			.router("r2")
			.ns("a")
			.veth("a", "eth0", "10.0.0.2/24", "r1", "ra", "10.0.0.1/24")
			.veth("r1", "to2", "10.1.0.1/30", "r2", "to1", "10.1.0.2/30")
			.route("a", "default via 10.0.0.1 dev eth0")
			.route("r1", "default via 10.1.0.2 dev to2")
			.route("r2", "default via 10.1.0.1 dev to1")
			.flow("a", "198.51.100.7", 80, Protocol.TCP, ttl, 0);
	}

	@Test
	void aRoutingLoopEndsWithTimeExceeded() {
		Trace t = routingLoop(8).run();
		assertThatTrace(t).walk(0).isDroppedBecause(DropReason.TTL_EXCEEDED);
		assertThat(t.walks().get(0).hops()).hasSize(9);
		assertThat(((Step.Drop) assertThatTrace(t).walk(0).lastStep()).icmp()).contains("time-to-live exceeded");
	}

	@Test
	void aLoopTheTtlDoesNotEndStopsAtTheHopLimit() {
		Lab lab = routingLoop(255);
		Trace t = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
				() -> new dev.packetwalk.engine.Engine(lab.scenario(), 16).run(1));
		assertThatTrace(t).walk(0).isDroppedBecause(DropReason.HOP_LIMIT);
		assertThat(t.walks().get(0).hops()).hasSize(16);
		assertThat(new dev.packetwalk.engine.Engine(lab.scenario()).run(1).walks().get(0).hops())
			.hasSize(Walker.MAX_HOPS);
	}

	@Test
	void aBridgeFloodsUnknownDestinationsThenLearns() {
		Lab lab = new Lab().ns("h")
			.ns("p1")
			.ns("p2")
			.bridge("h", "br0", "10.0.0.1/24")
			.port("p1", "eth0", "10.0.0.2/24", "h", "v1", "br0")
			.port("p2", "eth0", "10.0.0.3/24", "h", "v2", "br0")
			.listen("p2", Protocol.TCP, 80)
			.listen("h", Protocol.TCP, 22)
			.tcp("p1", "10.0.0.3", 80)
			.tcp("p1", "10.0.0.1", 22);
		Trace t = lab.run();
		assertThatTrace(t).walk(0)
			.isDelivered()
			.visits("p1", "h", "p2")
			.hasStep(Step.BridgeForward.class,
					b -> b.decision() == Step.BridgeForward.Decision.FDB_HIT && b.outPort().equals("v2"),
					"learned from the ARP reply");
		// to the bridge's own address: handed up to the host's stack
		assertThatTrace(t).walk(2)
			.isDelivered()
			.visits("p1", "h")
			.hasStep(Step.BridgeForward.class, b -> b.decision() == Step.BridgeForward.Decision.LOCAL, "local");
	}

	@Test
	void tooBigWithDontFragmentIsDropped() {
		Lab lab = routed().mtu("r", "rb", 1450).flow("a", "10.0.2.2", 80, Protocol.TCP, 64, 1460);
		Trace t = lab.run();
		assertThatTrace(t).walk(0).isDroppedBecause(DropReason.FRAGMENTATION_NEEDED).visits("a", "r");
	}

	@Test
	void sameSeedSameTraceByteForByte() {
		Lab lab = routed().tcp("a", "10.0.2.2", 80);
		assertThat(TraceJson.write(lab.run(42))).isEqualTo(TraceJson.write(lab.run(42)));
		assertThat(TraceJson.write(lab.run(42))).isNotEqualTo(TraceJson.write(lab.run(43)));
	}

}

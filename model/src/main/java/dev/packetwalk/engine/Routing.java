package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.net.Ip;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Route;
import dev.packetwalk.trace.Step;

/**
 * The routing decision: the local table first (an address of the namespace goes to its
 * own stack), then the main table's longest prefix; an ECMP route picks its next hop by a
 * hash of the flow. {@link #step} shows the table and the line that matched.
 */
final class Routing {

	/**
	 * Where the kernel sends a packet.
	 *
	 * @param local the destination is an address of the namespace (the local table)
	 * @param matched the main table's route that matched (an ECMP route as it is in the
	 * table), or null
	 * @param path the single path the packet takes ({@code matched} itself, or the next
	 * hop ECMP picked), or null
	 */
	record Decision(boolean local, Route matched, Route path) {

		boolean unreachable() {
			return !local && matched == null;
		}

	}

	private final Network net;

	private final RunState state;

	Routing(Network net, RunState state) {
		this.net = net;
		this.state = state;
	}

	Decision decide(Namespace ns, Packet p) {
		if (net.isLocal(ns, p.dst())) {
			return new Decision(true, null, null);
		}
		Route r = net.lookup(ns.id(), p.dst());
		return new Decision(false, r, r != null && r.isMultipath() ? pickNexthop(r, p) : r);
	}

	/**
	 * The route lookup as a step: the table as {@code ip route} prints it and the index
	 * of the line that matched.
	 */
	Step.RouteLookup step(Namespace ns, Packet p, Decision d) {
		if (d.local()) {
			List<String> table = List.of("local " + p.dst() + " dev " + localDevice(ns, p.dst())
					+ " table local proto kernel scope host src " + p.dst());
			return new Step.RouteLookup(HopRecorder.place(ns, null), p,
					p.dst() + " is an address of " + ns.label()
							+ ": the local routing table sends it to the namespace's own stack.",
					table, 0, Step.RouteLookup.Decision.LOCAL, null, "lo");
		}
		List<String> table = net.routeTexts(ns.id());
		Route r = d.matched();
		if (r == null) {
			return new Step.RouteLookup(HopRecorder.place(ns, null), p,
					"No route in " + ns.label() + " covers " + p.dst() + ".", table, -1,
					Step.RouteLookup.Decision.UNREACHABLE, null, null);
		}
		int matched = indexOf(net.routes(ns.id()), r);
		Route chosen = d.path();
		if (r.isMultipath()) {
			StringBuilder hops = new StringBuilder();
			for (Route.Nexthop h : r.multipath()) {
				hops.append(hops.isEmpty() ? "" : ", ")
					.append(h.via())
					.append(h.note() == null ? "" : " (" + h.note() + ")");
			}
			long live = r.multipath().stream().filter(n -> !n.dead()).count();
			return new Step.RouteLookup(HopRecorder.place(ns, null), p,
					p.dst() + " has " + live + " usable equal-cost next hops (" + hops
							+ "); a hash of this flow's addresses and ports picks " + chosen.via() + " on "
							+ chosen.dev() + ", and every packet of the flow will take the same one.",
					table, matched, Step.RouteLookup.Decision.VIA, chosen.via().toString(), chosen.dev());
		}
		String why = r.isDefault() ? "Only the default route covers " + p.dst()
				: "The longest prefix covering " + p.dst() + " is " + r.dst();
		String what = r.via() != null ? ": send it via " + r.via() + " on " + r.dev() + (r.onlink() ? " (onlink)" : "")
				: ": " + p.dst() + " is directly reachable on " + r.dev();
		return new Step.RouteLookup(HopRecorder.place(ns, null), p, why + what + ".", table, matched,
				r.via() != null ? Step.RouteLookup.Decision.VIA : Step.RouteLookup.Decision.LINK,
				r.via() != null ? r.via().toString() : p.dst().toString(), r.dev());
	}

	/**
	 * ECMP: the kernel hashes the flow's addresses, protocol and ports
	 * (fib_multipath_hash_policy=1) to pick a next hop, so every packet of a flow takes
	 * the same one. The hash is seeded per run, as a load balancer's is per deployment.
	 */
	private Route pickNexthop(Route r, Packet p) {
		int h = flowHash(p) ^ (int) (state.seed * 0x9E3779B97F4A7C15L >>> 32);
		h ^= h >>> 16;
		h *= 0x45d9f3b;
		h ^= h >>> 16;
		List<Route.Nexthop> live = r.multipath().stream().filter(n -> !n.dead()).toList();
		return r.pick(live.get(Math.floorMod(h, live.size())));
	}

	/**
	 * A stable hash of the flow, as the kernel's {@code udp_flow_src_port} spreads
	 * tunnels over source ports.
	 */
	static int flowHash(Packet p) {
		int h = 0x811c9dc5;
		int[] parts = { p.src().value(), p.dst().value(), p.l4().srcPort(), p.l4().dstPort(),
				p.ip().protocol().number() };
		for (int v : parts) {
			h = (h ^ v) * 0x01000193;
		}
		return h;
	}

	/**
	 * The line of the table that matched: by identity, as the lookup returns the table's
	 * own route.
	 */
	private static int indexOf(List<Route> table, Route r) {
		for (int i = 0; i < table.size(); i++) {
			if (table.get(i) == r) {
				return i;
			}
		}
		return -1;
	}

	private static String localDevice(Namespace ns, Ip ip) {
		if (ip.isLoopback()) {
			return "lo";
		}
		for (Device d : ns.devices()) {
			if (d.owns(ip)) {
				return d.name();
			}
		}
		return "lo";
	}

}

package dev.packetwalk.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Ethernet;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.packet.Vxlan;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Listener;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.topology.Route;
import dev.packetwalk.trace.Disposition;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Field;
import dev.packetwalk.trace.FieldDiff;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Place;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Walk;

/**
 * Walks one packet through the network, namespace by namespace, in the order the kernel processes it (see
 * docs/architecture.md). Produces the hops and steps of one {@link Walk}.
 */
final class Walker {

	/** A walk never visits more namespaces than this; a loop that the TTL does not end first stops here. */
	static final int MAX_HOPS = 64;

	/** What a receiving socket must look like for the walk to be delivered. */
	sealed interface Expect {
		/** A new connection: some socket must listen on the destination port. */
		record Listening() implements Expect {
		}

		/** A reply: the connected client socket accepts only packets from the peer it connected to. */
		record Connected(Ip localIp, int localPort, Ip peerIp, int peerPort, String socket) implements Expect {
		}
	}

	/** Where processing goes next. */
	private sealed interface Next {
	}

	private record Arrive(String ns, String dev, Packet frame) implements Next {
	}

	private record End(Disposition disposition) implements Next {
	}

	private final Network net;

	private final RunState state;

	private final Netfilter netfilter;

	private final List<Hop> hops = new ArrayList<>();

	private Place hopPlace;

	private List<Step> steps;

	private Expect expect;

	/** The packet as the receiving socket got it, when delivered. */
	Packet delivered;

	/** The namespace it was delivered in. */
	String deliveredIn;

	/** The process that received it. */
	String deliveredTo;

	private final dev.packetwalk.netpol.PolicyEngine policies;

	private final int maxHops;

	Walker(Network net, RunState state, dev.packetwalk.netpol.PolicyEngine policies) {
		this(net, state, policies, MAX_HOPS);
	}

	Walker(Network net, RunState state, dev.packetwalk.netpol.PolicyEngine policies, int maxHops) {
		this.maxHops = maxHops;
		this.net = net;
		this.state = state;
		this.policies = policies;
		this.netfilter = new Netfilter(net, state);
	}

	Walk walk(String flow, Walk.Leg leg, String label, String originNs, Packet packet, String socket, Expect expect) {
		this.expect = expect;
		Namespace ns = net.ns(originNs);
		startHop(place(ns, null));
		Next next = localOut(ns, packet, socket, true);
		while (next instanceof Arrive a) {
			if (hops.size() + 1 >= maxHops) {
				next = drop(place(ns, a.dev()), a.frame(), DropReason.HOP_LIMIT,
						"The walk has crossed " + maxHops + " namespaces without ending: a forwarding loop. PacketWalk stops it here.",
						null);
				break;
			}
			ns = net.ns(a.ns());
			finishHop();
			startHop(place(ns, a.dev()));
			steps.add(new Step.Receive(place(ns, a.dev()), a.frame(), "Arrives on " + a.dev() + " in " + ns.label() + ".",
					a.dev()));
			next = receive(ns, a.dev(), a.frame());
		}
		finishHop();
		Disposition d = ((End) next).disposition();
		return new Walk(flow, leg, label, hops, d);
	}

	// ---------------------------------------------------------------- hops

	private void startHop(Place p) {
		hopPlace = p;
		steps = new ArrayList<>();
	}

	private void finishHop() {
		if (steps != null && !steps.isEmpty()) {
			hops.add(new Hop(hopPlace, steps));
		}
		steps = null;
	}

	static Place place(Namespace ns, String dev) {
		return new Place(ns.node(), ns.id(), dev);
	}

	private End drop(Place at, Packet p, DropReason reason, String narration, String icmp) {
		steps.add(new Step.Drop(at, p, narration, reason, icmp));
		return new End(Disposition.dropped(reason, narration));
	}

	// ---------------------------------------------------------------- output path

	/**
	 * A packet leaves a local socket: route lookup (which also picks the source address), the OUTPUT hooks, then
	 * POSTROUTING and the device.
	 */
	private Next localOut(Namespace ns, Packet p, String socket, boolean emitSend) {
		Route r = net.isLocal(ns, p.dst()) ? null : net.lookup(ns.id(), p.dst());
		if (r != null && r.isMultipath()) {
			r = pickNexthop(r, p);
		}
		boolean local = net.isLocal(ns, p.dst());
		if (p.src().equals(Ip.ANY)) {
			Ip src = local ? (p.dst().isLoopback() ? p.dst() : p.dst())
					: r == null ? Ip.ANY : r.src() != null ? r.src() : ns.primaryAddress(r.dev());
			p = p.withIp(p.ip().withSrc(src == null ? Ip.ANY : src));
		}
		if (emitSend) {
			steps.add(new Step.Send(place(ns, null), p, capitalize(socket) + " sends " + describe(p) + ".", socket));
		}
		if (!local && r == null) {
			steps.add(routeStep(ns, p, null, false));
			return drop(place(ns, null), p, DropReason.NO_ROUTE, "No route in " + ns.label() + " matches " + p.dst()
					+ ": the socket gets ENETUNREACH (\"Network is unreachable\").", null);
		}
		steps.add(routeStep(ns, p, r, local));
		Netfilter.Outcome out = netfilter.output(ns, p, r == null ? "lo" : r.dev(), steps);
		if (out.dropped() != null) {
			return new End(out.dropped());
		}
		p = out.packet();
		if (!p.dst().equals(out.before().dst())) {
			// DNAT in OUTPUT: the kernel routes the packet again
			local = net.isLocal(ns, p.dst());
			r = local ? null : net.lookup(ns.id(), p.dst());
			if (!local && r == null) {
				steps.add(routeStep(ns, p, null, false));
				return drop(place(ns, null), p, DropReason.NO_ROUTE, "After DNAT no route in " + ns.label() + " matches " + p.dst() + ".", null);
			}
			steps.add(routeStep(ns, p, r, local));
		}
		return postRouting(ns, p, local ? null : r, null);
	}

	private Step.RouteLookup routeStep(Namespace ns, Packet p, Route r, boolean local) {
		List<String> table = new ArrayList<>();
		int matched = -1;
		if (local) {
			table.add("local " + p.dst() + " dev " + localDevice(ns, p.dst()) + " table local proto kernel scope host src " + p.dst());
			return new Step.RouteLookup(place(ns, null), p, p.dst() + " is an address of " + ns.label()
					+ ": the local routing table sends it to the namespace's own stack.", table, 0, "local", null, "lo");
		}
		table = net.routeTexts(ns.id());
		List<Route> routes = net.routes(ns.id());
		for (int i = 0; i < routes.size(); i++) {
			if (routes.get(i) == r) {
				matched = i;
			}
		}
		if (r == null) {
			return new Step.RouteLookup(place(ns, null), p, "No route in " + ns.label() + " covers " + p.dst() + ".", table,
					-1, "unreachable", null, null);
		}
		String why = r.isDefault() ? "Only the default route covers " + p.dst()
				: "The longest prefix covering " + p.dst() + " is " + r.dst();
		String what = r.via() != null ? ": send it via " + r.via() + " on " + r.dev() + (r.onlink() ? " (onlink)" : "")
				: ": " + p.dst() + " is directly reachable on " + r.dev();
		return new Step.RouteLookup(place(ns, null), p, why + what + ".", table, matched, r.via() != null ? "via" : "link",
				r.via() != null ? r.via().toString() : p.dst().toString(), r.dev());
	}

	/**
	 * ECMP: the kernel hashes the flow's addresses, protocol and ports (fib_multipath_hash_policy=1) to pick a next
	 * hop, so every packet of a flow takes the same one. The hash is seeded per run, as a load balancer's is per
	 * deployment.
	 */
	private Route pickNexthop(Route r, Packet p) {
		int h = flowHash(p) ^ (int) (state.seed * 0x9E3779B97F4A7C15L >>> 32);
		h ^= h >>> 16;
		h *= 0x45d9f3b;
		h ^= h >>> 16;
		List<Route.Nexthop> live = r.multipath().stream().filter(n -> !n.dead()).toList();
		return r.pick(live.get(Math.floorMod(h, live.size())));
	}

	private Step.RouteLookup ecmpStep(Namespace ns, Packet p, Route multi, Route chosen) {
		List<String> table = net.routeTexts(ns.id());
		int matched = -1;
		List<Route> routes = net.routes(ns.id());
		for (int i = 0; i < routes.size(); i++) {
			if (routes.get(i) == multi) {
				matched = i;
			}
		}
		StringBuilder hops = new StringBuilder();
		for (Route.Nexthop h : multi.multipath()) {
			hops.append(hops.isEmpty() ? "" : ", ").append(h.via()).append(h.note() == null ? "" : " (" + h.note() + ")");
		}
		long live = multi.multipath().stream().filter(n -> !n.dead()).count();
		return new Step.RouteLookup(place(ns, null), p, p.dst() + " has " + live
				+ " usable equal-cost next hops (" + hops + "); a hash of this flow's addresses and ports picks " + chosen.via()
				+ " on " + chosen.dev() + ", and every packet of the flow will take the same one.", table, matched, "via",
				chosen.via().toString(), chosen.dev());
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

	/**
	 * POSTROUTING, then the device: loopback, a VXLAN device (encapsulate), a bridge (the host sends into its own
	 * bridge) or a veth/NIC. {@code r} is null for a locally destined packet.
	 */
	private Next postRouting(Namespace ns, Packet p, Route r, String inDev) {
		String outDev = r == null ? "lo" : r.dev();
		Netfilter.Outcome post = netfilter.postrouting(ns, p, inDev, outDev, steps);
		if (post.dropped() != null) {
			return new End(post.dropped());
		}
		p = post.packet();
		if (r == null) {
			steps.add(new Step.Transmit(place(ns, "lo"), p, "Loops back through lo: the destination is in this namespace.",
					"lo", place(ns, "lo")));
			return new Arrive(ns.id(), "lo", p);
		}
		Device dev = net.device(ns, outDev);
		if (p.ipLength() > dev.mtu()) {
			if (p.ip().dontFragment()) {
				return drop(place(ns, outDev), p, DropReason.FRAGMENTATION_NEEDED, "The packet is " + p.ipLength()
						+ " bytes but " + outDev + " has MTU " + dev.mtu() + " and the DF bit forbids fragmenting it: the kernel drops it and answers ICMP fragmentation-needed (mtu " + dev.mtu() + ").",
						"ICMP type 3 code 4 fragmentation needed, next-hop MTU " + dev.mtu());
			}
		}
		Ip nextHop = r.via() != null ? r.via() : p.dst();
		return switch (dev) {
			case Device.Vxlan vx -> encapsulate(ns, vx, p, nextHop);
			case Device.Bridge br -> {
				Mac mac = resolve(ns, br, nextHop, p);
				if (mac == null) {
					yield neighborFailure(ns, outDev, nextHop, p);
				}
				Packet frame = p.withEth(new Ethernet(br.mac(), mac));
				yield bridgeFromHost(ns, br, frame);
			}
			case Device.Veth v -> {
				Mac mac = resolve(ns, v, nextHop, p);
				if (mac == null) {
					yield neighborFailure(ns, outDev, nextHop, p);
				}
				yield transmit(ns, v, p.withEth(new Ethernet(v.mac(), mac)));
			}
			case Device.Physical ph -> {
				Mac mac = resolve(ns, ph, nextHop, p);
				if (mac == null) {
					yield neighborFailure(ns, outDev, nextHop, p);
				}
				yield transmit(ns, ph, p.withEth(new Ethernet(ph.mac(), mac)));
			}
			case Device.Loopback lo -> {
				steps.add(new Step.Transmit(place(ns, "lo"), p, "Loops back through lo.", "lo", place(ns, "lo")));
				yield new Arrive(ns.id(), "lo", p);
			}
			case Device.Dummy du -> drop(place(ns, outDev), p, DropReason.NO_ROUTE,
					outDev + " is a dummy device: whatever is routed to it is discarded.", null);
		};
	}

	private End neighborFailure(Namespace ns, String dev, Ip nextHop, Packet p) {
		return drop(place(ns, dev), p, DropReason.NEIGHBOR_UNREACHABLE, "Nobody on " + dev + "'s link answered ARP for "
				+ nextHop + ": the neighbour entry goes FAILED and the packet is dropped (EHOSTUNREACH).", null);
	}

	/** Sends a frame out of a veth or NIC: it appears on the peer. The skb mark does not survive the crossing. */
	private Next transmit(Namespace ns, Device dev, Packet frame) {
		Device.Endpoint peer = Network.peer(dev);
		Namespace other = net.ns(peer.namespace());
		String kind = dev instanceof Device.Veth ? "veth pair" : "cable";
		steps.add(new Step.Transmit(place(ns, dev.name()), frame, "Leaves through " + dev.name() + "; the " + kind
				+ " delivers it to " + peer.device() + " in " + other.label() + ".", dev.name(), place(other, peer.device())));
		Packet arriving = other.id().equals(ns.id()) ? frame : frame.withMark(0);
		return new Arrive(other.id(), peer.device(), arriving);
	}

	// ---------------------------------------------------------------- neighbours

	/** Resolves the next hop's MAC on a device: permanent entry, cache, or an ARP exchange on the link. */
	private Mac resolve(Namespace ns, Device dev, Ip ip, Packet p) {
		for (Neighbor n : ns.neighbors()) {
			if (n.dev().equals(dev.name()) && n.ip().equals(ip)) {
				steps.add(new Step.NeighborLookup(place(ns, dev.name()), p, ip + " has a permanent neighbour entry on "
						+ dev.name() + ": " + n.mac() + ".", ip.toString(), n.mac().toString(),
						Step.NeighborLookup.Resolution.PERMANENT, null));
				return n.mac();
			}
		}
		Mac cached = state.neighbor(ns.id(), dev.name(), ip);
		if (cached != null) {
			steps.add(new Step.NeighborLookup(place(ns, dev.name()), p, "ARP cache hit: " + ip + " is at " + cached + ".",
					ip.toString(), cached.toString(), Step.NeighborLookup.Resolution.CACHE, null));
			return cached;
		}
		if (dev instanceof Device.Vxlan) {
			steps.add(new Step.NeighborLookup(place(ns, dev.name()), p, dev.name() + " does not send ARP (nolearning, "
					+ "entries are programmed by the agent) and has no entry for " + ip + ".", ip.toString(), null,
					Step.NeighborLookup.Resolution.FAILED, null));
			return null;
		}
		Mac requesterMac = dev.mac();
		for (L2Member m : l2Domain(ns, dev)) {
			Namespace other = net.ns(m.ns());
			if (net.isLocal(other, ip) && other.kind() != Namespace.Kind.SWITCH) {
				Device answering = net.device(other, m.dev());
				// learned on both sides, and by every bridge the exchange crossed
				state.learnNeighbor(ns.id(), dev.name(), ip, answering.mac());
				// the request says "tell" the address of the asking interface (the packet's source when it has none)
				Ip requesterIp = ns.primaryAddress(dev.name()) != null ? ns.primaryAddress(dev.name()) : p.src();
				if (!requesterIp.equals(Ip.ANY)) {
					state.learnNeighbor(other.id(), answering.name(), requesterIp, requesterMac);
				}
				for (BridgeCrossing c : m.path()) {
					state.fdbLearn(c.ns(), c.bridge(), requesterMac, c.towardRequester());
					if (c.towardAnswer() != null) {
						state.fdbLearn(c.ns(), c.bridge(), answering.mac(), c.towardAnswer());
					}
				}
				steps.add(new Step.NeighborLookup(place(ns, dev.name()), p, "ARP: who-has " + ip + " tell "
						+ (requesterIp.equals(Ip.ANY) ? dev.name() : requesterIp) + " is broadcast on " + dev.name() + "; "
						+ other.label() + " answers from " + answering.name() + ": " + ip + " is-at " + answering.mac() + ".",
						ip.toString(), answering.mac().toString(), Step.NeighborLookup.Resolution.ARP_REPLY,
						place(other, answering.name())));
				return answering.mac();
			}
		}
		steps.add(new Step.NeighborLookup(place(ns, dev.name()), p, "ARP: who-has " + ip + " is broadcast on "
				+ dev.name() + " three times and nobody answers.", ip.toString(), null,
				Step.NeighborLookup.Resolution.FAILED, null));
		return null;
	}

	/** A bridge an ARP exchange crossed: which port leads back to the requester and which to the answer. */
	private record BridgeCrossing(String ns, String bridge, String towardRequester, String towardAnswer) {
	}

	private record L2Member(String ns, String dev, List<BridgeCrossing> path) {
	}

	/**
	 * Every device that hears a broadcast sent on {@code dev}: across veth pairs and cables, and through bridges
	 * (to the bridge itself and out of its other ports). Breadth first, so the nearest owner answers.
	 */
	private List<L2Member> l2Domain(Namespace ns, Device dev) {
		List<L2Member> out = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		Deque<L2Member> queue = new ArrayDeque<>();
		seen.add(ns.id() + "/" + dev.name());
		if (dev instanceof Device.Bridge) {
			for (Device port : net.ports(ns.id(), dev.name())) {
				seen.add(ns.id() + "/" + port.name());
				enqueueLink(port, new BridgeCrossing(ns.id(), dev.name(), null, port.name()), List.of(), queue, seen);
			}
		}
		else {
			enqueueLink(dev, null, List.of(), queue, seen);
		}
		while (!queue.isEmpty()) {
			L2Member m = queue.poll();
			Namespace mns = net.ns(m.ns());
			Device d = net.device(mns, m.dev());
			if (d.master() != null) {
				// arrives on a bridge port: the bridge hears it, and floods it out of its other ports
				Device.Bridge br = (Device.Bridge) net.device(mns, d.master());
				List<BridgeCrossing> path = new ArrayList<>(m.path());
				path.add(new BridgeCrossing(mns.id(), br.name(), d.name(), null));
				if (seen.add(mns.id() + "/" + br.name())) {
					out.add(new L2Member(mns.id(), br.name(), path));
				}
				for (Device port : net.ports(mns.id(), br.name())) {
					if (seen.add(mns.id() + "/" + port.name())) {
						List<BridgeCrossing> p2 = new ArrayList<>(m.path());
						p2.add(new BridgeCrossing(mns.id(), br.name(), d.name(), port.name()));
						enqueueLink(port, null, p2, queue, seen);
					}
				}
			}
			else {
				out.add(m);
			}
		}
		return out;
	}

	private void enqueueLink(Device from, BridgeCrossing start, List<BridgeCrossing> path, Deque<L2Member> queue,
			Set<String> seen) {
		Device.Endpoint peer = Network.peer(from);
		if (peer == null || !seen.add(peer.namespace() + "/" + peer.device())) {
			return;
		}
		List<BridgeCrossing> p = new ArrayList<>(path);
		if (start != null) {
			p.add(start);
		}
		queue.add(new L2Member(peer.namespace(), peer.device(), p));
	}

	// ---------------------------------------------------------------- bridges

	/** The host sends a frame into its own bridge (the bridge device is the route's output device). */
	private Next bridgeFromHost(Namespace ns, Device.Bridge br, Packet frame) {
		String port = state.fdbLookup(ns.id(), br.name(), frame.eth().dst());
		if (port == null) {
			port = portToward(ns, br, frame.eth().dst());
			if (port == null) {
				return drop(place(ns, br.name()), frame, DropReason.NEIGHBOR_UNREACHABLE, br.name()
						+ " floods the frame for " + frame.eth().dst() + " out of every port, and no port leads to it.", null);
			}
			steps.add(new Step.BridgeForward(place(ns, br.name()), frame, br.name() + " has not learned "
					+ frame.eth().dst() + " yet: it floods the frame out of every port; only " + port + " leads to it.",
					br.name(), null, port, Step.BridgeForward.Decision.FLOOD, state.fdbLines(ns.id(), br.name())));
		}
		else {
			steps.add(new Step.BridgeForward(place(ns, br.name()), frame, br.name() + "'s forwarding database maps "
					+ frame.eth().dst() + " to port " + port + ".", br.name(), null, port,
					Step.BridgeForward.Decision.FDB_HIT, state.fdbLines(ns.id(), br.name())));
		}
		return transmit(ns, net.device(ns, port), frame);
	}

	/**
	 * A frame enters a bridge on one of its ports. The bridge learns the source MAC. With br_netfilter
	 * ({@code bridge-nf-call-iptables=1}) and rules present, every IPv4 frame first traverses PREROUTING with the
	 * bridge as input device, before the bridge decides where it goes; a DNAT whose new route leaves by the same
	 * bridge stays on L2 (the kernel's "bridged DNAT": new destination MAC, same source MAC, same TTL). Then the frame
	 * goes up to the namespace's stack (addressed to the bridge), or is forwarded (FDB hit) or flooded.
	 */
	private Next bridgeInput(Namespace ns, Device.Bridge br, String inPort, Packet frame) {
		state.fdbLearn(ns.id(), br.name(), frame.eth().src(), inPort);
		boolean hooks = ns.bridgeNfCallIptables() && netfilter.active(ns);
		if (hooks) {
			Netfilter.Outcome pre = netfilter.prerouting(ns, frame, br.name(), steps);
			if (pre.dropped() != null) {
				return new End(pre.dropped());
			}
			Packet after = pre.packet();
			if (!after.dst().equals(frame.dst())) {
				Route r = net.isLocal(ns, after.dst()) ? null : net.lookup(ns.id(), after.dst());
				if (r != null && r.dev().equals(br.name())) {
					Ip nextHop = r.via() != null ? r.via() : after.dst();
					Mac mac = resolve(ns, br, nextHop, after);
					if (mac == null) {
						return neighborFailure(ns, br.name(), nextHop, after);
					}
					boolean justResolved = steps.getLast() instanceof Step.NeighborLookup nl
							&& nl.resolution() == Step.NeighborLookup.Resolution.ARP_REPLY;
					Packet redirected = after.withEth(new Ethernet(frame.eth().src(), mac));
					steps.add(new Step.BridgeForward(place(ns, br.name()), redirected, "Bridged DNAT: the new destination "
							+ after.dst() + " is on " + br.name() + " itself, so br_netfilter keeps the frame on the bridge and "
							+ "only rewrites its destination MAC to " + mac + " (no routing, the TTL stays " + after.ip().ttl() + ").",
							br.name(), inPort, null, Step.BridgeForward.Decision.LOCAL, state.fdbLines(ns.id(), br.name())));
					if (justResolved) {
						// br_nf_pre_routing_finish_bridge: no cached hardware header yet, so neigh->output builds one (with
						// the bridge's own MAC as source) and transmits on the bridge device; br_dev_xmit's hook puts the
						// saved source MAC back and re-enters br_handle_frame_finish from the original port
						steps.add(new Step.BridgeForward(place(ns, br.name()), after.withEth(new Ethernet(br.mac(), mac)),
								"The neighbour entry for " + nextHop + " was only just resolved and has no cached header, so "
										+ "br_netfilter hands this first frame to the neighbour layer: it leaves by " + br.name()
										+ " itself with " + br.name() + "'s MAC " + br.mac() + " as source (tcpdump on " + br.name()
										+ " sees it go out); " + br.name() + "'s transmit hook puts the source MAC " + frame.eth().src()
										+ " back and returns the frame to the bridge as if it had arrived on " + inPort
										+ ". Later frames take the cached header and skip this detour.",
								br.name(), inPort, null, Step.BridgeForward.Decision.NEIGH_OUTPUT,
								state.fdbLines(ns.id(), br.name())));
					}
					return bridgeForward(ns, br, inPort, redirected, true);
				}
				steps.add(new Step.BridgeForward(place(ns, br.name()), after.withEth(null), "After DNAT the route to "
						+ after.dst() + " leaves by another device: the bridge hands the packet up to " + ns.label()
						+ "'s IP stack to be routed.", br.name(), inPort, null, Step.BridgeForward.Decision.LOCAL,
						state.fdbLines(ns.id(), br.name())));
				return afterPrerouting(ns, br.name(), after.withEth(null));
			}
			frame = after;
		}
		Mac dst = frame.eth().dst();
		if (dst.equals(br.mac())) {
			steps.add(new Step.BridgeForward(place(ns, br.name()), frame.withEth(null), "The frame is addressed to "
					+ br.name() + " itself (" + dst + "): the bridge hands it up to " + ns.label() + "'s IP stack.", br.name(),
					inPort, null, Step.BridgeForward.Decision.LOCAL, state.fdbLines(ns.id(), br.name())));
			return hooks ? afterPrerouting(ns, br.name(), frame.withEth(null)) : ipReceive(ns, br.name(), frame.withEth(null));
		}
		return bridgeForward(ns, br, inPort, frame, hooks);
	}

	/** The bridge's forwarding decision for a frame it does not keep: FDB hit or flood, hooks, out of the port. */
	private Next bridgeForward(Namespace ns, Device.Bridge br, String inPort, Packet frame, boolean hooks) {
		Mac dst = frame.eth().dst();
		String port = state.fdbLookup(ns.id(), br.name(), dst);
		Step.BridgeForward.Decision decision = Step.BridgeForward.Decision.FDB_HIT;
		if (port == null) {
			port = portToward(ns, br, dst);
			decision = Step.BridgeForward.Decision.FLOOD;
			if (port == null || port.equals(inPort)) {
				return drop(place(ns, br.name()), frame, DropReason.NEIGHBOR_UNREACHABLE,
						br.name() + " floods the frame for " + dst + " and no port leads to it.", null);
			}
		}
		if (port.equals(inPort)) {
			return drop(place(ns, br.name()), frame, DropReason.NOT_FOR_THIS_HOST, br.name() + " learned " + dst
					+ " on the port the frame came in by; a bridge never sends a frame back where it came from.", null);
		}
		steps.add(new Step.BridgeForward(place(ns, br.name()), frame, br.name() + " learned " + frame.eth().src() + " on "
				+ inPort + "; " + (decision == Step.BridgeForward.Decision.FDB_HIT
						? "its forwarding database maps " + dst + " to " + port + "."
						: dst + " is unknown, so it floods; only " + port + " leads to it."),
				br.name(), inPort, port, decision, state.fdbLines(ns.id(), br.name())));
		if (hooks) {
			Netfilter.Outcome fwd = netfilter.forward(ns, frame, br.name(), br.name(), steps);
			if (fwd.dropped() != null) {
				return new End(fwd.dropped());
			}
			End denied = enforcePolicy(ns, fwd.packet());
			if (denied != null) {
				return denied;
			}
			Netfilter.Outcome post = netfilter.postrouting(ns, fwd.packet(), br.name(), br.name(), steps);
			if (post.dropped() != null) {
				return new End(post.dropped());
			}
			frame = post.packet();
		}
		return transmit(ns, net.device(ns, port), frame);
	}

	/** Which port of a bridge leads to the device with this MAC (what a flood finds). */
	private String portToward(Namespace ns, Device.Bridge br, Mac mac) {
		Device.Endpoint owner = net.ownerOf(mac);
		if (owner == null) {
			return null;
		}
		for (Device port : net.ports(ns.id(), br.name())) {
			for (L2Member m : l2Domain(ns, port)) {
				if (m.ns().equals(owner.namespace()) && m.dev().equals(owner.device())) {
					return port.name();
				}
			}
			Device.Endpoint peer = Network.peer(port);
			if (peer != null && peer.namespace().equals(owner.namespace()) && peer.device().equals(owner.device())) {
				return port.name();
			}
		}
		return null;
	}

	// ---------------------------------------------------------------- input path

	private Next receive(Namespace ns, String devName, Packet frame) {
		Device dev = net.device(ns, devName);
		if (dev.master() != null) {
			return bridgeInput(ns, (Device.Bridge) net.device(ns, dev.master()), devName, frame);
		}
		if (frame.eth() != null && !frame.eth().dst().equals(dev.mac()) && !frame.eth().dst().isBroadcast()) {
			return drop(place(ns, devName), frame, DropReason.NOT_FOR_THIS_HOST, "The frame is addressed to "
					+ frame.eth().dst() + ", not to " + devName + " (" + dev.mac() + "): the NIC ignores it.", null);
		}
		return ipReceive(ns, devName, frame.withEth(null));
	}

	/** PREROUTING, the routing decision, then local delivery or forwarding. */
	private Next ipReceive(Namespace ns, String inDev, Packet p) {
		Netfilter.Outcome pre = netfilter.prerouting(ns, p, inDev, steps);
		if (pre.dropped() != null) {
			return new End(pre.dropped());
		}
		return afterPrerouting(ns, inDev, pre.packet());
	}

	/** The routing decision after PREROUTING (which br_netfilter may already have run at the bridge). */
	private Next afterPrerouting(Namespace ns, String inDev, Packet p) {
		if (net.isLocal(ns, p.dst())) {
			return localIn(ns, inDev, p);
		}
		return routeForward(ns, p, inDev, p);
	}

	private Next routeForward(Namespace ns, Packet p, String inDev, Packet shown) {
		if (!ns.ipForward()) {
			return drop(place(ns, inDev), p, DropReason.FORWARDING_DISABLED, p.dst() + " is not an address of "
					+ ns.label() + " and net.ipv4.ip_forward is 0: the packet is dropped instead of forwarded.", null);
		}
		Route r = net.lookup(ns.id(), p.dst());
		Route chosen = r != null && r.isMultipath() ? pickNexthop(r, p) : r;
		steps.add(r != null && r.isMultipath() ? ecmpStep(ns, p, r, chosen) : routeStep(ns, p, r, false));
		if (r == null) {
			return drop(place(ns, null), p, DropReason.NO_ROUTE, "No route in " + ns.label() + " matches " + p.dst()
					+ ": dropped, and the sender is told ICMP network unreachable.", "ICMP type 3 code 0 network unreachable");
		}
		r = chosen;
		int ttl = p.ip().ttl();
		if (ttl <= 1) {
			return drop(place(ns, inDev), p, DropReason.TTL_EXCEEDED, "The TTL is " + ttl
					+ " and forwarding would take it to 0: dropped, and the sender gets ICMP time exceeded.",
					"ICMP type 11 code 0 time-to-live exceeded in transit");
		}
		Packet fwd = p.withIp(p.ip().withTtl(ttl - 1));
		steps.add(new Step.Forward(place(ns, null), fwd, capitalize(ns.label()) + " forwards the packet (ip_forward=1) from "
				+ inDev + " to " + r.dev() + "; the TTL drops from " + ttl + " to " + (ttl - 1) + ".",
				List.of(new FieldDiff(Field.TTL, Integer.toString(ttl), Integer.toString(ttl - 1)))));
		Netfilter.Outcome fw = netfilter.forward(ns, fwd, inDev, r.dev(), steps);
		if (fw.dropped() != null) {
			return new End(fw.dropped());
		}
		End denied = enforcePolicy(ns, fw.packet());
		if (denied != null) {
			return denied;
		}
		return postRouting(ns, fw.packet(), r, inDev);
	}

	private Next localIn(Namespace ns, String inDev, Packet p) {
		Netfilter.Outcome in = netfilter.inputTables(ns, p, inDev, steps);
		if (in.dropped() != null) {
			return new End(in.dropped());
		}
		p = in.packet();
		dev.packetwalk.kubeproxy.IpvsVirtualServer vs = virtualServer(ns, p);
		if (vs != null && expect instanceof Expect.Listening) {
			return ipvs(ns, vs, p);
		}
		netfilter.confirmInput(ns, p, steps);
		if (p.l4() instanceof Transport.Udp udp && p.vxlan() != null) {
			for (Device d : ns.devices()) {
				if (d instanceof Device.Vxlan vx && vx.port() == udp.dstPort() && vx.local().equals(p.dst())) {
					return decapsulate(ns, vx, p);
				}
			}
		}
		return deliver(ns, inDev, p);
	}

	private Next deliver(Namespace ns, String inDev, Packet p) {
		switch (expect) {
			case Expect.Listening l -> {
				for (Listener li : ns.listeners()) {
					if (li.protocol() == p.ip().protocol() && (li.port() == p.l4().dstPort() || p.ip().protocol() == Protocol.ICMP)) {
						delivered = p;
						deliveredIn = ns.id();
						deliveredTo = li.process();
						steps.add(new Step.Deliver(place(ns, inDev), p, describeDelivery(ns, p, li.process()), li.process()));
						return new End(Disposition.delivered("delivered to " + li.process() + " in " + ns.label()));
					}
				}
				if (p.ip().protocol() == Protocol.ICMP) {
					delivered = p;
					deliveredIn = ns.id();
					deliveredTo = "the kernel";
					steps.add(new Step.Deliver(place(ns, inDev), p, "The kernel of " + ns.label() + " answers the echo request itself.", "kernel"));
					return new End(Disposition.delivered("echo request answered by " + ns.label()));
				}
				String answer = p.ip().protocol() == Protocol.TCP ? "the kernel answers with a TCP RST (connection refused)"
						: "the kernel answers ICMP port unreachable";
				return drop(place(ns, inDev), p, DropReason.NO_LISTENER, "Nothing in " + ns.label() + " listens on "
						+ p.ip().protocol().lower() + " port " + p.l4().dstPort() + ": " + answer + ".",
						p.ip().protocol() == Protocol.TCP ? "TCP RST" : "ICMP type 3 code 3 port unreachable");
			}
			case Expect.Connected c -> {
				if (p.dst().equals(c.localIp()) && p.l4().dstPort() == c.localPort() && p.src().equals(c.peerIp())
						&& p.l4().srcPort() == c.peerPort()) {
					delivered = p;
					deliveredIn = ns.id();
					steps.add(new Step.Deliver(place(ns, inDev), p, "The reply comes from " + c.peerIp() + ":" + c.peerPort()
							+ ", exactly the address the socket connected to: " + c.socket() + " accepts it.", c.socket()));
					return new End(Disposition.delivered("reply accepted by " + c.socket()));
				}
				return drop(place(ns, inDev), p, DropReason.INVALID_STATE, c.socket() + " is connected to " + c.peerIp() + ":"
						+ c.peerPort() + " but this reply comes from " + p.src() + ":" + p.l4().srcPort()
						+ ": no socket matches, so the kernel discards it (and answers a TCP RST).", "TCP RST");
			}
		}
	}

	// ---------------------------------------------------------------- IPVS

	private dev.packetwalk.kubeproxy.IpvsVirtualServer virtualServer(Namespace ns, Packet p) {
		dev.packetwalk.kubeproxy.IpvsState st = net.ipvs(ns.id());
		if (st == null || p.ip().protocol() == Protocol.ICMP) {
			return null;
		}
		for (dev.packetwalk.kubeproxy.IpvsVirtualServer vs : st.virtualServers()) {
			if (vs.protocol() == p.ip().protocol() && vs.address().equals(p.dst()) && vs.port() == p.l4().dstPort()) {
				return vs;
			}
		}
		return null;
	}

	/**
	 * IPVS at LOCAL_IN: the virtual server's scheduler picks a real server, the packet is rewritten to it (masquerading
	 * forwarding; the conntrack entry learns the binding) and sent out again through LOCAL_OUT and POSTROUTING.
	 */
	private Next ipvs(Namespace ns, dev.packetwalk.kubeproxy.IpvsVirtualServer vs, Packet p) {
		List<String> reals = vs.realServers().stream().map(r -> r.ip() + ":" + r.port()).toList();
		if (vs.realServers().isEmpty()) {
			return drop(place(ns, null), p, DropReason.NO_LISTENER, "IPVS has virtual server " + vs + " but no real server: "
					+ "the connection is refused.", "TCP RST");
		}
		dev.packetwalk.kubeproxy.IpvsRealServer real = state.ipvsScheduler(ns.id(), vs).schedule(vs.realServers(), p.src())
			.orElseThrow();
		String vsText = vs.protocol().name() + "  " + vs.address() + ":" + vs.port() + " " + vs.scheduler()
				+ (vs.persistent() ? " persistent " + vs.persistenceTimeout() : "");
		steps.add(new Step.Ipvs(place(ns, null), p, p.dst() + ":" + p.l4().dstPort() + " is an IPVS virtual server ("
				+ vs.scheduler() + " scheduler over " + reals.size() + " real servers): IPVS takes the packet at LOCAL_IN and picks "
				+ real.ip() + ":" + real.port() + ". Unlike iptables mode there is no rule walk: one hash lookup.",
				vsText, vs.scheduler(), reals, real.ip() + ":" + real.port()));
		netfilter.ipvsDnat(ns, real.ip(), real.port());
		Packet out = p.withIp(p.ip().withDst(real.ip())).withL4(p.l4().withPorts(p.l4().srcPort(), real.port()));
		List<FieldDiff> diffs = new ArrayList<>();
		diffs.add(new FieldDiff(Field.DST_IP, p.dst().toString(), real.ip().toString()));
		if (real.port() != p.l4().dstPort()) {
			diffs.add(new FieldDiff(Field.DST_PORT, Integer.toString(p.l4().dstPort()), Integer.toString(real.port())));
		}
		steps.add(new Step.Nat(place(ns, null), out, "IPVS (masquerading forwarding) rewrites the destination to the real server "
				+ real.ip() + ":" + real.port() + "; the connection entry remembers it for the reply.", Step.Nat.Kind.DNAT, diffs,
				"ipvs " + vsText));
		Route r = net.isLocal(ns, out.dst()) ? null : net.lookup(ns.id(), out.dst());
		steps.add(routeStep(ns, out, r, r == null && net.isLocal(ns, out.dst())));
		if (r == null && !net.isLocal(ns, out.dst())) {
			return drop(place(ns, null), out, DropReason.NO_ROUTE, "No route to the real server " + out.dst() + ".", null);
		}
		Netfilter.Outcome o = netfilter.ipvsOutput(ns, out, r == null ? "lo" : r.dev(), steps);
		if (o.dropped() != null) {
			return new End(o.dropped());
		}
		return postRouting(ns, o.packet(), r, null);
	}

	// ---------------------------------------------------------------- NetworkPolicy

	/**
	 * NetworkPolicy, enforced on the node that hosts a pod (as policy-capable CNIs do, between the pod's veth and the
	 * node's forwarding path), after kube-proxy's DNAT, for new connections only: replies of an allowed connection
	 * always pass (conntrack). The sending pod's egress is checked on its node; the receiving pod's ingress on its.
	 */
	private End enforcePolicy(Namespace ns, Packet p) {
		if (policies == null || ns.kind() != Namespace.Kind.NODE || !(expect instanceof Expect.Listening)) {
			return null;
		}
		dev.packetwalk.netpol.ConnectionEnd src = policies.endAt(p.src());
		dev.packetwalk.netpol.ConnectionEnd dst = policies.endAt(p.dst());
		dev.packetwalk.netpol.Connection c = dev.packetwalk.netpol.Connection.of(src, dst, p.ip().protocol(), p.l4().dstPort());
		if (src instanceof dev.packetwalk.netpol.ConnectionEnd.Pod sp && ns.node().equals(sp.pod().nodeName())) {
			End e = policyStep(ns, p, policies.egress(c));
			if (e != null) {
				return e;
			}
		}
		if (dst instanceof dev.packetwalk.netpol.ConnectionEnd.Pod dp && ns.node().equals(dp.pod().nodeName())) {
			return policyStep(ns, p, policies.ingress(c));
		}
		return null;
	}

	private End policyStep(Namespace ns, Packet p, dev.packetwalk.netpol.DirectionVerdict v) {
		if (v.decision() instanceof dev.packetwalk.netpol.Decision.NotApplicable) {
			return null;
		}
		String pod = v.subject() instanceof dev.packetwalk.netpol.ConnectionEnd.Pod sp ? sp.pod().id() : v.subject().toString();
		List<String> isolatedBy = v.isolatedBy();
		String rule = switch (v.decision()) {
			case dev.packetwalk.netpol.Decision.AllowedByRule a -> a.match().toString();
			case dev.packetwalk.netpol.Decision.Denied d -> d.closest().map(dev.packetwalk.netpol.NearMiss::describe)
				.orElse("the policies isolating the pod have no rule for this direction");
			case dev.packetwalk.netpol.Decision.Exempt x -> x.detail();
			case dev.packetwalk.netpol.Decision.NotIsolated n -> "not isolated";
			case dev.packetwalk.netpol.Decision.NotApplicable n -> n.reason();
		};
		steps.add(new Step.Policy(place(ns, null), p, "NetworkPolicy, " + v.summary() + ".", v.direction().name(), pod,
				v.allowed(), isolatedBy, rule));
		if (!v.allowed()) {
			return drop(place(ns, null), p, DropReason.POLICY_DENIED, "Denied by NetworkPolicy: " + pod + " is isolated for "
					+ v.direction().name().toLowerCase(java.util.Locale.ROOT) + " by " + String.join(", ", isolatedBy)
					+ " and no rule allows this connection; the network plugin drops it here.", null);
		}
		return null;
	}

	// ---------------------------------------------------------------- VXLAN

	private Next encapsulate(Namespace ns, Device.Vxlan vx, Packet inner, Ip nextHop) {
		Mac mac = resolve(ns, vx, nextHop, inner);
		if (mac == null) {
			return neighborFailure(ns, vx.name(), nextHop, inner);
		}
		Ip remote = null;
		for (Device.FdbEntry e : vx.fdb()) {
			if (e.mac().equals(mac)) {
				remote = e.dst();
			}
		}
		Packet frame = inner.withEth(new Ethernet(vx.mac(), mac)).withMark(0);
		if (remote == null) {
			return drop(place(ns, vx.name()), frame, DropReason.NEIGHBOR_UNREACHABLE, vx.name()
					+ " has no FDB entry for " + mac + ": it does not know which node to tunnel to.", null);
		}
		int sport = 32768 + Math.floorMod(flowHash(inner), 60999 - 32768 + 1);
		Packet outer = new Packet(null, new Ipv4(vx.local(), remote, Protocol.UDP, Ipv4.DEFAULT_TTL, false),
				new Transport.Udp(sport, vx.port()), dev.packetwalk.packet.Payload.Bytes.EMPTY, new Vxlan(vx.vni()), frame,
				inner.mark());
		String fdb = mac + " dev " + vx.name() + " dst " + remote + " self permanent";
		steps.add(new Step.Encapsulate(place(ns, vx.name()), outer, vx.name() + "'s FDB says " + mac + " lives behind "
				+ remote + ": the frame is wrapped in UDP " + vx.local() + ":" + sport + " > " + remote + ":" + vx.port()
				+ " with VNI " + vx.vni() + "; the inner packet is untouched.", vx.name(), vx.vni(), fdb));
		// the kernel sends the outer packet like any locally generated one
		return localOut(ns, outer, vx.name(), false);
	}

	private Next decapsulate(Namespace ns, Device.Vxlan vx, Packet outer) {
		Packet frame = outer.inner();
		steps.add(new Step.Decapsulate(place(ns, vx.name()), frame, "UDP port " + vx.port() + " belongs to "
				+ vx.name() + " (VNI " + vx.vni() + "): the outer headers come off and the inner frame appears on "
				+ vx.name() + ".", vx.name(), vx.vni()));
		if (!frame.eth().dst().equals(vx.mac())) {
			return drop(place(ns, vx.name()), frame, DropReason.NOT_FOR_THIS_HOST, "The inner frame is for "
					+ frame.eth().dst() + ", not " + vx.name() + "'s " + vx.mac() + ".", null);
		}
		return ipReceive(ns, vx.name(), frame.withEth(null));
	}

	/** A stable hash of the inner flow, as the kernel's {@code udp_flow_src_port} spreads tunnels over source ports. */
	private static int flowHash(Packet p) {
		int h = 0x811c9dc5;
		int[] parts = { p.src().value(), p.dst().value(), p.l4().srcPort(), p.l4().dstPort(), p.ip().protocol().number() };
		for (int v : parts) {
			h = (h ^ v) * 0x01000193;
		}
		return h;
	}

	// ---------------------------------------------------------------- narration helpers

	static String describe(Packet p) {
		String what = switch (p.l4()) {
			case Transport.Tcp t -> "a TCP " + tcpName(t.flags());
			case Transport.Udp u -> p.vxlan() != null ? "a VXLAN-in-UDP datagram" : "a UDP datagram";
			case Transport.Icmp i -> i.icmpType() == Transport.Icmp.ECHO_REQUEST ? "an ICMP echo request" : "an ICMP message";
		};
		String http = p.payload() instanceof dev.packetwalk.packet.Payload.Http h
				? " (" + h.startLine() + (h.headers().isEmpty() ? "" : ", " + String.join(", ",
						h.headers().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList())) + ")"
				: "";
		String dns = p.payload() instanceof dev.packetwalk.packet.Payload.Dns d
				? (d.answers().isEmpty() ? " (DNS query: " + d.qtype() + "? " + d.question() + ")"
						: " (DNS answer: " + d.question() + " " + d.qtype() + " " + String.join(", ", d.answers()) + ")")
				: "";
		return what + " " + p.src() + ":" + p.l4().srcPort() + " → " + p.dst() + ":" + p.l4().dstPort() + dns + http;
	}

	static String capitalize(String s) {
		return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
	}

	static String tcpName(String flags) {
		return switch (flags) {
			case "S" -> "SYN";
			case "S." -> "SYN-ACK";
			case "." -> "ACK";
			case "P." -> "PSH-ACK";
			case "R" -> "RST";
			default -> "segment [" + flags + "]";
		};
	}

	private static String describeDelivery(Namespace ns, Packet p, String process) {
		return "Delivered: " + process + " in " + ns.label() + " is listening on " + p.ip().protocol().lower() + " port "
				+ p.l4().dstPort() + " and receives the packet from " + p.src() + ":" + p.l4().srcPort() + ".";
	}

}

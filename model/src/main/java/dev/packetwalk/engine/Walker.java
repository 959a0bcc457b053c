package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.kubeproxy.IpvsVirtualServer;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.netpol.PolicyEngine;
import dev.packetwalk.packet.Ethernet;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Listener;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Route;
import dev.packetwalk.trace.Disposition;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Field;
import dev.packetwalk.trace.FieldDiff;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Walk;

import static dev.packetwalk.engine.HopRecorder.place;
import static dev.packetwalk.engine.Narration.capitalize;

/**
 * Walks one packet through the network, namespace by namespace, in the order the kernel
 * processes it: the pipeline of docs/architecture.md. This class is that pipeline's
 * skeleton (output path, device, input path, forwarding, local delivery); each stage's
 * detail is a section of its own: {@link Routing}, {@link Neighbours}, {@link Bridging},
 * {@link Tunnels}, {@link Ipvs}, {@link PolicyEnforcement}, {@link Netfilter} and
 * {@link Narration}. One walker walks one packet.
 */
final class Walker {

	/**
	 * A walk never visits more namespaces than this; a loop that the TTL does not end
	 * first stops here.
	 */
	static final int MAX_HOPS = 64;

	/** What a receiving socket must look like for the walk to be delivered. */
	sealed interface Expect {

		/** A new connection: some socket must listen on the destination port. */
		record Listening() implements Expect {
		}

		/**
		 * A reply: the connected client socket accepts only packets from the peer it
		 * connected to.
		 */
		record Connected(Ip localIp, int localPort, Ip peerIp, int peerPort, String socket) implements Expect {
		}

		/**
		 * The next segment of an established TCP connection: only the server's socket for
		 * that connection takes it (all fields null when the connection was never
		 * established).
		 */
		record Established(Ip localIp, int localPort, Ip peerIp, int peerPort, String socket) implements Expect {
		}

	}

	/**
	 * What a walk produced.
	 *
	 * @param walk the hops and the disposition
	 * @param delivery where the packet was delivered, or null when it was not
	 */
	record Result(Walk walk, Delivery delivery) {
	}

	/**
	 * A delivered packet.
	 *
	 * @param packet the packet as the receiving socket got it
	 * @param namespace the namespace it was delivered in
	 * @param process the process that received it (null for a connected client socket's
	 * reply)
	 */
	record Delivery(Packet packet, String namespace, String process) {
	}

	private final Network net;

	private final Netfilter netfilter;

	private final HopRecorder rec = new HopRecorder();

	private final Expect expect;

	private final int maxHops;

	private final Routing routing;

	private final Neighbours neighbours;

	private final PolicyEnforcement policy;

	private final Bridging bridging;

	private final Tunnels tunnels;

	private final Ipvs ipvs;

	private Delivery delivery;

	private final StateJournal journal;

	private final dev.packetwalk.budget.Budget budget;

	Walker(Network net, RunState state, PolicyEngine policies, int maxHops, Expect expect) {
		this.budget = state.budget;
		this.maxHops = maxHops;
		this.journal = state.journal;
		this.net = net;
		this.expect = expect;
		this.netfilter = new Netfilter(net, state);
		this.routing = new Routing(net, state);
		this.neighbours = new Neighbours(net, state, rec);
		this.policy = new PolicyEnforcement(policies, expect instanceof Expect.Listening, rec);
		this.bridging = new Bridging(this, net, state, netfilter, neighbours, policy, rec);
		this.tunnels = new Tunnels(this, neighbours, rec);
		this.ipvs = new Ipvs(this, net, state, netfilter, routing, rec);
	}

	/**
	 * Walks the packet from a socket in {@code originNs} until it is delivered or
	 * dropped.
	 */
	Result walk(String flow, Walk.Leg leg, String label, String originNs, Packet packet, String socket) {
		Namespace ns = net.ns(originNs);
		if (journal != null) {
			journal.startWalk(rec);
		}
		rec.start(place(ns, null));
		Next next = localOut(ns, packet, socket, true);
		while (next instanceof Next.Arrive a) {
			budget.check();
			if (rec.hops().size() + 1 >= maxHops) {
				next = rec.drop(place(ns, a.dev()), a.frame(), DropReason.HOP_LIMIT, "The walk has crossed " + maxHops
						+ " namespaces without ending: a forwarding loop. PacketWalk stops it here.", null);
				break;
			}
			ns = net.ns(a.ns());
			rec.finish();
			rec.start(place(ns, a.dev()));
			rec.add(new Step.Receive(place(ns, a.dev()), a.frame(), "Arrives on " + a.dev() + " in " + ns.label() + ".",
					a.dev()));
			next = receive(ns, a.dev(), a.frame());
		}
		rec.finish();
		if (journal != null) {
			journal.endWalk(rec.count());
		}
		Disposition d = ((Next.End) next).disposition();
		return new Result(new Walk(flow, leg, label, rec.hops(), d), delivery);
	}

	// ---------------------------------------------------------------- output path

	/**
	 * A packet leaves a local socket: route lookup (which also picks the source address),
	 * the OUTPUT hooks (a DNAT there routes the packet again), then POSTROUTING and the
	 * device.
	 */
	Next localOut(Namespace ns, Packet p, String socket, boolean emitSend) {
		Routing.Decision route = routing.decide(ns, p);
		if (p.src().equals(Ip.ANY)) {
			Route r = route.path();
			Ip src = route.local() ? p.dst()
					: r == null ? Ip.ANY : r.src() != null ? r.src() : ns.primaryAddress(r.dev());
			p = p.withIp(p.ip().withSrc(src == null ? Ip.ANY : src));
		}
		if (emitSend) {
			rec.add(new Step.Send(place(ns, null), p, capitalize(socket) + " sends " + Narration.describe(p) + ".",
					socket));
		}
		rec.add(routing.step(ns, p, route));
		if (route.unreachable()) {
			return rec.drop(place(ns, null), p, DropReason.NO_ROUTE, "No route in " + ns.label() + " matches " + p.dst()
					+ ": the socket gets ENETUNREACH (\"Network is unreachable\").", null);
		}
		IpvsVirtualServer vs = route.local() && expect instanceof Expect.Listening ? ipvs.virtualServer(ns, p) : null;
		Netfilter.Outcome out;
		if (vs != null) {
			// the node's own connection to a virtual server: IPVS takes it at LOCAL_OUT,
			// between nat and filter OUTPUT
			Netfilter.Outcome pre = netfilter.outputBeforeIpvs(ns, p, "lo", rec.steps());
			if (pre.dropped() != null) {
				return new Next.End(pre.dropped());
			}
			IpvsVirtualServer still = ipvs.virtualServer(ns, pre.packet());
			if (still != null) {
				return ipvs.forward(ns, still, pre.packet(), true);
			}
			Netfilter.Outcome rest = netfilter.outputAfterIpvs(ns, pre.packet(), "lo", rec.steps());
			out = new Netfilter.Outcome(p, rest.packet(), rest.dropped());
		}
		else {
			out = netfilter.output(ns, p, route.local() ? "lo" : route.path().dev(), rec.steps());
		}
		if (out.dropped() != null) {
			return new Next.End(out.dropped());
		}
		p = out.packet();
		if (!p.dst().equals(out.before().dst())) {
			// DNAT in OUTPUT: the kernel routes the packet again
			route = routing.decide(ns, p);
			rec.add(routing.step(ns, p, route));
			if (route.unreachable()) {
				return rec.drop(place(ns, null), p, DropReason.NO_ROUTE,
						"After DNAT no route in " + ns.label() + " matches " + p.dst() + ".", null);
			}
		}
		return postRouting(ns, p, route.path(), null);
	}

	/**
	 * POSTROUTING, then the device: loopback, a tunnel device (encapsulate), a bridge
	 * (the host sends into its own bridge) or a veth/NIC. {@code r} is null for a locally
	 * destined packet.
	 */
	Next postRouting(Namespace ns, Packet p, Route r, String inDev) {
		String outDev = r == null ? "lo" : r.dev();
		Netfilter.Outcome post = netfilter.postrouting(ns, p, inDev, outDev, rec.steps());
		if (post.dropped() != null) {
			return new Next.End(post.dropped());
		}
		p = post.packet();
		if (r == null) {
			rec.add(new Step.Transmit(place(ns, "lo"), p,
					"Loops back through lo: the destination is in this namespace.", "lo", place(ns, "lo")));
			return new Next.Arrive(ns.id(), "lo", p);
		}
		Device dev = net.device(ns, outDev);
		if (p.ipLength() > dev.mtu() && p.ip().dontFragment()) {
			return rec.drop(place(ns, outDev), p, DropReason.FRAGMENTATION_NEEDED,
					"The packet is " + p.ipLength() + " bytes but " + outDev + " has MTU " + dev.mtu()
							+ " and the DF bit forbids fragmenting it: the kernel "
							+ "drops it and answers ICMP fragmentation-needed (mtu " + dev.mtu() + ").",
					"ICMP type 3 code 4 fragmentation needed, next-hop MTU " + dev.mtu());
		}
		Ip nextHop = r.via() != null ? r.via() : p.dst();
		return switch (dev) {
			case Device.Vxlan vx -> tunnels.encapsulate(ns, vx, p, nextHop);
			case Device.Bridge br -> {
				Mac mac = neighbours.resolve(ns, br, nextHop, p);
				yield mac == null ? neighbours.failure(ns, outDev, nextHop, p)
						: bridging.fromHost(ns, br, p.withEth(new Ethernet(br.mac(), mac)));
			}
			case Device.Veth v -> resolveAndTransmit(ns, v, nextHop, p);
			case Device.Physical ph -> resolveAndTransmit(ns, ph, nextHop, p);
			case Device.Loopback lo -> {
				rec.add(new Step.Transmit(place(ns, "lo"), p, "Loops back through lo.", "lo", place(ns, "lo")));
				yield new Next.Arrive(ns.id(), "lo", p);
			}
			case Device.Dummy du -> rec.drop(place(ns, outDev), p, DropReason.NO_ROUTE,
					outDev + " is a dummy device: whatever is routed to it is discarded.", null);
		};
	}

	private Next resolveAndTransmit(Namespace ns, Device dev, Ip nextHop, Packet p) {
		Mac mac = neighbours.resolve(ns, dev, nextHop, p);
		if (mac == null) {
			return neighbours.failure(ns, dev.name(), nextHop, p);
		}
		return transmit(ns, dev, p.withEth(new Ethernet(dev.mac(), mac)));
	}

	/**
	 * Sends a frame out of a veth or NIC: it appears on the peer. The skb mark does not
	 * survive the crossing.
	 */
	Next transmit(Namespace ns, Device dev, Packet frame) {
		Device.Endpoint peer = Device.peerOf(dev);
		Namespace other = net.ns(peer.namespace());
		String kind = dev instanceof Device.Veth ? "veth pair" : "cable";
		rec.add(new Step.Transmit(place(ns, dev.name()), frame, "Leaves through " + dev.name() + "; the " + kind
				+ " delivers it to " + peer.device() + " in " + other.label() + ".", dev.name(),
				place(other, peer.device())));
		Packet arriving = other.id().equals(ns.id()) ? frame : frame.withMark(0);
		return new Next.Arrive(other.id(), peer.device(), arriving);
	}

	// ---------------------------------------------------------------- input path

	/**
	 * A frame arrives on a device: a bridge port hands it to its bridge; a NIC keeps only
	 * frames addressed to it.
	 */
	private Next receive(Namespace ns, String devName, Packet frame) {
		Device dev = net.device(ns, devName);
		if (dev.master() != null) {
			return bridging.input(ns, (Device.Bridge) net.device(ns, dev.master()), devName, frame);
		}
		if (frame.eth() != null && !frame.eth().dst().equals(dev.mac()) && !frame.eth().dst().isBroadcast()) {
			return rec.drop(
					place(ns, devName), frame, DropReason.NOT_FOR_THIS_HOST, "The frame is addressed to "
							+ frame.eth().dst() + ", not to " + devName + " (" + dev.mac() + "): the NIC ignores it.",
					null);
		}
		return ipReceive(ns, devName, frame.withEth(null));
	}

	/** PREROUTING, the routing decision, then local delivery or forwarding. */
	Next ipReceive(Namespace ns, String inDev, Packet p) {
		Netfilter.Outcome pre = netfilter.prerouting(ns, p, inDev, rec.steps());
		if (pre.dropped() != null) {
			return new Next.End(pre.dropped());
		}
		return afterPrerouting(ns, inDev, pre.packet());
	}

	/**
	 * The routing decision after PREROUTING (which br_netfilter may already have run at
	 * the bridge).
	 */
	Next afterPrerouting(Namespace ns, String inDev, Packet p) {
		if (net.isLocal(ns, p.dst())) {
			return localIn(ns, inDev, p);
		}
		return forward(ns, p, inDev);
	}

	/**
	 * Forwarding: ip_forward, the route (ECMP picks a next hop), TTL, FORWARD,
	 * NetworkPolicy, POSTROUTING.
	 */
	private Next forward(Namespace ns, Packet p, String inDev) {
		if (!ns.ipForward()) {
			return rec.drop(place(ns, inDev), p, DropReason.FORWARDING_DISABLED, p.dst() + " is not an address of "
					+ ns.label() + " and net.ipv4.ip_forward is 0: the packet is dropped instead of forwarded.", null);
		}
		Routing.Decision route = routing.decide(ns, p);
		rec.add(routing.step(ns, p, route));
		if (route.unreachable()) {
			return rec.drop(place(ns, null), p, DropReason.NO_ROUTE,
					"No route in " + ns.label() + " matches " + p.dst()
							+ ": dropped, and the sender is told ICMP network unreachable.",
					"ICMP type 3 code 0 network unreachable");
		}
		Route r = route.path();
		int ttl = p.ip().ttl();
		if (ttl <= 1) {
			return rec.drop(place(ns, inDev), p, DropReason.TTL_EXCEEDED,
					"The TTL is " + ttl
							+ " and forwarding would take it to 0: dropped, and the sender gets ICMP time exceeded.",
					"ICMP type 11 code 0 time-to-live exceeded in transit");
		}
		Packet fwd = p.withIp(p.ip().withTtl(ttl - 1));
		rec.add(new Step.Forward(place(ns, null), fwd,
				capitalize(ns.label()) + " forwards the packet (ip_forward=1) from " + inDev + " to " + r.dev()
						+ "; the TTL drops from " + ttl + " to " + (ttl - 1) + ".",
				List.of(new FieldDiff(Field.TTL, Integer.toString(ttl), Integer.toString(ttl - 1)))));
		Netfilter.Outcome fw = netfilter.forward(ns, fwd, inDev, r.dev(), rec.steps());
		if (fw.dropped() != null) {
			return new Next.End(fw.dropped());
		}
		Next.End denied = policy.enforce(ns, fw.packet());
		if (denied != null) {
			return denied;
		}
		return postRouting(ns, fw.packet(), r, inDev);
	}

	/**
	 * INPUT's tables, IPVS at LOCAL_IN, conntrack's confirmation, then a tunnel endpoint
	 * or a socket.
	 */
	private Next localIn(Namespace ns, String inDev, Packet p) {
		Netfilter.Outcome in = netfilter.inputTables(ns, p, inDev, rec.steps());
		if (in.dropped() != null) {
			return new Next.End(in.dropped());
		}
		p = in.packet();
		IpvsVirtualServer vs = ipvs.virtualServer(ns, p);
		if (vs != null && expect instanceof Expect.Listening) {
			return ipvs.forward(ns, vs, p, false);
		}
		netfilter.confirmInput(ns, p, rec.steps());
		Device.Vxlan tunnel = tunnels.endpoint(ns, p);
		if (tunnel != null) {
			return tunnels.decapsulate(ns, tunnel, p);
		}
		return deliver(ns, inDev, p);
	}

	/**
	 * The socket layer: a listening socket (or the kernel's echo reply), or the connected
	 * socket of a reply.
	 */
	private Next deliver(Namespace ns, String inDev, Packet p) {
		switch (expect) {
			case Expect.Listening l -> {
				for (Listener li : ns.listeners()) {
					if (li.protocol() == p.ip().protocol()
							&& (li.port() == p.l4().dstPort() || p.ip().protocol() == Protocol.ICMP)) {
						delivery = new Delivery(p, ns.id(), li.process());
						rec.add(new Step.Deliver(place(ns, inDev), p, Narration.delivery(ns, p, li.process()),
								li.process()));
						return new Next.End(
								Disposition.delivered("delivered to " + li.process() + " in " + ns.label()));
					}
				}
				if (p.ip().protocol() == Protocol.ICMP) {
					delivery = new Delivery(p, ns.id(), "the kernel");
					rec.add(new Step.Deliver(place(ns, inDev), p,
							"The kernel of " + ns.label() + " answers the echo request itself.", "kernel"));
					return new Next.End(Disposition.delivered("echo request answered by " + ns.label()));
				}
				String answer = switch (p.ip().protocol()) {
					case TCP -> "the kernel answers with a TCP RST (connection refused)";
					// RFC 9260 8.4: an out-of-the-blue INIT is answered with an ABORT
					case SCTP -> "the kernel's SCTP stack answers with an ABORT (connection refused)";
					case UDP, ICMP -> "the kernel answers ICMP port unreachable";
				};
				return rec.drop(
						place(ns, inDev), p, DropReason.NO_LISTENER, "Nothing in " + ns.label() + " listens on "
								+ p.ip().protocol().lower() + " port " + p.l4().dstPort() + ": " + answer + ".",
						switch (p.ip().protocol()) {
							case TCP -> "TCP RST";
							case SCTP -> "SCTP ABORT";
							case UDP, ICMP -> "ICMP type 3 code 3 port unreachable";
						});
			}
			case Expect.Connected c -> {
				if (p.dst().equals(c.localIp()) && p.l4().dstPort() == c.localPort() && p.src().equals(c.peerIp())
						&& p.l4().srcPort() == c.peerPort()) {
					delivery = new Delivery(p, ns.id(), null);
					rec.add(new Step.Deliver(place(ns, inDev), p,
							"The reply comes from " + c.peerIp() + ":" + c.peerPort()
									+ ", exactly the address the socket connected to: " + c.socket() + " accepts it.",
							c.socket()));
					return new Next.End(Disposition.delivered("reply accepted by " + c.socket()));
				}
				return rec.drop(place(ns, inDev), p, DropReason.INVALID_STATE,
						c.socket() + " is connected to " + c.peerIp() + ":" + c.peerPort()
								+ " but this reply comes from " + p.src() + ":" + p.l4().srcPort()
								+ ": no socket matches, so the kernel discards it (and answers "
								+ (p.ip().protocol() == Protocol.SCTP ? "an SCTP ABORT" : "a TCP RST") + ").",
						p.ip().protocol() == Protocol.SCTP ? "SCTP ABORT" : "TCP RST");
			}
			case Expect.Established c -> {
				if (c.localIp() != null && p.dst().equals(c.localIp()) && p.l4().dstPort() == c.localPort()
						&& p.src().equals(c.peerIp()) && p.l4().srcPort() == c.peerPort()) {
					delivery = new Delivery(p, ns.id(), c.socket());
					rec.add(new Step.Deliver(place(ns, inDev), p,
							"The segment belongs to an established connection (" + c.peerIp() + ":" + c.peerPort()
									+ " → " + c.localIp() + ":" + c.localPort() + "): " + c.socket() + " takes it.",
							c.socket()));
					return new Next.End(Disposition.delivered("taken by " + c.socket()));
				}
				return rec.drop(place(ns, inDev), p, DropReason.INVALID_STATE,
						"No socket in " + ns.label() + " has this connection (" + p.src() + ":" + p.l4().srcPort()
								+ " → " + p.dst() + ":" + p.l4().dstPort() + "): the kernel discards the "
								+ (p.ip().protocol() == Protocol.SCTP ? "packet and answers an SCTP ABORT."
										: "segment and answers a TCP RST."),
						p.ip().protocol() == Protocol.SCTP ? "SCTP ABORT" : "TCP RST");
			}
		}
	}

}

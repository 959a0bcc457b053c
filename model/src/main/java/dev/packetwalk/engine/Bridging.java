package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Ethernet;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Route;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;

import static dev.packetwalk.engine.HopRecorder.place;

/**
 * Linux bridges: the forwarding database (learn, hit, flood), the host sending into its
 * own bridge, and br_netfilter ({@code bridge-nf-call-iptables=1}), which runs the IP
 * hooks on bridged frames.
 */
final class Bridging {

	private final Walker walker;

	private final Network net;

	private final RunState state;

	private final Netfilter netfilter;

	private final Neighbours neighbours;

	private final PolicyEnforcement policy;

	private final HopRecorder rec;

	Bridging(Walker walker, Network net, RunState state, Netfilter netfilter, Neighbours neighbours,
			PolicyEnforcement policy, HopRecorder rec) {
		this.walker = walker;
		this.net = net;
		this.state = state;
		this.netfilter = netfilter;
		this.neighbours = neighbours;
		this.policy = policy;
		this.rec = rec;
	}

	/**
	 * The host sends a frame into its own bridge (the bridge device is the route's output
	 * device).
	 */
	Next fromHost(Namespace ns, Device.Bridge br, Packet frame) {
		// the node itself opens a connection to a pod behind its bridge (the kubelet's
		// probes): NetworkPolicy always
		// allows a pod's own node, and says so
		// (forwarded traffic was checked after FORWARD already)
		Next.End denied = ns.isLocal(frame.src()) ? policy.enforce(ns, frame) : null;
		if (denied != null) {
			return denied;
		}
		String port = state.fdbLookup(ns.id(), br.name(), frame.eth().dst());
		if (port == null) {
			port = portToward(ns, br, frame.eth().dst());
			List<Step.BridgeForward.FloodCopy> copies = floodCopies(ns, br, null, frame.eth().dst(), port);
			rec.add(new Step.BridgeForward(place(ns, br.name()), frame,
					br.name() + " has " + (port == null ? "no forwarding entry for " : "not learned ")
							+ frame.eth().dst() + (port == null ? " (no port of it has that MAC behind it)" : " yet")
							+ ": it floods the frame out of every port" + copiesText(copies) + ".",
					br.name(), null, port, Step.BridgeForward.Decision.FLOOD, state.fdbLines(ns.id(), br.name()),
					copies));
			if (port == null) {
				return floodLost(ns, br, frame, copies);
			}
		}
		else {
			rec.add(new Step.BridgeForward(place(ns, br.name()), frame,
					br.name() + "'s forwarding database maps " + frame.eth().dst() + " to port " + port + ".",
					br.name(), null, port, Step.BridgeForward.Decision.FDB_HIT, state.fdbLines(ns.id(), br.name())));
		}
		return walker.transmit(ns, net.device(ns, port), frame);
	}

	/**
	 * A frame enters a bridge on one of its ports. The bridge learns the source MAC. With
	 * br_netfilter ({@code bridge-nf-call-iptables=1}) and rules present, every IPv4
	 * frame first traverses PREROUTING with the bridge as input device, before the bridge
	 * decides where it goes; a DNAT whose new route leaves by the same bridge stays on L2
	 * (the kernel's "bridged DNAT": new destination MAC, same source MAC, same TTL). Then
	 * the frame goes up to the namespace's stack (addressed to the bridge), or is
	 * forwarded (FDB hit) or flooded.
	 */
	Next input(Namespace ns, Device.Bridge br, String inPort, Packet frame) {
		state.fdbLearn(ns.id(), br.name(), frame.eth().src(), inPort, -1);
		boolean hooks = ns.bridgeNfCallIptables() && netfilter.active(ns);
		if (hooks) {
			Netfilter.Outcome pre = netfilter.prerouting(ns, frame, br.name(), rec.steps());
			if (pre.dropped() != null) {
				return new Next.End(pre.dropped());
			}
			Packet after = pre.packet();
			if (!after.dst().equals(frame.dst())) {
				Route r = net.isLocal(ns, after.dst()) ? null : net.lookup(ns.id(), after.dst());
				if (r != null && r.dev().equals(br.name())) {
					Ip nextHop = r.via() != null ? r.via() : after.dst();
					// br_nf_pre_routing_finish_bridge takes the neighbour's cached header
					// only when the entry is in a
					// connected state (REACHABLE, PERMANENT) and has one
					boolean stale = state.neighbor(ns.id(), br.name(), nextHop) != null
							&& !state.neighborConnected(ns.id(), br.name(), nextHop);
					boolean headerCached = !stale && state.headerCached(ns.id(), br.name(), nextHop);
					Mac mac = neighbours.resolve(ns, br, nextHop, after);
					if (mac == null) {
						return neighbours.failure(ns, br.name(), nextHop, after);
					}
					Packet redirected = after.withEth(new Ethernet(frame.eth().src(), mac));
					rec.add(new Step.BridgeForward(place(ns, br.name()), redirected,
							"Bridged DNAT: the new destination " + after.dst() + " is on " + br.name()
									+ " itself, so br_netfilter keeps the frame on the bridge and "
									+ "only rewrites its destination MAC to " + mac + " (no routing, the TTL stays "
									+ after.ip().ttl() + ").",
							br.name(), inPort, null, Step.BridgeForward.Decision.LOCAL,
							state.fdbLines(ns.id(), br.name())));
					if (!headerCached) {
						// br_nf_pre_routing_finish_bridge: no cached hardware header yet,
						// so neigh->output builds one (with
						// the bridge's own MAC as source) and transmits on the bridge
						// device; br_dev_xmit's hook puts the
						// saved source MAC back and re-enters br_handle_frame_finish from
						// the original port
						rec.add(new Step.BridgeForward(place(ns, br.name()), after.withEth(new Ethernet(br.mac(), mac)),
								(stale ? "The neighbour entry for " + nextHop + " was learned from " + nextHop
										+ "'s own ARP"
										+ " request, so it is STALE (not REACHABLE) and br_netfilter may not use its cached header:"
										+ " it hands the frame to the neighbour layer"
										: "The neighbour entry for " + nextHop
												+ " was only just resolved and has no cached header,"
												+ " so br_netfilter hands this first frame to the neighbour layer")
										+ ": it leaves by " + br.name() + " itself with " + br.name() + "'s MAC "
										+ br.mac() + " as source (tcpdump on " + br.name() + " sees it go out); "
										+ br.name() + "'s transmit hook puts the source MAC " + frame.eth().src()
										+ " back and returns the frame to the bridge as if it had arrived on " + inPort
										+ (stale ? ". Every frame takes this detour until the entry is confirmed REACHABLE."
												: ". Later frames take the cached header and skip this detour."),
								br.name(), inPort, null, Step.BridgeForward.Decision.NEIGH_OUTPUT,
								state.fdbLines(ns.id(), br.name())));
					}
					return forward(ns, br, inPort, redirected, true);
				}
				rec.add(new Step.BridgeForward(place(ns, br.name()), after.withEth(null),
						"After DNAT the route to " + after.dst()
								+ " leaves by another device: the bridge hands the packet up to " + ns.label()
								+ "'s IP stack to be routed.",
						br.name(), inPort, null, Step.BridgeForward.Decision.LOCAL,
						state.fdbLines(ns.id(), br.name())));
				return walker.afterPrerouting(ns, br.name(), after.withEth(null));
			}
			frame = after;
		}
		Mac dst = frame.eth().dst();
		if (dst.equals(br.mac())) {
			rec.add(new Step.BridgeForward(place(ns, br.name()), frame.withEth(null),
					"The frame is addressed to " + br.name() + " itself (" + dst + "): the bridge hands it up to "
							+ ns.label() + "'s IP stack.",
					br.name(), inPort, null, Step.BridgeForward.Decision.LOCAL, state.fdbLines(ns.id(), br.name())));
			return hooks ? walker.afterPrerouting(ns, br.name(), frame.withEth(null))
					: walker.ipReceive(ns, br.name(), frame.withEth(null));
		}
		return forward(ns, br, inPort, frame, hooks);
	}

	/**
	 * The bridge's forwarding decision for a frame it does not keep: FDB hit or flood,
	 * hooks, out of the port.
	 */
	private Next forward(Namespace ns, Device.Bridge br, String inPort, Packet frame, boolean hooks) {
		Mac dst = frame.eth().dst();
		String port = state.fdbLookup(ns.id(), br.name(), dst);
		if (port == null) {
			String toward = portToward(ns, br, dst);
			if (toward != null && toward.equals(inPort) && !hairpin(ns, inPort)) {
				toward = null;
			}
			List<Step.BridgeForward.FloodCopy> copies = floodCopies(ns, br, inPort, dst, toward);
			rec.add(new Step.BridgeForward(place(ns, br.name()), frame,
					br.name() + " learned " + frame.eth().src() + " on " + inPort + "; " + dst
							+ " is not in its forwarding database, so it floods the frame out of every port but "
							+ inPort + (hairpin(ns, inPort) ? " (and back out of " + inPort + ", in hairpin mode)" : "")
							+ copiesText(copies) + ".",
					br.name(), inPort, toward, Step.BridgeForward.Decision.FLOOD, state.fdbLines(ns.id(), br.name()),
					copies));
			if (toward == null) {
				return floodLost(ns, br, frame, copies);
			}
			port = toward;
		}
		else {
			boolean hairpinned = port.equals(inPort);
			if (hairpinned && !hairpin(ns, inPort)) {
				return rec.drop(place(ns, br.name()), frame, DropReason.NOT_FOR_THIS_HOST, br.name() + " learned " + dst
						+ " on the port the frame came in by, and " + inPort
						+ " is not in hairpin mode: a bridge never sends a"
						+ " frame back where it came from unless the port's hairpin flag allows it (kubelet --hairpin-mode"
						+ " hairpin-veth, the bridge plugin's hairpinMode: true).", null);
			}
			rec.add(new Step.BridgeForward(
					place(ns, br
						.name()),
					frame,
					br.name() + " learned " + frame.eth().src() + " on " + inPort + "; its forwarding database maps "
							+ dst + " to " + port + "."
							+ (hairpinned
									? " That is the port the frame came in by: " + inPort
											+ " is in hairpin mode, so the bridge"
											+ " sends it back out there (a pod reaching itself through its Service)."
									: ""),
					br.name(), inPort, port, Step.BridgeForward.Decision.FDB_HIT, state.fdbLines(ns.id(), br.name())));
		}
		if (hooks) {
			Netfilter.Outcome fwd = netfilter.forward(ns, frame, br.name(), br.name(), rec.steps());
			if (fwd.dropped() != null) {
				return new Next.End(fwd.dropped());
			}
			Next.End denied = policy.enforce(ns, fwd.packet());
			if (denied != null) {
				return denied;
			}
			Netfilter.Outcome post = netfilter.postrouting(ns, fwd.packet(), br.name(), br.name(), rec.steps());
			if (post.dropped() != null) {
				return new Next.End(post.dropped());
			}
			frame = post.packet();
		}
		return walker.transmit(ns, net.device(ns, port), frame);
	}

	/**
	 * The copies of an unknown-unicast flood (br_flood): one out of every port but the
	 * one the frame came in by ({@code inPort}, null when the host sends into its own
	 * bridge), which gets one too when it is in hairpin mode. The copy out of
	 * {@code followed} reaches the destination and is the one the walk continues with;
	 * every other copy arrives on a device whose MAC is not the destination, where
	 * eth_type_trans marks it PACKET_OTHERHOST and ip_rcv drops it. The copies are not
	 * walked further: their FORWARD hooks (br_netfilter, one traversal per copy) are not
	 * shown, whatever they decide, the copy is lost.
	 */
	private List<Step.BridgeForward.FloodCopy> floodCopies(Namespace ns, Device.Bridge br, String inPort, Mac dst,
			String followed) {
		List<Step.BridgeForward.FloodCopy> copies = new ArrayList<>();
		for (Device port : net.ports(ns.id(), br.name())) {
			if (port.name().equals(inPort) && !hairpin(ns, inPort)) {
				continue;
			}
			Device.Endpoint peer = Device.peerOf(port);
			if (peer == null) {
				continue;
			}
			Namespace other = net.ns(peer.namespace());
			Device at = net.device(other, peer.device());
			if (port.name().equals(followed)) {
				copies.add(new Step.BridgeForward.FloodCopy(port.name(), place(other, peer.device()),
						Step.BridgeForward.FloodCopy.Fate.FOLLOWED,
						"Reaches " + dst + "'s owner: the walk continues with this copy."));
			}
			else if (at.master() != null) {
				copies.add(new Step.BridgeForward.FloodCopy(port.name(), place(other, peer.device()),
						Step.BridgeForward.FloodCopy.Fate.DISCARDED,
						"Enters " + at.master() + " in " + other.label()
								+ ", which floods it on; no device beyond it has " + dst
								+ ", so every copy of it is discarded."));
			}
			else {
				copies.add(new Step.BridgeForward.FloodCopy(port.name(), place(other, peer.device()),
						Step.BridgeForward.FloodCopy.Fate.DISCARDED,
						"Arrives on " + peer.device() + " in " + other.label() + ", whose MAC is " + at.mac() + ", not "
								+ dst + ": the kernel marks it PACKET_OTHERHOST and drops it before IP;"
								+ " no socket sees it."));
			}
		}
		return copies;
	}

	/** " (2 copies: …)" for a flood step's narration. */
	private static String copiesText(List<Step.BridgeForward.FloodCopy> copies) {
		if (copies.isEmpty()) {
			return ", but it has no other port";
		}
		List<String> each = new ArrayList<>();
		for (Step.BridgeForward.FloodCopy c : copies) {
			each.add(c.port() + " → " + c.peer().namespace() + "/" + c.peer().device()
					+ (c.fate() == Step.BridgeForward.FloodCopy.Fate.FOLLOWED ? ", which leads to it"
							: ", discarded there"));
		}
		return " (" + copies.size() + (copies.size() == 1 ? " copy: " : " copies: ") + String.join("; ", each) + ")";
	}

	/** No copy of a flood reaches the destination: the frame is lost. */
	private Next.End floodLost(Namespace ns, Device.Bridge br, Packet frame,
			List<Step.BridgeForward.FloodCopy> copies) {
		return rec.drop(place(ns, br.name()), frame, DropReason.NEIGHBOR_UNREACHABLE, (copies.isEmpty()
				? br.name() + " has no port to flood the frame for " + frame.eth().dst() + " to"
				: (copies.size() == 1 ? "The one copy of the flood is" : "Every copy of the flood is")
						+ " discarded where it arrives: no device behind " + br.name() + " has " + frame.eth().dst())
				+ ". The frame is lost and nobody tells the sender (its neighbour entry still looks valid): "
				+ switch (frame.ip().protocol()) {
					case TCP -> "TCP retransmits the segment until the connection times out.";
					case SCTP -> "SCTP retransmits the chunk (its T1 or T3 timer) until the association gives up.";
					case UDP, ICMP -> "the sender hears nothing back.";
				}, null);
	}

	/** The bridge port's hairpin flag: may a frame leave by the port it came in by? */
	private boolean hairpin(Namespace ns, String port) {
		return net.device(ns, port) instanceof Device.Veth v && v.hairpin();
	}

	/** Which port of a bridge leads to the device with this MAC (what a flood finds). */
	private String portToward(Namespace ns, Device.Bridge br, Mac mac) {
		Device.Endpoint owner = net.ownerOf(mac);
		if (owner == null) {
			return null;
		}
		for (Device port : net.ports(ns.id(), br.name())) {
			for (Neighbours.L2Member m : neighbours.l2Domain(ns, port)) {
				if (m.ns().equals(owner.namespace()) && m.dev().equals(owner.device())) {
					return port.name();
				}
			}
			Device.Endpoint peer = Device.peerOf(port);
			if (peer != null && peer.namespace().equals(owner.namespace()) && peer.device().equals(owner.device())) {
				return port.name();
			}
		}
		return null;
	}

}

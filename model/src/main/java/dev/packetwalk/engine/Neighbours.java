package dev.packetwalk.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;

import static dev.packetwalk.engine.HopRecorder.place;

/**
 * Neighbour resolution (ARP): a permanent entry, the cache, or an exchange across the
 * link's layer-2 domain, which teaches the caches and every bridge it crosses.
 */
final class Neighbours {

	/**
	 * A bridge an ARP exchange crossed: which port leads back to the requester and which
	 * to the answer.
	 */
	private record BridgeCrossing(String ns, String bridge, String towardRequester, String towardAnswer) {
	}

	/**
	 * A device that hears a broadcast, and the bridges the broadcast crossed to reach it.
	 */
	record L2Member(String ns, String dev, List<BridgeCrossing> path) {
	}

	private final Network net;

	private final RunState state;

	private final HopRecorder rec;

	Neighbours(Network net, RunState state, HopRecorder rec) {
		this.net = net;
		this.state = state;
		this.rec = rec;
	}

	/**
	 * Resolves the next hop's MAC on a device: permanent entry, cache, or an ARP exchange
	 * on the link. The packet then leaves through the entry, which caches its hardware
	 * header ({@link RunState#headerCached}).
	 */
	Mac resolve(Namespace ns, Device dev, Ip ip, Packet p) {
		Mac mac = lookup(ns, dev, ip, p);
		if (mac != null) {
			state.cacheHeader(ns.id(), dev.name(), ip);
		}
		return mac;
	}

	private Mac lookup(Namespace ns, Device dev, Ip ip, Packet p) {
		for (Neighbor n : ns.neighbors()) {
			if (n.dev().equals(dev.name()) && n.ip().equals(ip)) {
				rec.add(new Step.NeighborLookup(place(ns, dev.name()), p,
						ip + " has a permanent neighbour entry on " + dev.name() + ": " + n.mac() + ".", ip.toString(),
						n.mac().toString(), Step.NeighborLookup.Resolution.PERMANENT, null));
				state.neighborReachable(ns.id(), dev.name(), ip);
				return n.mac();
			}
		}
		Mac cached = state.neighbor(ns.id(), dev.name(), ip);
		if (cached != null) {
			rec.add(new Step.NeighborLookup(place(ns, dev.name()), p,
					"ARP cache hit: " + ip + " is at " + cached + "." + (net
						.ownerOf(cached) == null ? " The entry is stale: the device that had this MAC has been deleted."
								+ " The kernel still uses it until its probes go unanswered and the entry turns FAILED (then"
								+ " the sender gets ICMP host unreachable)." : ""),
					ip.toString(), cached.toString(), Step.NeighborLookup.Resolution.CACHE, null));
			return cached;
		}
		if (dev instanceof Device.Vxlan) {
			rec.add(new Step.NeighborLookup(place(ns, dev.name()), p,
					dev.name() + " does not send ARP (nolearning, "
							+ "entries are programmed by the agent) and has no entry for " + ip + ".",
					ip.toString(), null, Step.NeighborLookup.Resolution.FAILED, null));
			return null;
		}
		Mac requesterMac = dev.mac();
		for (L2Member m : l2Domain(ns, dev)) {
			Namespace other = net.ns(m.ns());
			if (net.isLocal(other, ip) && other.kind() != Namespace.Kind.SWITCH) {
				Device answering = net.device(other, m.dev());
				// learned on both sides, and by every bridge the exchange crossed
				state.learnNeighbor(ns.id(), dev.name(), ip, answering.mac());
				state.neighborReachable(ns.id(), dev.name(), ip);
				// the request says "tell" the address of the asking interface (the
				// packet's source when it has none)
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
				rec.add(new Step.NeighborLookup(place(ns, dev.name()), p,
						"ARP: who-has " + ip + " tell " + (requesterIp.equals(Ip.ANY) ? dev.name() : requesterIp)
								+ " is broadcast on " + dev.name() + "; " + other.label() + " answers from "
								+ answering.name() + ": " + ip + " is-at " + answering.mac() + ".",
						ip.toString(), answering.mac().toString(), Step.NeighborLookup.Resolution.ARP_REPLY,
						place(other, answering.name())));
				return answering.mac();
			}
		}
		rec.add(new Step.NeighborLookup(place(ns, dev.name()), p,
				"ARP: who-has " + ip + " is broadcast on " + dev.name() + " three times and nobody answers.",
				ip.toString(), null, Step.NeighborLookup.Resolution.FAILED, null));
		return null;
	}

	/** Nobody answered: the packet is dropped (EHOSTUNREACH). */
	Next.End failure(Namespace ns, String dev, Ip nextHop, Packet p) {
		return rec.drop(
				place(ns, dev), p, DropReason.NEIGHBOR_UNREACHABLE, "Nobody on " + dev + "'s link answered ARP for "
						+ nextHop + ": the neighbour entry goes FAILED and the packet is dropped (EHOSTUNREACH).",
				null);
	}

	/**
	 * Every device that hears a broadcast sent on {@code dev}: across veth pairs and
	 * cables, and through bridges (to the bridge itself and out of its other ports).
	 * Breadth first, so the nearest owner answers.
	 */
	List<L2Member> l2Domain(Namespace ns, Device dev) {
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
				// arrives on a bridge port: the bridge hears it, and floods it out of its
				// other ports
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
		Device.Endpoint peer = Device.peerOf(from);
		if (peer == null || !seen.add(peer.namespace() + "/" + peer.device())) {
			return;
		}
		List<BridgeCrossing> p = new ArrayList<>(path);
		if (start != null) {
			p.add(start);
		}
		queue.add(new L2Member(peer.namespace(), peer.device(), p));
	}

}

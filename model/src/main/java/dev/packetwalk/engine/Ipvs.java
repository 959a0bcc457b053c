package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.kubeproxy.IpvsRealServer;
import dev.packetwalk.kubeproxy.IpvsState;
import dev.packetwalk.kubeproxy.IpvsVirtualServer;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Route;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Field;
import dev.packetwalk.trace.FieldDiff;
import dev.packetwalk.trace.Step;

import static dev.packetwalk.engine.HopRecorder.place;

/**
 * kube-proxy's IPVS mode in the datapath: the virtual server lookup at LOCAL_IN and
 * masquerading forwarding.
 */
final class Ipvs {

	private final Walker walker;

	private final Network net;

	private final RunState state;

	private final Netfilter netfilter;

	private final Routing routing;

	private final HopRecorder rec;

	Ipvs(Walker walker, Network net, RunState state, Netfilter netfilter, Routing routing, HopRecorder rec) {
		this.walker = walker;
		this.net = net;
		this.state = state;
		this.netfilter = netfilter;
		this.routing = routing;
		this.rec = rec;
	}

	/** The virtual server the packet is addressed to on this node, or null. */
	IpvsVirtualServer virtualServer(Namespace ns, Packet p) {
		IpvsState st = net.ipvs(ns.id());
		if (st == null || p.ip().protocol() == Protocol.ICMP) {
			return null;
		}
		for (IpvsVirtualServer vs : st.virtualServers()) {
			if (vs.protocol() == p.ip().protocol() && vs.address().equals(p.dst()) && vs.port() == p.l4().dstPort()) {
				return vs;
			}
		}
		return null;
	}

	/**
	 * IPVS at LOCAL_IN (a packet from elsewhere) or at LOCAL_OUT (the node's own
	 * connection, {@code localOut}): the virtual server's scheduler picks a real server,
	 * the packet is rewritten to it (masquerading forwarding; the conntrack entry learns
	 * the binding) and sent out again through LOCAL_OUT and POSTROUTING with the
	 * ipvs_property set.
	 */
	Next forward(Namespace ns, IpvsVirtualServer vs, Packet p, boolean localOut) {
		List<String> reals = vs.realServers().stream().map(r -> r.ip() + ":" + r.port()).toList();
		if (vs.realServers().isEmpty()) {
			// ip_vs_leave: no destination scheduled; IPVS sits in the IP layer, has no
			// socket to reset, and answers ICMP port unreachable whatever the protocol
			return rec.drop(place(ns, null), p, DropReason.NO_LISTENER,
					"IPVS has virtual server " + vs
							+ " but no real server: IPVS drops the packet and answers ICMP port unreachable (it has no "
							+ vs.protocol() + " socket to answer with), so the connection is refused.",
					"ICMP type 3 code 3 port unreachable");
		}
		IpvsRealServer persisted = vs.persistent() ? state.ipvsPersistence(ns.id()).lookup(vs, p.src(), state.now)
				: null;
		IpvsRealServer real = persisted != null ? persisted
				: state.ipvsScheduler(ns.id(), vs).schedule(vs.realServers(), p.src()).orElseThrow();
		if (vs.persistent()) {
			state.ipvsPersistence(ns.id()).connected(vs, p.src(), real, state.now, netfilter.currentEntry(ns));
		}
		String vsText = vs.ipvsadmLine();
		rec.add(new Step.Ipvs(place(ns, null), p,
				p.dst() + ":" + p.l4().dstPort() + " is an IPVS virtual server (" + vs.scheduler() + " scheduler over "
						+ reals.size() + " real servers): IPVS takes the packet at "
						+ (localOut ? "LOCAL_OUT (the node's own connection, after nat OUTPUT)" : "LOCAL_IN")
						+ " and picks " + real.ip() + ":" + real.port()
						+ (persisted != null ? " (not the scheduler: the persistent template of client " + p.src()
								+ " names it, and this connection arms it again)" : "")
						+ ". Unlike iptables mode there is no rule walk: one hash lookup.",
				vsText, vs.scheduler(), reals, real.ip() + ":" + real.port()));
		if (state.journal != null && vs.persistent()) {
			java.util.Map.Entry<String, String> t = state.ipvsPersistence(ns.id()).line(vs, p.src(), state.now);
			state.journal.ipvsTemplate(ns.id(), t.getKey(), t.getValue());
		}
		if (state.journal != null && netfilter.currentEntry(ns) != null) {
			state.journal.ipvsConnection(ns.id(), netfilter.currentEntry(ns), real.ip() + ":" + real.port());
		}
		netfilter.ipvsDnat(ns, real.ip(), real.port());
		Packet out = p.withIp(p.ip().withDst(real.ip())).withL4(p.l4().withPorts(p.l4().srcPort(), real.port()));
		List<FieldDiff> diffs = new ArrayList<>();
		diffs.add(new FieldDiff(Field.DST_IP, p.dst().toString(), real.ip().toString()));
		if (real.port() != p.l4().dstPort()) {
			diffs.add(new FieldDiff(Field.DST_PORT, Integer.toString(p.l4().dstPort()), Integer.toString(real.port())));
		}
		rec.add(new Step.Nat(place(ns, null), out,
				"IPVS (masquerading forwarding) rewrites the destination to the real server " + real.ip() + ":"
						+ real.port() + "; the connection entry remembers it for the reply.",
				Step.Nat.Kind.DNAT, diffs, "ipvs " + vsText, null));
		Routing.Decision route = routing.decide(ns, out);
		rec.add(routing.step(ns, out, route));
		if (route.unreachable()) {
			return rec.drop(place(ns, null), out, DropReason.NO_ROUTE, "No route to the real server " + out.dst() + ".",
					null);
		}
		Route r = route.path();
		Netfilter.Outcome o = netfilter.ipvsOutput(ns, out, r == null ? "lo" : r.dev(), rec.steps(), vs.address(),
				vs.port());
		if (o.dropped() != null) {
			return new Next.End(o.dropped());
		}
		return walker.postRouting(ns, o.packet(), r, null);
	}

}

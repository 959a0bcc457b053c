package dev.packetwalk.engine;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Ethernet;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.packet.Vxlan;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;

import static dev.packetwalk.engine.HopRecorder.place;

/**
 * Tunnels: a packet routed to a tunnel device is wrapped and sent again as the node's own
 * packet; a tunnel packet received at the node's tunnel endpoint is unwrapped and
 * received again on the tunnel device. VXLAN today; an IPIP device would add its pair of
 * methods here.
 */
final class Tunnels {

	private final Walker walker;

	private final Neighbours neighbours;

	private final HopRecorder rec;

	Tunnels(Walker walker, Neighbours neighbours, HopRecorder rec) {
		this.walker = walker;
		this.neighbours = neighbours;
		this.rec = rec;
	}

	/** The tunnel device whose endpoint this received packet is addressed to, or null. */
	Device.Vxlan endpoint(Namespace ns, Packet p) {
		if (p.l4() instanceof Transport.Udp udp && p.vxlan() != null) {
			for (Device d : ns.devices()) {
				if (d instanceof Device.Vxlan vx && vx.port() == udp.dstPort() && vx.local().equals(p.dst())) {
					return vx;
				}
			}
		}
		return null;
	}

	/**
	 * VXLAN: the device's FDB names the remote node; the frame goes out in UDP as the
	 * node's own packet.
	 */
	Next encapsulate(Namespace ns, Device.Vxlan vx, Packet inner, Ip nextHop) {
		Mac mac = neighbours.resolve(ns, vx, nextHop, inner);
		if (mac == null) {
			return neighbours.failure(ns, vx.name(), nextHop, inner);
		}
		Ip remote = null;
		for (Device.FdbEntry e : vx.fdb()) {
			if (e.mac().equals(mac)) {
				remote = e.dst();
			}
		}
		Packet frame = inner.withEth(new Ethernet(vx.mac(), mac)).withMark(0);
		if (remote == null) {
			return rec.drop(place(ns, vx.name()), frame, DropReason.NEIGHBOR_UNREACHABLE,
					vx.name() + " has no FDB entry for " + mac + ": it does not know which node to tunnel to.", null);
		}
		int sport = 32768 + Math.floorMod(Routing.flowHash(inner), 60999 - 32768 + 1);
		Packet outer = new Packet(null, new Ipv4(vx.local(), remote, Protocol.UDP, Ipv4.DEFAULT_TTL, false),
				new Transport.Udp(sport, vx.port()), Payload.Bytes.EMPTY, new Vxlan(vx.vni()), frame, inner.mark());
		String fdb = mac + " dev " + vx.name() + " dst " + remote + " self permanent";
		rec.add(new Step.Encapsulate(place(ns, vx.name()), outer,
				vx.name() + "'s FDB says " + mac + " lives behind " + remote + ": the frame is wrapped in UDP "
						+ vx.local() + ":" + sport + " > " + remote + ":" + vx.port() + " with VNI " + vx.vni()
						+ "; the inner packet is untouched.",
				vx.name(), vx.vni(), fdb));
		// the kernel sends the outer packet like any locally generated one
		return walker.localOut(ns, outer, vx.name(), false);
	}

	Next decapsulate(Namespace ns, Device.Vxlan vx, Packet outer) {
		Packet frame = outer.inner();
		rec.add(new Step.Decapsulate(place(ns, vx.name()), frame,
				"UDP port " + vx.port() + " belongs to " + vx.name() + " (VNI " + vx.vni()
						+ "): the outer headers come off and the inner frame appears on " + vx.name() + ".",
				vx.name(), vx.vni()));
		if (!frame.eth().dst().equals(vx.mac())) {
			return rec.drop(place(ns, vx.name()), frame, DropReason.NOT_FOR_THIS_HOST,
					"The inner frame is for " + frame.eth().dst() + ", not " + vx.name() + "'s " + vx.mac() + ".",
					null);
		}
		return walker.ipReceive(ns, vx.name(), frame.withEth(null));
	}

}

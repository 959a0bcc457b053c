package dev.packetwalk.lab;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.trace.Disposition;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * Projects the model's trace onto the points tcpdump can observe. Pure.
 * <ul>
 * <li>{@code transmit} on a device: the packet leaves it ({@code -Q out} there) — except
 * on {@code lo}, where libpcap drops the outgoing copy of every packet and shows it once,
 * arriving;</li>
 * <li>{@code receive} on a device: the packet arrives on it ({@code -Q in});</li>
 * <li>{@code encapsulate} on a VXLAN device: the inner frame leaves that device before
 * the kernel wraps it (tcpdump on {@code flannel.1} shows the inner frame going
 * out);</li>
 * <li>{@code decapsulate}: the inner frame arrives on the VXLAN device;</li>
 * <li>a {@code bridge} step that hands a frame up to the bridge's own stack
 * ({@code LOCAL}): the frame arrives on the bridge device; one that starts on the host
 * ({@code inPort} null): the frame leaves by the bridge device;</li>
 * <li>a {@code bridge} step that floods: each copy the walk does not follow leaves by its
 * port and arrives on the port's peer, where it is discarded.</li>
 * </ul>
 * Route, neighbour, netfilter, conntrack, NAT, forward, deliver and drop steps are not
 * visible on a wire.
 */
public final class Projection {

	/** The model's loopback device name. */
	static final String LOOPBACK = "lo";

	private Projection() {
	}

	/** The flow ids of a trace, in order. */
	public static List<String> flows(Trace trace) {
		List<String> ids = new ArrayList<>();
		for (Walk w : trace.walks()) {
			if (!ids.contains(w.flow())) {
				ids.add(w.flow());
			}
		}
		return ids;
	}

	/**
	 * What the model says the flow looks like on the wire: its first request walk and its
	 * first reply walk (the SYN and SYN-ACK, the datagram and its echo), projected; for
	 * an SCTP association every chunk it walks (the lab's player sends and answers the
	 * same chunks, one per packet).
	 */
	public static FlowExpectation expect(Trace trace, String flowId) {
		Walk request = null;
		Walk reply = null;
		for (Walk w : trace.walks()) {
			if (w.flow().equals(flowId)) {
				if (w.leg() == Walk.Leg.REQUEST && request == null) {
					request = w;
				}
				else if (w.leg() == Walk.Leg.REPLY && reply == null) {
					reply = w;
				}
			}
		}
		if (request == null) {
			throw new IllegalArgumentException("the trace has no request walk for flow " + flowId);
		}
		List<Observation> obs = new ArrayList<>();
		Protocol proto = request.hops().getFirst().steps().getFirst().packet().ip().protocol();
		if (proto == Protocol.SCTP) {
			// an association: every chunk the model walks (INIT, COOKIE ECHO, DATA from
			// the
			// client; INIT ACK, COOKIE ACK, SACK back), each told apart by its chunk type
			for (Walk w : trace.walks()) {
				if (w.flow().equals(flowId) && w.leg() != Walk.Leg.CHANGE) {
					project(w, w.leg() == Walk.Leg.REQUEST ? Observation.Leg.REQUEST : Observation.Leg.REPLY, obs);
				}
			}
		}
		else {
			project(request, Observation.Leg.REQUEST, obs);
			if (reply != null) {
				project(reply, Observation.Leg.REPLY, obs);
			}
		}
		return new FlowExpectation(flowId, request.label(), proto, obs, request.disposition(),
				reply == null ? null : reply.disposition(), end(request), reply == null ? null : end(reply),
				outcomes(proto, request, reply));
	}

	static void project(Walk walk, Observation.Leg leg, List<Observation> out) {
		for (Hop hop : walk.hops()) {
			List<Step> steps = hop.steps();
			for (int i = 0; i < steps.size(); i++) {
				Step s = steps.get(i);
				String ns = s.at().namespace();
				boolean keptOnBridge = forwardedOnBridge(steps, i);
				switch (s) {
					// bridged DNAT: br_netfilter keeps the frame on the bridge (the next
					// bridge step forwards it to a
					// port), so it never arrives on the bridge device's own stack
					case Step.BridgeForward b when b.decision() == Step.BridgeForward.Decision.LOCAL && keptOnBridge ->
						{
						}
					// libpcap hides a packet leaving lo (it shows it once, arriving): not
					// observable
					case Step.Transmit t when t.device().equals(LOOPBACK) -> {
					}
					case Step.Transmit t -> out.add(obs(ns, t.device(), Observation.Direction.OUT, leg, t.packet()));
					case Step.Receive r -> out.add(obs(ns, r.device(), Observation.Direction.IN, leg, r.packet()));
					case Step.Encapsulate e ->
						out.add(obs(ns, e.device(), Observation.Direction.OUT, leg, e.packet().inner()));
					case Step.Decapsulate d -> out.add(obs(ns, d.device(), Observation.Direction.IN, leg, d.packet()));
					case Step.BridgeForward b when b.decision() == Step.BridgeForward.Decision.LOCAL ->
						out.add(obs(ns, b.bridge(), Observation.Direction.IN, leg, b.packet()));
					// bridged DNAT's detour through the neighbour layer: out by the
					// bridge device, then back in
					case Step.BridgeForward b when b.decision() == Step.BridgeForward.Decision.NEIGH_OUTPUT ->
						out.add(obs(ns, b.bridge(), Observation.Direction.OUT, leg, b.packet()));
					case Step.BridgeForward b when b.inPort() == null -> {
						out.add(obs(ns, b.bridge(), Observation.Direction.OUT, leg, b.packet()));
						floodCopies(b, leg, out);
					}
					// switched between two ports: seen on the ports (receive, transmit),
					// not on the bridge device
					case Step.BridgeForward b -> floodCopies(b, leg, out);
					// decisions inside a namespace: nothing on a wire
					case Step.Send x -> {
					}
					// the control plane's work (a timeline's change walks): no packet on
					// any wire
					case Step.Cni x -> {
					}
					case Step.EndpointsUpdate x -> {
					}
					case Step.ProxySync x -> {
					}
					case Step.NodeSync x -> {
					}
					case Step.Wait x -> {
					}
					case Step.RouteLookup x -> {
					}
					case Step.NeighborLookup x -> {
					}
					case Step.Netfilter x -> {
					}
					case Step.Nftables x -> {
					}
					case Step.Conntrack x -> {
					}
					case Step.Nat x -> {
					}
					case Step.Forward x -> {
					}
					case Step.Policy x -> {
					}
					case Step.Ipvs x -> {
					}
					case Step.Deliver x -> {
					}
					case Step.Drop x -> {
					}
				}
			}
		}
	}

	/**
	 * A flood's copies the walk does not follow: each leaves by its port and arrives on
	 * the port's peer, where it is discarded (the followed copy is the walk's own
	 * transmit and receive).
	 */
	private static void floodCopies(Step.BridgeForward b, Observation.Leg leg, List<Observation> out) {
		if (b.copies() == null) {
			return;
		}
		for (Step.BridgeForward.FloodCopy c : b.copies()) {
			switch (c.fate()) {
				case FOLLOWED -> {
				}
				case DISCARDED -> {
					out.add(obs(b.at().namespace(), c.port(), Observation.Direction.OUT, leg, b.packet()));
					out.add(obs(c.peer().namespace(), c.peer().device(), Observation.Direction.IN, leg, b.packet()));
				}
			}
		}
	}

	private static boolean forwardedOnBridge(List<Step> steps, int from) {
		if (!(steps.get(from) instanceof Step.BridgeForward local)) {
			return false;
		}
		String bridge = local.bridge();
		for (int j = from + 1; j < steps.size(); j++) {
			// from a port (not from the host's own stack, which is how a routed packet
			// comes back to the bridge)
			if (steps.get(j) instanceof Step.BridgeForward b && b.bridge().equals(bridge) && b.inPort() != null
					&& b.decision() != Step.BridgeForward.Decision.LOCAL) {
				return true;
			}
		}
		return false;
	}

	static Observation obs(String ns, String dev, Observation.Direction dir, Observation.Leg leg, Packet p) {
		if (p.encapsulated()) {
			return new Observation(ns, dev, dir, leg, Headers.of(p), p.vxlan().vni(), Headers.of(p.inner()), 0);
		}
		return new Observation(ns, dev, dir, leg, Headers.of(p), -1, null, 0);
	}

	private static String end(Walk w) {
		Step last = w.hops().getLast().steps().getLast();
		return last.at().toString();
	}

	/** What the sending socket may see, given how the model's walks end. */
	static Set<ClientOutcome> outcomes(Protocol proto, Walk request, Walk reply) {
		// TCP and SCTP connect (SCTP: the association is up, INIT ACK and COOKIE ACK
		// back,
		// and its DATA chunk SACKed)
		boolean connects = proto == Protocol.TCP || proto == Protocol.SCTP;
		ClientOutcome success = connects ? ClientOutcome.CONNECTED : ClientOutcome.ECHOED;
		ClientOutcome silence = connects ? ClientOutcome.TIMEOUT : ClientOutcome.NO_ECHO;
		Disposition rq = request.disposition();
		if (rq.delivered()) {
			if (reply == null) {
				// the model walks no answer: the socket's fate is not modelled
				return EnumSet.allOf(ClientOutcome.class);
			}
			return reply.disposition().delivered() ? EnumSet.of(success) : EnumSet.of(silence);
		}
		DropReason why = rq.reason();
		boolean atSender = request.hops().size() == 1;
		return switch (why) {
			case NO_LISTENER -> proto == Protocol.ICMP ? EnumSet.of(silence) : EnumSet.of(ClientOutcome.REFUSED);
			case NETFILTER_REJECT -> EnumSet.of(ClientOutcome.REFUSED, ClientOutcome.UNREACHABLE);
			case NO_ROUTE ->
				atSender ? EnumSet.of(ClientOutcome.UNREACHABLE) : EnumSet.of(silence, ClientOutcome.UNREACHABLE);
			case NEIGHBOR_UNREACHABLE -> EnumSet.of(silence, ClientOutcome.UNREACHABLE);
			default -> EnumSet.of(silence, ClientOutcome.UNREACHABLE);
		};
	}

}

package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * The single entry point of the model: runs every flow of a scenario through the network and returns the trace.
 * Deterministic: the same scenario and seed give the same trace. Thread-safe: each run has its own state.
 */
public final class Engine {

	private final Scenario scenario;

	private final Network network;

	private final int maxHops;

	/** An engine whose walks stop after {@value Walker#MAX_HOPS} namespaces (a loop the TTL does not end first). */
	public Engine(Scenario scenario) {
		this(scenario, Walker.MAX_HOPS);
	}

	/**
	 * An engine whose walks stop with {@code HOP_LIMIT} after {@code maxHops} namespaces (the web application's
	 * {@code packetwalk.limits.max-hops}).
	 */
	public Engine(Scenario scenario, int maxHops) {
		if (maxHops < 2) {
			throw new IllegalArgumentException("packetwalk.limits.max-hops must be at least 2, was " + maxHops);
		}
		this.scenario = scenario;
		this.network = new Network(scenario.topology(), scenario.ipvs());
		this.maxHops = maxHops;
	}

	public Trace run(long seed) {
		return run(new RunState(seed));
	}

	/**
	 * A namespace's tables after step {@code step} (1-based; 0 = before the first) of the run with this seed: the run
	 * is replayed with a journal of what each step taught the kernel (docs/api.md, "State at a step").
	 *
	 * @throws IllegalArgumentException for an unknown namespace or a step outside 0..steps
	 */
	public NamespaceTables tablesAt(long seed, int step, String namespace) {
		dev.packetwalk.topology.Namespace ns = network.ns(namespace);
		StateJournal journal = new StateJournal();
		Trace trace = run(new RunState(seed, journal));
		return NamespaceTables.of(network, ns, trace, journal, step);
	}

	private Trace run(RunState state) {
		long seed = state.seed;
		List<Walk> walks = new ArrayList<>();
		for (Flow f : scenario.flows()) {
			state.now++;
			int sport = f.srcPort() != 0 ? f.srcPort() : f.protocol() == Protocol.ICMP ? 1 + state.random.nextInt(65535)
					: state.ephemeralPort();
			Transport l4 = switch (f.protocol()) {
				case TCP -> new Transport.Tcp(sport, f.dstPort(), "S");
				case UDP -> new Transport.Udp(sport, f.dstPort());
				case ICMP -> new Transport.Icmp(Transport.Icmp.ECHO_REQUEST, 0, sport, null);
			};
			Packet p = Packet.of(new Ipv4(f.src() == null ? Ip.ANY : f.src(), f.dst(), f.protocol(), f.ttl(), f.dontFragment()),
					l4, f.payload());
			String socket = socketName(f) + " in " + (f.container() != null ? "container " + f.container() + " of " : "")
					+ network.ns(f.from()).label();
			Walker.Result request = new Walker(network, state, scenario.policies(), maxHops, new Walker.Expect.Listening())
				.walk(f.id(), Walk.Leg.REQUEST, f.label(), f.from(), p, socket);
			walks.add(request.walk());
			if (f.reply() && request.walk().disposition().delivered()) {
				Walker.Delivery got = request.delivery();
				Packet sent = request.walk().hops().getFirst().steps().getFirst().packet();
				Packet answer = answer(got.packet(), scenario.dns());
				Walker.Expect back = new Walker.Expect.Connected(sent.src(), sent.l4().srcPort(), sent.dst(),
						sent.l4().dstPort(), socket);
				state.now++;
				walks.add(new Walker(network, state, scenario.policies(), maxHops, back)
					.walk(f.id(), Walk.Leg.REPLY, f.label() + " (reply)", got.namespace(), answer,
							got.process() + " in " + network.ns(got.namespace()).label())
					.walk());
			}
		}
		return new Trace(scenario.id(), seed, walks);
	}

	/** Is this the root namespace of a cluster node? */
	public boolean isNodeRoot(String namespace) {
		return network.ns(namespace).kind() == dev.packetwalk.topology.Namespace.Kind.NODE;
	}

	/** The node's rules as {@code iptables-save} prints them, or null when it has none. */
	public String iptablesSave(String namespace) {
		dev.packetwalk.netfilter.RuleSet rules = network.rules(namespace);
		return rules == null ? null : rules.print();
	}

	/** The node's IPVS table as {@code ipvsadm -Ln} prints it, or null outside IPVS mode. */
	public String ipvsadm(String namespace) {
		dev.packetwalk.kubeproxy.IpvsState st = network.ipvs(namespace);
		return st == null ? null : st.ipvsadmList();
	}

	private static String socketName(Flow f) {
		return switch (f.protocol()) {
			case TCP -> "a TCP socket";
			case UDP -> "a UDP socket";
			case ICMP -> "ping";
		};
	}

	/**
	 * What the server sends back: addresses and ports swapped from what it received; a DNS server answers the question
	 * from the cluster's records (CoreDNS's kubernetes plugin).
	 */
	static Packet answer(Packet got, Map<String, List<String>> dns) {
		Transport l4 = switch (got.l4()) {
			case Transport.Tcp t -> new Transport.Tcp(t.dstPort(), t.srcPort(), t.isSyn() ? "S." : ".");
			case Transport.Udp u -> new Transport.Udp(u.dstPort(), u.srcPort());
			case Transport.Icmp i -> new Transport.Icmp(Transport.Icmp.ECHO_REPLY, 0, i.id(), null);
		};
		Payload payload = switch (got.payload()) {
			case Payload.Bytes b -> Payload.Bytes.EMPTY;
			case Payload.Http h -> new Payload.Http("HTTP/1.1 200 OK", Map.of("Content-Length", "0"));
			case Payload.Dns d -> new Payload.Dns(d.id(), d.question(), d.qtype(), dns.getOrDefault(d.question(), List.of()));
		};
		return Packet.of(new Ipv4(got.dst(), got.src(), got.ip().protocol(), Ipv4.DEFAULT_TTL, got.ip().dontFragment()), l4,
				payload);
	}

}

package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * The single entry point of the model: runs every flow of a scenario through the network
 * and returns the trace. Deterministic: the same scenario and seed give the same trace.
 * Thread-safe: each run has its own state.
 */
public final class Engine {

	private final Scenario scenario;

	private final Network network;

	/** The cluster after each change of the timeline, in order. */
	private final List<Network> networks;

	private final int maxHops;

	/**
	 * An engine whose walks stop after {@value Walker#MAX_HOPS} namespaces (a loop the
	 * TTL does not end first).
	 */
	public Engine(Scenario scenario) {
		this(scenario, Walker.MAX_HOPS);
	}

	/**
	 * An engine whose walks stop with {@code HOP_LIMIT} after {@code maxHops} namespaces
	 * (the web application's {@code packetwalk.limits.max-hops}).
	 */
	public Engine(Scenario scenario, int maxHops) {
		if (maxHops < 2) {
			throw new IllegalArgumentException("packetwalk.limits.max-hops must be at least 2, was " + maxHops);
		}
		this.scenario = scenario;
		Network.Parsed parsed = new Network.Parsed();
		this.network = new Network(scenario.topology(), scenario.ipvs(), parsed);
		List<Network> states = new ArrayList<>();
		for (Event e : scenario.timeline()) {
			if (e instanceof Event.Change c) {
				states.add(new Network(c.state().topology(), c.state().ipvs(), parsed));
			}
		}
		this.networks = List.copyOf(states);
		this.maxHops = maxHops;
	}

	public Trace run(long seed) {
		return run(seed, Budget.UNLIMITED);
	}

	/**
	 * The trace within a budget: stops with
	 * {@link dev.packetwalk.budget.BudgetExceededException} when its time passes or it is
	 * cancelled (checked at every hop and netfilter hook), or when the trace grows past
	 * its steps or size (checked after every walk). A trace that finishes within the
	 * budget is the same as {@link #run(long)}'s.
	 */
	public Trace run(long seed, Budget budget) {
		return run(new RunState(seed, budget));
	}

	/**
	 * A namespace's tables after step {@code step} (1-based; 0 = before the first) of the
	 * run with this seed: the run is replayed with a journal of what each step taught the
	 * kernel (docs/api.md, "State at a step").
	 * @throws IllegalArgumentException for an unknown namespace or a step outside
	 * 0..steps
	 */
	public NamespaceTables tablesAt(long seed, int step, String namespace) {
		return tablesAt(seed, step, namespace, Budget.UNLIMITED);
	}

	/**
	 * {@link #tablesAt(long, int, String)} within a budget: the replay stops as
	 * {@link #run(long, Budget)} does.
	 */
	public NamespaceTables tablesAt(long seed, int step, String namespace, Budget budget) {
		StateJournal journal = new StateJournal();
		List<Run> runs = new ArrayList<>(1);
		Trace trace = run(new RunState(seed, journal, budget), runs);
		// the cluster as the timeline's changes left it after that step: a change's
		// devices, routes and flanneld's entries are in force in a namespace from its
		// last CNI or node-sync step there, its rules from kube-proxy's sync there, or
		// else from the change walk's last step
		Network in = network;
		Network rules = network;
		for (Applied a : runs.getFirst().applied) {
			if (a.links().getOrDefault(namespace, a.last()) <= step - 1) {
				in = a.next();
			}
			if (a.rules().getOrDefault(namespace, a.last()) <= step - 1) {
				rules = a.next();
			}
		}
		if (!in.has(namespace) && scenario.hasNamespace(namespace)) {
			throw new IllegalArgumentException("no namespace " + namespace + " after step " + step
					+ " (a change of the timeline deleted it or had not created it yet)");
		}
		dev.packetwalk.topology.Namespace ns = in.ns(namespace);
		return NamespaceTables.of(in, rules, ns, trace, journal, step);
	}

	private Trace run(RunState state) {
		return run(state, null);
	}

	private Trace run(RunState state, List<Run> keep) {
		long seed = state.seed;
		List<Walk> walks = new ArrayList<>();
		Run run = new Run(state, walks);
		if (keep != null) {
			keep.add(run);
		}
		java.util.Deque<Flow> flows = new java.util.ArrayDeque<>(scenario.flows());
		while (!flows.isEmpty()) {
			run.send(flows.poll(), null, flows);
		}
		int change = 0;
		for (Event e : scenario.timeline()) {
			switch (e) {
				case Event.Send s -> run.send(s.flow(), s.continues(), new java.util.ArrayDeque<>());
				case Event.Change c -> run.apply(c, networks.get(change++));
				case Event.Wait w -> run.pass(w);
			}
		}
		return new Trace(scenario.id(), seed, walks);
	}

	/**
	 * A change as applied: the cluster after it; in a namespace, its devices, routes and
	 * neighbour/FDB entries are in force from the change's last CNI or node-sync step
	 * there ({@code links}), its rules from kube-proxy's sync there ({@code rules}), by
	 * step index over the trace, or else from the walk's {@code last} step.
	 */
	private record Applied(int last, Map<String, Integer> links, Map<String, Integer> rules, Network next) {
	}

	/**
	 * What one flow left behind: the packet its socket sent and where the request was
	 * delivered.
	 */
	private record Sent(Packet packet, Walker.Delivery delivery, boolean answered) {
	}

	/**
	 * One run: the cluster as it is now (it changes along the timeline) and the
	 * connections opened so far.
	 */
	private final class Run {

		private final RunState state;

		private final List<Walk> walks;

		private final Map<String, Sent> sent = new java.util.HashMap<>();

		/** The trace's size so far, against the run's budget. */
		private final TraceSize size;

		private Network net = network;

		private dev.packetwalk.netpol.PolicyEngine policies = scenario.policies();

		private Map<String, List<String>> dns = scenario.dns();

		/** The changes applied so far, in order. */
		private final List<Applied> applied = new ArrayList<>();

		/** Steps of the walks so far. */
		private int steps() {
			return walks.stream().flatMap(w -> w.hops().stream()).mapToInt(h -> h.steps().size()).sum();
		}

		/** The cluster's namespaces as the changes so far left them. */
		private dev.packetwalk.topology.Topology topology = scenario.topology();

		Run(RunState state, List<Walk> walks) {
			this.state = state;
			this.walks = walks;
			this.size = new TraceSize(state.budget);
		}

		/**
		 * Sends one flow: its packet and, when asked, the answer. A TCP flow that carries
		 * an HTTP request (and is not the next segment of an earlier connection) is a
		 * connection as a client opens it: the handshake first (a SYN without payload and
		 * the SYN-ACK), then the request in the first data segment ({@code P.}) and the
		 * server's response. When the flow right after it in {@code next} is an HTTP
		 * request sent from the namespace that took this request (a reverse proxy's
		 * second connection), that flow is sent before the response, and the response
		 * relays the one the proxy got (502 Bad Gateway when it got none).
		 * @return the HTTP response the client received, or null
		 */
		Payload send(Flow f, String continues, java.util.Deque<Flow> next) {
			state.budget.check();
			state.now++;
			age();
			Sent earlier = continues == null ? null : sent.get(continues);
			int sport = earlier != null ? earlier.packet().l4().srcPort() : f.srcPort() != 0 ? f.srcPort()
					: f.protocol() == Protocol.ICMP ? 1 + state.random.nextInt(65535) : state.ephemeralPort();
			boolean http = continues == null && f.protocol() == Protocol.TCP && f.payload() instanceof Payload.Http;
			// an SCTP flow opens an association: its INIT carries the client's Initiate
			// Tag
			// (drawn only for SCTP, so other flows draw the same numbers as before)
			boolean association = continues == null && f.protocol() == Protocol.SCTP;
			SctpTags tags = association ? new SctpTags(sctpTag(), sctpTag()) : f.protocol() == Protocol.SCTP
					? sctpAssociations.getOrDefault(continues, new SctpTags(0, 0)) : null;
			Transport l4 = switch (f.protocol()) {
				case TCP -> new Transport.Tcp(sport, f.dstPort(), earlier != null ? "P." : "S");
				case UDP -> new Transport.Udp(sport, f.dstPort());
				case ICMP -> new Transport.Icmp(Transport.Icmp.ECHO_REQUEST, 0, sport, null);
				case SCTP -> association ? new Transport.Sctp(sport, f.dstPort(), 0, Transport.Sctp.INIT, tags.client())
						: new Transport.Sctp(sport, f.dstPort(), tags.server(), Transport.Sctp.DATA, 0);
			};
			Ipv4 ip = new Ipv4(f.src() == null ? Ip.ANY : f.src(), f.dst(), f.protocol(), f.ttl(), f.dontFragment());
			// a SYN carries no data: an HTTP request waits for the handshake; an INIT
			// carries none either: the flow's payload rides the association's DATA chunk
			Packet p = Packet.of(ip, l4, http || association ? Payload.Bytes.EMPTY : f.payload());
			String socket = socketName(f) + " in "
					+ (f.container() != null ? "container " + f.container() + " of " : "") + net.ns(f.from()).label();
			Walker.Expect expect = new Walker.Expect.Listening();
			if (continues != null && (f.protocol() == Protocol.TCP || f.protocol() == Protocol.SCTP)) {
				// the next segment of an established connection: only the socket accept()
				// returned for it takes it
				expect = established(earlier == null || !earlier.answered() ? null : earlier.delivery());
			}
			Walker.Result request = new Walker(net, state, policies, maxHops, expect).walk(f.id(), Walk.Leg.REQUEST,
					http ? f.label() + " (handshake: SYN)"
							: association ? f.label() + " (association: INIT)" : f.label(),
					f.from(), p, socket);
			walks.add(size.add(request.walk()));
			if (association) {
				sctpAssociations.put(f.id(), tags);
				associate(f, ip, sport, tags, request, socket);
				return null; // its DATA is acknowledged, not answered with an HTTP
								// response
			}
			Packet first = request.walk().hops().getFirst().steps().getFirst().packet();
			boolean answered = false;
			if (f.reply() && request.walk().disposition().delivered()) {
				answered = respond(f, request.delivery(), first, answer(request.delivery().packet(), dns, tags),
						http ? f.label() + " (handshake: SYN-ACK)" : f.label() + " (reply)", socket) != null;
			}
			if (earlier == null) {
				sent.put(f.id(), new Sent(first, request.delivery(), answered));
			}
			if (!http || !answered) {
				return null;
			}
			// the first data segment of the connection carries the request
			state.now++;
			age();
			Walker.Result data = new Walker(net, state, policies, maxHops, established(request.delivery())).walk(f.id(),
					Walk.Leg.REQUEST, f.label() + " (HTTP request)", f.from(),
					Packet.of(ip, new Transport.Tcp(sport, f.dstPort(), "P."), f.payload()), socket);
			walks.add(size.add(data.walk()));
			if (!data.walk().disposition().delivered()) {
				return null;
			}
			Packet response = answer(data.delivery().packet(), dns, null);
			Flow upstream = next.peek();
			if (upstream != null && upstream.protocol() == Protocol.TCP && upstream.payload() instanceof Payload.Http
					&& upstream.from().equals(data.delivery().namespace())) {
				// a reverse proxy: its own connection to the backend first, then the
				// backend's answer relayed on the client's connection
				Payload relayed = send(next.poll(), null, next);
				response = response.withPayload(relayed != null ? relayed
						: new Payload.Http("HTTP/1.1 502 Bad Gateway", Map.of("Content-Length", "0")));
			}
			return respond(f, data.delivery(), first, response, f.label() + " (HTTP response)", socket);
		}

		/** The tags of the SCTP associations opened so far, by flow id. */
		private final Map<String, SctpTags> sctpAssociations = new java.util.HashMap<>();

		/** A fresh Initiate Tag: 1..2^32-1 from the seeded generator. */
		private long sctpTag() {
			return 1 + Integer.toUnsignedLong(state.random.nextInt()) % 0xFFFF_FFFFL;
		}

		/**
		 * The rest of an SCTP association after its INIT ({@code request}): the INIT ACK
		 * back to the client (the server's Initiate Tag, its verification tag the
		 * client's tag), then the COOKIE ECHO and COOKIE ACK (conntrack's entry becomes
		 * ESTABLISHED and ASSURED), then one DATA chunk carrying the flow's payload and
		 * its SACK. Each leg is walked only when the one before it was delivered.
		 */
		private void associate(Flow f, Ipv4 ip, int sport, SctpTags tags, Walker.Result request, String socket) {
			Packet first = request.walk().hops().getFirst().steps().getFirst().packet();
			boolean answered = f.reply() && request.walk().disposition().delivered()
					&& respond(f, request.delivery(), first, answer(request.delivery().packet(), dns, tags),
							f.label() + " (association: INIT ACK)", socket) != null;
			sent.put(f.id(), new Sent(first, request.delivery(), answered));
			if (!answered) {
				return;
			}
			String[][] legs = { { Transport.Sctp.COOKIE_ECHO, "association: COOKIE ECHO", "association: COOKIE ACK" },
					{ Transport.Sctp.DATA, "DATA", "SACK" } };
			for (String[] leg : legs) {
				state.now++;
				age();
				boolean data = leg[0].equals(Transport.Sctp.DATA);
				Walker.Result r = new Walker(net, state, policies, maxHops, established(request.delivery())).walk(
						f.id(), Walk.Leg.REQUEST, f.label() + " (" + leg[1] + ")", f.from(),
						Packet.of(ip, new Transport.Sctp(sport, f.dstPort(), tags.server(), leg[0], 0),
								data ? f.payload() : Payload.Bytes.EMPTY),
						socket);
				walks.add(size.add(r.walk()));
				if (!r.walk().disposition().delivered() || respond(f, r.delivery(), first,
						answer(r.delivery().packet(), dns, tags), f.label() + " (" + leg[2] + ")", socket) == null) {
					return;
				}
			}
		}

		/** The expectation for the next segment of a connection accepted as {@code d}. */
		private static Walker.Expect established(Walker.Delivery d) {
			return d == null ? new Walker.Expect.Established(null, 0, null, 0, null)
					: new Walker.Expect.Established(d.packet().dst(), d.packet().l4().dstPort(), d.packet().src(),
							d.packet().l4().srcPort(), "the connection " + d.process() + " accepted");
		}

		/**
		 * Walks the server's answer back to the client socket that sent {@code first}.
		 * @return what the client socket received, or null when the answer was lost
		 */
		private Payload respond(Flow f, Walker.Delivery got, Packet first, Packet answer, String label, String socket) {
			Walker.Expect back = new Walker.Expect.Connected(first.src(), first.l4().srcPort(), first.dst(),
					first.l4().dstPort(), socket);
			state.now++;
			age();
			Walker.Result reply = new Walker(net, state, policies, maxHops, back).walk(f.id(), Walk.Leg.REPLY, label,
					got.namespace(), answer, (got.process() == null ? "the connection's socket" : got.process())
							+ " in " + net.ns(got.namespace()).label());
			walks.add(size.add(reply.walk()));
			return reply.walk().disposition().delivered() ? reply.delivery().packet().payload() : null;
		}

		/**
		 * The run's clock moved on (a second per walk): for the journal, every conntrack
		 * entry's countdown from the first step of the walk that comes next.
		 */
		private void age() {
			if (state.journal == null) {
				return;
			}
			state.conntrackTables()
				.forEach((ns, table) -> table.entries()
					.forEach(e -> state.journal.conntrackAt(0, ns, e, e.text(state.now), StateJournal.Kind.AGED)));
			state.journal.ipvsAgeAt(0, null, state.now);
			topology.namespaces().forEach(ns -> {
				IpvsPersistence t = state.ipvsPersistenceIfAny(ns.id());
				if (t != null) {
					state.journal.ipvsTemplatesAt(0, ns.id(), t.lines(state.now));
				}
			});
		}

		/** {@code node/bridge/port} as its three parts. */
		private static String[] splitPort(String port) {
			int slash = port.lastIndexOf('/');
			String bridge = port.substring(0, slash);
			int first = bridge.lastIndexOf('/');
			return new String[] { bridge.substring(0, first), bridge.substring(first + 1), port.substring(slash + 1) };
		}

		/**
		 * A port leaves its bridge at the {@code index}-th step of the change being
		 * applied; the journal records the learned entries it takes with it.
		 */
		private void forgetPort(String[] port, int index) {
			for (String line : state.fdbForgetPort(port[0], port[1], port[2])) {
				if (state.journal != null) {
					String mac = line.substring(0, line.indexOf(' '));
					state.journal.recordAt(index, port[0], StateJournal.Table.FDB, port[1] + "/" + mac, line,
							StateJournal.Kind.REMOVED);
				}
			}
		}

		/**
		 * Time passes: the conntrack entries that time out go (the kernel's garbage
		 * collection), session-affinity entries expire; a walk of leg CHANGE says what,
		 * one {@code wait} step per namespace where something did, or one at the control
		 * plane when nothing did.
		 */
		void pass(Event.Wait w) {
			long before = state.now;
			state.now += w.seconds();
			long now = state.now;
			List<dev.packetwalk.trace.Step> steps = new ArrayList<>();
			String span = w.seconds() + " s pass";
			StateJournal journal = state.journal;
			for (dev.packetwalk.topology.Namespace ns : topology.namespaces()) {
				dev.packetwalk.conntrack.ConntrackTable table = state.conntrackTables().get(ns.id());
				List<dev.packetwalk.conntrack.ConntrackEntry> gone = table == null ? List.of() : table.expire(now);
				List<String> conntrack = gone.stream().map(e -> e.text(now)).toList();
				List<String> affinity = new ArrayList<>();
				dev.packetwalk.netfilter.RecentLists recent = state.recentByNamespace().get(ns.id());
				if (recent != null && ns.iptables() != null) {
					affinity.addAll(recentExpired(ns.iptables(), recent, before, now));
				}
				IpvsPersistence templates = state.ipvsPersistenceIfAny(ns.id());
				if (templates != null) {
					affinity.addAll(templates.expire(before, now));
				}
				if (journal != null) {
					// the namespace's step when it has one, else the walk's first: the
					// entries left count down, the ones that timed out leave the table
					int at = conntrack.isEmpty() && affinity.isEmpty() ? 0 : steps.size();
					for (dev.packetwalk.conntrack.ConntrackEntry e : gone) {
						journal.conntrackAt(at, ns.id(), e, e.text(now), StateJournal.Kind.REMOVED);
					}
					if (table != null) {
						for (dev.packetwalk.conntrack.ConntrackEntry e : table.entries()) {
							journal.conntrackAt(at, ns.id(), e, e.text(now), StateJournal.Kind.AGED);
						}
					}
					journal.ipvsAgeAt(at, ns.id(), now);
					if (templates != null) {
						journal.ipvsTemplatesAt(at, ns.id(), templates.lines(now));
					}
				}
				dev.packetwalk.netfilter.NftEvaluator.DynamicSets sets = state.nftSetsByNamespace().get(ns.id());
				if (sets != null) {
					sets.expiredBetween(before, now).forEach(e -> affinity.add(e + " (its timeout ran out)"));
				}
				if (conntrack.isEmpty() && affinity.isEmpty()) {
					continue;
				}
				steps
					.add(new dev.packetwalk.trace.Step.Wait(new dev.packetwalk.trace.Place(ns.node(), ns.id(), null),
							null,
							span + " in " + ns.label() + ": " + (conntrack.isEmpty() ? ""
									: conntrack.size() + " conntrack " + (conntrack.size() == 1 ? "entry" : "entries")
											+ " timed out (no packet for its timeout; the next packet of that flow is"
											+ " NEW and meets the rules again)")
									+ (conntrack.isEmpty() || affinity.isEmpty() ? "" : "; ")
									+ (affinity.isEmpty() ? ""
											: affinity.size() + " session-affinity "
													+ (affinity.size() == 1 ? "entry" : "entries")
													+ " expired (a new connection from that client is balanced again)")
									+ ".",
							w.seconds(), conntrack, affinity));
			}
			if (steps.isEmpty()) {
				steps.add(new dev.packetwalk.trace.Step.Wait(
						new dev.packetwalk.trace.Place("control-plane", "control-plane", null), null,
						span + ": no conntrack entry and no session-affinity entry times out in that time.",
						w.seconds(), List.of(), List.of()));
			}
			List<dev.packetwalk.trace.Hop> hops = new ArrayList<>();
			for (dev.packetwalk.trace.Step s : steps) {
				hops.add(new dev.packetwalk.trace.Hop(
						new dev.packetwalk.trace.Place(s.at().node(), s.at().namespace(), null), List.of(s)));
			}
			String label = "wait " + w.seconds() + " s";
			walks.add(size
				.add(new Walk(w.id(), Walk.Leg.CHANGE, label, hops, dev.packetwalk.trace.Disposition.applied(label))));
			if (journal != null) {
				journal.skipWalk(steps.size());
			}
		}

		/**
		 * A change: the kernel state it touches (a deleted port's FDB entries,
		 * kube-proxy's conntrack deletions for UDP endpoints that are gone), its
		 * control-plane walk, then the new cluster for every later packet.
		 */
		void apply(Event.Change c, Network next) {
			StateJournal journal = state.journal;
			int total = c.hops().stream().mapToInt(h -> h.steps().size()).sum();
			List<String> unplugged = new ArrayList<>(c.unplugged());
			List<dev.packetwalk.trace.Hop> hops = new ArrayList<>();
			int index = 0;
			for (dev.packetwalk.trace.Hop h : c.hops()) {
				List<dev.packetwalk.trace.Step> steps = new ArrayList<>();
				for (dev.packetwalk.trace.Step s : h.steps()) {
					if (s instanceof dev.packetwalk.trace.Step.ProxySync ps && !c.goneEndpoints().isEmpty()) {
						// kube-proxy's deleteEndpointConnections: conntrack -D -p udp
						// --orig-dst <service> --dst-nat <endpoint>
						String nsId = ps.at().namespace();
						List<dev.packetwalk.conntrack.ConntrackEntry> deleted = state.conntrack(nsId)
							.deleteUdpTo(c.goneEndpoints());
						s = ps.withConntrackDeleted(deleted.stream().map(e -> e.text(state.now)).toList());
						if (journal != null) {
							for (dev.packetwalk.conntrack.ConntrackEntry e : deleted) {
								journal.conntrackAt(index, nsId, e, e.text(state.now), StateJournal.Kind.REMOVED);
							}
						}
					}
					if (s instanceof dev.packetwalk.trace.Step.Cni cni
							&& cni.action() == dev.packetwalk.trace.Step.Cni.Action.UNPLUG) {
						// deleting the veth takes its port off the bridge: the entries
						// the
						// bridge learned on it go (br_fdb_delete_by_port)
						for (java.util.Iterator<String> it = unplugged.iterator(); it.hasNext();) {
							String port = it.next();
							String[] p = splitPort(port);
							if (cni.removes().contains(p[0] + "/" + p[2])) {
								forgetPort(p, index);
								it.remove();
							}
						}
					}
					steps.add(s);
					index++;
				}
				hops.add(new dev.packetwalk.trace.Hop(h.place(), steps));
			}
			for (String port : unplugged) {
				forgetPort(splitPort(port), Math.max(0, total - 1));
			}
			walks.add(new Walk(c.id(), Walk.Leg.CHANGE, c.label(), hops,
					dev.packetwalk.trace.Disposition.applied(c.label())));
			if (journal != null) {
				journal.skipWalk(total);
			}
			int first = steps() - total;
			Map<String, Integer> links = new java.util.HashMap<>();
			Map<String, Integer> rules = new java.util.HashMap<>();
			int i = first;
			for (dev.packetwalk.trace.Hop h : hops) {
				for (dev.packetwalk.trace.Step s : h.steps()) {
					if (s instanceof dev.packetwalk.trace.Step.Cni || s instanceof dev.packetwalk.trace.Step.NodeSync) {
						links.put(s.at().namespace(), i);
					}
					if (s instanceof dev.packetwalk.trace.Step.ProxySync) {
						rules.put(s.at().namespace(), i);
					}
					i++;
				}
			}
			applied.add(new Applied(first + total - 1, links, rules, next));
			net = next;
			topology = c.state().topology();
			policies = c.state().policies();
			dns = c.state().dns();
		}

	}

	/**
	 * An {@code -m recent --rcheck} (or {@code --update}) rule: the seconds and the list
	 * it checks (kube-proxy's session affinity).
	 */
	private static final java.util.regex.Pattern RECENT_CHECK = java.util.regex.Pattern
		.compile("-m recent --name (\\S+) --(?:rcheck|update) --seconds ([0-9]+)");

	/** A KUBE-SEP chain's DNAT target. */
	private static final java.util.regex.Pattern SEP_DNAT = java.util.regex.Pattern
		.compile("^-A (\\S+) .*-j DNAT --to-destination (\\S+)", java.util.regex.Pattern.MULTILINE);

	/**
	 * The session-affinity entries of a namespace's {@code -m recent} lists that were
	 * live at {@code before} and are past their rule's {@code --seconds} at {@code now}.
	 */
	static List<String> recentExpired(String iptables, dev.packetwalk.netfilter.RecentLists lists, long before,
			long now) {
		Map<String, Long> seconds = new java.util.LinkedHashMap<>();
		java.util.regex.Matcher m = RECENT_CHECK.matcher(iptables);
		while (m.find()) {
			seconds.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
		}
		Map<String, String> endpoint = new java.util.HashMap<>();
		java.util.regex.Matcher d = SEP_DNAT.matcher(iptables);
		while (d.find()) {
			endpoint.putIfAbsent(d.group(1), d.group(2));
		}
		List<String> out = new ArrayList<>();
		seconds.forEach((name, secs) -> lists.snapshot(name).forEach((ip, last) -> {
			if (last >= before - secs && last < now - secs) {
				out.add(name + (endpoint.containsKey(name) ? " (" + endpoint.get(name) + ")" : "") + ": " + ip
						+ " last seen " + (now - last) + " s ago, past --seconds " + secs);
			}
		}));
		return out;
	}

	/** Is this the root namespace of a cluster node? */
	public boolean isNodeRoot(String namespace) {
		return network.ns(namespace).kind() == dev.packetwalk.topology.Namespace.Kind.NODE;
	}

	/**
	 * The node's rules as {@code iptables-save} prints them, or null when it has none.
	 */
	public String iptablesSave(String namespace) {
		dev.packetwalk.netfilter.RuleSet rules = network.rules(namespace);
		return rules == null ? null : rules.print();
	}

	/**
	 * The namespace's nftables ruleset as {@code nft list ruleset} prints it, or null
	 * when it has none.
	 */
	public String nftRuleset(String namespace) {
		dev.packetwalk.netfilter.NftRuleset rs = network.nftables(namespace);
		return rs == null ? null : rs.listRuleset();
	}

	/**
	 * The node's IPVS table as {@code ipvsadm -Ln} prints it, or null outside IPVS mode.
	 */
	public String ipvsadm(String namespace) {
		dev.packetwalk.kubeproxy.IpvsState st = network.ipvs(namespace);
		return st == null ? null : st.ipvsadmList();
	}

	private static String socketName(Flow f) {
		return switch (f.protocol()) {
			case TCP -> "a TCP socket";
			case UDP -> "a UDP socket";
			case ICMP -> "ping";
			case SCTP -> "an SCTP socket";
		};
	}

	/**
	 * An SCTP association's Initiate Tags: the client's (in its INIT; every packet the
	 * server sends carries it as its verification tag) and the server's (in the INIT ACK;
	 * every later packet of the client carries it).
	 */
	record SctpTags(long client, long server) {
	}

	/**
	 * What the server sends back: addresses and ports swapped from what it received; a
	 * DNS server answers the question from the cluster's records (CoreDNS's kubernetes
	 * plugin). An SCTP chunk gets its answer in the association whose tags are
	 * {@code tags}: INIT ACK (carrying the server's tag) for an INIT, COOKIE ACK for a
	 * COOKIE ECHO, SACK for DATA, each with the client's tag as verification tag and no
	 * user data.
	 */
	static Packet answer(Packet got, Map<String, List<String>> dns, SctpTags tags) {
		Transport l4 = switch (got.l4()) {
			case Transport.Tcp t -> new Transport.Tcp(t.dstPort(), t.srcPort(),
					t.isSyn() ? "S." : got.payload() instanceof Payload.Http ? "P." : ".");
			case Transport.Udp u -> new Transport.Udp(u.dstPort(), u.srcPort());
			case Transport.Icmp i -> new Transport.Icmp(Transport.Icmp.ECHO_REPLY, 0, i.id(), null);
			case Transport.Sctp c -> {
				String chunk = switch (c.chunk()) {
					case Transport.Sctp.INIT -> Transport.Sctp.INIT_ACK;
					case Transport.Sctp.COOKIE_ECHO -> Transport.Sctp.COOKIE_ACK;
					case Transport.Sctp.DATA -> Transport.Sctp.SACK;
					case Transport.Sctp.HEARTBEAT -> Transport.Sctp.HEARTBEAT_ACK;
					case Transport.Sctp.SHUTDOWN -> Transport.Sctp.SHUTDOWN_ACK;
					case Transport.Sctp.SHUTDOWN_ACK -> Transport.Sctp.SHUTDOWN_COMPLETE;
					default -> throw new IllegalArgumentException("an SCTP " + c.chunk() + " chunk is not answered");
				};
				yield new Transport.Sctp(c.dstPort(), c.srcPort(), tags.client(), chunk,
						chunk.equals(Transport.Sctp.INIT_ACK) ? tags.server() : 0);
			}
		};
		if (got.l4() instanceof Transport.Sctp) {
			return Packet.of(
					new Ipv4(got.dst(), got.src(), got.ip().protocol(), Ipv4.DEFAULT_TTL, got.ip().dontFragment()), l4,
					Payload.Bytes.EMPTY);
		}
		Payload payload = switch (got.payload()) {
			case Payload.Bytes b -> Payload.Bytes.EMPTY;
			case Payload.Http h -> new Payload.Http("HTTP/1.1 200 OK", Map.of("Content-Length", "0"));
			case Payload.Dns d ->
				new Payload.Dns(d.id(), d.question(), d.qtype(), dns.getOrDefault(d.question(), List.of()));
		};
		return Packet.of(new Ipv4(got.dst(), got.src(), got.ip().protocol(), Ipv4.DEFAULT_TTL, got.ip().dontFragment()),
				l4, payload);
	}

}

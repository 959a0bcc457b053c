package dev.packetwalk.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.engine.Flow;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Listener;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Topology;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * The lab on Linux network namespaces (iproute2, iptables-restore, nft, tcpdump,
 * python3). Plain Java: no Spring, so the CLI and the tests use it directly. Root only.
 */
public final class KernelLab implements Lab {

	private static final List<String> TOOLS = List.of("ip", "bridge", "sysctl", "iptables-restore", "nft", "tcpdump");

	private final PrintStream log;

	private final boolean traceCommands;

	private final double clientTimeoutSeconds;

	/**
	 * @param log progress messages (may be null)
	 * @param traceCommands echo every command to {@code log}
	 */
	public KernelLab(PrintStream log, boolean traceCommands) {
		this(log, traceCommands, 2.0);
	}

	KernelLab(PrintStream log, boolean traceCommands, double clientTimeoutSeconds) {
		this.log = log;
		this.traceCommands = traceCommands;
		this.clientTimeoutSeconds = clientTimeoutSeconds;
	}

	public KernelLab() {
		this(null, false);
	}

	// ---------------------------------------------------------------- availability

	@Override
	public Optional<String> unavailable() {
		if (!isRoot()) {
			return Optional.of("the kernel lab needs root (it creates network namespaces); run it as root");
		}
		for (String tool : TOOLS) {
			if (which(tool) == null) {
				return Optional.of("'" + tool + "' is missing: apt-get install -y iproute2 iptables tcpdump procps");
			}
		}
		if (python() == null) {
			return Optional.of("python3 is missing (the lab's listener and client are a tiny python3 script)");
		}
		LabNames probe = LabNames.fresh().assign(List.of("probe"));
		Exec exec = new Exec(probe::owns, null);
		try {
			exec.run(Cmd.of("ip", "netns", "add", probe.ns("probe")));
			exec.run(Cmd.of("ip", "netns", "exec", probe.ns("probe"), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));
		}
		catch (RuntimeException ex) {
			return Optional.of("cannot create a network namespace here: " + ex.getMessage());
		}
		finally {
			try {
				exec.run(Cmd.of("ip", "netns", "del", probe.ns("probe")).orTolerate());
			}
			catch (RuntimeException ignored) {
				// nothing was created
			}
		}
		return Optional.empty();
	}

	static boolean isRoot() {
		try {
			Process p = new ProcessBuilder("id", "-u").start();
			String out = new String(p.getInputStream().readAllBytes()).trim();
			p.waitFor();
			return out.equals("0");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static String which(String tool) {
		String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
		for (String dir : path.split(":")) {
			if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
				return Path.of(dir, tool).toString();
			}
		}
		return null;
	}

	static String python() {
		for (String p : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
			if (Files.isExecutable(Path.of(p))) {
				return p;
			}
		}
		return which("python3");
	}

	// ---------------------------------------------------------------- materialise

	@Override
	public LabNetwork materialize(Topology topology) {
		LabNames names = LabNames.fresh();
		List<Cmd> plan = Materializer.plan(topology, names);
		Exec exec = new Exec(names::owns, traceCommands ? log : null);
		Path work;
		try {
			work = Files.createTempDirectory(names.prefix());
			try (InputStream in = KernelLab.class.getResourceAsStream("pwlab.py")) {
				if (in == null) {
					throw new LabException("pwlab.py is missing from the classpath");
				}
				Files.write(work.resolve("pwlab.py"), in.readAllBytes());
			}
		}
		catch (IOException ex) {
			throw new LabException("cannot prepare a work directory: " + ex.getMessage(), ex);
		}
		LabNetwork net = new LabNetwork(topology, names, exec, work);
		try {
			for (Cmd c : plan) {
				exec.run(c);
			}
			return net;
		}
		catch (RuntimeException ex) {
			net.close();
			throw ex;
		}
	}

	// ---------------------------------------------------------------- verify

	/**
	 * How many seeds the lab tries when the kernel's random choices (a
	 * {@code -m statistic} backend, an ECMP next hop) differ from the scenario seed's:
	 * the first seed whose model trace agrees with every replayed flow at once wins (one
	 * seed for the whole run, so session affinity and earlier choices stay consistent).
	 */
	static final int SEED_SEARCH = 512;

	/** How many seeds' traces decide which devices to capture on in a large scenario. */
	private static final int CAPTURE_SEEDS = 64;

	/**
	 * Above this many tcpdump processes, only the devices the model's walks can reach are
	 * captured.
	 */
	private static final int MAX_CAPTURES = 160;

	@Override
	public ScenarioReport verify(CompiledScenario cs, boolean keep) {
		return verify(cs, keep, java.util.function.UnaryOperator.identity());
	}

	/**
	 * As {@link #verify(CompiledScenario, boolean)}, with the model's expectation passed
	 * through {@code model} first: the tests use it to plant a deliberate model bug and
	 * see the real kernel catch it.
	 */
	ScenarioReport verify(CompiledScenario cs, boolean keep, java.util.function.UnaryOperator<FlowExpectation> model) {
		Map<Long, Trace> traces = new HashMap<>();
		java.util.function.LongFunction<Trace> traceOf = s -> traces.computeIfAbsent(s,
				x -> new Engine(cs.scenario()).run(x));
		Trace trace = traceOf.apply(cs.seed());
		Optional<String> notHere = notReplayable(cs.scenario());
		if (notHere.isPresent()) {
			List<FlowVerdict> v = new ArrayList<>();
			for (Flow f : cs.scenario().sentFlows()) {
				v.add(FlowVerdict.modelOnly(f.id(), f.label(), modelSummary(Projection.expect(trace, f.id())),
						notHere.get()));
			}
			return new ScenarioReport(cs.id(), cs.seed(), v, null, List.of(), List.of());
		}
		List<Replayed> replayed = new ArrayList<>();
		LabNetwork net = null;
		try {
			say("materialising " + cs.id() + " (" + cs.scenario().topology().namespaces().size() + " namespaces)");
			net = materialize(cs.scenario().topology());
			boolean sctp = cs.scenario().sentFlows().stream().anyMatch(f -> f.protocol() == Protocol.SCTP);
			startListeners(net, net.topology().namespaces(), sctp);
			Map<String, Exec.Proc> sessions = new HashMap<>();
			List<Cleaned> cleaned = new ArrayList<>();
			Set<String> continuedLater = continuedLater(cs.scenario());
			List<dev.packetwalk.engine.Event> events = new ArrayList<>();
			cs.scenario().flows().forEach(f -> events.add(new dev.packetwalk.engine.Event.Send(f, null)));
			events.addAll(cs.scenario().timeline());
			for (dev.packetwalk.engine.Event e : events) {
				switch (e) {
					case dev.packetwalk.engine.Event.Send s -> {
						Flow f = s.flow();
						String denied = policyDenied(trace, f.id());
						if (denied != null) {
							say("not replaying flow " + f.id() + ": " + denied);
							replayed.add(new Replayed(f, 0, List.of(), null, denied));
							continue;
						}
						say("replaying flow " + f.id() + ": " + f.label());
						Set<String> points = capturePoints(net.topology(), f.id(), cs.seed(), traceOf);
						Exec.Proc session = s.continues() == null ? null : sessions.remove(s.continues());
						if (s.continues() != null && session == null) {
							throw new LabException("flow " + f.id() + " continues " + s.continues()
									+ ", whose socket the lab did not keep open");
						}
						Replayed r = replay(net, f, trace, points, session, continuedLater.contains(f.id()));
						if (r.session() != null) {
							sessions.put(f.id(), r.session());
						}
						else if (session != null) {
							close(net, session); // its last packet: nothing continues it
						}
						replayed.add(r);
					}
					case dev.packetwalk.engine.Event.Change c -> {
						say("applying " + c.id() + ": " + c.label());
						cleaned.addAll(apply(net, c, sctp));
					}
					case dev.packetwalk.engine.Event.Wait w -> {
						say("waiting " + w.seconds() + " s");
						Thread.sleep(w.seconds() * 1000);
					}
				}
			}
			for (Exec.Proc p : sessions.values()) {
				close(net, p);
			}
			List<String> kept = List.of();
			if (keep) {
				net.keep();
				kept = net.pokeCommands();
			}
			ScenarioReport judged = judge(cs, replayed, traceOf, model, kept);
			if (cleaned.isEmpty()) {
				return judged;
			}
			List<FlowVerdict> all = new ArrayList<>(judged.flows());
			all.addAll(conntrackVerdicts(cleaned, traceOf.apply(judged.seed())));
			return new ScenarioReport(judged.scenario(), judged.seed(), all, judged.error(), judged.keptCommands(),
					judged.notes());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new ScenarioReport(cs.id(), cs.seed(), List.of(), "interrupted", List.of());
		}
		catch (LabException | IllegalStateException ex) {
			return new ScenarioReport(cs.id(), cs.seed(), List.of(), ex.getMessage(),
					keep && net != null ? net.pokeCommands() : List.of());
		}
		finally {
			if (net != null) {
				if (keep) {
					net.keep();
				}
				net.close();
			}
		}
	}

	/** The flows a later timeline packet continues: their sockets stay open. */
	static Set<String> continuedLater(dev.packetwalk.engine.Scenario s) {
		Set<String> out = new HashSet<>();
		for (dev.packetwalk.engine.Event e : s.timeline()) {
			if (e instanceof dev.packetwalk.engine.Event.Send send && send.continues() != null) {
				out.add(send.continues());
			}
		}
		return out;
	}

	/**
	 * Applies one timeline change to the kernel (see {@link ChangePlanner}): CNI DEL's
	 * unplug, the deleted pods' processes stopped, their namespaces deleted; then CNI
	 * ADD, new nodes, routes, neighbours, FDB entries, kube-proxy's rules and its UDP
	 * conntrack cleanup. Listeners of new pods start last, as their containers do.
	 */
	/**
	 * What kube-proxy's conntrack cleanup deleted in the kernel on one node during one
	 * change: the deleted entries' tuples.
	 */
	record Cleaned(String change, String label, String node, List<String> tuples) {
	}

	/**
	 * The conntrack entries a {@code conntrack -D} says it deleted, as tuples
	 * ({@code src=… dst=… sport=… dport=… src=… dst=… sport=… dport=…}).
	 */
	static List<String> deletedTuples(String output) {
		List<String> out = new ArrayList<>();
		for (String line : output.split("\n")) {
			String t = tuple(line);
			if (t != null) {
				out.add(t);
			}
		}
		return out;
	}

	/** The two tuples of a conntrack line, or null when it has none. */
	static String tuple(String line) {
		java.util.regex.Matcher m = java.util.regex.Pattern.compile(
				"(src=\\S+ dst=\\S+ sport=\\d+ dport=\\d+) (?:\\[\\w+\\] )?(src=\\S+ dst=\\S+ sport=\\d+ dport=\\d+)")
			.matcher(line);
		return m.find() ? m.group(1) + " " + m.group(2) : null;
	}

	/**
	 * One verdict per change whose kube-proxy cleaned conntrack: on every node, the
	 * entries the kernel's {@code conntrack -D} deleted must be the ones the model's
	 * proxy-sync step says it deleted.
	 */
	static List<FlowVerdict> conntrackVerdicts(List<Cleaned> cleaned, Trace t) {
		Map<String, List<Cleaned>> byChange = new java.util.LinkedHashMap<>();
		cleaned.forEach(c -> byChange.computeIfAbsent(c.change(), k -> new ArrayList<>()).add(c));
		List<FlowVerdict> out = new ArrayList<>();
		for (var e : byChange.entrySet()) {
			Map<String, List<String>> model = new HashMap<>();
			for (Walk w : t.walks()) {
				if (!w.flow().equals(e.getKey())) {
					continue;
				}
				for (var hop : w.hops()) {
					for (var step : hop.steps()) {
						if (step instanceof dev.packetwalk.trace.Step.ProxySync ps) {
							model.computeIfAbsent(ps.node(), k -> new ArrayList<>())
								.addAll(ps.conntrackDeleted().stream().map(KernelLab::tuple).toList());
						}
					}
				}
			}
			List<String> diff = new ArrayList<>();
			List<String> said = new ArrayList<>();
			for (Cleaned c : e.getValue()) {
				List<String> m = model.getOrDefault(c.node(), List.of()).stream().sorted().toList();
				List<String> k = c.tuples().stream().sorted().toList();
				said.add(c.node() + " " + k.size());
				if (!m.equals(k)) {
					diff.add("kube-proxy's UDP conntrack cleanup on " + c.node() + ": model deleted " + m
							+ ", the kernel's conntrack -D deleted " + k);
				}
			}
			out.add(new FlowVerdict(e.getKey(), e.getValue().getFirst().label(), diff.isEmpty(),
					"conntrack entries deleted (model = kernel): " + String.join(", ", said), diff, List.of(),
					List.of()));
		}
		return out;
	}

	private List<Cleaned> apply(LabNetwork net, dev.packetwalk.engine.Event.Change c, boolean sctp) {
		ChangePlanner.Plan plan = ChangePlanner.plan(net.topology(), c, net.names());
		for (Cmd cmd : plan.unplug()) {
			net.exec().run(cmd);
		}
		for (String gone : plan.gone()) {
			net.stopInside(gone);
		}
		for (Cmd cmd : plan.teardown()) {
			net.exec().run(cmd);
		}
		for (Cmd cmd : plan.apply()) {
			net.exec().run(cmd);
		}
		Map<String, List<String>> deleted = new java.util.LinkedHashMap<>();
		for (ChangePlanner.ConntrackDelete d : plan.conntrack()) {
			Exec.Result r = net.exec().run(d.cmd());
			String said = r.stderr() + "\n" + r.stdout();
			say("conntrack on " + d.node() + " for endpoint " + d.endpoint() + ": "
					+ said.replaceAll("\\s+", " ").trim());
			deleted.computeIfAbsent(d.node(), k -> new ArrayList<>()).addAll(deletedTuples(said));
		}
		net.advance(c.state().topology());
		List<Namespace> created = net.topology()
			.namespaces()
			.stream()
			.filter(ns -> plan.created().contains(ns.id()))
			.toList();
		startListeners(net, created, sctp);
		List<Cleaned> out = new ArrayList<>();
		deleted.forEach((node, tuples) -> out.add(new Cleaned(c.id(), c.label(), node, tuples)));
		return out;
	}

	private static void close(LabNetwork net, Exec.Proc session) {
		session.tell("close");
		try {
			session.process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		net.stop(session);
	}

	/** What the kernel did for one flow (or why it was not asked). */
	record Replayed(Flow flow, int sport, List<Observation> seen, ClientOutcome outcome, String modelOnly,
			Exec.Proc session) {

		Replayed(Flow flow, int sport, List<Observation> seen, ClientOutcome outcome, String modelOnly) {
			this(flow, sport, seen, outcome, modelOnly, null);
		}

	}

	/**
	 * The client's ephemeral port in {@code t}'s walk of the flow, to be renamed to
	 * {@code port}: the port the lab's client bound (the scenario seed's), whatever
	 * another seed's model trace drew.
	 */
	static Map<RandomPorts.Drawn, Integer> clientPort(Trace t, String flowId, int port) {
		Packet first = firstPacket(t, flowId);
		return Map.of(new RandomPorts.Drawn(first.src(), first.l4().srcPort(), "the client's ephemeral port"), port);
	}

	/** The first packet the flow's request walk sends. */
	static Packet firstPacket(Trace trace, String flowId) {
		Walk request = trace.walks()
			.stream()
			.filter(w -> w.flow().equals(flowId) && w.leg() == Walk.Leg.REQUEST)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("the trace has no request walk for flow " + flowId));
		return request.hops().getFirst().steps().getFirst().packet();
	}

	/**
	 * Compares every replayed flow with the model, first at the scenario's seed; when the
	 * model's trace depends on the seed and the kernel chose differently, with the first
	 * seed that reproduces all of the kernel's choices.
	 */
	static ScenarioReport judge(CompiledScenario cs, List<Replayed> replayed,
			java.util.function.LongFunction<Trace> traceOf, java.util.function.UnaryOperator<FlowExpectation> model,
			List<String> kept) {
		List<FlowVerdict> atSeed = verdicts(replayed, traceOf.apply(cs.seed()), model);
		if (allAgree(atSeed) || !seedDependent(cs, replayed, traceOf)) {
			return new ScenarioReport(cs.id(), cs.seed(), atSeed, null, kept, List.of());
		}
		for (long s = 1; s <= SEED_SEARCH; s++) {
			if (s == cs.seed()) {
				continue;
			}
			List<FlowVerdict> v = verdicts(replayed, traceOf.apply(s), model);
			if (allAgree(v)) {
				String before = atSeed.stream()
					.filter(f -> !f.match() && !f.isModelOnly())
					.findFirst()
					.map(f -> f.flowId() + ": " + String.join(" / ", f.diff()).replaceAll("\\s+", " ").trim())
					.orElse("");
				return new ScenarioReport(cs.id(), s, v, null, kept, List
					.of("the kernel's random choices (statistic backends, ECMP next hops) are the ones the model makes"
							+ " with seed " + s + "; with the scenario's seed " + cs.seed()
							+ " the model chose otherwise (" + before + ")"));
			}
		}
		return new ScenarioReport(cs.id(), cs.seed(), atSeed, null, kept,
				List.of("the model's trace depends on the seed here, and none of seeds 1.." + SEED_SEARCH
						+ " reproduces what the kernel did: the divergence below is the scenario seed's"));
	}

	private static boolean allAgree(List<FlowVerdict> v) {
		return v.stream().allMatch(f -> f.match() || f.isModelOnly());
	}

	/**
	 * Whether any replayed flow's projection changes with the seed (beyond ports drawn at
	 * random).
	 */
	private static boolean seedDependent(CompiledScenario cs, List<Replayed> replayed,
			java.util.function.LongFunction<Trace> traceOf) {
		Trace base = traceOf.apply(cs.seed());
		for (long s = 1; s <= CAPTURE_SEEDS; s++) {
			Trace t = traceOf.apply(s);
			for (Replayed r : replayed) {
				if (r.modelOnly() != null) {
					continue;
				}
				// the client's ephemeral port is the lab's to pin: a seed that only draws
				// another one changes nothing
				FlowExpectation other = RandomPorts
					.bind(Projection.expect(t, r.flow().id()),
							clientPort(t, r.flow().id(), firstPacket(base, r.flow().id()).l4().srcPort()), List.of(),
							List.of())
					.expectation();
				if (!other.withoutTags().equals(Projection.expect(base, r.flow().id()).withoutTags())) {
					return true;
				}
			}
		}
		return false;
	}

	private static List<FlowVerdict> verdicts(List<Replayed> replayed, Trace t,
			java.util.function.UnaryOperator<FlowExpectation> model) {
		List<FlowVerdict> out = new ArrayList<>();
		for (Replayed r : replayed) {
			FlowExpectation exp = model.apply(Projection.expect(t, r.flow().id()));
			if (r.modelOnly() != null) {
				out.add(FlowVerdict.modelOnly(r.flow().id(), r.flow().label(), modelSummary(exp), r.modelOnly()));
				continue;
			}
			RandomPorts.Bound b = RandomPorts.bind(exp, clientPort(t, r.flow().id(), r.sport()),
					RandomPorts.drawn(t, r.flow().id()), TraceComparison.dedupe(r.seen()));
			FlowVerdict v = TraceComparison.compare(b.expectation(), r.seen(), r.outcome());
			for (String n : b.notes()) {
				v = v.withNote(n);
			}
			out.add(v);
		}
		return out;
	}

	private static String modelSummary(FlowExpectation e) {
		return "model: request " + (e.request().delivered() ? "delivered at " + e.requestEnd()
				: "dropped at " + e.requestEnd() + " (" + e.request().reason() + ")");
	}

	/**
	 * The longest {@code wait} of a timeline the lab sits through in real time; a longer
	 * one (a conntrack or affinity timeout) is left to the model.
	 */
	static final long MAX_WAIT_SECONDS = 5;

	/**
	 * Why the lab leaves a scenario to the model alone, if it does: IPVS mode, or a
	 * timeline that waits longer than the lab sits through. (SCTP is replayed: the lab
	 * plays both ends of an association over raw sockets, see pwlab.py.)
	 */
	static Optional<String> notReplayable(dev.packetwalk.engine.Scenario s) {
		for (dev.packetwalk.engine.Event e : s.timeline()) {
			if (e instanceof dev.packetwalk.engine.Event.Wait w && w.seconds() > MAX_WAIT_SECONDS) {
				return Optional.of("the timeline waits " + w.seconds() + " s (a conntrack or affinity timeout); the"
						+ " lab sits through at most " + MAX_WAIT_SECONDS + " s of real time, so these packets are"
						+ " checked by the model's unit and golden tests only");
			}
		}
		return notReplayable(s.topology());
	}

	/**
	 * Why this topology cannot be built in this lab at all, or empty. IPVS virtual
	 * servers live in the {@code ip_vs} module, which this kernel does not have (nor the
	 * {@code dummy} device that holds {@code kube-ipvs0}).
	 */
	static Optional<String> notReplayable(Topology t) {
		for (Namespace ns : t.namespaces()) {
			for (Device d : ns.devices()) {
				if (d instanceof Device.Dummy && d.name().equals("kube-ipvs0")) {
					return Optional
						.of("IPVS mode: the lab does not build IPVS virtual servers (this kernel has no ip_vs"
								+ " module); the model's IPVS walk is checked by the unit and golden tests only");
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Why the model's walk of this flow cannot be replayed, or null. NetworkPolicy is
	 * enforced by the model's own policy engine (as a CNI plugin would, with its own
	 * rules); the lab has no such plugin, so a flow the model denies would simply pass in
	 * the kernel.
	 */
	static String policyDenied(Trace t, String flowId) {
		for (Walk w : t.walks()) {
			if (w.flow().equals(flowId) && !w.disposition().delivered()
					&& w.disposition().reason() == dev.packetwalk.trace.DropReason.POLICY_DENIED) {
				return "NetworkPolicy denies it in the model; the lab runs no policy plugin, so the kernel would let it"
						+ " through (the allowed flows of this scenario are replayed)";
			}
		}
		return null;
	}

	/**
	 * The devices to capture on for a flow: every device of the scenario, or, for large
	 * scenarios, those of the namespaces the model's walks visit under any of the first
	 * seeds (and the ends of their links), so that the kernel going elsewhere inside them
	 * is still seen.
	 */
	static Set<String> capturePoints(Topology t, String flowId, long seed,
			java.util.function.LongFunction<Trace> traceOf) {
		Set<String> all = new java.util.LinkedHashSet<>();
		for (Namespace ns : t.namespaces()) {
			for (Device d : ns.devices()) {
				all.add(ns.id() + "/" + d.name());
			}
		}
		if (all.size() * 2 <= MAX_CAPTURES) {
			return all;
		}
		Set<String> visited = new HashSet<>();
		for (long s = 0; s <= CAPTURE_SEEDS; s++) {
			for (Observation o : Projection.expect(traceOf.apply(s == 0 ? seed : s), flowId).observations()) {
				visited.add(o.namespace());
			}
		}
		Set<String> points = new java.util.LinkedHashSet<>();
		for (Namespace ns : t.namespaces()) {
			if (!visited.contains(ns.id())) {
				continue;
			}
			for (Device d : ns.devices()) {
				Device.Endpoint peer = Device.peerOf(d);
				if (peer == null || visited.contains(peer.namespace())) {
					points.add(ns.id() + "/" + d.name());
				}
			}
		}
		return points;
	}

	/**
	 * The mark the lab's SCTP player puts on every packet it sends ({@code SO_MARK} in
	 * pwlab.py): bit 28, which kube-proxy's masquerade (0x4000) and drop (0x8000) bits
	 * leave alone, and which the kernel clears when a packet leaves the namespace.
	 */
	static final String SCTP_PLAYER_MARK = "0x10000000";

	/**
	 * The guard a scenario with SCTP flows gets in every namespace: locally generated
	 * SCTP that is not the lab player's is dropped before conntrack sees it. This kernel
	 * has no SCTP stack, so nothing is dropped here; on a kernel with one, its
	 * out-of-the-blue answers to the player's packets (an ABORT to an INIT for a port no
	 * kernel socket is bound to, or to an INIT ACK that no kernel association expects)
	 * would otherwise reach the wire beside the player's own.
	 */
	static String sctpGuard() {
		return """
				table ip pwlab-sctp {
					chain output {
						type filter hook output priority -400; policy accept;
						meta l4proto sctp meta mark != %s drop
					}
				}
				""".formatted(SCTP_PLAYER_MARK);
	}

	/**
	 * Starts the topology's listeners in {@code where}: a tiny TCP or UDP server per
	 * listener; for SCTP one stack per namespace (pwlab.py's raw-socket player with every
	 * SCTP port listened on there), and, when the scenario sends SCTP at all
	 * ({@code sctp}), one in every namespace, with the guard: a kernel with SCTP answers
	 * an INIT to a port nobody listens on with an ABORT in any namespace.
	 */
	private void startListeners(LabNetwork net, List<Namespace> where, boolean sctp) {
		for (Namespace ns : where) {
			List<String> sctpPorts = new ArrayList<>();
			for (Listener l : ns.listeners()) {
				switch (l.protocol()) {
					case ICMP -> {
						// the kernel answers echo requests itself
					}
					case SCTP -> sctpPorts.add(Integer.toString(l.port()));
					case TCP, UDP -> startListener(net, ns, l.protocol().lower(), Integer.toString(l.port()));
				}
			}
			if (sctp || !sctpPorts.isEmpty()) {
				net.exec().run(Materializer.nft(net.ns(ns.id()), sctpGuard()));
				startListener(net, ns, "sctp", sctpPorts.isEmpty() ? "-" : String.join(",", sctpPorts));
			}
		}
	}

	private void startListener(LabNetwork net, Namespace ns, String proto, String ports) {
		Exec.Proc p = net.startInside(ns.id(), Cmd.of("ip", "netns", "exec", net.ns(ns.id()), python(), "-u",
				net.workDir().resolve("pwlab.py").toString(), "listen", proto, ports));
		try {
			if (!p.awaitLine("ready", 5000)) {
				throw new LabException(
						"the " + proto + "/" + ports + " listener in " + ns.id() + " did not start: " + p.stderr());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LabException("interrupted", ex);
		}
	}

	/** One capture process: a device of a namespace, one direction. */
	private record Capture(String ns, String device, Observation.Direction dir, Exec.Proc proc) {
	}

	/**
	 * Replays one flow while every device captures: a one-shot client, or, when a later
	 * packet continues this flow, a client whose socket stays open ({@code keepOpen}), or
	 * the next packet of such an open socket ({@code session}).
	 */
	private Replayed replay(LabNetwork net, Flow f, Trace trace, Set<String> points, Exec.Proc session,
			boolean keepOpen) {
		int sport = firstPacket(trace, f.id()).l4().srcPort();
		List<Capture> caps = new ArrayList<>();
		try {
			for (Namespace ns : net.topology().namespaces()) {
				for (Device d : ns.devices()) {
					if (!points.contains(ns.id() + "/" + d.name())) {
						continue;
					}
					for (Observation.Direction dir : Observation.Direction.values()) {
						Exec.Proc p = net.start(Cmd.of("ip", "netns", "exec", net.ns(ns.id()), "tcpdump", "-i",
								d.name(), "-p", "-n", "-U", "--immediate-mode", "-Q", dir.lower(),
								"--time-stamp-precision=nano", "-s", "512", "-w", "-", "ip"), true);
						caps.add(new Capture(ns.id(), d.name(), dir, p));
					}
				}
			}
			for (Capture c : caps) {
				if (!c.proc().awaitLine("listening on", 20_000)) {
					throw new LabException(
							"tcpdump on " + c.ns() + "/" + c.device() + " did not start: " + c.proc().stderr());
				}
			}
			Thread.sleep(100);
			int size = Math.max(0, f.payload().bytes());
			long wait = (long) (clientTimeoutSeconds * 1000) + 5000;
			Exec.Proc open = null;
			ClientOutcome outcome;
			if (session != null) {
				int before = session.stdoutLines().size();
				session.tell("send " + size);
				outcome = outcome(session.awaitLineAfter(before, wait), session);
				open = session;
			}
			else {
				List<String> argv = List.of("ip", "netns", "exec", net.ns(f.from()), python(), "-u",
						net.workDir().resolve("pwlab.py").toString(), keepOpen ? "session" : "send",
						f.protocol().lower(), f.dst().toString(),
						Integer.toString(f.protocol() == Protocol.ICMP ? 0 : f.dstPort()), Integer.toString(sport),
						f.src() == null ? "-" : f.src().toString(), Double.toString(clientTimeoutSeconds),
						Integer.toString(size), f.dontFragment() ? "df" : "-");
				if (keepOpen) {
					open = net.startInteractive(new Cmd(argv, null, false));
					outcome = outcome(open.awaitLineAfter(0, wait), open);
				}
				else {
					Exec.Proc client = net.start(new Cmd(argv, null, false), false);
					client.process.waitFor(wait, java.util.concurrent.TimeUnit.MILLISECONDS);
					net.stop(client);
					List<String> lines = client.stdoutLines();
					outcome = outcome(lines.isEmpty() ? null : lines.getLast(), client);
				}
			}
			if (outcome == ClientOutcome.ERROR) {
				say("client in " + f.from() + ": " + (open == null ? "" : open.stdoutLines()) + " "
						+ (open == null ? "" : open.stderr()));
			}
			Thread.sleep(300); // let the last copies reach every capture
			for (Capture c : caps) {
				net.stop(c.proc());
			}
			PcapDecoder decoder = new PcapDecoder(f.protocol(), vxlanPorts(net.topology()), session != null);
			List<Observation> seen = new ArrayList<>();
			for (Capture c : caps) {
				seen.addAll(decoder.decode(c.proc().stdoutBytes(), c.ns(), c.device(), c.dir()));
			}
			return new Replayed(f, sport, seen, outcome, null, keepOpen ? open : null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LabException("interrupted", ex);
		}
		finally {
			for (Capture c : caps) {
				net.stop(c.proc());
			}
		}
	}

	private static ClientOutcome outcome(String line, Exec.Proc client) {
		return ClientOutcome.parse(line == null ? "error " + client.stderr() : line);
	}

	static Set<Integer> vxlanPorts(Topology t) {
		Set<Integer> ports = new HashSet<>();
		for (Namespace ns : t.namespaces()) {
			for (Device d : ns.devices()) {
				if (d instanceof Device.Vxlan vx) {
					ports.add(vx.port());
				}
			}
		}
		return ports;
	}

	// ---------------------------------------------------------------- leftovers

	/**
	 * Deletes namespaces a crashed or killed lab run left behind: only names with the
	 * lab's prefix whose creating process is gone (a concurrent run's namespaces are left
	 * alone). Processes still inside such a namespace were started by that lab run; they
	 * are stopped by PID first.
	 * @return the namespaces deleted
	 */
	public static List<String> cleanupLeftovers(PrintStream log) {
		java.util.function.Predicate<String> stale = n -> n.startsWith(LabNames.ROOT_PREFIX) && LabNames.pidOf(n) > 0
				&& LabNames.pidOf(n) != ProcessHandle.current().pid() && ProcessHandle.of(LabNames.pidOf(n)).isEmpty();
		Exec exec = new Exec(stale, log);
		List<String> deleted = new ArrayList<>();
		String listing = exec.run(Cmd.of("ip", "netns", "list")).stdout();
		for (String line : listing.split("\n")) {
			String n = line.trim().split("\\s+")[0];
			if (!stale.test(n)) {
				continue;
			}
			String pids = exec.run(Cmd.of("ip", "netns", "pids", n).orTolerate()).stdout();
			for (String pid : pids.split("\\s+")) {
				if (!pid.isBlank()) {
					ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
				}
			}
			exec.run(Cmd.of("ip", "netns", "del", n).orTolerate());
			deleted.add(n);
		}
		return deleted;
	}

	private void say(String s) {
		if (log != null) {
			log.println("pwlab: " + s);
		}
	}

}

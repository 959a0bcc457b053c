package dev.packetwalk.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * The lab on Linux network namespaces (iproute2, iptables-restore, tcpdump, python3). Plain Java: no Spring, so the
 * CLI and the tests use it directly. Root only.
 */
public final class KernelLab implements Lab {

	private static final List<String> TOOLS = List.of("ip", "bridge", "sysctl", "iptables-restore", "tcpdump");

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

	@Override
	public ScenarioReport verify(CompiledScenario cs, boolean keep) {
		return verify(cs, keep, java.util.function.UnaryOperator.identity());
	}

	/**
	 * As {@link #verify(CompiledScenario, boolean)}, with the model's expectation passed through {@code model} first:
	 * the tests use it to plant a deliberate model bug and see the real kernel catch it.
	 */
	ScenarioReport verify(CompiledScenario cs, boolean keep, java.util.function.UnaryOperator<FlowExpectation> model) {
		Trace trace = new Engine(cs.scenario()).run(cs.seed());
		List<FlowVerdict> verdicts = new ArrayList<>();
		LabNetwork net = null;
		try {
			say("materialising " + cs.id() + " (" + cs.scenario().topology().namespaces().size() + " namespaces)");
			net = materialize(cs.scenario().topology());
			startListeners(net);
			for (Flow f : cs.scenario().flows()) {
				say("replaying flow " + f.id() + ": " + f.label());
				verdicts.add(replay(net, f, trace, model));
			}
			List<String> kept = List.of();
			if (keep) {
				net.keep();
				kept = net.pokeCommands();
			}
			return new ScenarioReport(cs.id(), cs.seed(), verdicts, null, kept);
		}
		catch (LabException | IllegalStateException ex) {
			return new ScenarioReport(cs.id(), cs.seed(), verdicts, ex.getMessage(),
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

	private void startListeners(LabNetwork net) {
		Path script = net.workDir().resolve("pwlab.py");
		for (Namespace ns : net.topology().namespaces()) {
			for (Listener l : ns.listeners()) {
				if (l.protocol() == Protocol.ICMP) {
					continue; // the kernel answers echo requests itself
				}
				Exec.Proc p = net.start(Cmd.of("ip", "netns", "exec", net.ns(ns.id()), python(), "-u", script.toString(),
						"listen", l.protocol().lower(), Integer.toString(l.port())), false);
				try {
					if (!p.awaitLine("ready", 5000)) {
						throw new LabException("the " + l.protocol().lower() + "/" + l.port() + " listener in " + ns.id()
								+ " did not start: " + p.stderr());
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new LabException("interrupted", ex);
				}
			}
		}
	}

	/** One capture process: a device of a namespace, one direction. */
	private record Capture(String ns, String device, Observation.Direction dir, Exec.Proc proc) {
	}

	private FlowVerdict replay(LabNetwork net, Flow f, Trace trace, java.util.function.UnaryOperator<FlowExpectation> model) {
		FlowExpectation exp = model.apply(Projection.expect(trace, f.id()));
		Walk request = trace.walks().stream()
			.filter(w -> w.flow().equals(f.id()) && w.leg() == Walk.Leg.REQUEST)
			.findFirst()
			.orElseThrow();
		Packet first = request.hops().getFirst().steps().getFirst().packet();
		int sport = first.l4().srcPort();
		List<Capture> caps = new ArrayList<>();
		try {
			for (Namespace ns : net.topology().namespaces()) {
				for (Device d : ns.devices()) {
					for (Observation.Direction dir : Observation.Direction.values()) {
						Exec.Proc p = net.start(Cmd.of("ip", "netns", "exec", net.ns(ns.id()), "tcpdump", "-i", d.name(), "-p",
								"-n", "-U", "--immediate-mode", "-Q", dir.lower(), "--time-stamp-precision=nano", "-s", "512", "-w", "-", "ip"), true);
						caps.add(new Capture(ns.id(), d.name(), dir, p));
					}
				}
			}
			for (Capture c : caps) {
				if (!c.proc().awaitLine("listening on", 10_000)) {
					throw new LabException("tcpdump on " + c.ns() + "/" + c.device() + " did not start: " + c.proc().stderr());
				}
			}
			Thread.sleep(100);
			int size = Math.max(0, f.payload().bytes());
			Exec.Proc client = net.start(Cmd.of("ip", "netns", "exec", net.ns(f.from()), python(), "-u",
					net.workDir().resolve("pwlab.py").toString(), "send", f.protocol().lower(), f.dst().toString(),
					Integer.toString(f.protocol() == Protocol.ICMP ? 0 : f.dstPort()), Integer.toString(sport),
					f.src() == null ? "-" : f.src().toString(), Double.toString(clientTimeoutSeconds),
					Integer.toString(size)), false);
			client.process.waitFor((long) (clientTimeoutSeconds * 1000) + 5000, java.util.concurrent.TimeUnit.MILLISECONDS);
			net.stop(client);
			List<String> lines = client.stdoutLines();
			ClientOutcome outcome = ClientOutcome.parse(lines.isEmpty() ? "error " + client.stderr() : lines.getLast());
			if (outcome == ClientOutcome.ERROR) {
				say("client in " + f.from() + ": " + lines + " " + client.stderr());
			}
			Thread.sleep(300); // let the last copies reach every capture
			for (Capture c : caps) {
				net.stop(c.proc());
			}
			PcapDecoder decoder = new PcapDecoder(f.protocol(), vxlanPorts(net.topology()));
			List<Observation> seen = new ArrayList<>();
			for (Capture c : caps) {
				seen.addAll(decoder.decode(c.proc().stdoutBytes(), c.ns(), c.device(), c.dir()));
			}
			return TraceComparison.compare(exp, seen, outcome);
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
	 * Deletes namespaces a crashed or killed lab run left behind: only names with the lab's prefix whose creating
	 * process is gone (a concurrent run's namespaces are left alone). Processes still inside such a namespace were
	 * started by that lab run; they are stopped by PID first.
	 *
	 * @return the namespaces deleted
	 */
	public static List<String> cleanupLeftovers(PrintStream log) {
		java.util.function.Predicate<String> stale = n -> n.startsWith(LabNames.ROOT_PREFIX)
				&& LabNames.pidOf(n) > 0 && LabNames.pidOf(n) != ProcessHandle.current().pid()
				&& ProcessHandle.of(LabNames.pidOf(n)).isEmpty();
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

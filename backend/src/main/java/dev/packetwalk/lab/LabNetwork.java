package dev.packetwalk.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Topology;

/**
 * A topology built in the kernel: one network namespace per model namespace, all named
 * with this run's prefix. {@link #close()} stops every process the lab started in them
 * (by PID) and deletes every namespace; a JVM shutdown hook does the same if the run is
 * interrupted. {@link #keep()} leaves the namespaces up on close.
 */
public final class LabNetwork implements AutoCloseable {

	private Topology topology;

	private final LabNames names;

	private final Exec exec;

	private final Path workDir;

	private final List<Exec.Proc> procs = new ArrayList<>();

	/** The processes started inside each model namespace (listeners), by namespace. */
	private final java.util.Map<String, List<Exec.Proc>> inside = new java.util.HashMap<>();

	private final Thread hook;

	private boolean kept;

	private boolean closed;

	LabNetwork(Topology topology, LabNames names, Exec exec, Path workDir) {
		this.topology = topology;
		this.names = names;
		this.exec = exec;
		this.workDir = workDir;
		this.hook = new Thread(this::teardown, "pwlab-cleanup-" + names.prefix());
		Runtime.getRuntime().addShutdownHook(hook);
	}

	/** The topology the namespaces have now (a timeline's change moves it on). */
	public Topology topology() {
		return topology;
	}

	/**
	 * The kernel state now is the model's {@code now} (a timeline change was applied).
	 */
	void advance(Topology now) {
		this.topology = now;
	}

	public LabNames names() {
		return names;
	}

	/** The kernel namespace of a model namespace. */
	public String ns(String modelId) {
		return names.ns(modelId);
	}

	Path workDir() {
		return workDir;
	}

	Exec exec() {
		return exec;
	}

	synchronized Exec.Proc start(Cmd cmd, boolean binaryStdout) {
		Exec.Proc p = exec.start(cmd, binaryStdout);
		procs.add(p);
		return p;
	}

	/**
	 * A long-lived process inside a model namespace (a listener): stopped with
	 * {@link #stopInside(String)} before the namespace is deleted.
	 */
	synchronized Exec.Proc startInside(String modelNs, Cmd cmd) {
		Exec.Proc p = start(cmd, false);
		inside.computeIfAbsent(modelNs, k -> new ArrayList<>()).add(p);
		return p;
	}

	/**
	 * An interactive process (a client whose socket stays open across a timeline's
	 * changes).
	 */
	synchronized Exec.Proc startInteractive(Cmd cmd) {
		Exec.Proc p = exec.start(cmd, false, true);
		procs.add(p);
		return p;
	}

	/**
	 * Stops the processes started inside a model namespace (by PID), so that deleting the
	 * namespace really deletes it: a process inside would keep it, and its devices,
	 * alive.
	 */
	synchronized void stopInside(String modelNs) {
		for (Exec.Proc p : inside.getOrDefault(modelNs, List.of())) {
			stop(p);
		}
		inside.remove(modelNs);
	}

	synchronized void stop(Exec.Proc p) {
		p.stop();
		procs.remove(p);
	}

	/** Leave the namespaces up when closed (background processes are still stopped). */
	public void keep() {
		this.kept = true;
	}

	public boolean kept() {
		return kept;
	}

	/**
	 * {@code ip netns exec} lines to poke at the kept namespaces, and how to delete them.
	 */
	public List<String> pokeCommands() {
		List<String> out = new ArrayList<>();
		out.add("# the lab namespaces are still up (model namespace -> kernel namespace):");
		for (Namespace ns : topology.namespaces()) {
			out.add(String.format("#   %-22s %s", ns.id(), names.ns(ns.id())));
		}
		String first = names.all().values().iterator().next();
		out.add("# poke at them, e.g.:");
		out.add("ip netns exec " + first + " ip -br addr");
		out.add("ip netns exec " + first + " ip route");
		out.add("ip netns exec " + first + " ip neigh");
		out.add("ip netns exec " + first + " bridge fdb show");
		out.add("ip netns exec " + first + " iptables-save");
		out.add("ip netns exec " + first + " conntrack -L");
		out.add("ip netns exec " + first + " tcpdump -n -e -i any");
		out.add("# delete them:");
		out.add("for ns in $(ip netns list | awk '{print $1}' | grep '^" + names.prefix()
				+ "'); do ip netns del \"$ns\"; done");
		out.add("# or: java -jar backend/target/packetwalk.jar lab --cleanup");
		return out;
	}

	@Override
	public void close() {
		teardown();
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException ignored) {
			// already shutting down: the hook is running or ran
		}
	}

	private synchronized void teardown() {
		if (closed) {
			return;
		}
		closed = true;
		for (Exec.Proc p : List.copyOf(procs)) {
			p.stop();
		}
		procs.clear();
		if (!kept) {
			for (Cmd c : Materializer.teardown(names)) {
				try {
					exec.run(c);
				}
				catch (RuntimeException ex) {
					System.err.println("pwlab: could not delete " + c.argv().getLast() + ": " + ex.getMessage());
				}
			}
		}
		deleteTree(workDir);
	}

	private static void deleteTree(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (Stream<Path> s = Files.walk(dir)) {
			s.sorted(Comparator.reverseOrder()).forEach(p -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (IOException ignored) {
					// best effort: a temp file
				}
			});
		}
		catch (IOException ignored) {
			// best effort
		}
	}

}

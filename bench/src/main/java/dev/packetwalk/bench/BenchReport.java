package dev.packetwalk.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * The figures JMH does not give: the large cluster's retained heap after the build (used
 * heap after full GCs with the engine held, minus the same before the build), a cold and
 * warm build time split into compile and engine, the size of its rules, and the rules the
 * kernel evaluates for the traced connection. Also checks that {@link Scenarios#IDS}
 * lists every file in {@code scenarios/} when run from the repository root.
 *
 * <pre>java -Xms1g -Xmx1g -cp bench/target/benchmarks.jar dev.packetwalk.bench.BenchReport [scenarios | large [nodes podsPerNode services endpoints]]</pre>
 */
public final class BenchReport {

	private BenchReport() {
	}

	public static void main(String[] args) throws IOException {
		// usage: [scenarios | large [nodes podsPerNode services endpointsPerService]]
		// (default: both)
		checkScenarioList();
		String mode = args.length > 0 && !Character.isDigit(args[0].charAt(0)) ? args[0] : "all";
		String[] rest = mode.equals("all") ? args : Arrays.copyOfRange(args, 1, args.length);
		if (mode.equals("all") || mode.equals("scenarios")) {
			scenarios();
		}
		if (mode.equals("all") || mode.equals("large")) {
			large(rest);
		}
	}

	/**
	 * CPU time per trace of every built-in scenario, measured as the thread's CPU time
	 * (so other processes sharing the cores do not inflate it, as they do JMH's
	 * wall-clock figures): each scenario is warmed up for 1 s of CPU time, then traced
	 * for at least 0.5 s of CPU time.
	 */
	static void scenarios() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		System.out.printf("built-in scenarios, CPU time per trace (engine.run(seed)), load average %s:%n",
				loadAverage());
		double worst = 0;
		String worstId = null;
		for (String id : Scenarios.IDS) {
			CompiledScenario s = Scenarios.compile(id);
			Engine engine = new Engine(s.scenario());
			long c0 = threads.getCurrentThreadCpuTime();
			while (threads.getCurrentThreadCpuTime() - c0 < 1_000_000_000L) {
				engine.run(s.seed());
			}
			long n = 0;
			long w0 = System.nanoTime();
			c0 = threads.getCurrentThreadCpuTime();
			long c1;
			do {
				for (int i = 0; i < 20; i++) {
					engine.run(s.seed());
				}
				n += 20;
				c1 = threads.getCurrentThreadCpuTime();
			}
			while (c1 - c0 < 500_000_000L);
			double cpuUs = (c1 - c0) / 1e3 / n;
			double wallUs = (System.nanoTime() - w0) / 1e3 / n;
			if (cpuUs > worst) {
				worst = cpuUs;
				worstId = id;
			}
			System.out.printf("  %-38s %8.1f us CPU  (%8.1f us wall, %d traces)%n", id, cpuUs, wallUs, n);
		}
		System.out.printf("slowest: %s, %.1f us CPU per trace; load average now %s%n", worstId, worst, loadAverage());
	}

	static void large(String[] args) {
		int nodes = args.length > 0 ? Integer.parseInt(args[0]) : LargeCluster.NODES;
		int podsPerNode = args.length > 1 ? Integer.parseInt(args[1]) : LargeCluster.PODS_PER_NODE;
		int services = args.length > 2 ? Integer.parseInt(args[2]) : LargeCluster.SERVICES;
		int endpoints = args.length > 3 ? Integer.parseInt(args[3]) : LargeCluster.ENDPOINTS_PER_SERVICE;
		System.out.printf(
				"large cluster: %d nodes x %d pods, %d services x %d endpoints, iptables mode; max heap %d MiB%n",
				nodes, podsPerNode, services, endpoints, Runtime.getRuntime().maxMemory() >> 20);

		long before = usedAfterGc();
		String yaml = LargeCluster.yaml(nodes, podsPerNode, services, endpoints);
		System.out.printf("scenario text: %,d characters%n", yaml.length());
		Engine engine = null;
		CompiledScenario s = null;
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		for (int round = 1; round <= 5; round++) {
			engine = null;
			s = null;
			System.gc();
			long gc0 = gcMillis();
			long cpu0 = threads.getCurrentThreadCpuTime();
			long t0 = System.nanoTime();
			s = LargeCluster.compile(yaml, nodes, podsPerNode, services);
			long t1 = System.nanoTime();
			engine = new Engine(s.scenario());
			long t2 = System.nanoTime();
			long cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
			System.out.printf(
					"build %d%s: %d ms (compile %d ms, engine %d ms); CPU time of the building thread %d ms,"
							+ " GC pauses %d ms, load average %s%n",
					round, round == 1 ? " (cold JVM)" : "", (t2 - t0) / 1_000_000, (t1 - t0) / 1_000_000,
					(t2 - t1) / 1_000_000, cpu, gcMillis() - gc0, loadAverage());
		}
		long textBytes = (long) yaml.length(); // the text is Latin-1: one byte per
												// character
		long after = usedAfterGc();
		System.out.printf(
				"retained heap after build: %,d MiB (used after GC %,d MiB, before build %,d MiB;"
						+ " includes the %,d MiB scenario text the compiled scenario keeps as its source)%n",
				(after - before) >> 20, after >> 20, before >> 20, textBytes >> 20);

		String save = engine.iptablesSave("node0");
		long rules = save.lines().filter(l -> l.startsWith("-A ")).count();
		System.out.printf("node0 iptables-save: %,d rules, %,d characters%n", rules, save.length());

		Trace trace = null;
		long c = threads.getCurrentThreadCpuTime();
		while (threads.getCurrentThreadCpuTime() - c < 2_000_000_000L) {
			trace = engine.run(s.seed()); // warm-up: 2 s of CPU time
		}
		long t0 = System.nanoTime();
		long c0 = threads.getCurrentThreadCpuTime();
		int n = 0;
		while (threads.getCurrentThreadCpuTime() - c0 < 3_000_000_000L) {
			trace = engine.run(s.seed());
			n++;
		}
		long t1 = System.nanoTime();
		long c1 = threads.getCurrentThreadCpuTime();
		System.out.printf("trace: %.3f ms CPU time (%.3f ms wall) per trace, mean of %d runs after 2 s CPU of warm-up;"
				+ " load average %s%n", (c1 - c0) / 1e6 / n, (t1 - t0) / 1e6 / n, n, loadAverage());
		for (Walk w : trace.walks()) {
			int steps = 0;
			int evaluated = 0;
			for (Hop h : w.hops()) {
				for (Step st : h.steps()) {
					steps++;
					if (st instanceof Step.Netfilter nf) {
						evaluated += nf.rulesEvaluated();
					}
				}
			}
			System.out.printf("  %s: %d hops, %d steps, %,d rules evaluated, %s%n", w.label(), w.hops().size(), steps,
					evaluated, w.disposition());
		}
		if (engine != null) {
			// keep the engine reachable until here so the heap figure above holds it
			System.out.println("engine kept: " + engine.isNodeRoot("node0"));
		}
	}

	/**
	 * Time spent in stop-the-world collections so far (G1's young, mixed and full
	 * collections); the concurrent marking cycles ("G1 Concurrent GC") run beside the
	 * application and are left out.
	 */
	private static long gcMillis() {
		long sum = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (!gc.getName().contains("Concurrent")) {
				sum += Math.max(0, gc.getCollectionTime());
			}
		}
		return sum;
	}

	/**
	 * The machine's one-minute load average: how many runnable threads shared its cores
	 * while this ran.
	 */
	static String loadAverage() {
		return String.format("%.1f on %d cores", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
				Runtime.getRuntime().availableProcessors());
	}

	private static long usedAfterGc() {
		MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return mem.getHeapMemoryUsage().getUsed();
	}

	private static void checkScenarioList() throws IOException {
		Path dir = Path.of("scenarios");
		if (!Files.isDirectory(dir)) {
			return;
		}
		Set<String> files = new TreeSet<>();
		try (Stream<Path> s = Files.list(dir)) {
			s.map(p -> p.getFileName().toString())
				.filter(f -> f.endsWith(".yaml"))
				.forEach(f -> files.add(f.substring(0, f.length() - 5)));
		}
		Set<String> listed = new TreeSet<>(Arrays.asList(Scenarios.IDS));
		if (!files.equals(listed)) {
			Set<String> missing = new TreeSet<>(files);
			missing.removeAll(listed);
			Set<String> extra = new TreeSet<>(listed);
			extra.removeAll(files);
			throw new IllegalStateException("Scenarios.IDS and ScenarioBenchmark's @Param are out of date: missing "
					+ missing + ", no longer present " + extra);
		}
		System.out.println("built-in scenarios: " + List.copyOf(files).size() + ", all benchmarked");
	}

}

package dev.packetwalk.bench;

import java.util.concurrent.TimeUnit;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.trace.Trace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The generated large cluster ({@link LargeCluster}: 1,000 nodes × 30 pods, 10,000
 * Services × 5 endpoints, iptables mode), in a JVM limited to 1 GiB of heap (the heap
 * target).
 * <ul>
 * <li>{@code build}: the one-time cost, from the scenario text to an engine ready to
 * trace: YAML and schema checks, topology, Service allocation and endpoints, kube-proxy's
 * rules for every node, rule parsing and indexes. Target: under 2 s.</li>
 * <li>{@code trace}: one trace on the built engine (a pod to the last Service with its
 * reply, a pod to a pod on the last node with its reply). Target: under 5 ms.</li>
 * </ul>
 * The retained heap after the build is measured by {@link BenchReport}.
 */
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class LargeClusterBenchmark {

	@State(Scope.Benchmark)
	public static class Text {

		String yaml;

		@Setup
		public void setUp() {
			yaml = LargeCluster.yaml();
		}

	}

	@State(Scope.Benchmark)
	public static class Built {

		Engine engine;

		long seed;

		@Setup
		public void setUp() {
			CompiledScenario s = LargeCluster.compile(LargeCluster.yaml(), LargeCluster.NODES,
					LargeCluster.PODS_PER_NODE, LargeCluster.SERVICES);
			engine = new Engine(s.scenario());
			seed = s.seed();
		}

	}

	/**
	 * Lets each build start from a collected heap, so one build's garbage is not charged
	 * to the next.
	 */
	@State(Scope.Thread)
	public static class Gc {

		@Setup(Level.Iteration)
		public void collect() {
			System.gc();
		}

		@TearDown(Level.Iteration)
		public void done() {
			System.gc();
		}

	}

	@Benchmark
	@BenchmarkMode(Mode.SingleShotTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	// a single shot lasts about 2 s: C2 is still compiling the build's paths during the
	// first six or seven shots
	@Warmup(iterations = 8)
	@Measurement(iterations = 10)
	public Engine build(Text text, Gc gc) {
		CompiledScenario s = LargeCluster.compile(text.yaml, LargeCluster.NODES, LargeCluster.PODS_PER_NODE,
				LargeCluster.SERVICES);
		return new Engine(s.scenario());
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	@Warmup(iterations = 3, time = 2)
	@Measurement(iterations = 5, time = 2)
	public Trace trace(Built built) {
		return built.engine.run(built.seed);
	}

}

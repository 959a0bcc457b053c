package dev.packetwalk.bench;

import java.util.concurrent.TimeUnit;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.trace.Trace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per trace of every built-in scenario: {@code engine.run(seed)} on an engine built
 * once, as the server does (it keeps one {@link Engine} per scenario and computes a trace
 * per request). Target: under 1 ms each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScenarioBenchmark {

	/**
	 * Keep in step with {@link Scenarios#IDS} (JMH reads the values from this
	 * annotation).
	 */
	@Param({ "backend-dies-mid-connection", "container-to-container", "dns-then-connect", "docker-bridge-vs-pod",
			"ingress-http", "iptables-scaling", "iptables-scaling-ipvs", "kuard-five-endpoints",
			"kuard-five-endpoints-nftables", "lb-cluster-policy", "lb-local-policy", "lb-no-snat-invalid",
			"lb-source-ranges", "lb-source-ranges-ipvs", "netpol-docs-example", "netpol-egress-ipblock",
			"netpol-namespaces", "netpol-three-tier", "node-joins-flannel", "node-to-internet", "nodeport",
			"nodeport-nftables", "pod-network-setup", "pod-to-internet", "pod-to-internet-no-masquerade",
			"pod-to-pod-cross-node-antispoof", "pod-to-pod-cross-node-routed", "pod-to-pod-host-gw",
			"pod-to-pod-host-gw-different-subnets", "pod-to-pod-same-node", "pod-to-pod-vxlan", "pod-to-service",
			"pod-to-service-ipvs", "pod-to-service-nftables", "sctp-service", "service-hairpin", "service-hairpin-off",
			"service-no-endpoints", "service-scale-up", "service-session-affinity", "udp-conntrack-flush",
			"vxlan-mtu-blackhole" })
	public String scenario;

	private Engine engine;

	private long seed;

	@Setup
	public void setUp() {
		CompiledScenario s = Scenarios.compile(scenario);
		engine = new Engine(s.scenario());
		seed = s.seed();
	}

	@Benchmark
	public Trace trace() {
		return engine.run(seed);
	}

}

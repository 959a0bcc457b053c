package dev.packetwalk.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.engine.Flow;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.trace.Trace;

/**
 * How the lab judges what the kernel chose at random (a statistic backend, an ECMP next
 * hop, a --random-fully port), fed with "kernels" built from the model's own projections:
 * no root needed.
 */
class KernelChoicesTest {

	private static LongFunction<Trace> traces(CompiledScenario cs) {
		java.util.Map<Long, Trace> cache = new java.util.HashMap<>();
		return s -> cache.computeIfAbsent(s, x -> new Engine(cs.scenario()).run(x));
	}

	/**
	 * A kernel that did exactly what the model does with {@code seed}, replayed with the
	 * scenario seed's client port.
	 */
	private static List<KernelLab.Replayed> kernelAsSeed(CompiledScenario cs, LongFunction<Trace> traces, long seed,
			UnaryOperator<Observation> tamper) {
		List<KernelLab.Replayed> out = new ArrayList<>();
		for (Flow f : cs.scenario().flows()) {
			int sport = KernelLab.firstPacket(traces.apply(cs.seed()), f.id()).l4().srcPort();
			FlowExpectation e = RandomPorts
				.bind(Projection.expect(traces.apply(seed), f.id()),
						KernelLab.clientPort(traces.apply(seed), f.id(), sport), List.of(), List.of())
				.expectation();
			List<Observation> seen = new ArrayList<>();
			long t = 1000;
			for (Observation o : e.observations()) {
				Observation k = new Observation(o.namespace(), o.device(), o.direction(), o.leg(), o.headers(), o.vni(),
						o.inner(), t += 1000);
				seen.add(tamper.apply(k));
			}
			out.add(new KernelLab.Replayed(f, sport, seen, e.clientOutcomes().iterator().next(), null));
		}
		return out;
	}

	private static long seedChoosingOtherwise(CompiledScenario cs, LongFunction<Trace> traces) {
		String mine = Projection.expect(traces.apply(cs.seed()), "curl").requestEnd();
		for (long s = 1; s < 100; s++) {
			if (!Projection.expect(traces.apply(s), "curl").requestEnd().equals(mine)) {
				return s;
			}
		}
		throw new AssertionError("every seed picks the same kuard pod");
	}

	@Test
	void aKernelThatPickedAnotherBackendMatchesTheSeedThatPicksItToo() {
		CompiledScenario cs = Scenarios.compile("kuard-five-endpoints");
		LongFunction<Trace> traces = traces(cs);
		long other = seedChoosingOtherwise(cs, traces);
		ScenarioReport r = KernelLab.judge(cs, kernelAsSeed(cs, traces, other, UnaryOperator.identity()), traces,
				UnaryOperator.identity(), List.of());
		assertThat(r.match()).as(r.render()).isTrue();
		assertThat(r.seed()).isNotEqualTo(cs.seed());
		assertThat(Projection.expect(traces.apply(r.seed()), "curl").requestEnd())
			.isEqualTo(Projection.expect(traces.apply(other), "curl").requestEnd());
		assertThat(r.notes()).singleElement().asString().contains("random choices", "seed " + r.seed());
	}

	@Test
	void noSeedExplainsAKernelThatGoesSomewhereTheModelNeverDoes() {
		CompiledScenario cs = Scenarios.compile("kuard-five-endpoints");
		LongFunction<Trace> traces = traces(cs);
		// every packet the kernel shows reaching the backend carries a TTL one lower than
		// any seed's model says
		ScenarioReport r = KernelLab.judge(cs, kernelAsSeed(cs, traces, seedChoosingOtherwise(cs, traces),
				o -> o.leg() == Observation.Leg.REQUEST && o.namespace().startsWith("default/kuard") ? new Observation(
						o.namespace(), o.device(), o.direction(), o.leg(),
						new Headers(o.headers().srcMac(), o.headers().dstMac(), o.headers().src(), o.headers().dst(),
								o.headers().protocol(), o.headers().srcPort(), o.headers().dstPort(),
								o.headers().flags(), o.headers().ttl() - 1),
						o.vni(), o.inner(), o.timeNanos()) : o),
				traces, UnaryOperator.identity(), List.of());
		assertThat(r.match()).isFalse();
		assertThat(r.seed()).isEqualTo(cs.seed());
		assertThat(r.notes()).singleElement().asString().contains("none of seeds 1.." + KernelLab.SEED_SEARCH);
	}

	@Test
	void aRandomFullyPortIsOneVariableTheReplyMustReturnTo() {
		CompiledScenario cs = Scenarios.compile("nodeport");
		Trace t = new Engine(cs.scenario()).run(cs.seed());
		String flow = Projection.flows(t).getFirst();
		List<RandomPorts.Drawn> drawn = RandomPorts.drawn(t, flow);
		assertThat(drawn).singleElement().extracting(RandomPorts.Drawn::rule).asString().contains("--random-fully");
		RandomPorts.Drawn d = drawn.getFirst();
		int kernelPort = d.port() == 40000 ? 40001 : 40000;
		FlowExpectation e = Projection.expect(t, flow);
		// the kernel drew its own port, and used it both ways
		List<Observation> kernel = new ArrayList<>();
		long time = 1000;
		for (Observation o : e.observations()) {
			Headers h = o.headers();
			if (o.leg() == Observation.Leg.REQUEST && h.src().equals(d.ip()) && h.srcPort() == d.port()) {
				h = h.withPorts(kernelPort, h.dstPort());
			}
			if (o.leg() == Observation.Leg.REPLY && h.dst().equals(d.ip()) && h.dstPort() == d.port()) {
				h = h.withPorts(h.srcPort(), kernelPort);
			}
			kernel.add(new Observation(o.namespace(), o.device(), o.direction(), o.leg(), h, o.vni(), o.inner(),
					time += 1000));
		}
		assertThat(TraceComparison.compare(e, kernel, ClientOutcome.CONNECTED).match()).isFalse();
		RandomPorts.Bound b = RandomPorts.bind(e, drawn, kernel);
		FlowVerdict v = TraceComparison.compare(b.expectation(), kernel, ClientOutcome.CONNECTED);
		assertThat(v.match()).as(v.render()).isTrue();
		assertThat(b.notes()).singleElement().asString().contains(":" + kernelPort);

		// a reply that comes back to another port than the one the request left with is
		// not explained away
		List<Observation> broken = new ArrayList<>();
		for (Observation o : kernel) {
			Headers h = o.headers();
			if (o.leg() == Observation.Leg.REPLY && h.dstPort() == kernelPort) {
				h = h.withPorts(h.srcPort(), kernelPort + 7);
			}
			broken.add(new Observation(o.namespace(), o.device(), o.direction(), o.leg(), h, o.vni(), o.inner(),
					o.timeNanos()));
		}
		RandomPorts.Bound b2 = RandomPorts.bind(e, drawn, broken);
		assertThat(TraceComparison.compare(b2.expectation(), broken, ClientOutcome.CONNECTED).match()).isFalse();
	}

	@Test
	void flowsTheModelDeniesByPolicyAreNotReplayedAndSayWhy() {
		CompiledScenario cs = Scenarios.compile("netpol-three-tier");
		Trace t = new Engine(cs.scenario()).run(cs.seed());
		assertThat(KernelLab.policyDenied(t, "fe-to-be")).isNull();
		assertThat(KernelLab.policyDenied(t, "fe-to-db")).contains("NetworkPolicy");
		assertThat(KernelLab.notReplayable(cs.scenario().topology())).isEmpty();
		assertThat(KernelLab.notReplayable(Scenarios.compile("pod-to-service-ipvs").scenario().topology())).get()
			.asString()
			.contains("IPVS");
	}

}

package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.testing.Lab;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Topology;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import dev.packetwalk.trace.Walk;
import dev.packetwalk.testing.Seeds;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants of every walk over generated topologies: chains of namespaces with random
 * routes (loops included), random forwarding switches and random destinations.
 */
class WalkInvariantsProperties {

	/**
	 * A generated chain: per namespace whether it forwards and where its default route
	 * points (-1 left, +1 right, 0 none).
	 */
	record Chain(List<Boolean> forwarding, List<Integer> defaults, int target, int ttl, long seed) {
	}

	/** A chain generated from a seed: the seed alone rebuilds a failing case. */
	static Chain chain(long seed) {
		java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
		int n = 2 + r.nextInt(5);
		List<Boolean> fwd = new ArrayList<>();
		List<Integer> defaults = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			fwd.add(r.nextBoolean());
			defaults.add(r.nextInt(3) - 1);
		}
		return new Chain(fwd, defaults, r.nextInt(2 * n + 1), 1 + r.nextInt(64), r.nextLong(1_000_000));
	}

	static java.util.stream.Stream<Long> seeds() {
		return Seeds.of("walk invariants", 300);
	}

	static Lab build(Chain c) {
		int n = c.forwarding().size();
		Lab lab = new Lab();
		for (int i = 0; i < n; i++) {
			lab.ns("n" + i, Namespace.Kind.ROUTER).forwarding("n" + i, c.forwarding().get(i));
		}
		for (int i = 0; i + 1 < n; i++) {
			lab.veth("n" + i, "r" + i, "10." + i + ".0.1/30", "n" + (i + 1), "l" + (i + 1), "10." + i + ".0.2/30");
		}
		for (int i = 0; i < n; i++) {
			int d = c.defaults().get(i);
			if (d == -1 && i > 0) {
				lab.route("n" + i, "default via 10." + (i - 1) + ".0.1 dev l" + i);
			}
			else if (d == 1 && i + 1 < n) {
				lab.route("n" + i, "default via 10." + i + ".0.2 dev r" + i);
			}
			lab.listen("n" + i, Protocol.TCP, 80);
		}
		// targets: every address of the chain, then addresses nobody owns
		List<String> targets = new ArrayList<>();
		for (int i = 0; i + 1 < n; i++) {
			targets.add("10." + i + ".0.1");
			targets.add("10." + i + ".0.2");
		}
		targets.add("198.51.100.1");
		targets.add("10." + n + ".9.9");
		lab.flow("n0", targets.get(c.target() % targets.size()), 80, Protocol.TCP, c.ttl(), 0);
		return lab;
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void everyWalkEndsWithinTheHopBoundAndEveryDropHasAReason(long seed) {
		Chain c = chain(seed);
		Trace t = build(c).run(c.seed());
		for (Walk w : t.walks()) {
			assertThat(w.hops().size()).isLessThanOrEqualTo(Walker.MAX_HOPS);
			Step last = w.hops().getLast().steps().getLast();
			if (!w.disposition().delivered()) {
				assertThat(last).isInstanceOf(Step.Drop.class);
				assertThat(((Step.Drop) last).reason()).isNotNull().isEqualTo(w.disposition().reason());
				assertThat(last.narration()).isNotBlank();
			}
			else {
				assertThat(last).isInstanceOf(Step.Deliver.class);
			}
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void nothingIsDeliveredToANamespaceThatDoesNotOwnTheDestination(long seed) {
		Chain c = chain(seed);
		Lab lab = build(c);
		Topology topo = lab.topology();
		Trace t = lab.run(c.seed());
		for (Walk w : t.walks()) {
			if (w.disposition().delivered()) {
				Step last = w.hops().getLast().steps().getLast();
				Namespace ns = topo.namespace(last.at().namespace());
				assertThat(ns.isLocal(last.packet().dst())).as("%s owns %s", ns.id(), last.packet().dst()).isTrue();
			}
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void aDeliveredReplyComesFromTheAddressTheClientSentTo(long seed) {
		Chain c = chain(seed);
		Trace t = build(c).run(c.seed());
		for (int i = 0; i + 1 < t.walks().size(); i++) {
			Walk req = t.walks().get(i);
			Walk rep = t.walks().get(i + 1);
			if (req.leg() == Walk.Leg.REQUEST && rep.leg() == Walk.Leg.REPLY && rep.disposition().delivered()) {
				Packet sent = req.hops().getFirst().steps().getFirst().packet();
				Packet got = rep.hops().getLast().steps().getLast().packet();
				assertThat(got.src()).isEqualTo(sent.dst());
				assertThat(got.l4().srcPort()).isEqualTo(sent.l4().dstPort());
				assertThat(got.dst()).isEqualTo(sent.src());
				assertThat(got.l4().dstPort()).isEqualTo(sent.l4().srcPort());
			}
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void theSameSeedGivesTheSameTrace(long seed) {
		Chain c = chain(seed);
		Lab lab = build(c);
		assertThat(TraceJson.write(lab.run(c.seed()))).isEqualTo(TraceJson.write(lab.run(c.seed())));
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void everyHopHappensInOneNamespace(long seed) {
		Chain c = chain(seed);
		Trace t = build(c).run(c.seed());
		for (Walk w : t.walks()) {
			for (Hop h : w.hops()) {
				for (Step s : h.steps()) {
					assertThat(s.at().namespace()).isEqualTo(h.place().namespace());
				}
			}
		}
	}

}

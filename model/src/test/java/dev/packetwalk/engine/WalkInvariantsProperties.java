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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants of every walk over generated topologies: chains of namespaces with random routes (loops included),
 * random forwarding switches and random destinations.
 */
class WalkInvariantsProperties {

	/** A generated chain: per namespace whether it forwards and where its default route points (-1 left, +1 right, 0 none). */
	record Chain(List<Boolean> forwarding, List<Integer> defaults, int target, int ttl, long seed) {
	}

	@Provide
	Arbitrary<Chain> chains() {
		return Arbitraries.integers().between(2, 6).flatMap(n -> Combinators.combine(
				Arbitraries.of(true, false).list().ofSize(n), Arbitraries.of(-1, 0, 1).list().ofSize(n),
				Arbitraries.integers().between(0, 2 * n), Arbitraries.integers().between(1, 64),
				Arbitraries.longs().between(0, 1_000_000))
			.as(Chain::new));
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

	@Property(tries = 300)
	void everyWalkEndsWithinTheHopBoundAndEveryDropHasAReason(@ForAll("chains") Chain c) {
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

	@Property(tries = 300)
	void nothingIsDeliveredToANamespaceThatDoesNotOwnTheDestination(@ForAll("chains") Chain c) {
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

	@Property(tries = 200)
	void aDeliveredReplyComesFromTheAddressTheClientSentTo(@ForAll("chains") Chain c) {
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

	@Property(tries = 100)
	void theSameSeedGivesTheSameTrace(@ForAll("chains") Chain c) {
		Lab lab = build(c);
		assertThat(TraceJson.write(lab.run(c.seed()))).isEqualTo(TraceJson.write(lab.run(c.seed())));
	}

	@Property(tries = 100)
	void everyHopHappensInOneNamespace(@ForAll("chains") Chain c) {
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

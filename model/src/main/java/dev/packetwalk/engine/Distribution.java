package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * Where the random choices send a flow over many seeds: how often each destination
 * namespace (backend pod) and each node receives the request, and how often it is
 * dropped. Seeds {@code seedFrom .. seedFrom + samples - 1}, so the same query gives the
 * same counts.
 */
public final class Distribution {

	/**
	 * @param byNamespace deliveries per receiving namespace (e.g.
	 * {@code default/kuard-lpzlr})
	 * @param byNode deliveries per node that owns the receiving namespace
	 * @param dropped drops per reason
	 * @param nodesCrossed how many requests visited each node's root namespace on the way
	 * (the extra hop shows here)
	 */
	public record Result(String flow, int samples, long seedFrom, Map<String, Integer> byNamespace,
			Map<String, Integer> byNode, Map<String, Integer> dropped, Map<String, Integer> nodesCrossed) {
	}

	private Distribution() {
	}

	public static Result of(Engine engine, String flow, int samples, long seedFrom) {
		return of(engine, flow, samples, seedFrom, Budget.UNLIMITED);
	}

	/**
	 * The same within a budget: every seed's run checks it, and it is checked between
	 * seeds.
	 */
	public static Result of(Engine engine, String flow, int samples, long seedFrom, Budget budget) {
		if (samples < 1) {
			throw new IllegalArgumentException("samples must be at least 1");
		}
		Map<String, Integer> byNs = new TreeMap<>();
		Map<String, Integer> byNode = new TreeMap<>();
		Map<String, Integer> dropped = new TreeMap<>();
		Map<String, Integer> crossed = new TreeMap<>();
		String chosen = flow;
		for (int i = 0; i < samples; i++) {
			budget.check();
			Trace t = engine.run(seedFrom + i, budget);
			Walk request = null;
			for (Walk w : t.walks()) {
				if (w.leg() == Walk.Leg.REQUEST && (chosen == null || w.flow().equals(chosen))) {
					request = w;
					break;
				}
			}
			if (request == null) {
				throw new IllegalArgumentException("the scenario has no flow '" + flow + "'");
			}
			chosen = request.flow();
			Step last = request.hops().getLast().steps().getLast();
			if (request.disposition().delivered()) {
				byNs.merge(last.at().namespace(), 1, Integer::sum);
				byNode.merge(last.at().node(), 1, Integer::sum);
			}
			else {
				dropped.merge(request.disposition().reason().name(), 1, Integer::sum);
			}
			List<String> seen = new ArrayList<>();
			request.hops().forEach(h -> {
				if (engine.isNodeRoot(h.place().namespace()) && !seen.contains(h.place().namespace())) {
					seen.add(h.place().namespace());
				}
			});
			seen.forEach(n -> crossed.merge(n, 1, Integer::sum));
		}
		return new Result(chosen, samples, seedFrom, byNs, byNode, dropped, crossed);
	}

}

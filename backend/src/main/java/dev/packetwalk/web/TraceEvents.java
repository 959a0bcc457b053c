package dev.packetwalk.web;

import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.trace.Disposition;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Place;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * Flattens a trace into the SSE stream's events: one per step in order, then one
 * {@code end}.
 */
final class TraceEvents {

	/** One step with where it sits in the trace. {@code seq} is the SSE event id. */
	record StepEvent(int seq, int walk, String flow, Walk.Leg leg, int hop, Place hopPlace, int step, Step data) {
	}

	/** The last event: how every walk ended. */
	record EndEvent(int seq, String scenario, long seed, List<Disposition> walks, Disposition disposition) {
	}

	private TraceEvents() {
	}

	static List<StepEvent> steps(Trace trace) {
		List<StepEvent> out = new ArrayList<>();
		int seq = 0;
		for (int w = 0; w < trace.walks().size(); w++) {
			Walk walk = trace.walks().get(w);
			for (int h = 0; h < walk.hops().size(); h++) {
				Hop hop = walk.hops().get(h);
				for (int s = 0; s < hop.steps().size(); s++) {
					out.add(new StepEvent(seq++, w, walk.flow(), walk.leg(), h, hop.place(), s, hop.steps().get(s)));
				}
			}
		}
		return out;
	}

	static EndEvent end(Trace trace, int seq) {
		return new EndEvent(seq, trace.scenario(), trace.seed(), trace.walks().stream().map(Walk::disposition).toList(),
				trace.disposition());
	}

	/**
	 * The SSE event name of a step: its trace type ({@code route}, {@code nat}, ...), as
	 * the step declares it.
	 */
	static String typeName(Step step) {
		return Step.typeName(step);
	}

}

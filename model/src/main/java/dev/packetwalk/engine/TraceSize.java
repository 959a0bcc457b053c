package dev.packetwalk.engine;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Walk;

/**
 * How big one trace has grown, walk by walk: its steps, and the characters of what can be
 * long in it (the walk's label, every step's narration and the text of the packet's
 * payload: an HTTP request line and headers, a DNS question), reported to the run's
 * {@link Budget}. Every step repeats its packet, so a long header costs once per step, as
 * it does in the trace's JSON.
 */
final class TraceSize {

	private final Budget budget;

	private long steps;

	private long chars;

	TraceSize(Budget budget) {
		this.budget = budget;
	}

	/** Counts the walk and returns it; throws when the trace is now over the budget. */
	Walk add(Walk walk) {
		chars += walk.label().length();
		for (Hop h : walk.hops()) {
			for (Step s : h.steps()) {
				steps++;
				// a control-plane step carries no packet
				chars += s.narration().length() + (s.packet() == null ? 0 : text(s.packet().payload()));
			}
		}
		budget.traceSize(steps, chars);
		return walk;
	}

	private static int text(Payload payload) {
		return switch (payload) {
			case Payload.Bytes b -> 0;
			case Payload.Http h -> h.bytes();
			case Payload.Dns d -> d.bytes();
		};
	}

}

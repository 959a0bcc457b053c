package dev.packetwalk.trace;

import java.util.List;

/**
 * The contract between the model, the API, the browser and the tests: the walks of every
 * packet a scenario sends, in order. The same scenario and seed give the same trace, byte
 * for byte.
 */
public record Trace(String scenario, long seed, List<Walk> walks) {

	public Trace {
		if (scenario == null || scenario.isBlank()) {
			throw new IllegalArgumentException("a trace names its scenario");
		}
		walks = List.copyOf(walks);
		if (walks.isEmpty()) {
			throw new IllegalArgumentException("a trace has at least one walk");
		}
	}

	public Disposition disposition() {
		return walks.getLast().disposition();
	}

}

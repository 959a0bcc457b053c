package dev.packetwalk.trace;

import java.util.List;

/**
 * One visit of the packet to one network namespace: the steps that happened there, in
 * order.
 */
public record Hop(Place place, List<Step> steps) {

	public Hop {
		if (place == null) {
			throw new IllegalArgumentException("a hop names its place");
		}
		steps = List.copyOf(steps);
		if (steps.isEmpty()) {
			throw new IllegalArgumentException("a hop has at least one step (" + place + ")");
		}
		for (Step s : steps) {
			if (!s.at().namespace().equals(place.namespace())) {
				throw new IllegalArgumentException("every step of a hop happens in the hop's namespace: " + s.at()
						+ " is not in " + place.namespace());
			}
		}
	}

}

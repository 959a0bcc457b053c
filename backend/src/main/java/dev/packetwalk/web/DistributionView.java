package dev.packetwalk.web;

import java.util.Map;

import dev.packetwalk.engine.Distribution;
import dev.packetwalk.engine.ExpectedShares;

/**
 * {@code GET /api/scenarios/{id}/distribution}: the counts over the seeds
 * ({@link Distribution.Result}'s fields) and the shares the datapath should give
 * ({@code expected}).
 */
record DistributionView(String flow, int samples, long seedFrom, Map<String, Integer> byNamespace,
		Map<String, Integer> byNode, Map<String, Integer> dropped, Map<String, Integer> nodesCrossed,
		ExpectedShares.Result expected) {

	/** How many seeds' traces the expected shares read the per-node chains from. */
	static final int EXPECTED_SEEDS = 64;

	static DistributionView of(Distribution.Result r, ExpectedShares.Result expected) {
		return new DistributionView(r.flow(), r.samples(), r.seedFrom(), r.byNamespace(), r.byNode(), r.dropped(),
				r.nodesCrossed(), expected);
	}

}

package dev.packetwalk.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.engine.ExpectedShares;
import dev.packetwalk.engine.Flow;

import org.springframework.stereotype.Component;

/**
 * Which flows of a scenario the datapath sends to more than one place at random (an ECMP
 * hash, a {@code -m statistic} endpoint), as {@link ExpectedShares} works them out: the
 * player links those to the distribution page. Remembered per compiled engine.
 */
@Component
class RandomChoices {

	/** Seeds read per flow to find the chains of the nodes an ECMP route spreads over. */
	private static final int SEEDS = 16;

	private final Map<Object, List<String>> memo = new WeakHashMap<>();

	/**
	 * The ids of the flows whose request may end in more than one namespace, in scenario
	 * order.
	 */
	List<String> flows(ScenarioCatalog.Entry e) {
		synchronized (memo) {
			List<String> known = memo.get(e.engine());
			if (known != null) {
				return known;
			}
		}
		List<String> random = new ArrayList<>();
		for (Flow f : e.scenario().scenario().flows()) {
			ExpectedShares.Result r = ExpectedShares.of(e.engine(), e.scenario().scenario().topology(), f.id(), SEEDS,
					1);
			if (r.byNamespace().values().stream().filter(p -> p > 0 && p < 1).count() > 1) {
				random.add(f.id());
			}
		}
		List<String> result = List.copyOf(random);
		synchronized (memo) {
			memo.put(e.engine(), result);
		}
		return result;
	}

}

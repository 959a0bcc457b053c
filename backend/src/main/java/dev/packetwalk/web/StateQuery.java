package dev.packetwalk.web;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.engine.Engine;
import dev.packetwalk.engine.NamespaceTables;
import dev.packetwalk.engine.Scenario;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The parameters of a state request ({@code step}, {@code namespace}), checked before any
 * work is scheduled.
 */
record StateQuery(int step, String namespace) {

	static StateQuery of(Scenario scenario, Integer step, String namespace) {
		if (namespace == null || namespace.isBlank()) {
			throw ParameterException.bad("namespace",
					"the query parameter 'namespace' is required (a namespace id such as node1 or default/pod1)");
		}
		if (!scenario.hasNamespace(namespace)) {
			throw new ParameterException(HttpStatus.NOT_FOUND, "namespace",
					"scenario '" + scenario.id() + "' has no namespace '" + namespace + "'");
		}
		int k = step == null ? 0 : step;
		if (k < 0) {
			throw ParameterException.bad("step", "step must be 0 (before the first step) or more, was " + k);
		}
		return new StateQuery(k, namespace);
	}

	/**
	 * The model's answer as JSON in chunks (at most {@code maxBytes}: 422 above), the
	 * replay within the budget; a step past the trace's end is a 400 naming the
	 * parameter.
	 */
	ResponseEntity<Flux<DataBuffer>> answer(Engine engine, long seed, Budget budget, long maxBytes) {
		NamespaceTables t;
		try {
			t = engine.tablesAt(seed, step, namespace, budget);
		}
		catch (IllegalArgumentException ex) {
			throw ParameterException.bad("step", ex.getMessage());
		}
		return ScenarioApiController.json(JsonChunks.chunks(t, maxBytes));
	}

}

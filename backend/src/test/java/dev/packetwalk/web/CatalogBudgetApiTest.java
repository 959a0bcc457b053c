package dev.packetwalk.web;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Catalogue work (built-in and local scenarios) runs within a model-level budget as
 * posted scenarios do: its trace, its events, a probe and the tables at a step stop at
 * {@code max-trace-steps} (lowered here to 3 so that every built-in passes it) with a
 * clear 422 naming the setting, before any byte of the answer is sent; cheap requests of
 * the same scenario still answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "packetwalk.limits.max-trace-steps=3", "packetwalk.trace-cache.enabled=false" })
@AutoConfigureWebTestClient
class CatalogBudgetApiTest {

	@Autowired
	WebTestClient client;

	private void tooLarge(String uri) {
		client.get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Trace too large")
			.jsonPath("$.detail")
			.value(d -> org.assertj.core.api.Assertions.assertThat((String) d)
				.contains("packetwalk.limits.max-trace-steps"));
	}

	@Test
	void aBuiltInTraceStopsAtTheTraceLimits() {
		tooLarge("/api/scenarios/pod-to-service/trace");
		tooLarge("/api/scenarios/pod-to-service/trace?seed=7");
	}

	@Test
	void aBuiltInsEventsStopAtTheTraceLimitsBeforeTheStreamStarts() {
		tooLarge("/api/scenarios/pod-to-service/events?delayMs=0");
	}

	@Test
	void probesAndTablesStopAtTheTraceLimits() {
		tooLarge("/api/scenarios/netpol-three-tier/probe?from=store/be-1&to=store/db-1&port=6379&protocol=TCP");
		tooLarge("/api/scenarios/pod-to-service/state?step=0&namespace=node1");
	}

	@Test
	void whatNeedsNoTraceStillAnswers() {
		client.get().uri("/api/scenarios/pod-to-service").exchange().expectStatus().isOk();
		client.get().uri("/actuator/health").exchange().expectStatus().isOk();
	}

}

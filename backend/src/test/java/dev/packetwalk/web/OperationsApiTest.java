package dev.packetwalk.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actuator's health and info, nothing else of it; security headers and no internals on
 * every answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class OperationsApiTest {

	@Autowired
	WebTestClient client;

	@Autowired
	dev.packetwalk.catalog.ScenarioCatalog catalog;

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness" })
	void healthGroupsAreUpWithTheSecurityHeaders(String path) throws Exception {
		// readiness (and the whole health) waits for the built-in scenarios, compiled in
		// the background from startup on
		catalog.whenReady().get(60, java.util.concurrent.TimeUnit.SECONDS);
		client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("Content-Security-Policy",
					csp -> assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline' 'script"))
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader()
			.exists("Referrer-Policy")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components")
			.doesNotExist();
	}

	@Test
	void infoNamesTheBuild() {
		client.get()
			.uri("/actuator/info")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectBody()
			.jsonPath("$.build.artifact")
			.isEqualTo("packetwalk-backend")
			.jsonPath("$.java.version")
			.exists();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/metrics", "/actuator/env", "/actuator/beans", "/actuator/configprops",
			"/actuator/heapdump", "/actuator/threaddump", "/actuator/loggers", "/actuator/shutdown",
			"/actuator/mappings" })
	void nothingElseOfActuatorIsExposed(String path) {
		client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff");
	}

	@Test
	void errorsCarryNoInternals() {
		for (String path : new String[] { "/api/scenarios/pod-to-pod-same-node/trace?seed=abc", "/api/no-such-endpoint",
				"/api/scenarios/pod-to-pod-same-node/distribution?samples=x" }) {
			String body = client.get()
				.uri(path)
				.exchange()
				.expectStatus()
				.is4xxClientError()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			assertThat(body).as(path)
				.doesNotContain("\"trace\":")
				.doesNotContain("stackTrace")
				.doesNotContain("Exception")
				.doesNotContain("at dev.packetwalk")
				.doesNotContain("at org.springframework");
		}
		String body = client.method(HttpMethod.DELETE)
			.uri("/api/scenarios")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).doesNotContain("Exception");
	}

}

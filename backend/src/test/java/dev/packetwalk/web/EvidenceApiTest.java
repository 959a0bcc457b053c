package dev.packetwalk.web;

import org.junit.jupiter.api.Test;

import dev.packetwalk.lab.LabReport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;

/**
 * "Verified on Linux" on the scenario API, and the expected shares of the distribution
 * API.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class EvidenceApiTest {

	@Autowired
	WebTestClient client;

	private static final LabReport BUNDLED = LabReport.bundled();

	@Test
	void aScenarioTheLabMatchedSaysOnWhichKernelAndWhen() {
		client.get()
			.uri("/api/scenarios/pod-to-service")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.verified.result")
			.isEqualTo("MATCH")
			.jsonPath("$.verified.kernel")
			.isEqualTo(BUNDLED.kernel())
			.jsonPath("$.verified.date")
			.isEqualTo(BUNDLED.date());
	}

	@Test
	void anIpvsScenarioIsModelOnlyAndSaysWhy() {
		client.get()
			.uri("/api/scenarios/pod-to-service-ipvs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.verified.result")
			.isEqualTo("MODEL ONLY")
			.jsonPath("$.verified.reason")
			.value(containsString("no ip_vs module"));
	}

	@Test
	void aPostedDraftIsNeverVerified() {
		client.get()
			.uri("/api/scenarios/pod-to-pod-same-node")
			.exchange()
			.expectBody()
			.jsonPath("$.verified.result")
			.isEqualTo("MATCH");
		String yaml = new String(readScenario("pod-to-pod-same-node"), java.nio.charset.StandardCharsets.UTF_8);
		client.post()
			.uri("/api/resolve")
			.contentType(org.springframework.http.MediaType.parseMediaType("application/yaml"))
			.bodyValue(yaml)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.verified")
			.doesNotExist();
	}

	@Test
	void kuardsExpectedSharesAreOneFifthEach() {
		client.get()
			.uri("/api/scenarios/kuard-five-endpoints/distribution?samples=200")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.expected.explained")
			.isEqualTo(1.0)
			.jsonPath("$.expected.byNamespace.length()")
			.isEqualTo(5)
			.jsonPath("$.expected.byNamespace['default/kuard-lpzlr']")
			.value(near(0.2))
			.jsonPath("$.expected.reasoning[0]")
			.value(containsString("picks one of 5 endpoints"));
	}

	@Test
	void localPolicySharesPerNodeThenPerPod() {
		client.get()
			.uri("/api/scenarios/lb-local-policy/distribution?samples=100")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.expected.byNamespace['default/store-be-1']")
			.value(near(0.25))
			.jsonPath("$.expected.byNamespace['default/store-be-3']")
			.value(near(0.5))
			.jsonPath("$.expected.byNode.node1")
			.value(near(0.5))
			.jsonPath("$.expected.reasoning[0]")
			.value(containsString("2 live next hops"));
	}

	@Test
	void clusterPolicySharesPerPod() {
		client.get()
			.uri("/api/scenarios/lb-cluster-policy/distribution?samples=100")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.expected.byNamespace['default/store-be-3']")
			.value(near(1.0 / 3))
			.jsonPath("$.expected.byNode.node1")
			.value(near(2.0 / 3));
	}

	/** JSON numbers arrive as BigDecimal or Double: compared as doubles. */
	private static java.util.function.Consumer<Object> near(double expected) {
		return v -> assertThat(((Number) v).doubleValue()).isCloseTo(expected, within(1e-6));
	}

	private static byte[] readScenario(String id) {
		try (var in = EvidenceApiTest.class.getClassLoader().getResourceAsStream("scenarios/" + id + ".yaml")) {
			return in.readAllBytes();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}

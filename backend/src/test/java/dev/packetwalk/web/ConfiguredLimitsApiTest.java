package dev.packetwalk.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.packetwalk.config.LimitsProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits are settings: lowered here, they refuse what the defaults accept, and say
 * which setting did.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "packetwalk.limits.max-pods=1", "packetwalk.limits.max-rules=4", "packetwalk.limits.max-hops=2",
				"packetwalk.limits.max-body-size=2KB" })
@AutoConfigureWebTestClient
class ConfiguredLimitsApiTest {

	private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	private static final String TWO_PODS_ACROSS_NODES = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: limits}
			cluster:
			  cloud: {provider: gcp}
			  nodes: [{name: node1}, {name: node2}]
			  pods: [{name: a, node: node1}, {name: b, node: node2, labels: {app: b}}]
			objects:
			  - {apiVersion: v1, kind: Service, metadata: {name: b}, spec: {selector: {app: b}, ports: [{port: 80}]}}
			flows: [{from: a, to: 'b:80'}]
			""";

	@Autowired
	WebTestClient client;

	@Test
	void lowerLimitsNameTheirSettings() {
		client.post()
			.uri("/api/validate")
			.contentType(YAML)
			.bodyValue(TWO_PODS_ACROSS_NODES)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.errors[0].message")
			.isEqualTo("2 pods is more than the limit of 1 (setting packetwalk.limits.max-pods)");
		client.post()
			.uri("/api/validate")
			.contentType(YAML)
			.bodyValue(TWO_PODS_ACROSS_NODES.replace(", {name: b, node: node2, labels: {app: b}}", "")
				.replace("{app: b}", "{app: a}")
				.replace("{name: a, node: node1}", "{name: a, node: node1, labels: {app: a}}")
				.replace("'b:80'", "'a:80'"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.errors[0].message")
			.value(m -> assertThat((String) m).contains(
					"at least 10 rules over 2 nodes, more than the limit of 4 (setting packetwalk.limits.max-rules)"));
		client.post()
			.uri("/api/trace")
			.contentType(YAML)
			.bodyValue("# " + "x".repeat(3000))
			.exchange()
			.expectStatus()
			.isEqualTo(413);
	}

	@Test
	void aWalkLongerThanMaxHopsEndsWithHopLimit() {
		// node1 -> vpc -> node2 is three namespaces: one more than max-hops allows
		String nodeToNode = """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: hops}
				cluster:
				  cloud: {provider: gcp}
				  nodes: [{name: node1}, {name: node2}]
				flows: [{from: node/node1, to: 'node/node2:10250'}]
				""";
		client.post()
			.uri("/api/trace")
			.contentType(YAML)
			.bodyValue(nodeToNode)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.walks[0].disposition.reason")
			.isEqualTo("HOP_LIMIT")
			.jsonPath("$.walks[0].hops.length()")
			.isEqualTo(2);
	}

	/**
	 * The time limit: with 1 ms nothing can be compiled in time: 422 when the work had
	 * started (stopped at its deadline), 503 when it was still queued; either answer
	 * names the setting.
	 */
	@Test
	void maxRequestTimeAnswers422() {
		LimitsProperties tight = new LimitsProperties(null, null, null, null, null, null, null, null, null,
				DataSize.ofKilobytes(64), 64, Duration.ofMillis(1), 1, 1, 1);
		ScenarioInputController controller = new ScenarioInputController(tight,
				new Metrics(SseStreamsTest.provider(new SimpleMeterRegistry())), new WorkLanes(tight));
		byte[] body = TWO_PODS_ACROSS_NODES.getBytes(StandardCharsets.UTF_8);
		MockServerHttpRequest request = MockServerHttpRequest.post("/api/trace")
			.contentType(YAML)
			.body(reactor.core.publisher.Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
		StepVerifier.create(controller.trace(request, null))
			.expectErrorSatisfies(ex -> assertThat(ex)
				.isInstanceOfAny(TooExpensiveException.class, TooBusyException.class,
						dev.packetwalk.budget.BudgetExceededException.class)
				.hasMessageContaining("packetwalk.limits.max-request-time"))
			.verify(Duration.ofSeconds(30));
	}

	/**
	 * Issue 23: a full work lane refuses at once (503, not a wait), the other lane still
	 * works, and work whose request was cancelled leaves the queue.
	 */
	@Test
	void aFullLaneRefusesAtOnceAndTheOtherLaneStillWorks() throws Exception {
		LimitsProperties one = new LimitsProperties(null, null, null, null, null, null, null, null, null,
				DataSize.ofKilobytes(64), 64, Duration.ofSeconds(10), 1, 1, 1);
		WorkLanes lanes = new WorkLanes(one);
		try {
			java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
			java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
			reactor.core.Disposable running = lanes.posted(() -> {
				started.countDown();
				release.await();
				return "done";
			}).subscribe();
			assertThat(started.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
			reactor.core.Disposable queued = lanes.posted(() -> "queued").subscribe();
			assertThat(lanes.busy("posted")).isEqualTo(2);
			StepVerifier.create(lanes.posted(() -> "refused"))
				.expectErrorSatisfies(ex -> assertThat(ex).isInstanceOf(TooBusyException.class)
					.hasMessageContaining("packetwalk.limits.max-concurrent-work"))
				.verify(Duration.ofSeconds(30));
			StepVerifier.create(lanes.catalog(() -> "built-in"))
				.expectNext("built-in")
				.expectComplete()
				.verify(Duration.ofSeconds(30));
			queued.dispose(); // its request went away: it leaves the queue
			assertThat(lanes.busy("posted")).isEqualTo(1);
			running.dispose(); // the running one is interrupted
			StepVerifier
				.create(reactor.core.publisher.Flux.interval(Duration.ofMillis(20))
					.map(i -> lanes.busy("posted"))
					.filter(n -> n == 0)
					.take(1))
				.expectNext(0)
				.expectComplete()
				.verify(Duration.ofSeconds(30));
		}
		finally {
			lanes.destroy();
		}
	}

}

package dev.packetwalk.web.live;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live follow-along API: create, drive, follow, end, expire; the token and the code
 * are checked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "packetwalk.live.heartbeat=200ms", "packetwalk.live.max-sessions=1000",
				"packetwalk.live.max-sessions-per-client=1000" })
@AutoConfigureWebTestClient
class LiveApiTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	@Autowired
	WebTestClient client;

	@Autowired
	LiveSessions sessions;

	record Created(String code, String token, String followUrl, LiveState state) {
	}

	private Created create(String body) {
		WebTestClient.RequestBodySpec post = client.post().uri("/api/live");
		WebTestClient.RequestHeadersSpec<?> spec = body == null ? post
				: post.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
		return spec.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.value(HttpHeaders.LOCATION, l -> assertThat(l).startsWith("/api/live/"))
			.expectBody(Created.class)
			.returnResult()
			.getResponseBody();
	}

	private WebTestClient.ResponseSpec drive(Created c, String token, String body) {
		WebTestClient.RequestBodySpec put = client.put().uri("/api/live/{code}/state", c.code());
		if (token != null) {
			put = put.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
		}
		return put.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	private Flux<ServerSentEvent<String>> follow(String code) {
		return client.get()
			.uri("/api/live/{code}/events", code)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(SSE)
			.getResponseBody()
			.filter(e -> e.event() != null); // heartbeats are comments
	}

	private static Consumer<ServerSentEvent<String>> state(String scenario, int step) {
		return e -> {
			assertThat(e.event()).isEqualTo("state");
			assertThat(e.data()).contains("\"scenario\":\"" + scenario + "\"").contains("\"step\":" + step + ",");
		};
	}

	@Test
	void createsASessionWithAnUnguessableCodeAndASecretToken() {
		Created c = create("{\"scenario\":\"pod-to-service\",\"seed\":7,\"step\":3}");
		assertThat(c.code()).hasSize(12).matches("[" + LiveSessions.ALPHABET + "]+");
		assertThat(c.token()).hasSizeGreaterThanOrEqualTo(43);
		assertThat(c.followUrl()).isEqualTo("/live/" + c.code());
		assertThat(c.state()).isEqualTo(new LiveState("pod-to-service", 7, null, 3, 0));
		Created other = create(null);
		assertThat(other.code()).isNotEqualTo(c.code());
		assertThat(other.token()).isNotEqualTo(c.token());
		// defaults: the first scenario of the catalogue at its own seed, the intro
		assertThat(other.state().step()).isZero();

		client.get()
			.uri("/api/live/{code}", c.code().toLowerCase())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.state.seed")
			.isEqualTo(7)
			.jsonPath("$.followers")
			.isEqualTo(0)
			.jsonPath("$.token")
			.doesNotExist();
	}

	@Test
	void aFollowerGetsTheCurrentViewThenEveryStepThenTheEnd() {
		Created c = create("{\"scenario\":\"pod-to-pod-same-node\",\"seed\":1,\"step\":0}");
		StepVerifier.create(follow(c.code()))
			.assertNext(state("pod-to-pod-same-node", 0))
			.then(() -> drive(c, c.token(), "{\"scenario\":\"pod-to-pod-same-node\",\"seed\":1,\"step\":1}")
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.state.version")
				.isEqualTo(1))
			.assertNext(state("pod-to-pod-same-node", 1))
			.then(() -> drive(c, c.token(), "{\"scenario\":\"pod-to-service\",\"seed\":9,\"step\":4}").expectStatus()
				.isOk())
			.assertNext(e -> {
				state("pod-to-service", 4).accept(e);
				assertThat(e.id()).isEqualTo("2");
				assertThat(e.data()).contains("\"seed\":9");
			})
			.then(() -> client.delete()
				.uri("/api/live/{code}", c.code())
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + c.token())
				.exchange()
				.expectStatus()
				.isNoContent())
			.assertNext(e -> {
				assertThat(e.event()).isEqualTo("end");
				assertThat(e.data()).contains("\"reason\":\"ended\"");
			})
			.expectComplete()
			.verify(TIMEOUT);
		// ended: the code is gone
		client.get().uri("/api/live/{code}", c.code()).exchange().expectStatus().isNotFound();
	}

	@Test
	void aLateFollowerStartsFromTheCurrentView() {
		Created c = create("{\"scenario\":\"pod-to-pod-same-node\"}");
		drive(c, c.token(), "{\"scenario\":\"pod-to-pod-same-node\",\"seed\":3,\"step\":5}").expectStatus().isOk();
		StepVerifier.create(follow(c.code()).take(1))
			.assertNext(e -> assertThat(e.data()).contains("\"seed\":3").contains("\"step\":5"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aPartialViewKeepsTheCurrentScenarioAndSeed() {
		Created c = create("{\"scenario\":\"pod-to-service\",\"seed\":9,\"step\":2}");
		drive(c, c.token(), "{\"step\":5}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.state.scenario")
			.isEqualTo("pod-to-service")
			.jsonPath("$.state.seed")
			.isEqualTo(9)
			.jsonPath("$.state.step")
			.isEqualTo(5);
		// another scenario without a seed: that scenario's default seed, at the intro
		drive(c, c.token(), "{\"scenario\":\"pod-to-pod-same-node\"}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.state.scenario")
			.isEqualTo("pod-to-pod-same-node")
			.jsonPath("$.state.seed")
			.isEqualTo(1)
			.jsonPath("$.state.step")
			.isEqualTo(0);
	}

	@Test
	void onlyThePresenterTokenDrivesOrEnds() {
		Created c = create(null);
		Created other = create(null);
		String body = "{\"scenario\":\"pod-to-pod-same-node\",\"step\":2}";
		drive(c, null, body).expectStatus()
			.isForbidden()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		drive(c, "not-the-token", body).expectStatus().isForbidden();
		drive(c, other.token(), body).expectStatus().isForbidden();
		client.delete().uri("/api/live/{code}", c.code()).exchange().expectStatus().isForbidden();
		client.delete()
			.uri("/api/live/{code}", c.code())
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + other.token())
			.exchange()
			.expectStatus()
			.isForbidden();
		// still at the intro, still open
		client.get()
			.uri("/api/live/{code}", c.code())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.state.step")
			.isEqualTo(0)
			.jsonPath("$.state.version")
			.isEqualTo(0);
	}

	@Test
	void anUnknownCodeIsAProblem404() {
		client.get()
			.uri("/api/live/ABCDEFGHJKMN")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Live session not found")
			.jsonPath("$.code")
			.isEqualTo("ABCDEFGHJKMN");
		client.get()
			.uri("/api/live/ABCDEFGHJKMN/events")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isNotFound();
		client.put()
			.uri("/api/live/ABCDEFGHJKMN/state")
			.header(HttpHeaders.AUTHORIZATION, "Bearer x")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void aViewOfAnUnknownScenarioOrFlowIsRefused() {
		client.post()
			.uri("/api/live")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"scenario\":\"nope\"}")
			.exchange()
			.expectStatus()
			.isBadRequest();
		Created c = create(null);
		drive(c, c.token(), "{\"scenario\":\"pod-to-pod-same-node\",\"flow\":\"no-such-flow\",\"step\":1}")
			.expectStatus()
			.isBadRequest();
		drive(c, c.token(), "{\"scenario\":\"pod-to-pod-same-node\",\"step\":-1}").expectStatus().isBadRequest();
	}

	@Test
	void anIdleSessionExpiresAndClosesItsFollowers() {
		Created c = create("{\"scenario\":\"pod-to-pod-same-node\"}");
		StepVerifier.create(follow(c.code()))
			.assertNext(state("pod-to-pod-same-node", 0))
			// the sweeper's clock an hour (> the 30 min default) ahead: the session is
			// idle
			.then(() -> sessions.sweep(Instant.now().plus(Duration.ofHours(1))))
			.assertNext(e -> {
				assertThat(e.event()).isEqualTo("end");
				assertThat(e.data()).contains("\"reason\":\"idle\"");
			})
			.expectComplete()
			.verify(TIMEOUT);
		client.get().uri("/api/live/{code}", c.code()).exchange().expectStatus().isNotFound();
	}

	@Test
	void aDrivenSessionIsNotIdle() {
		Created c = create(null);
		sessions.sweep(Instant.now().plus(Duration.ofMinutes(29)));
		client.get().uri("/api/live/{code}", c.code()).exchange().expectStatus().isOk();
	}

	@Test
	void thePresenterSeesHowManyFollowAndDisconnectsFreeThem() {
		Created c = create(null);
		LiveSession s = sessions.find(c.code()).block(Duration.ofSeconds(10));
		Flux<ServerSentEvent<String>> counts = client.get()
			.uri("/api/live/{code}/followers", c.code())
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(SSE)
			.getResponseBody()
			.filter(e -> "followers".equals(e.event()));
		StepVerifier.create(counts)
			.assertNext(e -> assertThat(e.data()).isEqualTo("{\"followers\":0}"))
			.then(() -> StepVerifier
				.create(Flux.merge(follow(c.code()).take(1), follow(c.code()).take(1), follow(c.code()).take(1)))
				.expectNextCount(3)
				.expectComplete()
				.verify(TIMEOUT))
			.thenConsumeWhile(e -> !e.data().equals("{\"followers\":0}"))
			.thenCancel()
			.verify(TIMEOUT);

		// many connect/disconnect cycles: no follower (subscription) is left behind
		for (int round = 0; round < 5; round++) {
			StepVerifier.create(Flux.range(0, 20).flatMap(i -> follow(c.code()).take(1)))
				.expectNextCount(20)
				.expectComplete()
				.verify(TIMEOUT);
		}
		StepVerifier.create(Flux.interval(Duration.ofMillis(50)).map(i -> s.followers()).filter(n -> n == 0).take(1))
			.expectNext(0)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void theNumberOfSessionsIsBounded() {
		LiveSessions bounded = new LiveSessions(new dev.packetwalk.config.LiveProperties(Duration.ofMinutes(30), 2, 10,
				Duration.ofSeconds(15), Duration.ofSeconds(10), 5, java.util.List.of()), catalog);
		bounded.create(null, "127.0.0.1").block(Duration.ofSeconds(10));
		bounded.create(null, "127.0.0.1").block(Duration.ofSeconds(10));
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> bounded.create(null, "127.0.0.1").block(Duration.ofSeconds(10)))
			.isInstanceOf(LiveLimitException.class);
		bounded.destroy();
	}

	@Autowired
	dev.packetwalk.catalog.ScenarioCatalog catalog;

	@Autowired
	dev.packetwalk.web.Metrics metrics;

	@Test
	void theNumberOfFollowersIsBounded() {
		LiveSessions bounded = new LiveSessions(new dev.packetwalk.config.LiveProperties(Duration.ofMinutes(30), 10, 1,
				Duration.ofSeconds(15), Duration.ofSeconds(10), 5, java.util.List.of()), catalog);
		LiveController controller = new LiveController(bounded, bounded.properties(), metrics);
		String code = bounded.create(null, "127.0.0.1").block(Duration.ofSeconds(10)).session().code();
		StepVerifier.create(controller.follow(code).filter(e -> e.event() != null))
			.assertNext(e -> assertThat(e.event()).isEqualTo("state"))
			.then(() -> org.assertj.core.api.Assertions
				.assertThatThrownBy(() -> controller.follow(code).blockFirst(Duration.ofSeconds(10)))
				.isInstanceOf(LiveLimitException.class))
			.thenCancel()
			.verify(TIMEOUT);
		// the follower left: there is room again
		StepVerifier
			.create(Flux.interval(Duration.ofMillis(20))
				.concatMap(i -> bounded.find(code))
				.map(LiveSession::followers)
				.filter(n -> n == 0)
				.take(1))
			.expectNext(0)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(controller.follow(code).filter(e -> e.event() != null).take(1))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		bounded.destroy();
	}

	@Test
	void theCodeAlphabetHasNoLookAlikes() {
		assertThat(LiveSessions.ALPHABET).doesNotContain("0", "O", "1", "I", "L");
		// 31^12 ≈ 2^59
		assertThat(LiveSessions.CODE_LENGTH * Math.log(LiveSessions.ALPHABET.length()) / Math.log(2)).isGreaterThan(58);
		Map<String, Boolean> seen = new java.util.HashMap<>();
		for (int i = 0; i < 200; i++) {
			assertThat(
					seen.put(sessions.create(null, "client-" + i).block(Duration.ofSeconds(10)).session().code(), true))
				.isNull();
		}
		sessions.sweep(Instant.now().plus(Duration.ofDays(1)));
	}

}

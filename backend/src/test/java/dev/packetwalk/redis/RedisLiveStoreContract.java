package dev.packetwalk.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.packetwalk.PacketWalkApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live sessions on Redis ({@code packetwalk.live.store=redis}), against the Redis a
 * subclass provides ({@link RedisLiveStoreTest}: a real redis-server;
 * {@link RedisLiveStoreContainerTest}: Testcontainers). Two application instances, A and
 * B, share it: a presenter on A, followers on A and B get every step; B restarts
 * mid-session and its followers resume from the current view; a wrong token is refused on
 * every replica; an idle session ends by its TTL.
 */
abstract class RedisLiveStoreContract {

	static final Duration WAIT = Duration.ofSeconds(60);

	static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	final List<ConfigurableApplicationContext> apps = new ArrayList<>();

	/** Where the Redis under test is. */
	abstract String redisHost();

	abstract int redisPort();

	@AfterEach
	void stopApps() {
		apps.forEach(ConfigurableApplicationContext::close);
		apps.clear();
	}

	ConfigurableApplicationContext app(String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--packetwalk.live.store=redis",
				"--spring.data.redis.host=" + redisHost(), "--spring.data.redis.port=" + redisPort(),
				"--packetwalk.live.sweep-interval=200ms", "--spring.lifecycle.timeout-per-shutdown-phase=2s"));
		args.addAll(List.of(more));
		ConfigurableApplicationContext ctx = new SpringApplicationBuilder(PacketWalkApplication.class,
				OwnNettyResources.class)
			.run(args.toArray(String[]::new));
		apps.add(ctx);
		return ctx;
	}

	/**
	 * Each instance with its own Netty event loops: by default they share Reactor Netty's
	 * global ones, and closing one instance (B's restart) would stop the other's server.
	 */
	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class OwnNettyResources {

		@org.springframework.context.annotation.Bean
		org.springframework.http.client.ReactorResourceFactory reactorResourceFactory() {
			org.springframework.http.client.ReactorResourceFactory f = new org.springframework.http.client.ReactorResourceFactory();
			f.setUseGlobalResources(false);
			return f;
		}

	}

	static WebClient client(ConfigurableApplicationContext ctx) {
		int port = ((org.springframework.boot.web.server.context.WebServerApplicationContext) ctx).getWebServer()
			.getPort();
		return WebClient.create("http://127.0.0.1:" + port);
	}

	/** One follower's stream: the versions of the views it got, how it ended. */
	static final class Follower {

		final List<Long> versions = new CopyOnWriteArrayList<>();

		final AtomicReference<String> end = new AtomicReference<>();

		final AtomicBoolean closed = new AtomicBoolean();

		final Disposable subscription;

		Follower(WebClient client, String code) {
			subscription = client.get()
				.uri("/api/live/{code}/events", code)
				.accept(MediaType.TEXT_EVENT_STREAM)
				.retrieve()
				.bodyToFlux(SSE)
				.doFinally(s -> closed.set(true))
				.subscribe(e -> {
					if ("state".equals(e.event())) {
						versions.add(Long.parseLong(e.id()));
					}
					else if ("end".equals(e.event())) {
						end.set(e.data());
					}
				}, ex -> {
				});
		}

		long last() {
			return versions.isEmpty() ? -1 : versions.get(versions.size() - 1);
		}

	}

	record Session(String code, String token) {
	}

	@SuppressWarnings("unchecked")
	static Session create(WebClient client) {
		Map<String, Object> created = client.post()
			.uri("/api/live")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"scenario\":\"pod-to-pod-same-node\",\"step\":0}")
			.retrieve()
			.bodyToMono(Map.class)
			.block(WAIT);
		return new Session((String) created.get("code"), (String) created.get("token"));
	}

	static HttpStatus step(WebClient client, Session s, String token, int step) {
		return (HttpStatus) client.put()
			.uri("/api/live/{code}/state", s.code())
			.header("Authorization", "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"step\":" + step + "}")
			.exchangeToMono(r -> reactor.core.publisher.Mono.just(r.statusCode()))
			.block(WAIT);
	}

	static HttpStatus end(WebClient client, Session s, String token) {
		return (HttpStatus) client.delete()
			.uri("/api/live/{code}", s.code())
			.header("Authorization", "Bearer " + token)
			.exchangeToMono(r -> reactor.core.publisher.Mono.just(r.statusCode()))
			.block(WAIT);
	}

	static void awaitAll(List<Follower> followers, long version) {
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(followers).allSatisfy(f -> assertThat(f.last()).isEqualTo(version)));
	}

	@Test
	void twoReplicasOneSessionEveryStepToEveryFollowerAcrossARestart() {
		ConfigurableApplicationContext a = app();
		ConfigurableApplicationContext b = app();
		WebClient onA = client(a);
		WebClient onB = client(b);
		Session s = create(onA);

		List<Follower> followersOfA = List.of(new Follower(onA, s.code()), new Follower(onA, s.code()),
				new Follower(onA, s.code()));
		List<Follower> followersOfB = List.of(new Follower(onB, s.code()), new Follower(onB, s.code()),
				new Follower(onB, s.code()));
		List<Follower> all = new ArrayList<>(followersOfA);
		all.addAll(followersOfB);
		awaitAll(all, 0);
		// the presenter sees every follower, on whichever replica it asks
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(onB.get()
				.uri("/api/live/{code}", s.code())
				.retrieve()
				.bodyToMono(Map.class)
				.block(WAIT)
				.get("followers")).isEqualTo(6));

		for (int k = 1; k <= 5; k++) {
			assertThat(step(onA, s, s.token(), k)).isEqualTo(HttpStatus.OK);
		}
		assertThat(step(onB, s, s.token(), 6)).as("any replica serves the presenter too").isEqualTo(HttpStatus.OK);
		awaitAll(all, 6);
		assertThat(all).allSatisfy(
				f -> assertThat(f.versions).as("every step, in order").containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L));

		// B restarts mid-session: its followers' streams close without "end", they
		// reconnect (here to the new B)
		b.close();
		apps.remove(b);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(followersOfB).allSatisfy(f -> assertThat(f.closed).isTrue()));
		assertThat(followersOfB).allSatisfy(f -> assertThat(f.end.get()).as("not ended: told to reconnect").isNull());
		assertThat(step(onA, s, s.token(), 7)).isEqualTo(HttpStatus.OK); // a step while B
																			// is down
		ConfigurableApplicationContext b2 = app();
		WebClient onB2 = client(b2);
		List<Follower> resumed = List.of(new Follower(onB2, s.code()), new Follower(onB2, s.code()),
				new Follower(onB2, s.code()));
		awaitAll(resumed, 7);
		assertThat(resumed)
			.allSatisfy(f -> assertThat(f.versions).as("resumes at the current view").containsExactly(7L));
		for (int k = 8; k <= 10; k++) {
			assertThat(step(onA, s, s.token(), k)).isEqualTo(HttpStatus.OK);
		}
		List<Follower> now = new ArrayList<>(followersOfA);
		now.addAll(resumed);
		awaitAll(now, 10);
		assertThat(followersOfA)
			.allSatisfy(f -> assertThat(f.versions).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
		assertThat(resumed).allSatisfy(f -> assertThat(f.versions).containsExactly(7L, 8L, 9L, 10L));

		// a wrong token is refused on every replica, for driving and for ending
		for (WebClient replica : List.of(onA, onB2)) {
			assertThat(step(replica, s, "not-the-token", 11)).isEqualTo(HttpStatus.FORBIDDEN);
			assertThat(end(replica, s, "not-the-token")).isEqualTo(HttpStatus.FORBIDDEN);
		}
		assertThat(now).allSatisfy(f -> assertThat(f.last()).isEqualTo(10L));

		// the presenter ends it on B: every follower, on both replicas, gets "end"
		assertThat(end(onB2, s, s.token())).isEqualTo(HttpStatus.NO_CONTENT);
		await().atMost(WAIT).untilAsserted(() -> assertThat(now).allSatisfy(f -> {
			assertThat(f.end.get()).contains("ended");
			assertThat(f.closed).isTrue();
		}));
		for (WebClient replica : List.of(onA, onB2)) {
			assertThat(replica.get()
				.uri("/api/live/{code}", s.code())
				.exchangeToMono(r -> reactor.core.publisher.Mono.just(r.statusCode()))
				.block(WAIT)).isEqualTo(HttpStatus.NOT_FOUND);
		}
	}

	static HttpStatus createStatus(WebClient client, String origin) {
		WebClient.RequestBodySpec post = client.post().uri("/api/live").contentType(MediaType.APPLICATION_JSON);
		if (origin != null) {
			post = post.header("Origin", origin);
		}
		return (HttpStatus) post.bodyValue("{\"scenario\":\"pod-to-pod-same-node\",\"step\":0}")
			.exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode()))
			.block(WAIT);
	}

	@Test
	void theLimitPerClientCountsTheSessionsOfEveryReplicaAndAnotherOriginIsRefusedOnEach() {
		ConfigurableApplicationContext a = app("--packetwalk.live.max-sessions-per-client=2");
		ConfigurableApplicationContext b = app("--packetwalk.live.max-sessions-per-client=2");
		WebClient onA = client(a);
		WebClient onB = client(b);
		ReactiveStringRedisTemplate template = a.getBean(ReactiveStringRedisTemplate.class);
		template.delete("pw:live:c:127.0.0.1").block(WAIT); // other tests' sessions from
															// this address
		Session first = create(onA);
		Session second = create(onB);
		assertThat(createStatus(onA, null)).as("a third on A").isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(createStatus(onB, null)).as("a third on B").isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		// ending one (on the other replica) frees its place everywhere
		assertThat(end(onB, first, first.token())).isEqualTo(HttpStatus.NO_CONTENT);
		Session third = create(onA);
		assertThat(createStatus(onB, null)).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(end(onA, second, second.token())).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(end(onA, third, third.token())).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(template.opsForZSet().size("pw:live:c:127.0.0.1").block(WAIT)).as("no place left taken").isZero();

		// a page of another origin may not create a session on any replica; the app's own
		// origin may
		for (ConfigurableApplicationContext replica : List.of(a, b)) {
			int port = ((org.springframework.boot.web.server.context.WebServerApplicationContext) replica)
				.getWebServer()
				.getPort();
			assertThat(createStatus(client(replica), "http://elsewhere.example")).isEqualTo(HttpStatus.FORBIDDEN);
			assertThat(createStatus(client(replica), "http://127.0.0.1:" + port)).isEqualTo(HttpStatus.CREATED);
		}
	}

	@Test
	void anIdleSessionExpiresByItsTtlAndItsFollowersAreEnded() {
		ConfigurableApplicationContext c = app("--packetwalk.live.idle-timeout=2s");
		WebClient client = client(c);
		Session s = create(client);
		ReactiveStringRedisTemplate template = c.getBean(ReactiveStringRedisTemplate.class);
		Duration ttl = template.getExpire("pw:live:s:" + s.code()).block(WAIT);
		assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
		Follower f = new Follower(client, s.code());
		await().atMost(WAIT).untilAsserted(() -> assertThat(f.last()).isEqualTo(0L));
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(template.hasKey("pw:live:s:" + s.code()).block(WAIT)).as("removed by Redis").isFalse();
			assertThat(f.end.get()).contains("idle");
			assertThat(f.closed).isTrue();
		});
		assertThat(step(client, s, s.token(), 1)).isEqualTo(HttpStatus.NOT_FOUND);
		c.close();
		apps.remove(c);
	}

}

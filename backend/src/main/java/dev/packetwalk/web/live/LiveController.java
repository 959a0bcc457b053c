package dev.packetwalk.web.live;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.packetwalk.config.LiveProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Live follow-along (docs/api.md, "Live sessions"): a presenter creates a session and pushes its view; followers get
 * every change over SSE. The presenter proves who it is with the token returned at creation, sent as
 * {@code Authorization: Bearer <token>}.
 */
@RestController
@RequestMapping("/api/live")
class LiveController {

	/** The answer to a creation: the only time the token is shown. */
	record CreatedJson(String code, String token, String followUrl, LiveState state, Duration idleTimeout) {
	}

	record SessionJson(String code, LiveState state, int followers) {
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final LiveSessions sessions;

	private final Flux<ServerSentEvent<String>> heartbeat;

	LiveController(LiveSessions sessions, LiveProperties props) {
		this.sessions = sessions;
		// one timer for every open stream
		this.heartbeat = Flux.interval(props.heartbeat())
			.map(i -> ServerSentEvent.<String>builder().comment("heartbeat").build())
			.share();
	}

	@PostMapping
	Mono<ResponseEntity<CreatedJson>> create(@RequestBody(required = false) LiveView view) {
		return sessions.create(view).map(c -> {
			String code = c.session().code();
			return ResponseEntity.created(URI.create("/api/live/" + code))
				.body(new CreatedJson(code, c.token(), "/live/" + code, c.session().state(), sessions.properties().idleTimeout()));
		});
	}

	@GetMapping("/{code}")
	Mono<SessionJson> get(@PathVariable String code) {
		return sessions.find(code).map(s -> new SessionJson(s.code(), s.state(), s.followers()));
	}

	@PutMapping("/{code}/state")
	Mono<SessionJson> drive(@PathVariable String code,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody LiveView view) {
		return sessions.authorize(code, bearer(authorization))
			.flatMap(s -> sessions.update(s, view).map(state -> new SessionJson(s.code(), state, s.followers())));
	}

	@DeleteMapping("/{code}")
	Mono<ResponseEntity<Void>> end(@PathVariable String code,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
		return sessions.authorize(code, bearer(authorization))
			.flatMap(sessions::end)
			.thenReturn(ResponseEntity.noContent().<Void>build());
	}

	/**
	 * A follower's stream: {@code state} (the current view at once, then each change; {@code id:} = version), then
	 * {@code end} with the reason, then the stream closes. A comment every {@code packetwalk.live.heartbeat}. When this
	 * replica shuts down while the session goes on (Redis store), a comment and the stream closes without {@code end}:
	 * the EventSource reconnects.
	 */
	@GetMapping(path = "/{code}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> follow(@PathVariable String code) {
		return sessions.find(code).flatMapMany(s -> {
			if (s.followers() >= sessions.properties().maxFollowers()) {
				throw new LiveLimitException("Live session " + s.code() + " has the most followers allowed ("
						+ sessions.properties().maxFollowers() + ").");
			}
			return s.follow()
				.takeUntil(e -> e instanceof LiveSession.Ended || e instanceof LiveSession.Reconnect)
				.map(LiveSession.Event::sse)
				.mergeWith(heartbeat)
				.takeUntil(e -> "end".equals(e.event()) || e == LiveSession.Reconnect.INSTANCE.sse());
		});
	}

	/** For the presenter: {@code followers} with {@code {"followers": N}} now and whenever it changes (at most 4/s). */
	@GetMapping(path = "/{code}/followers", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> followers(@PathVariable String code) {
		return sessions.find(code).flatMapMany(s -> {
			Flux<ServerSentEvent<String>> counts = s.followerCounts()
				.sample(Duration.ofMillis(250))
				.map(n -> ServerSentEvent.builder(JSON.writeValueAsString(Map.of("followers", n))).event("followers").build());
			return Flux.merge(counts, heartbeat.takeUntilOther(counts.ignoreElements().then()))
				.concatWithValues(ServerSentEvent.builder(JSON.writeValueAsString(Map.of("reason", "ended"))).event("end").build());
		});
	}

	private static String bearer(String authorization) {
		if (authorization == null) {
			return null;
		}
		String a = authorization.strip();
		return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7) : null;
	}

}

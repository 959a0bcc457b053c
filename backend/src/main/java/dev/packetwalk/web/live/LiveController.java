package dev.packetwalk.web.live;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.packetwalk.config.LiveProperties;
import dev.packetwalk.web.Metrics;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
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
 * Live follow-along (docs/api.md, "Live sessions"): a presenter creates a session and
 * pushes its view; followers get every change over SSE. The presenter proves who it is
 * with the token returned at creation, sent as {@code Authorization: Bearer <token>}.
 */
@RestController
@RequestMapping("/api/live")
class LiveController {

	/**
	 * The answer to a creation: the only time the token is shown. {@code link} is the
	 * follower page's absolute URL, the one to show the room:
	 * {@code packetwalk.public-url} when set, else the scheme, host and port the request
	 * came in under (its Host header).
	 */
	record CreatedJson(String code, String token, String followUrl, String link, LiveState state,
			Duration idleTimeout) {
	}

	record SessionJson(String code, LiveState state, int followers) {
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final LiveSessions sessions;

	private final Flux<ServerSentEvent<String>> heartbeat;

	private final Metrics metrics;

	/**
	 * {@code packetwalk.public-url} without a trailing slash, or null: build links from
	 * the request.
	 */
	private final String publicUrl;

	/** Links built from each request's Host header (no public URL configured). */
	LiveController(LiveSessions sessions, LiveProperties props, Metrics metrics) {
		this(sessions, props, metrics, null);
	}

	@Autowired
	LiveController(LiveSessions sessions, LiveProperties props, Metrics metrics,
			@Value("${packetwalk.public-url:}") String publicUrl) {
		this.sessions = sessions;
		this.metrics = metrics;
		this.publicUrl = publicBase(publicUrl);
		// one timer for every open stream. When the last stream leaves, share()
		// disconnects the timer, and a stream that joined in that instant gets
		// CancellationException("Disconnected") (seen in DroppedConnectionsTest's resets
		// under load: an ERROR and a broken follower stream); such a stream subscribes
		// again, which starts the timer anew
		this.heartbeat = Flux.interval(props.heartbeat())
			.map(i -> ServerSentEvent.<String>builder().comment("heartbeat").build())
			.share()
			.retryWhen(reactor.util.retry.Retry.indefinitely()
				.filter(java.util.concurrent.CancellationException.class::isInstance));
	}

	@PostMapping
	Mono<ResponseEntity<CreatedJson>> create(@RequestBody(required = false) LiveView view, ServerHttpRequest request) {
		checkOrigin(request);
		java.net.InetSocketAddress remote = request.getRemoteAddress();
		String client = remote == null || remote.getAddress() == null ? "unknown"
				: remote.getAddress().getHostAddress();
		return sessions.create(view, client).map(c -> {
			String code = c.session().code();
			String follow = "/live/" + code;
			return ResponseEntity.created(URI.create("/api/live/" + code))
				.body(new CreatedJson(code, c.token(), follow, base(request) + follow, c.session().state(),
						sessions.properties().idleTimeout()));
		});
	}

	/**
	 * Where the room reaches this server: the configured public URL, else the request's
	 * scheme and Host.
	 */
	private String base(ServerHttpRequest request) {
		if (publicUrl != null) {
			return publicUrl;
		}
		URI uri = request.getURI(); // the host and port come from the request's Host
									// header
		return uri.getScheme() + "://" + uri.getRawAuthority();
	}

	/**
	 * A configured public URL, checked at startup: absolute http(s), no query; null when
	 * unset.
	 */
	static String publicBase(String configured) {
		if (configured == null || configured.isBlank()) {
			return null;
		}
		String url = configured.strip();
		URI uri;
		try {
			uri = URI.create(url);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("packetwalk.public-url is not a URL: " + url, ex);
		}
		if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getRawAuthority() == null
				|| uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new IllegalArgumentException(
					"packetwalk.public-url must be an absolute http(s) URL with no query, e.g. https://packetwalk.example.org, not "
							+ url);
		}
		return url.replaceAll("/+$", "");
	}

	@GetMapping("/{code}")
	Mono<SessionJson> get(@PathVariable String code) {
		return sessions.find(code).map(s -> new SessionJson(s.code(), s.state(), s.followers()));
	}

	@PutMapping("/{code}/state")
	Mono<SessionJson> drive(@PathVariable String code,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody LiveView view, ServerHttpRequest request) {
		checkOrigin(request);
		return sessions.authorize(code, bearer(authorization))
			.flatMap(s -> sessions.update(s, view).map(state -> new SessionJson(s.code(), state, s.followers())));
	}

	@DeleteMapping("/{code}")
	Mono<ResponseEntity<Void>> end(@PathVariable String code,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			ServerHttpRequest request) {
		checkOrigin(request);
		return sessions.authorize(code, bearer(authorization))
			.flatMap(sessions::end)
			.thenReturn(ResponseEntity.noContent().<Void>build());
	}

	/**
	 * A follower's stream: {@code state} (the current view at once, then each change;
	 * {@code id:} = version), then {@code end} with the reason, then the stream closes. A
	 * comment every {@code packetwalk.live.heartbeat}. When this replica shuts down while
	 * the session goes on (Redis store), a comment and the stream closes without
	 * {@code end}: the EventSource reconnects.
	 */
	@GetMapping(path = "/{code}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> follow(@PathVariable String code) {
		return sessions.find(code).flatMapMany(s -> {
			if (s.followers() >= sessions.properties().maxFollowers()) {
				throw new LiveLimitException("Live session " + s.code() + " has the most followers allowed ("
						+ sessions.properties().maxFollowers() + ").");
			}
			// the follower count drops in LiveSession.follow however the stream ends;
			// doFinally counts how it ended
			return s.follow()
				.takeUntil(e -> e instanceof LiveSession.Ended || e instanceof LiveSession.Reconnect)
				.map(LiveSession.Event::sse)
				.mergeWith(heartbeat)
				.takeUntil(e -> "end".equals(e.event()) || e == LiveSession.Reconnect.INSTANCE.sse())
				.doFinally(signal -> metrics.streamEnded("live", signal));
		});
	}

	/**
	 * For the presenter: {@code followers} with {@code {"followers": N}} now and whenever
	 * it changes (at most 4/s).
	 */
	@GetMapping(path = "/{code}/followers", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> followers(@PathVariable String code) {
		return sessions.find(code).flatMapMany(s -> {
			Flux<ServerSentEvent<String>> counts = s.followerCounts()
				.sample(Duration.ofMillis(250))
				.map(n -> ServerSentEvent.builder(JSON.writeValueAsString(Map.of("followers", n)))
					.event("followers")
					.build());
			return Flux.merge(counts, heartbeat.takeUntilOther(counts.ignoreElements().then()))
				.concatWithValues(ServerSentEvent.builder(JSON.writeValueAsString(Map.of("reason", "ended")))
					.event("end")
					.build());
		});
	}

	/**
	 * A browser says which page sent a request ({@code Origin}): only the app's own pages
	 * and {@code packetwalk.live.allowed-origins} may create, drive or end a session. No
	 * {@code Origin} (a script, curl): not a browser page, nothing to check.
	 */
	private void checkOrigin(ServerHttpRequest request) {
		String origin = request.getHeaders().getOrigin();
		if (origin == null || sessions.properties().allowedOrigins().contains(origin)) {
			return;
		}
		java.net.URI own = request.getURI();
		try {
			java.net.URI o = new java.net.URI(origin);
			if (own.getScheme() != null && own.getScheme().equalsIgnoreCase(o.getScheme()) && own.getHost() != null
					&& own.getHost().equalsIgnoreCase(o.getHost()) && port(own) == port(o)) {
				return;
			}
		}
		catch (java.net.URISyntaxException ex) {
			// not an origin: refused below
		}
		throw new LiveForbiddenException("Pages from another origin may not create, drive or end live sessions "
				+ "(setting packetwalk.live.allowed-origins).");
	}

	private static int port(java.net.URI u) {
		return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
	}

	private static String bearer(String authorization) {
		if (authorization == null) {
			return null;
		}
		String a = authorization.strip();
		return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7) : null;
	}

}

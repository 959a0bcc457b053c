package dev.packetwalk.web.live;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.config.LiveProperties;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The live sessions: codes, tokens and the checks of a presenter's view; kept by a
 * {@link LiveStore}, in memory (one replica; a session is transport state that dies with
 * it) or in Redis (any replica serves any session).
 * <p>
 * A code is 12 characters of a 31-letter alphabet without look-alikes (no 0/O, 1/I/L):
 * about 59 bits from {@link SecureRandom}, far too many to enumerate against at most
 * {@code max-sessions} open sessions. The presenter's token is 32 random bytes
 * (base64url); only its SHA-256 is kept, compared in constant time.
 */
@Component
public class LiveSessions implements InitializingBean, DisposableBean {

	static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

	static final int CODE_LENGTH = 12;

	/** A session's code and its presenter's secret, returned once, at creation. */
	record Created(LiveSession session, String token) {
	}

	private final LiveStore store;

	private final SecureRandom random = new SecureRandom();

	private final LiveProperties props;

	private final ScenarioCatalog catalog;

	private final Clock clock;

	private Disposable sweeper;

	/** In memory, whatever {@code props.store()} says (tests). */
	LiveSessions(LiveProperties props, ScenarioCatalog catalog) {
		this(props, catalog, null);
	}

	@org.springframework.beans.factory.annotation.Autowired
	LiveSessions(LiveProperties props, ScenarioCatalog catalog, ObjectProvider<RedisLiveStore> redis) {
		this.props = props;
		this.catalog = catalog;
		this.clock = Clock.systemUTC();
		this.store = switch (props.store()) {
			case "memory" -> new MemoryLiveStore(props);
			case "redis" -> redis == null ? new MemoryLiveStore(props) : redis.getObject();
			default -> throw new IllegalArgumentException(
					"packetwalk.live.store must be memory or redis, was '" + props.store() + "'");
		};
	}

	@Override
	public void afterPropertiesSet() {
		sweeper = Flux.interval(props.sweepInterval(), props.sweepInterval(), Schedulers.parallel())
			.subscribe(i -> sweep(clock.instant()));
	}

	/**
	 * On shutdown every follower's stream is closed, so open streams do not hold the
	 * server.
	 */
	@Override
	public void destroy() {
		if (sweeper != null) {
			sweeper.dispose();
		}
		store.close();
	}

	LiveProperties properties() {
		return props;
	}

	static LiveLimitException tooMany(LiveProperties props) {
		return new LiveLimitException(
				"Too many live sessions are open (at most " + props.maxSessions() + "); end one or try again later.");
	}

	static LiveLimitException tooManyForClient(LiveProperties props, long open) {
		return new LiveLimitException("This client has " + open + " live sessions open, the most allowed "
				+ "(setting packetwalk.live.max-sessions-per-client); end one first.");
	}

	/**
	 * A new session for {@code client} (its remote address): at most {@code max-sessions}
	 * open, and at most {@code max-sessions-per-client} of them created by one client (in
	 * memory per replica, in Redis across replicas).
	 */
	Mono<Created> create(LiveView initial, String client) {
		return Mono.defer(() -> {
			LiveView view = initial == null ? new LiveView(null, null, null, null) : initial;
			LiveState state = resolve(view, 0);
			byte[] bytes = new byte[32];
			random.nextBytes(bytes);
			String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
			return store.create(state, hash(token), client, this::newCode, clock.instant())
				.map(s -> new Created(s, token));
		});
	}

	/**
	 * The open session with this code (case and dashes do not matter); 404 when there is
	 * none.
	 */
	Mono<LiveSession> find(String code) {
		return Mono.defer(() -> code == null ? Mono.<LiveSession>empty() : store.find(normalize(code)))
			.switchIfEmpty(Mono.error(() -> new LiveSessionNotFoundException(code)));
	}

	/** The session, if {@code token} is its presenter's; otherwise 403. */
	Mono<LiveSession> authorize(String code, String token) {
		return find(code).map(s -> {
			if (token == null || token.isBlank() || !s.accepts(hash(token.strip()))) {
				throw new LiveForbiddenException("Only the presenter who created live session " + s.code()
						+ " can drive or end it (missing or wrong token).");
			}
			return s;
		});
	}

	/**
	 * The presenter's new view. Fields left out keep the current view's: no scenario
	 * means this one, and within the same scenario no seed or step means the current ones
	 * (another scenario starts at its default seed and intro).
	 */
	Mono<LiveState> update(LiveSession s, LiveView view) {
		return Mono.defer(() -> {
			LiveState cur = s.state();
			String scenario = view.scenario() == null || view.scenario().isBlank() ? cur.scenario() : view.scenario();
			boolean same = scenario.equals(cur.scenario());
			LiveView merged = new LiveView(scenario,
					view.seed() == null && same ? Long.valueOf(cur.seed()) : view.seed(), view.flow(),
					view.step() == null && same ? Integer.valueOf(cur.step()) : view.step());
			return store.update(s, resolve(merged, cur.version()), clock.instant());
		});
	}

	Mono<Void> end(LiveSession s) {
		return store.end(s, "ended");
	}

	/** The current view of an open session, for the follower's page. */
	public Mono<LiveState> current(String code) {
		return code == null ? Mono.empty() : store.find(normalize(code)).map(LiveSession::state);
	}

	long size() {
		return store.size();
	}

	/** Ends the sessions nobody drove for {@code idle-timeout} before {@code now}. */
	void sweep(Instant now) {
		store.sweep(now);
	}

	/**
	 * Checks a presenter's view against the catalogue; unset fields fall back to the
	 * scenario's defaults.
	 */
	private LiveState resolve(LiveView view, long version) {
		String id = view.scenario();
		if (id == null || id.isBlank()) {
			id = catalog.all().isEmpty() ? null : catalog.all().get(0).id();
			if (id == null) {
				throw new LiveBadRequestException("No scenario is loaded to present.");
			}
		}
		String scenarioId = id;
		ScenarioCatalog.Entry e = catalog.find(scenarioId)
			.orElseThrow(() -> new LiveBadRequestException("No scenario with id '" + scenarioId + "'."));
		if (!e.valid()) {
			throw new LiveBadRequestException("Scenario '" + scenarioId + "' has errors.");
		}
		long seed = view.seed() == null ? e.scenario().seed() : view.seed();
		if (seed < 0) {
			throw new LiveBadRequestException("seed must be 0 or more.");
		}
		int step = view.step() == null ? 0 : view.step();
		if (step < 0 || step > 1_000_000) {
			throw new LiveBadRequestException("step must be between 0 (the intro) and 1000000.");
		}
		String flow = view.flow() == null || view.flow().isBlank() ? null : view.flow();
		if (flow != null && (flow.length() > 200
				|| e.scenario().scenario().flows().stream().noneMatch(f -> f.id().equals(flow)))) {
			throw new LiveBadRequestException("Scenario '" + scenarioId + "' has no flow '" + flow + "'.");
		}
		return new LiveState(scenarioId, seed, flow, step, version);
	}

	private String newCode() {
		StringBuilder b = new StringBuilder(CODE_LENGTH);
		for (int i = 0; i < CODE_LENGTH; i++) {
			b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return b.toString();
	}

	/** A code as stored: upper case, without dashes or spaces around it. */
	public static String normalize(String code) {
		return code.replace("-", "").strip().toUpperCase(Locale.ROOT);
	}

	private static byte[] hash(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

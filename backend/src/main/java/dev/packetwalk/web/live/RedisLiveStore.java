package dev.packetwalk.web.live;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.packetwalk.config.LiveProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Live sessions in Redis ({@code packetwalk.live.store=redis}; the server of
 * {@code spring.data.redis.*}), so any number of replicas serve any session and a replica
 * that dies loses nothing of it:
 * <ul>
 * <li>{@code pw:live:s:{code}}, a hash: the view ({@code scenario}, {@code seed},
 * {@code flow}, {@code step}, {@code version}), the SHA-256 of the presenter's token, the
 * creation time. Its TTL is the idle timeout, renewed by every change the presenter
 * makes: an idle session is removed by Redis itself.</li>
 * <li>{@code pw:live:f:{code}}, a hash: each replica's number of followers of the session
 * (same TTL).</li>
 * <li>{@code pw:live:index}, a sorted set of the open codes by expiry time:
 * {@code max-sessions} across replicas.</li>
 * <li>{@code pw:live:c:{client}}, a sorted set of the open codes one client (remote
 * address, kept in the session's {@code client} field) created, by expiry time:
 * {@code max-sessions-per-client} across replicas.</li>
 * <li>channel {@code pw:live}: every change of view, every end and every new follower
 * count, as JSON; each replica subscribes once and feeds the streams of its own
 * followers.</li>
 * </ul>
 * Each replica keeps a handle ({@link LiveSession}) per session it serves, refreshed from
 * Redis on every lookup; its sweeper ends the handles whose key has gone (idle). A
 * replica that shuts down tells its followers to reconnect (without {@code end}), and an
 * EventSource then reconnects through the load balancer to a replica that has the
 * session. Creation, a change of view and a follower count are each one Lua script, so
 * they are atomic.
 */
@Component
@ConditionalOnProperty(prefix = "packetwalk.live", name = "store", havingValue = "redis")
class RedisLiveStore implements LiveStore, InitializingBean, org.springframework.context.SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RedisLiveStore.class);

	static final String CHANNEL = "pw:live";

	static final String INDEX = "pw:live:index";

	static String sessionKey(String code) {
		return "pw:live:s:" + code;
	}

	/**
	 * How an ended session ended, kept a minute, so a replica that notices the end by
	 * itself gives the right reason.
	 */
	static String endedKey(String code) {
		return "pw:live:e:" + code;
	}

	static String clientKey(String client) {
		return "pw:live:c:" + client;
	}

	static String followersKey(String code) {
		return "pw:live:f:" + code;
	}

	/**
	 * What goes over the channel: {@code type} is {@code state}, {@code end} or
	 * {@code followers}.
	 */
	record Message(String type, String code, LiveState state, String reason, Integer followers) {
	}

	/**
	 * 1 created, 0 the code is taken, -1 max-sessions are open, -2
	 * max-sessions-per-client of this client's are open. Expired codes leave the index
	 * and the client's set first (their sessions' TTL has run out).
	 */
	private static final RedisScript<Long> CREATE = RedisScript.of("""
			redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
			if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
			redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
			if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then return -2 end
			if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
			redis.call('HSET', KEYS[1], unpack(ARGV, 6))
			redis.call('PEXPIRE', KEYS[1], ARGV[2])
			local expiry = tonumber(ARGV[1]) + tonumber(ARGV[2])
			redis.call('ZADD', KEYS[2], expiry, ARGV[4])
			redis.call('ZADD', KEYS[3], expiry, ARGV[4])
			redis.call('PEXPIRE', KEYS[3], ARGV[2])
			return 1
			""", Long.class);

	/**
	 * The new version, or -1 when the session has gone. The client's set is named by the
	 * session's {@code client} field, read here (one Redis, not a cluster: the store's
	 * keys are not hash-tagged anyway).
	 */
	private static final RedisScript<Long> UPDATE = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
			local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
			redis.call('HSET', KEYS[1], 'scenario', ARGV[4], 'seed', ARGV[5], 'flow', ARGV[6], 'step', ARGV[7])
			redis.call('PEXPIRE', KEYS[1], ARGV[2])
			redis.call('PEXPIRE', KEYS[3], ARGV[2])
			local expiry = tonumber(ARGV[1]) + tonumber(ARGV[2])
			redis.call('ZADD', KEYS[2], expiry, ARGV[3])
			local client = redis.call('HGET', KEYS[1], 'client')
			if client then
				redis.call('ZADD', ARGV[8] .. client, expiry, ARGV[3])
				redis.call('PEXPIRE', ARGV[8] .. client, ARGV[2])
			end
			return v
			""", Long.class);

	/**
	 * Removes the session, its follower counts and its places in the index and its
	 * client's set; keeps the reason.
	 */
	private static final RedisScript<Long> END = RedisScript.of("""
			local client = redis.call('HGET', KEYS[1], 'client')
			if client then redis.call('ZREM', ARGV[3] .. client, ARGV[1]) end
			redis.call('SET', KEYS[4], ARGV[2], 'EX', 60)
			redis.call('DEL', KEYS[1], KEYS[2])
			redis.call('ZREM', KEYS[3], ARGV[1])
			return 1
			""", Long.class);

	/** Sets this replica's count, publishes the total across replicas, returns it. */
	private static final RedisScript<Long> FOLLOWERS = RedisScript.of(
			"""
					if tonumber(ARGV[2]) > 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) else redis.call('HDEL', KEYS[1], ARGV[1]) end
					local ttl = redis.call('PTTL', KEYS[2])
					if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
					local total = 0
					for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
					redis.call('PUBLISH', ARGV[3], '{"type":"followers","code":"' .. ARGV[4] .. '","followers":' .. total .. '}')
					return total
					""",
			Long.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How often this replica's changed follower counts are written (a burst of joins is
	 * one write per session).
	 */
	private static final Duration COUNT_EVERY = Duration.ofMillis(200);

	private final ReactiveStringRedisTemplate redis;

	private final ReactiveRedisMessageListenerContainer listener;

	private final LiveProperties props;

	/** This replica's name in the follower counts. */
	private final String replica = UUID.randomUUID().toString();

	/** The sessions this replica has served, by code. */
	private final ConcurrentHashMap<String, LiveSession> handles = new ConcurrentHashMap<>();

	/**
	 * Sessions whose follower count on this replica changed since it was last written.
	 */
	private final java.util.Set<String> counted = ConcurrentHashMap.newKeySet();

	private Disposable subscription;

	private Disposable counter;

	RedisLiveStore(ReactiveStringRedisTemplate redis, ReactiveRedisConnectionFactory connections,
			LiveProperties props) {
		this.redis = redis;
		this.listener = new ReactiveRedisMessageListenerContainer(connections);
		this.props = props;
	}

	/**
	 * Subscribes before the server takes requests, so no change published after startup
	 * is missed.
	 */
	@Override
	public void afterPropertiesSet() {
		Flux<String> messages = listener.receiveLater(ChannelTopic.of(CHANNEL)).block(TIMEOUT).map(m -> m.getMessage());
		subscription = messages.subscribe(this::received,
				ex -> log.error("The Redis subscription of live sessions ended", ex));
		counter = Flux.interval(COUNT_EVERY, COUNT_EVERY)
			.onBackpressureDrop()
			.concatMap(i -> writeCounts(), 1)
			.subscribe();
		log.info("Live sessions in Redis (replica {})", replica);
	}

	private void received(String json) {
		try {
			Message m = JSON.readValue(json, Message.class);
			LiveSession s = handles.get(m.code());
			if (s == null) {
				return;
			}
			switch (m.type()) {
				case "state" -> s.apply(m.state());
				case "followers" -> s.followersAcrossReplicas(m.followers());
				case "end" -> {
					handles.remove(m.code(), s);
					s.end(m.reason());
				}
				default -> log.warn("Unknown live message type '{}'", m.type());
			}
		}
		catch (RuntimeException ex) {
			log.warn("Unreadable live message {}", json, ex);
		}
	}

	@Override
	public Mono<LiveSession> create(LiveState initial, byte[] tokenHash, String client, Supplier<String> codes,
			Instant now) {
		return Mono.defer(() -> {
			String code = codes.get();
			List<String> args = List.of(Long.toString(now.toEpochMilli()),
					Long.toString(props.idleTimeout().toMillis()), Integer.toString(props.maxSessions()), code,
					Integer.toString(props.maxSessionsPerClient()), "client", client, "scenario", initial.scenario(),
					"seed", Long.toString(initial.seed()), "flow", initial.flow() == null ? "" : initial.flow(), "step",
					Integer.toString(initial.step()), "version", Long.toString(initial.version()), "token",
					Base64.getEncoder().encodeToString(tokenHash), "created", Long.toString(now.toEpochMilli()));
			return redis.execute(CREATE, List.of(sessionKey(code), INDEX, clientKey(client)), args)
				.next()
				.flatMap(r -> {
					if (r == -1) {
						return Mono.error(LiveSessions.tooMany(props));
					}
					if (r == -2) {
						return Mono.error(LiveSessions.tooManyForClient(props, props.maxSessionsPerClient()));
					}
					return r == 0 ? Mono.empty() : Mono.just(handle(code, tokenHash, initial, now, 0));
				});
		}).repeatWhenEmpty(10, attempts -> attempts).timeout(TIMEOUT);
	}

	@Override
	public Mono<LiveSession> find(String code) {
		Mono<Map<String, String>> fields = redis.<String, String>opsForHash()
			.entries(sessionKey(code))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
		Mono<Long> followers = redis.<String, String>opsForHash()
			.values(followersKey(code))
			.map(Long::parseLong)
			.reduce(0L, Long::sum);
		return Mono.zip(fields, followers).timeout(TIMEOUT).flatMap(t -> {
			Map<String, String> f = t.getT1();
			if (f.isEmpty()) {
				return gone(code).then(Mono.empty());
			}
			LiveState state = new LiveState(f.get("scenario"), Long.parseLong(f.get("seed")),
					f.get("flow").isEmpty() ? null : f.get("flow"), Integer.parseInt(f.get("step")),
					Long.parseLong(f.get("version")));
			return Mono.just(handle(code, Base64.getDecoder().decode(f.get("token")), state,
					Instant.ofEpochMilli(Long.parseLong(f.get("created"))), t.getT2().intValue()));
		});
	}

	/**
	 * This replica's handle on the session, created on first use, brought up to the
	 * stored state.
	 */
	private LiveSession handle(String code, byte[] tokenHash, LiveState state, Instant created, int followers) {
		LiveSession s = handles.compute(code, (c, old) -> {
			if (old != null && !old.ended()) {
				return old;
			}
			LiveSession fresh = new LiveSession(c, tokenHash, state, created);
			fresh.countAcrossReplicas(delta -> counted.add(c), followers);
			return fresh;
		});
		s.apply(state);
		return s;
	}

	/**
	 * Writes this replica's follower count of every session where it changed; every
	 * replica hears the totals.
	 */
	private Mono<Void> writeCounts() {
		List<String> codes = List.copyOf(counted);
		codes.forEach(counted::remove);
		return Flux.fromIterable(codes).flatMap(code -> {
			LiveSession s = handles.get(code);
			int n = s == null ? 0 : s.localFollowers();
			return redis
				.execute(FOLLOWERS, List.of(followersKey(code), sessionKey(code)),
						List.of(replica, Integer.toString(n), CHANNEL, code))
				.timeout(TIMEOUT)
				.onErrorResume(ex -> {
					log.warn("Could not count the followers of live session {} in Redis: {}", code, ex.toString());
					counted.add(code);
					return Mono.empty();
				});
		}, 16).then();
	}

	@Override
	public Mono<LiveState> update(LiveSession s, LiveState next, Instant now) {
		LiveState cur = s.state();
		if (cur.scenario().equals(next.scenario()) && cur.seed() == next.seed() && cur.step() == next.step()
				&& java.util.Objects.equals(cur.flow(), next.flow())) {
			return Mono.just(cur); // the same view again (a re-sent PUT): nothing to tell
									// followers, but the presenter is there
		}
		List<String> args = List.of(Long.toString(now.toEpochMilli()), Long.toString(props.idleTimeout().toMillis()),
				s.code(), next.scenario(), Long.toString(next.seed()), next.flow() == null ? "" : next.flow(),
				Integer.toString(next.step()), clientKey(""));
		return redis.execute(UPDATE, List.of(sessionKey(s.code()), INDEX, followersKey(s.code())), args)
			.next()
			.timeout(TIMEOUT)
			.flatMap(v -> {
				if (v < 0) {
					return Mono.error(new LiveSessionNotFoundException(s.code()));
				}
				LiveState stored = new LiveState(next.scenario(), next.seed(), next.flow(), next.step(), v);
				s.apply(stored);
				return publish(new Message("state", s.code(), stored, null, null)).thenReturn(stored);
			});
	}

	@Override
	public Mono<Void> end(LiveSession s, String reason) {
		return redis
			.execute(END, List.of(sessionKey(s.code()), followersKey(s.code()), INDEX, endedKey(s.code())),
					List.of(s.code(), reason, clientKey("")))
			.then(publish(new Message("end", s.code(), null, reason, null)))
			.timeout(TIMEOUT)
			.then(Mono.fromRunnable(() -> {
				handles.remove(s.code(), s);
				s.end(reason);
			}));
	}

	private Mono<Long> publish(Message m) {
		return redis.convertAndSend(CHANNEL, JSON.writeValueAsString(m));
	}

	/**
	 * Ends this replica's handle on a session that has gone from Redis: ended by its
	 * presenter, else idle (TTL).
	 */
	private Mono<Void> gone(String code) {
		LiveSession s = handles.get(code);
		if (s == null) {
			return Mono.empty();
		}
		return redis.opsForValue().get(endedKey(code)).defaultIfEmpty("idle").doOnNext(reason -> {
			handles.remove(code, s);
			s.end(reason);
		}).then();
	}

	/**
	 * Redis removes idle sessions (TTL); this ends the handles whose session has gone.
	 */
	@Override
	public void sweep(Instant now) {
		for (String code : List.copyOf(handles.keySet())) {
			redis.hasKey(sessionKey(code))
				.flatMap(exists -> exists ? Mono.empty() : gone(code))
				.timeout(TIMEOUT)
				.subscribe(v -> {
				}, ex -> log.warn("Could not check live session {} in Redis: {}", code, ex.toString()));
		}
	}

	@Override
	public long size() {
		Long n = redis.opsForZSet()
			.removeRangeByScore(INDEX,
					org.springframework.data.domain.Range.closed(Double.NEGATIVE_INFINITY,
							(double) System.currentTimeMillis()))
			.then(redis.opsForZSet().size(INDEX))
			.block(TIMEOUT);
		return n == null ? 0 : n;
	}

	private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

	private volatile boolean running;

	@Override
	public void start() {
		running = true;
	}

	/**
	 * After the web server's shutdown, before the Redis connection factory's (phase 0)
	 * stop.
	 */
	@Override
	public void stop() {
		running = false;
		close();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return 1;
	}

	/**
	 * The sessions go on in Redis; this replica's followers are told to reconnect
	 * elsewhere. Idempotent.
	 */
	@Override
	public void close() {
		if (!closed.compareAndSet(false, true)) {
			return;
		}
		if (subscription != null) {
			subscription.dispose();
		}
		if (counter != null) {
			counter.dispose();
		}
		List<LiveSession> served = List.copyOf(handles.values());
		served.forEach(LiveSession::detach);
		// this replica's followers have gone: say so before leaving (the handles stay
		// until then, with 0 followers)
		try {
			writeCounts().block(TIMEOUT);
		}
		catch (RuntimeException ex) {
			log.warn("Could not write the last follower counts to Redis: {}", ex.toString());
		}
		handles.clear();
		listener.destroyLater().subscribe();
	}

}

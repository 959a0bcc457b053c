package dev.packetwalk.web.live;

import java.time.Instant;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Where live sessions are kept ({@code packetwalk.live.store}): {@code memory} (one
 * replica; {@link MemoryLiveStore}) or {@code redis} (any number of replicas sharing one
 * Redis; {@link RedisLiveStore}). A {@link LiveSession} returned here is this replica's
 * handle on the session: its followers' streams are fed from it.
 */
interface LiveStore {

	/**
	 * A new session created by {@code client} (its remote address) with the first free
	 * code {@code codes} gives; fails with {@link LiveLimitException} when
	 * {@code max-sessions} are open, or {@code max-sessions-per-client} of them were
	 * created by this client and are still open.
	 */
	Mono<LiveSession> create(LiveState initial, byte[] tokenHash, String client, Supplier<String> codes, Instant now);

	/**
	 * The open session with this (normalized) code, its state as stored now; empty when
	 * there is none.
	 */
	Mono<LiveSession> find(String code);

	/**
	 * Stores the presenter's next view (its version is the stored one plus one) and tells
	 * every follower.
	 */
	Mono<LiveState> update(LiveSession session, LiveState next, Instant now);

	/** Ends the session everywhere; followers get {@code end} with the reason. */
	Mono<Void> end(LiveSession session, String reason);

	/**
	 * Ends what has been idle since before {@code now} minus the idle timeout (in Redis:
	 * what its TTL removed).
	 */
	void sweep(Instant now);

	/** Open sessions (in Redis: across replicas). */
	long size();

	/**
	 * This replica stops: its followers' streams close (ended in memory; told to
	 * reconnect with Redis).
	 */
	void close();

}

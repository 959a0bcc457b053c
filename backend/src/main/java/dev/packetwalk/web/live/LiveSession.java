package dev.packetwalk.web.live;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.codec.ServerSentEvent;

/**
 * One live session: the presenter's current view, its followers, and how it ended.
 * Transport state only: a view is a scenario id, a seed and a step; the trace itself is
 * computed by each follower's page from the API.
 * <p>
 * Every change goes through a replay-the-latest sink, so a follower who joins gets the
 * current view first and then every change; emissions are serialized by this object's
 * monitor.
 */
final class LiveSession {

	/**
	 * What goes down a follower's stream: a view, or the end of the session (always
	 * last). Serialized once here, not once per follower: with thousands of followers
	 * that is most of the work of a step.
	 */
	sealed interface Event permits StateChanged, Ended, Reconnect {

		ServerSentEvent<String> sse();

	}

	record StateChanged(LiveState state, ServerSentEvent<String> sse) implements Event {

		StateChanged(LiveState state) {
			this(state,
					ServerSentEvent.builder(JSON.writeValueAsString(state))
						.id(Long.toString(state.version()))
						.event("state")
						.build());
		}

	}

	/**
	 * {@code reason}: {@code ended} (by the presenter), {@code idle} (timed out) or
	 * {@code shutdown}.
	 */
	record Ended(String reason, ServerSentEvent<String> sse) implements Event {

		Ended(String reason) {
			this(reason,
					ServerSentEvent.builder(JSON.writeValueAsString(Map.of("reason", reason))).event("end").build());
		}

	}

	/**
	 * This replica stops serving the session (it shuts down) while the session goes on
	 * elsewhere (the Redis store): a comment, then the stream closes without {@code end},
	 * so the follower's EventSource reconnects (to another replica).
	 */
	record Reconnect(ServerSentEvent<String> sse) implements Event {

		static final Reconnect INSTANCE = new Reconnect(
				ServerSentEvent.<String>builder().comment("this replica is shutting down; reconnect").build());

	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String code;

	private final byte[] tokenHash;

	private final Instant created;

	private final Sinks.Many<Event> events = Sinks.many().replay().latest();

	private final Sinks.Many<Integer> followerCounts = Sinks.many().replay().latest();

	private final AtomicInteger followers = new AtomicInteger();

	private volatile LiveState state;

	private volatile Instant lastActivity;

	private volatile String endReason;

	/**
	 * Null: followers are counted here (one replica). Otherwise told every join (+1) and
	 * leave (-1), and the count across replicas comes back through
	 * {@link #followersAcrossReplicas}.
	 */
	private volatile java.util.function.IntConsumer joins;

	private volatile int total;

	LiveSession(String code, byte[] tokenHash, LiveState initial, Instant now) {
		this.code = code;
		this.tokenHash = tokenHash;
		this.created = now;
		this.lastActivity = now;
		this.state = initial;
		this.events.tryEmitNext(new StateChanged(initial));
		this.followerCounts.tryEmitNext(0);
	}

	String code() {
		return code;
	}

	Instant created() {
		return created;
	}

	LiveState state() {
		return state;
	}

	Instant lastActivity() {
		return lastActivity;
	}

	/**
	 * Followers of the session: on this replica, or on every replica when counted across
	 * them.
	 */
	int followers() {
		return joins == null ? followers.get() : total;
	}

	/** Followers of the session on this replica. */
	int localFollowers() {
		return followers.get();
	}

	/**
	 * Counts followers across replicas: {@code joins} is told every local join and leave.
	 */
	void countAcrossReplicas(java.util.function.IntConsumer joins, int totalNow) {
		this.total = totalNow;
		this.joins = joins;
	}

	/** The count across replicas has changed (another replica, or this one, reported). */
	void followersAcrossReplicas(int totalNow) {
		total = totalNow;
		synchronized (followerCounts) {
			followerCounts.tryEmitNext(totalNow);
		}
	}

	/**
	 * A view the presenter set through another replica: taken when newer than the one
	 * held.
	 */
	synchronized void apply(LiveState next) {
		if (ended() || next.version() <= state.version()) {
			return;
		}
		state = next;
		events.emitNext(new StateChanged(next), Sinks.EmitFailureHandler.FAIL_FAST);
	}

	/**
	 * This replica stops serving the session, which goes on elsewhere: followers are told
	 * to reconnect.
	 */
	synchronized void detach() {
		if (ended()) {
			return;
		}
		endReason = "detached";
		events.emitNext(Reconnect.INSTANCE, Sinks.EmitFailureHandler.FAIL_FAST);
		events.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
		synchronized (followerCounts) {
			followerCounts.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
		}
	}

	byte[] tokenHash() {
		return tokenHash.clone();
	}

	boolean ended() {
		return endReason != null;
	}

	/** Constant-time comparison of the token's SHA-256 with the one kept at creation. */
	boolean accepts(byte[] presentedTokenHash) {
		return presentedTokenHash != null && MessageDigest.isEqual(tokenHash, presentedTokenHash);
	}

	/**
	 * The presenter's new view; returns it with its version. Ignored (returns the last
	 * one) once ended.
	 */
	synchronized LiveState update(String scenario, long seed, String flow, int step, Instant now) {
		if (ended()) {
			return state;
		}
		lastActivity = now;
		LiveState s = state;
		if (s.scenario().equals(scenario) && s.seed() == seed && s.step() == step
				&& java.util.Objects.equals(s.flow(), flow)) {
			return s; // the same view again (a re-sent PUT): nothing to tell followers
		}
		state = new LiveState(scenario, seed, flow, step, s.version() + 1);
		events.emitNext(new StateChanged(state), Sinks.EmitFailureHandler.FAIL_FAST);
		return state;
	}

	/** Marks the presenter as still there without changing the view. */
	void touch(Instant now) {
		lastActivity = now;
	}

	/**
	 * Ends the session: followers get {@code end} and their streams complete. Idempotent.
	 */
	synchronized void end(String reason) {
		if (ended()) {
			return;
		}
		endReason = reason;
		events.emitNext(new Ended(reason), Sinks.EmitFailureHandler.FAIL_FAST);
		events.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
		synchronized (followerCounts) {
			followerCounts.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
		}
	}

	String endReason() {
		return endReason;
	}

	/**
	 * A follower's events: the current view, each change, then {@code Ended}. Counted as
	 * a follower from subscription to cancellation or completion (a closed connection
	 * cancels).
	 */
	Flux<Event> follow() {
		return Flux.defer(() -> {
			joined(1);
			return events.asFlux().onBackpressureLatest().doFinally(signal -> joined(-1));
		});
	}

	/** How many follow, now and at every change (for the presenter). */
	Flux<Integer> followerCounts() {
		return followerCounts.asFlux();
	}

	private void joined(int delta) {
		followers.addAndGet(delta);
		java.util.function.IntConsumer across = joins;
		if (across != null) {
			across.accept(delta);
			return;
		}
		synchronized (followerCounts) {
			// read under the lock, so the last count emitted is the current one; after
			// the end the sink is complete:
			// the emission is refused and that is fine
			followerCounts.tryEmitNext(followers.get());
		}
	}

}

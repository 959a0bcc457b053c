package dev.packetwalk.web.live;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.packetwalk.config.LiveProperties;
import reactor.core.publisher.Mono;

/**
 * Live sessions in this JVM's memory ({@code packetwalk.live.store=memory}, the default):
 * one replica.
 */
final class MemoryLiveStore implements LiveStore {

	private final ConcurrentHashMap<String, LiveSession> sessions = new ConcurrentHashMap<>();

	/**
	 * Who created each open session (a remote address), for
	 * {@code max-sessions-per-client}.
	 */
	private final ConcurrentHashMap<String, String> clients = new ConcurrentHashMap<>();

	private final LiveProperties props;

	MemoryLiveStore(LiveProperties props) {
		this.props = props;
	}

	@Override
	public Mono<LiveSession> create(LiveState initial, byte[] tokenHash, String client, Supplier<String> codes,
			Instant now) {
		return Mono.fromSupplier(() -> {
			synchronized (this) { // the two limits are checked and the session added as
									// one step
				if (sessions.size() >= props.maxSessions()) {
					throw LiveSessions.tooMany(props);
				}
				long mine = clients.values().stream().filter(client::equals).count();
				if (mine >= props.maxSessionsPerClient()) {
					throw LiveSessions.tooManyForClient(props, mine);
				}
				while (true) {
					LiveSession s = new LiveSession(codes.get(), tokenHash, initial, now);
					if (sessions.putIfAbsent(s.code(), s) == null) {
						clients.put(s.code(), client);
						return s;
					}
				}
			}
		});
	}

	@Override
	public Mono<LiveSession> find(String code) {
		LiveSession s = sessions.get(code);
		return s == null || s.ended() ? Mono.empty() : Mono.just(s);
	}

	@Override
	public Mono<LiveState> update(LiveSession s, LiveState next, Instant now) {
		return Mono.fromSupplier(() -> s.update(next.scenario(), next.seed(), next.flow(), next.step(), now));
	}

	@Override
	public Mono<Void> end(LiveSession s, String reason) {
		return Mono.fromRunnable(() -> remove(s, reason));
	}

	@Override
	public void sweep(Instant now) {
		Instant limit = now.minus(props.idleTimeout());
		for (LiveSession s : List.copyOf(sessions.values())) {
			if (s.lastActivity().isBefore(limit)) {
				remove(s, "idle");
			}
		}
	}

	@Override
	public long size() {
		return sessions.size();
	}

	@Override
	public void close() {
		List.copyOf(sessions.values()).forEach(s -> remove(s, "shutdown"));
	}

	private void remove(LiveSession s, String reason) {
		if (sessions.remove(s.code(), s)) {
			clients.remove(s.code());
		}
		s.end(reason);
	}

}

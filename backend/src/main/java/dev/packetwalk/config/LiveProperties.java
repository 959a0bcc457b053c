package dev.packetwalk.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code packetwalk.live.*}: live follow-along sessions (a presenter drives, followers
 * watch over SSE).
 *
 * @param idleTimeout a session nobody drove for this long ends by itself (its followers'
 * streams close)
 * @param maxSessions how many sessions may be open at once (creating one more: 503)
 * @param maxFollowers how many followers one session may have at once (one more: 503)
 * @param heartbeat how often an SSE comment goes to every open stream (keeps proxies from
 * closing it, finds dead connections)
 * @param sweepInterval how often idle sessions are looked for
 * @param maxSessionsPerClient how many sessions one client (remote address) may have open
 * at once (one more: 503); in memory counted on this replica, in Redis across every
 * replica sharing it
 * @param allowedOrigins the origins besides the app's own whose pages may create, drive
 * or end sessions (a browser's {@code Origin} header; a request without one, from a
 * script, is not checked)
 * @param store where sessions are kept: {@code memory} (one replica) or {@code redis}
 * (every replica sharing the Redis of {@code spring.data.redis.*} serves every session;
 * idle expiry is the key's TTL)
 */
@ConfigurationProperties("packetwalk.live")
public record LiveProperties(@DefaultValue("30m") Duration idleTimeout, @DefaultValue("100") int maxSessions,
		@DefaultValue("10000") int maxFollowers, @DefaultValue("15s") Duration heartbeat,
		@DefaultValue("10s") Duration sweepInterval, @DefaultValue("5") int maxSessionsPerClient, @DefaultValue( {
		}) java.util.List<String> allowedOrigins, @DefaultValue("memory") String store){

	@org.springframework.boot.context.properties.bind.ConstructorBinding
	public LiveProperties {
		allowedOrigins = allowedOrigins == null ? java.util.List.of() : java.util.List.copyOf(allowedOrigins);
		if (!store.equals("memory") && !store.equals("redis")) {
			throw new IllegalArgumentException("packetwalk.live.store must be memory or redis, was '" + store + "'");
		}
	}

	/** In memory (one replica). */
	public LiveProperties(Duration idleTimeout, int maxSessions, int maxFollowers, Duration heartbeat,
			Duration sweepInterval, int maxSessionsPerClient, java.util.List<String> allowedOrigins) {
		this(idleTimeout, maxSessions, maxFollowers, heartbeat, sweepInterval, maxSessionsPerClient, allowedOrigins,
				"memory");
	}

}

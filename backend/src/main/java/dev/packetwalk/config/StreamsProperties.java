package dev.packetwalk.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code packetwalk.streams.*}: the Server-Sent Event streams
 * ({@code /api/scenarios/{id}/events}, {@code /api/scenarios/changes}).
 *
 * @param heartbeat how often a comment line ({@code :heartbeat}) is sent on an open
 * stream, so proxies and load balancers do not close it as idle
 * @param buffer how many events a stream fed by something other than its consumer (the
 * changes of local scenarios) holds for a consumer that does not read; one more and the
 * consumer is disconnected with {@code event: disconnect} and a reason
 */
@ConfigurationProperties("packetwalk.streams")
public record StreamsProperties(@DefaultValue("15s") Duration heartbeat, @DefaultValue("256") int buffer) {

	public StreamsProperties {
		if (heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("packetwalk.streams.heartbeat must be positive, was " + heartbeat);
		}
		if (buffer < 1) {
			throw new IllegalArgumentException("packetwalk.streams.buffer must be at least 1, was " + buffer);
		}
	}

}

package dev.packetwalk.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * PacketWalk's settings ({@code packetwalk.*}).
 *
 * @param stepDelay default pause between two SSE step events of {@code /events} (a query
 * parameter overrides it)
 * @param maxStepDelay the longest pause a client may ask for
 * @param maxSamples the most traces one distribution request may run
 * @param frameAncestors the CSP frame-ancestors source list: who may embed the pages in a
 * frame (default: anyone, since the content is public teaching material)
 * @param embedFrameAncestors the same for the embeddable player {@code /embed/**}
 * (default: anyone; slides and blogs embed it)
 */
@ConfigurationProperties("packetwalk")
public record PacketWalkProperties(@DefaultValue("300ms") Duration stepDelay, @DefaultValue("5s") Duration maxStepDelay,
		@DefaultValue("5000") int maxSamples, @DefaultValue("*") String frameAncestors,
		@DefaultValue("*") String embedFrameAncestors) {

}

package dev.packetwalk.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * PacketWalk's own meters (Micrometer; the names are in docs/api.md, "Operations"):
 * {@code packetwalk.traces.computed} (tag {@code source}: {@code catalog}, {@code posted}),
 * {@code packetwalk.streams.active} (gauge, tag {@code stream}: {@code events}, {@code changes}) and
 * {@code packetwalk.streams.dropped} (slow consumers disconnected, tag {@code stream}).
 */
@Component
public class Metrics {

	private final MeterRegistry registry;

	private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();

	Metrics(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry.getIfAvailable(SimpleMeterRegistry::new);
	}

	MeterRegistry registry() {
		return registry;
	}

	void traceComputed(String source) {
		Counter.builder("packetwalk.traces.computed")
			.description("traces computed by the engine")
			.tag("source", source)
			.register(registry)
			.increment();
	}

	/** The live subscriptions of one kind of stream (a gauge of the same name is registered once). */
	AtomicInteger active(String stream) {
		return active.computeIfAbsent(stream, s -> {
			AtomicInteger n = new AtomicInteger();
			Gauge.builder("packetwalk.streams.active", n, AtomicInteger::get)
				.description("open Server-Sent Event streams")
				.tag("stream", s)
				.register(registry);
			return n;
		});
	}

	/** Open streams of this kind now. */
	public int activeStreams(String stream) {
		return active(stream).get();
	}

	void slowConsumerDropped(String stream) {
		Counter.builder("packetwalk.streams.dropped")
			.description("stream consumers disconnected for being too far behind")
			.tag("stream", stream)
			.register(registry)
			.increment();
	}

	/** Slow consumers disconnected so far on this kind of stream. */
	public double droppedConsumers(String stream) {
		Counter c = registry.find("packetwalk.streams.dropped").tag("stream", stream).counter();
		return c == null ? 0 : c.count();
	}

	/** Traces computed so far for this source. */
	public double tracesComputed(String source) {
		Counter c = registry.find("packetwalk.traces.computed").tag("source", source).counter();
		return c == null ? 0 : c.count();
	}

}

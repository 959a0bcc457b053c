package dev.packetwalk.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.SignalType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * PacketWalk's own meters (Micrometer; the names are in docs/api.md, "Operations"):
 * {@code packetwalk.traces.computed} (tag {@code source}: {@code catalog},
 * {@code posted}), {@code packetwalk.streams.active} (gauge, tag {@code stream}:
 * {@code events}, {@code changes}) and {@code packetwalk.streams.dropped} (slow consumers
 * disconnected, tag {@code stream}), {@code packetwalk.streams.ended} (streams ended,
 * tags {@code stream} and {@code how}: {@code complete}, {@code cancel} (the client went
 * away: closed, reset), {@code error}) and {@code packetwalk.clients.gone} (answers whose
 * client went away while they were written: a reset, a dropped connection).
 */
@Component
public class Metrics {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Metrics.class);

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

	/**
	 * The live subscriptions of one kind of stream (a gauge of the same name is
	 * registered once).
	 */
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

	/**
	 * A stream of this kind ended, counted by how: {@code complete}, {@code cancel} or
	 * {@code error}. A client that goes away (a closed tab, a phone losing Wi-Fi: a TCP
	 * reset) cancels its stream; that is an ordinary event, worth one DEBUG line.
	 */
	public void streamEnded(String stream, SignalType signal) {
		String how = switch (signal) {
			case CANCEL -> "cancel";
			case ON_ERROR -> "error";
			default -> "complete";
		};
		if (signal == SignalType.CANCEL) {
			log.debug("A client of a {} stream went away (closed or reset its connection)", stream);
		}
		Counter.builder("packetwalk.streams.ended")
			.description("Server-Sent Event streams ended, by how they ended")
			.tag("stream", stream)
			.tag("how", how)
			.register(registry)
			.increment();
	}

	/** Streams of this kind ended this way so far. */
	public double streamsEnded(String stream, String how) {
		Counter c = registry.find("packetwalk.streams.ended").tag("stream", stream).tag("how", how).counter();
		return c == null ? 0 : c.count();
	}

	/**
	 * An answer could not be written because its client went away (a reset, a dropped
	 * connection).
	 */
	void clientGone() {
		Counter.builder("packetwalk.clients.gone")
			.description("answers whose client went away while they were written")
			.register(registry)
			.increment();
	}

	/** Slow consumers disconnected so far on this kind of stream. */
	public double droppedConsumers(String stream) {
		Counter c = registry.find("packetwalk.streams.dropped").tag("stream", stream).counter();
		return c == null ? 0 : c.count();
	}

	/**
	 * Gauges of one work lane ({@link WorkLanes}): requests whose work runs now, and
	 * requests waiting for a thread.
	 */
	void workLane(String lane, java.util.function.ToIntFunction<String> running,
			java.util.function.ToIntFunction<String> queued) {
		Gauge.builder("packetwalk.work.running", () -> running.applyAsInt(lane))
			.description("requests whose work is running now")
			.tag("lane", lane)
			.register(registry);
		Gauge.builder("packetwalk.work.queued", () -> queued.applyAsInt(lane))
			.description("requests waiting for a thread of their work lane")
			.tag("lane", lane)
			.register(registry);
	}

	/**
	 * A request's work ended, by how: {@code done}, {@code failed}, {@code too-expensive}
	 * (stopped at its deadline), {@code too-large} (its trace grew past the limits),
	 * {@code cancelled} (its client went away or it was answered while it ran),
	 * {@code not-started} (gone or timed out while queued), {@code refused} (queue full).
	 */
	void workEnded(String lane, String how) {
		Counter.builder("packetwalk.work.ended")
			.description("requests' work ended, by how")
			.tag("lane", lane)
			.tag("how", how)
			.register(registry)
			.increment();
	}

	/** Requests of this lane whose work ended this way so far. */
	public double workEndedCount(String lane, String how) {
		Counter c = registry.find("packetwalk.work.ended").tag("lane", lane).tag("how", how).counter();
		return c == null ? 0 : c.count();
	}

	/** Traces computed so far for this source. */
	public double tracesComputed(String source) {
		Counter c = registry.find("packetwalk.traces.computed").tag("source", source).counter();
		return c == null ? 0 : c.count();
	}

}

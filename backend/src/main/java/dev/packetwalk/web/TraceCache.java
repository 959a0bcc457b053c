package dev.packetwalk.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.config.TraceCacheProperties;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.stereotype.Component;

/**
 * Traces of catalogue scenarios computed once: a trace is a pure function of (scenario,
 * seed), so its encoded forms are kept in a bounded Caffeine cache per (scenario version,
 * seed, what was asked: the trace, its SSE events, a probe), least used evicted first,
 * bounded by {@code packetwalk.trace-cache.max-bytes} and {@code max-entries}. Concurrent
 * requests for the same key wait for one computation.
 * <p>
 * The scenario version is the catalogue entry itself: a local file that changes is
 * compiled into a new entry, so a request after the change can never find the old trace;
 * the old entry's traces are dropped when the change is announced. Posted drafts
 * ({@code POST /api/trace}) never come here.
 * <p>
 * The SSE bytes are exactly what Spring's {@code ServerSentEventHttpMessageWriter} writes
 * for the same events ({@code TraceCacheTest} compares them for every built-in), written
 * as buffers wrapping the cached array: nothing is serialised per request.
 */
@Component
public class TraceCache implements DisposableBean {

	/**
	 * A scenario version (compared by identity: a changed file is a new entry), a seed,
	 * and what was asked.
	 */
	private record Key(IdentityOf entry, long seed, String what) {
	}

	/** Identity equality for a record that would otherwise compare deeply. */
	private record IdentityOf(ScenarioCatalog.Entry entry) {

		@Override
		public boolean equals(Object o) {
			return o instanceof IdentityOf other && other.entry == entry;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(entry);
		}

	}

	/**
	 * A trace's SSE stream, encoded: every event's bytes one after the other in
	 * {@code bytes}, event {@code i} ending at {@code ends[i]}.
	 */
	public record EncodedEvents(byte[] bytes, int[] ends) {

		public int count() {
			return ends.length;
		}

		/** The whole stream as one buffer (no pacing). */
		public DataBuffer all(DataBufferFactory factory) {
			return factory.wrap(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
		}

		/** Event {@code i} alone. */
		public DataBuffer event(int i, DataBufferFactory factory) {
			int start = i == 0 ? 0 : ends[i - 1];
			return factory.wrap(ByteBuffer.wrap(bytes, start, ends[i] - start).slice().asReadOnlyBuffer());
		}

		int weight() {
			return bytes.length + 4 * ends.length + 64;
		}

	}

	private record Value(EncodedEvents events, byte[] json) {

		int weight() {
			return 96 + (events == null ? 0 : events.weight()) + (json == null ? 0 : json.length + 16);
		}

	}

	private final Cache<Key, Value> cache;

	private final boolean enabled;

	private final Metrics metrics;

	private final Disposable invalidation;

	TraceCache(TraceCacheProperties props, ScenarioCatalog catalog, Metrics metrics) {
		this.enabled = props.enabled();
		this.metrics = metrics;
		long maxBytes = props.maxBytes().toBytes();
		// each entry weighs at least maxBytes / maxEntries, so maxEntries of them already
		// fill maxBytes
		int floor = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes / props.maxEntries()));
		this.cache = Caffeine.newBuilder()
			.maximumWeight(maxBytes)
			.<Key, Value>weigher((k, v) -> Math.max(floor, v.weight()))
			.executor(Runnable::run)
			.recordStats()
			.build();
		CaffeineCacheMetrics.monitor(metrics.registry(), cache, "traces");
		// a changed local scenario: its old versions' traces are unreachable already;
		// free them now
		this.invalidation = catalog.changes()
			.subscribe(id -> cache.asMap().keySet().removeIf(k -> k.entry().entry().id().equals(id)));
	}

	/**
	 * The SSE events of a catalogue scenario's trace, computed (by {@code trace}) on a
	 * miss.
	 */
	public EncodedEvents events(ScenarioCatalog.Entry entry, long seed, Supplier<Trace> trace) {
		return lookup(entry, seed, "events", () -> new Value(encode(trace.get()), null)).events();
	}

	/**
	 * The JSON of a catalogue scenario's trace, or of a probe in it ({@code what} names
	 * which), computed on a miss.
	 */
	public byte[] json(ScenarioCatalog.Entry entry, long seed, String what, Supplier<String> json) {
		return lookup(entry, seed, what, () -> new Value(null, json.get().getBytes(StandardCharsets.UTF_8))).json();
	}

	/**
	 * The SSE events: a cached trace at once (a hit costs no work), otherwise computed in
	 * the catalogue lane of {@code lanes} (bounded: 503 when it is full), as every other
	 * piece of catalogue work.
	 */
	Mono<EncodedEvents> events(WorkLanes lanes, ScenarioCatalog.Entry entry, long seed, Supplier<Trace> trace) {
		Value v = cached(entry, seed, "events");
		return v != null ? Mono.just(v.events()) : lanes.catalog(() -> events(entry, seed, trace));
	}

	/**
	 * The JSON ({@code what}: the trace or a probe): cached at once, otherwise computed
	 * in the catalogue lane.
	 */
	Mono<byte[]> json(WorkLanes lanes, ScenarioCatalog.Entry entry, long seed, String what, Supplier<String> json) {
		Value v = cached(entry, seed, what);
		return v != null ? Mono.just(v.json()) : lanes.catalog(() -> json(entry, seed, what, json));
	}

	private Value cached(ScenarioCatalog.Entry entry, long seed, String what) {
		return enabled ? cache.getIfPresent(new Key(new IdentityOf(entry), seed, what)) : null;
	}

	private Value lookup(ScenarioCatalog.Entry entry, long seed, String what, Supplier<Value> compute) {
		Supplier<Value> counted = () -> {
			Value v = compute.get();
			metrics.traceComputed("catalog");
			return v;
		};
		return enabled ? cache.get(new Key(new IdentityOf(entry), seed, what), k -> counted.get()) : counted.get();
	}

	/** The encoded bytes held now (the cache's weighted size; maintenance run first). */
	public long weightedSize() {
		cache.cleanUp();
		return cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
	}

	/** How many entries are held now. */
	public long size() {
		cache.cleanUp();
		return cache.estimatedSize();
	}

	/** Drops everything (for tests and benchmarks). */
	public void clear() {
		cache.invalidateAll();
		cache.cleanUp();
	}

	/**
	 * A trace's events in the SSE wire format, as {@link ScenarioApiController} streams
	 * them.
	 */
	static EncodedEvents encode(Trace trace) {
		List<TraceEvents.StepEvent> steps = TraceEvents.steps(trace);
		StringBuilder sb = new StringBuilder(steps.size() * 512);
		int[] ends = new int[steps.size() + 1];
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(steps.size() * 512);
		for (int i = 0; i < steps.size(); i++) {
			TraceEvents.StepEvent s = steps.get(i);
			append(out, sb, Integer.toString(s.seq()), TraceEvents.typeName(s.data()), TraceJson.write(s));
			ends[i] = out.size();
		}
		append(out, sb, Integer.toString(steps.size()), "end", TraceJson.write(TraceEvents.end(trace, steps.size())));
		ends[steps.size()] = out.size();
		return new EncodedEvents(out.toByteArray(), ends);
	}

	/**
	 * One event as Spring's SSE writer frames it: {@code id:}, {@code event:},
	 * {@code data:} per line, a blank line.
	 */
	private static void append(java.io.ByteArrayOutputStream out, StringBuilder sb, String id, String event,
			String data) {
		sb.setLength(0);
		sb.append("id:").append(id).append('\n');
		sb.append("event:").append(event).append('\n');
		sb.append("data:").append(data.replace("\n", "\ndata:")).append("\n\n");
		out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void destroy() {
		invalidation.dispose();
	}

}

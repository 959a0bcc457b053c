package dev.packetwalk.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.packetwalk.budget.Budget;
import dev.packetwalk.budget.BudgetExceededException;
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
	 * A trace's SSE stream, encoded: the events' bytes one after the other in chunks of
	 * about 64 KB that each hold whole events (so a heartbeat written between two chunks
	 * never lands inside an event); event {@code i} is in chunk {@code chunkOf[i]} and
	 * ends at {@code ends[i]} there.
	 */
	public record EncodedEvents(List<byte[]> chunks, int[] chunkOf, int[] ends) {

		public int count() {
			return ends.length;
		}

		/** The whole stream (no pacing): a buffer per chunk. */
		public List<DataBuffer> all(DataBufferFactory factory) {
			List<DataBuffer> out = new java.util.ArrayList<>(chunks.size());
			for (byte[] chunk : chunks) {
				out.add(factory.wrap(ByteBuffer.wrap(chunk).asReadOnlyBuffer()));
			}
			return out;
		}

		/** Event {@code i} alone. */
		public DataBuffer event(int i, DataBufferFactory factory) {
			int start = i == 0 || chunkOf[i - 1] != chunkOf[i] ? 0 : ends[i - 1];
			return factory
				.wrap(ByteBuffer.wrap(chunks.get(chunkOf[i]), start, ends[i] - start).slice().asReadOnlyBuffer());
		}

		/** The bytes of the whole stream. */
		public long size() {
			return JsonChunks.length(chunks);
		}

		int weight() {
			return (int) Math.min(Integer.MAX_VALUE / 2, size() + 8L * ends.length + 32L * chunks.size() + 64);
		}

	}

	/** A trace's (or a probe's) JSON in chunks ({@link JsonChunks}). */
	private record Value(EncodedEvents events, List<byte[]> json) {

		int weight() {
			return 96 + (events == null ? 0 : events.weight()) + (json == null ? 0
					: (int) Math.min(Integer.MAX_VALUE / 2, JsonChunks.length(json) + 32L * json.size()));
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
	 * miss, without a limit.
	 */
	public EncodedEvents events(ScenarioCatalog.Entry entry, long seed, Supplier<Trace> trace) {
		return lookup(entry, seed, "events", () -> new Value(encode(trace.get(), Long.MAX_VALUE), null)).events();
	}

	/**
	 * The JSON of a catalogue scenario's trace, or of a probe in it ({@code what} names
	 * which), computed on a miss, without a limit.
	 */
	public List<byte[]> json(ScenarioCatalog.Entry entry, long seed, String what, Supplier<?> value) {
		return lookup(entry, seed, what, () -> new Value(null, JsonChunks.chunks(value.get(), Long.MAX_VALUE))).json();
	}

	/**
	 * The SSE events: a cached trace at once (a hit costs no work), otherwise computed in
	 * the catalogue lane of {@code lanes} (bounded: 503 when it is full) within the
	 * request's budget (the trace's steps and size, stopped when its client leaves), as
	 * every other piece of catalogue work; the encoded events are held to
	 * {@code max-trace-size} as well (422 above).
	 */
	Mono<EncodedEvents> events(WorkLanes lanes, ScenarioCatalog.Entry entry, long seed, Function<Budget, Trace> trace) {
		Value v = cached(entry, seed, "events");
		long max = lanes.maxTraceBytes();
		return v != null ? Mono.just(v.events()) : lanes.catalog(budget -> shared(budget,
				() -> lookup(entry, seed, "events", () -> new Value(encode(trace.apply(budget), max), null)).events()));
	}

	/**
	 * The JSON ({@code what}: the trace or a probe) in chunks: cached at once, otherwise
	 * computed in the catalogue lane within the request's budget, at most
	 * {@code max-trace-size} bytes (422 above).
	 */
	Mono<List<byte[]>> json(WorkLanes lanes, ScenarioCatalog.Entry entry, long seed, String what,
			Function<Budget, ?> value) {
		Value v = cached(entry, seed, what);
		long max = lanes.maxTraceBytes();
		return v != null ? Mono.just(v.json()) : lanes.catalog(budget -> shared(budget,
				() -> lookup(entry, seed, what, () -> new Value(null, JsonChunks.chunks(value.apply(budget), max)))
					.json()));
	}

	/**
	 * A computation other requests may wait for ({@link #lookup}): when the request that
	 * started it is cancelled (its client left), those waiting get its
	 * {@link BudgetExceededException}; one whose own budget is intact computes again
	 * instead.
	 */
	private static <T> T shared(Budget budget, Supplier<T> computation) {
		while (true) {
			try {
				return computation.get();
			}
			catch (BudgetExceededException ex) {
				if (ex.reason() != BudgetExceededException.Reason.CANCELLED || budget.spent()) {
					throw ex;
				}
			}
		}
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
	 * them: each event written by Jackson into a scratch buffer, then into chunks
	 * ({@link JsonChunks.Chunks}) of whole events; never one String or one array of the
	 * whole stream. Throws {@link TraceTooLargeException} past {@code maxBytes}.
	 */
	static EncodedEvents encode(Trace trace, long maxBytes) {
		List<TraceEvents.StepEvent> steps = TraceEvents.steps(trace);
		int[] chunkOf = new int[steps.size() + 1];
		int[] ends = new int[steps.size() + 1];
		JsonChunks.Chunks out = new JsonChunks.Chunks(maxBytes);
		Scratch scratch = new Scratch();
		try {
			for (int i = 0; i < steps.size(); i++) {
				TraceEvents.StepEvent s = steps.get(i);
				append(out, scratch, Integer.toString(s.seq()), TraceEvents.typeName(s.data()), s);
				chunkOf[i] = out.chunk();
				ends[i] = out.offset();
			}
			append(out, scratch, Integer.toString(steps.size()), "end", TraceEvents.end(trace, steps.size()));
		}
		catch (JsonChunks.TooLarge ex) {
			throw new TraceTooLargeException(maxBytes);
		}
		chunkOf[steps.size()] = out.chunk();
		ends[steps.size()] = out.offset();
		return new EncodedEvents(out.finish(), chunkOf, ends);
	}

	/**
	 * One event as Spring's SSE writer frames it: {@code id:}, {@code event:},
	 * {@code data:} per line, a blank line.
	 */
	private static void append(JsonChunks.Chunks out, Scratch scratch, String id, String event, Object data) {
		scratch.reset();
		scratch.writeBytes(("id:" + id + "\nevent:" + event + "\ndata:").getBytes(StandardCharsets.UTF_8));
		scratch.dataLines = true;
		TraceJson.mapper().writeValue(scratch, data);
		scratch.dataLines = false;
		scratch.writeBytes(NEW_EVENT);
		out.whole(scratch.bytes(), scratch.size());
	}

	private static final byte[] NEW_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NEXT_DATA_LINE = "\ndata:".getBytes(StandardCharsets.US_ASCII);

	/**
	 * One event's bytes; while {@code dataLines}, a line break continues as another
	 * {@code data:} line (the compact JSON has none; this keeps the framing right if it
	 * ever had).
	 */
	private static final class Scratch extends java.io.ByteArrayOutputStream {

		boolean dataLines;

		Scratch() {
			super(4096);
		}

		@Override
		public synchronized void write(int b) {
			if (dataLines && b == '\n') {
				super.write(NEXT_DATA_LINE, 0, NEXT_DATA_LINE.length);
			}
			else {
				super.write(b);
			}
		}

		@Override
		public synchronized void write(byte[] b, int off, int len) {
			if (!dataLines) {
				super.write(b, off, len);
				return;
			}
			int from = off;
			for (int i = off; i < off + len; i++) {
				if (b[i] == '\n') {
					super.write(b, from, i - from);
					super.write(NEXT_DATA_LINE, 0, NEXT_DATA_LINE.length);
					from = i + 1;
				}
			}
			super.write(b, from, off + len - from);
		}

		byte[] bytes() {
			return buf;
		}

	}

	@Override
	public void destroy() {
		invalidation.dispose();
	}

}

package dev.packetwalk.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.packetwalk.config.StreamsProperties;
import reactor.core.Exceptions;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

/**
 * What every Server-Sent Event stream of the application gets (the pacing and the SSE
 * framing stay here, in the web package; the model only computes traces):
 * <ul>
 * <li>a heartbeat: a comment line ({@code :heartbeat}) every
 * {@code packetwalk.streams.heartbeat}, so proxies keep the connection open; a heartbeat
 * nobody reads is dropped, never queued;</li>
 * <li>a count of live subscriptions ({@link Metrics#activeStreams}), decremented however
 * the stream ends;</li>
 * <li>a clean end on shutdown: open streams get {@code event: disconnect} with reason
 * {@code shutdown} and complete, before the web server's graceful shutdown waits for
 * requests to finish;</li>
 * <li>for streams fed by something other than the consumer ({@link #pushed}): a bounded
 * buffer; a consumer more than {@code packetwalk.streams.buffer} events behind is sent
 * {@code event: disconnect} with reason {@code slow-consumer} and the stream ends, so it
 * cannot grow the server's memory.</li>
 * </ul>
 * A stream its consumer pulls ({@link #pulled}, a trace's steps) needs no buffer: nothing
 * is produced before the consumer asks for it.
 */
@Component
class SseStreams implements SmartLifecycle {

	static final String DISCONNECT = "disconnect";

	private static final ServerSentEvent<String> HEARTBEAT = ServerSentEvent.<String>builder()
		.comment("heartbeat")
		.build();

	private static final String SHUTDOWN_DETAIL = "The server is shutting down; reconnect in a moment.";

	/**
	 * {@link #HEARTBEAT} and the shutdown {@code disconnect} as Spring's SSE writer
	 * frames them.
	 */
	private static final ByteBuffer HEARTBEAT_BYTES = ByteBuffer
		.wrap(":heartbeat\n\n".getBytes(StandardCharsets.UTF_8));

	private static final ByteBuffer SHUTDOWN_BYTES = ByteBuffer
		.wrap(("event:" + DISCONNECT + "\ndata:" + shuttingDown().data() + "\n\n").getBytes(StandardCharsets.UTF_8));

	private final StreamsProperties props;

	private final Metrics metrics;

	/**
	 * Fires when the streams stop; a fresh one at every start (a stopped context may be
	 * started again).
	 */
	private volatile Sinks.One<Boolean> shutdown = Sinks.one();

	private volatile boolean running;

	SseStreams(StreamsProperties props, Metrics metrics) {
		this.props = props;
		this.metrics = metrics;
	}

	/** A stream produced only as fast as its consumer reads (a trace). */
	Flux<ServerSentEvent<String>> pulled(String stream, Flux<ServerSentEvent<String>> events) {
		return guard(stream, events, () -> HEARTBEAT, SseStreams::shuttingDown);
	}

	/**
	 * A pulled stream of events already in the SSE wire format ({@link TraceCache}): the
	 * same heartbeats, count and end on shutdown, written as bytes.
	 */
	Flux<DataBuffer> pulledEncoded(String stream, Flux<DataBuffer> events, DataBufferFactory buffers) {
		// a buffer is released once written: a new one (over the same bytes) every time
		return guard(stream, events, () -> buffers.wrap(HEARTBEAT_BYTES.asReadOnlyBuffer()),
				() -> buffers.wrap(SHUTDOWN_BYTES.asReadOnlyBuffer()));
	}

	/**
	 * A stream produced by others (file changes, a presenter): bounded for each consumer.
	 */
	Flux<ServerSentEvent<String>> pushed(String stream, Flux<ServerSentEvent<String>> events) {
		int max = props.buffer();
		Flux<ServerSentEvent<String>> bounded = events.onBackpressureBuffer(max, dropped -> {
		}, BufferOverflowStrategy.ERROR).onErrorResume(Exceptions::isOverflow, ex -> {
			metrics.slowConsumerDropped(stream);
			return Mono.just(disconnect("slow-consumer", "More than " + max
					+ " events were waiting for this client (setting packetwalk.streams.buffer); reconnect to catch up."));
		});
		return guard(stream, bounded, () -> HEARTBEAT, SseStreams::shuttingDown);
	}

	private <T> Flux<T> guard(String stream, Flux<T> events, Supplier<T> heartbeat, Supplier<T> shuttingDown) {
		AtomicInteger live = metrics.active(stream);
		Flux<Signal<T>> beats = Flux.interval(props.heartbeat())
			.onBackpressureDrop()
			.map(i -> Signal.next(heartbeat.get()));
		// the heartbeats end with the events: the events' completion (or error) ends the
		// merged stream
		Flux<T> withBeats = Flux.merge(events.materialize(), beats).dematerialize();
		Flux<T> untilShutdown = withBeats.takeUntilOther(shutdown.asMono())
			.concatWith(Mono.fromSupplier(() -> running ? null : shuttingDown.get()));
		return Flux.defer(() -> running ? untilShutdown : Flux.just(shuttingDown.get()))
			.doOnSubscribe(s -> live.incrementAndGet())
			.doFinally(signal -> ended(stream, live, signal));
	}

	/** However a stream ends, it is uncounted, and counted by how it ended. */
	private void ended(String stream, AtomicInteger live, SignalType signal) {
		live.decrementAndGet();
		metrics.streamEnded(stream, signal);
	}

	private static ServerSentEvent<String> shuttingDown() {
		return disconnect("shutdown", SHUTDOWN_DETAIL);
	}

	static ServerSentEvent<String> disconnect(String reason, String detail) {
		return ServerSentEvent.builder("{\"reason\":\"" + reason + "\",\"detail\":\"" + detail + "\"}")
			.event(DISCONNECT)
			.build();
	}

	@Override
	public void start() {
		// a context may be stopped and started again (Spring's test contexts pause when
		// idle): streams opened after a
		// restart must not see the previous stop, which a one-shot sink would replay to
		// them at once
		shutdown = Sinks.one();
		running = true;
	}

	/**
	 * Ends every open stream; runs before the web server's graceful shutdown (a higher
	 * phase stops first).
	 */
	@Override
	public void stop() {
		running = false;
		shutdown.tryEmitValue(Boolean.TRUE);
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

}

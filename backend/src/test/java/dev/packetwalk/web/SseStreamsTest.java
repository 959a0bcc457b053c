package dev.packetwalk.web;

import java.time.Duration;

import dev.packetwalk.config.StreamsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guards every SSE stream gets: heartbeats, bounded pushed streams, counting,
 * shutdown.
 */
class SseStreamsTest {

	private static final Duration BOUND = Duration.ofSeconds(10);

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final Metrics metrics = new Metrics(provider(registry));

	private SseStreams streams(Duration heartbeat, int buffer) {
		SseStreams s = new SseStreams(new StreamsProperties(heartbeat, buffer), metrics);
		s.start();
		return s;
	}

	static ObjectProvider<MeterRegistry> provider(MeterRegistry registry) {
		StaticListableBeanFactory f = new StaticListableBeanFactory();
		f.addBean("registry", registry);
		return f.getBeanProvider(MeterRegistry.class);
	}

	private static ServerSentEvent<String> event(String data) {
		return ServerSentEvent.builder(data).event("changed").build();
	}

	@Test
	void heartbeatsAreCommentsAtTheConfiguredInterval() {
		SseStreams s = streams(Duration.ofSeconds(15), 16);
		StepVerifier.withVirtualTime(() -> s.pulled("events", Flux.never()))
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(14))
			.thenAwait(Duration.ofSeconds(1))
			.assertNext(e -> assertThat(e.comment()).isEqualTo("heartbeat"))
			.thenAwait(Duration.ofSeconds(15))
			.assertNext(e -> assertThat(e.comment()).isEqualTo("heartbeat"))
			.thenCancel()
			.verify(BOUND);
	}

	@Test
	void aFiniteStreamEndsWithItsLastEventHeartbeatsOrNot() {
		SseStreams s = streams(Duration.ofMillis(1), 16);
		StepVerifier.create(s.pulled("events", Flux.just(event("a"), event("b")).delayElements(Duration.ofMillis(20))))
			.thenConsumeWhile(e -> e.comment() != null || "a".equals(e.data()))
			.assertNext(e -> assertThat(e.data()).isEqualTo("b"))
			// a heartbeat may slip in between the last event and the end, never after it
			.thenConsumeWhile(e -> e.comment() != null)
			.expectComplete()
			.verify(BOUND);
		assertThat(metrics.activeStreams("events")).isZero();
	}

	@Test
	void aConsumerTooFarBehindIsDisconnectedWithAReason() {
		SseStreams s = streams(Duration.ofHours(1), 8);
		Sinks.Many<ServerSentEvent<String>> source = Sinks.many().multicast().directBestEffort();
		StepVerifier.create(s.pushed("changes", source.asFlux()), 0).expectSubscription().then(() -> {
			for (int i = 0; i < 1000; i++) {
				source.tryEmitNext(event("e" + i));
			}
		})
			.thenRequest(Long.MAX_VALUE)
			// what fit in the bounded buffers (8 + the merge's prefetch), then the
			// reason, then the end
			.thenConsumeWhile(e -> !SseStreams.DISCONNECT.equals(e.event()), e -> assertThat(e.data()).startsWith("e"))
			.assertNext(e -> assertThat(e.event()).isEqualTo(SseStreams.DISCONNECT))
			.expectComplete()
			.verify(BOUND);
		assertThat(metrics.droppedConsumers("changes")).isEqualTo(1);
		assertThat(source.currentSubscriberCount()).isZero();
		assertThat(metrics.activeStreams("changes")).isZero();
	}

	@Test
	void theDisconnectEventSaysWhy() {
		SseStreams s = streams(Duration.ofHours(1), 2);
		Sinks.Many<ServerSentEvent<String>> source = Sinks.many().multicast().directBestEffort();
		java.util.List<ServerSentEvent<String>> got = new java.util.ArrayList<>();
		StepVerifier.create(s.pushed("changes", source.asFlux()), 0).expectSubscription().then(() -> {
			for (int i = 0; i < 100; i++) {
				source.tryEmitNext(event("e" + i));
			}
		}).thenRequest(Long.MAX_VALUE).recordWith(() -> got).thenConsumeWhile(e -> true).expectComplete().verify(BOUND);
		ServerSentEvent<String> last = got.getLast();
		assertThat(last.event()).isEqualTo("disconnect");
		assertThat(last.data()).contains("\"reason\":\"slow-consumer\"").contains("packetwalk.streams.buffer");
		assertThat(got).hasSizeLessThan(100);
	}

	@Test
	void tenThousandSubscribeCancelCyclesLeaveNothingBehind() {
		SseStreams s = streams(Duration.ofMillis(5), 16);
		Sinks.Many<ServerSentEvent<String>> source = Sinks.many().multicast().directBestEffort();
		for (int i = 0; i < 10_000; i++) {
			Disposable d = s.pushed("changes", source.asFlux()).subscribe();
			Disposable p = s.pulled("events", Flux.never()).subscribe();
			d.dispose();
			p.dispose();
		}
		assertThat(metrics.activeStreams("changes")).isZero();
		assertThat(metrics.activeStreams("events")).isZero();
		assertThat(source.currentSubscriberCount()).isZero();
	}

	@Test
	void shutdownEndsOpenStreamsWithAReasonAndRefusesNewOnes() {
		SseStreams s = streams(Duration.ofHours(1), 16);
		StepVerifier.create(s.pulled("events", Flux.never())).expectSubscription().then(s::stop).assertNext(e -> {
			assertThat(e.event()).isEqualTo("disconnect");
			assertThat(e.data()).contains("\"reason\":\"shutdown\"");
		}).expectComplete().verify(BOUND);
		StepVerifier.create(s.pushed("changes", Flux.never()))
			.assertNext(e -> assertThat(e.data()).contains("\"reason\":\"shutdown\""))
			.expectComplete()
			.verify(BOUND);
		assertThat(metrics.activeStreams("events")).isZero();
		assertThat(s.isRunning()).isFalse();
	}

}

package dev.packetwalk.web;

import java.time.Duration;
import java.util.List;

import dev.packetwalk.catalog.ScenarioCatalog;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The SSE endpoints under stress: heartbeats, and many clients coming and going. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "packetwalk.streams.heartbeat=100ms" })
class StreamsApiTest {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private static final Duration BOUND = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	Metrics metrics;

	@Autowired
	ScenarioCatalog catalog;

	private WebClient client() {
		return WebClient.create("http://127.0.0.1:" + port);
	}

	private Flux<ServerSentEvent<String>> stream(String path) {
		return client().get().uri(path).accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(SSE);
	}

	@Test
	void theChangesStreamSendsHeartbeats() {
		List<ServerSentEvent<String>> got = stream("/api/scenarios/changes").take(4).collectList().block(BOUND);
		assertThat(got).extracting(ServerSentEvent::comment)
			.containsExactly("watching local scenarios", "heartbeat", "heartbeat", "heartbeat");
	}

	@Test
	void aPacedTraceStreamSendsHeartbeatsBetweenSteps() {
		List<ServerSentEvent<String>> got = stream("/api/scenarios/pod-to-pod-same-node/events?delayMs=1000")
			.take(Duration.ofMillis(1500))
			.collectList()
			.block(BOUND);
		assertThat(got).filteredOn(e -> "heartbeat".equals(e.comment())).hasSizeGreaterThanOrEqualTo(3);
		assertThat(got).filteredOn(e -> e.event() != null)
			.isNotEmpty()
			.allSatisfy(e -> assertThat(e.event()).isEqualTo("send"));
	}

	@Test
	void anUnpacedTraceStreamStillEndsWithEnd() {
		List<ServerSentEvent<String>> got = stream("/api/scenarios/pod-to-pod-same-node/events?delayMs=0").collectList()
			.block(BOUND);
		assertThat(got.getLast().event()).isEqualTo("end");
	}

	/**
	 * Issue 10: 10,000 connect/disconnect cycles leave no growth in live subscriptions.
	 */
	@Test
	void tenThousandConnectDisconnectCyclesLeaveNoLiveSubscriptions() {
		int changesBefore = catalog.changeSubscribers();
		WebClient c = client();
		Long cycles = Flux.range(0, 10_000)
			.flatMap(i -> c.get()
				.uri(i % 2 == 0 ? "/api/scenarios/changes" : "/api/scenarios/pod-to-pod-same-node/events?delayMs=5000")
				.accept(MediaType.TEXT_EVENT_STREAM)
				.retrieve()
				.bodyToFlux(SSE)
				.next(), 16)
			.count()
			.block(Duration.ofMinutes(3));
		assertThat(cycles).isEqualTo(10_000);
		await().atMost(BOUND).untilAsserted(() -> {
			assertThat(metrics.activeStreams("changes")).isZero();
			assertThat(metrics.activeStreams("events")).isZero();
			assertThat(catalog.changeSubscribers()).isEqualTo(changesBefore);
		});
	}

	@Test
	void openStreamsAreCountedAndTracesAreMetered() {
		double before = metrics.tracesComputed("catalog");
		var open = stream("/api/scenarios/changes").subscribe();
		try {
			await().atMost(BOUND).until(() -> metrics.activeStreams("changes") >= 1);
		}
		finally {
			open.dispose();
		}
		client().get()
			.uri("/api/scenarios/pod-to-pod-same-node/trace")
			.retrieve()
			.bodyToMono(String.class)
			.block(BOUND);
		assertThat(metrics.tracesComputed("catalog")).isEqualTo(before + 1);
	}

}

package dev.packetwalk.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.packetwalk.PacketWalkApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code server.shutdown=graceful}: closing the application (SIGTERM in a container) ends
 * open SSE streams with {@code event: disconnect}, reason {@code shutdown}, and the
 * server stops without waiting out the shutdown timeout.
 */
class GracefulShutdownTest {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	@Test
	void closingTheApplicationEndsOpenStreamsCleanly() {
		ConfigurableApplicationContext app = new SpringApplicationBuilder(PacketWalkApplication.class)
			// arguments, not default properties: application.yml's server.port would win
			// over those
			.run("--server.port=0", "--server.address=127.0.0.1");
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		WebClient client = WebClient.create("http://127.0.0.1:" + port);
		CompletableFuture<List<ServerSentEvent<String>>> changes = client.get()
			.uri("/api/scenarios/changes")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(SSE)
			.collectList()
			.toFuture();
		CompletableFuture<List<ServerSentEvent<String>>> events = client.get()
			.uri("/api/scenarios/pod-to-pod-same-node/events?delayMs=5000")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(SSE)
			.collectList()
			.toFuture();
		// both streams are open (their first event has been written) before the shutdown
		// starts
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			Metrics metrics = app.getBean(Metrics.class);
			while (metrics.activeStreams("changes") < 1 || metrics.activeStreams("events") < 1) {
				Thread.sleep(20);
			}
			Thread.sleep(200);
		});
		assertTimeoutPreemptively(Duration.ofSeconds(20), app::close);
		for (CompletableFuture<List<ServerSentEvent<String>>> stream : List.of(changes, events)) {
			List<ServerSentEvent<String>> got = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> stream.get());
			ServerSentEvent<String> last = got.getLast();
			assertThat(last.event()).isEqualTo("disconnect");
			assertThat(last.data()).contains("\"reason\":\"shutdown\"");
		}
	}

}

package dev.packetwalk.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.packetwalk.config.LimitsProperties;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and oversized uploads (issue 23), from a raw socket client as an attacker (or a
 * phone on conference Wi-Fi) sends them: a {@code Content-Length} above the body limit is
 * refused with 413 naming the limit before any byte of the body is sent; a body that
 * trickles in slower than {@code min-upload-rate} is answered 408 while it is still
 * trickling, and the server is healthy afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class UploadLimitsTest {

	/** How long the raw client waits for an answer before the test fails. */
	private static final int READ_TIMEOUT_MS = 20_000;

	@LocalServerPort
	int port;

	@Autowired
	WebTestClient client;

	private Socket connect() throws IOException {
		Socket s = new Socket("127.0.0.1", port);
		s.setSoTimeout(READ_TIMEOUT_MS);
		return s;
	}

	private static void headers(OutputStream out, String path, long contentLength) throws IOException {
		headers(out, path, contentLength, "application/yaml");
	}

	private static void headers(OutputStream out, String path, long contentLength, String type) throws IOException {
		out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type + "\r\n"
				+ "Content-Length: " + contentLength + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	/** The whole answer, read until the server closes the connection. */
	private static String answer(Socket s) throws IOException {
		InputStream in = s.getInputStream();
		ByteArrayOutputStream got = new ByteArrayOutputStream();
		byte[] buf = new byte[8192];
		try {
			int n;
			while ((n = in.read(buf)) > 0) {
				got.write(buf, 0, n);
				String text = got.toString(StandardCharsets.UTF_8);
				int end = text.indexOf("\r\n\r\n");
				if (end > 0 && text.contains("}")) {
					return text; // a problem body is one JSON object
				}
			}
		}
		catch (SocketException ex) {
			// closed with a reset after the answer: what was read is the answer
		}
		return got.toString(StandardCharsets.UTF_8);
	}

	@Test
	void aDeclaredBodyAboveTheLimitIsRefusedBeforeItIsSent() throws IOException {
		for (String path : new String[] { "/api/trace", "/api/validate", "/api/resolve", "/api/import" }) {
			try (Socket s = connect()) {
				// 100 MB announced, not one byte sent: the answer must not wait for them
				headers(s.getOutputStream(), path, 100L * 1024 * 1024);
				String answer = answer(s);
				assertThat(answer).as(path).startsWith("HTTP/1.1 413");
				assertThat(answer).as(path).contains("max-body-size").contains(" bytes");
			}
		}
		try (Socket s = connect()) {
			// the live endpoints' JSON is read by Spring's codecs: their limit, at once
			// too
			headers(s.getOutputStream(), "/api/live", 100L * 1024 * 1024, "application/json");
			String answer = answer(s);
			assertThat(answer).startsWith("HTTP/1.1 413").contains("spring.codec.max-in-memory-size");
		}
		client.get().uri("/actuator/health").exchange().expectStatus().isOk();
	}

	@Test
	void aTricklingBodyIsAnswered408WhileItIsStillTrickling() throws Exception {
		for (String path : new String[] { "/api/validate", "/api/trace" }) {
			try (Socket s = connect()) {
				int declared = 5_000;
				headers(s.getOutputStream(), path, declared);
				AtomicInteger sent = new AtomicInteger();
				AtomicBoolean stop = new AtomicBoolean();
				Thread trickle = Thread.ofVirtual().start(() -> {
					try {
						OutputStream out = s.getOutputStream();
						// one byte every 100 ms: 5,000 bytes would take over 8 minutes
						while (!stop.get() && sent.get() < declared) {
							out.write('#');
							out.flush();
							sent.incrementAndGet();
							Thread.sleep(100);
						}
					}
					catch (IOException | InterruptedException ex) {
						// the server answered and closed the connection
					}
				});
				String answer = answer(s);
				int sentWhenAnswered = sent.get();
				stop.set(true);
				trickle.join(5_000);
				assertThat(answer).as(path).startsWith("HTTP/1.1 408");
				assertThat(answer).as(path).contains("packetwalk.limits.min-upload-rate");
				assertThat(sentWhenAnswered).as("bytes sent when the answer came").isLessThan(declared);
			}
		}
		client.get().uri("/actuator/health").exchange().expectStatus().isOk();
		client.get().uri("/api/scenarios/pod-to-service/trace").exchange().expectStatus().isOk();
	}

	@Test
	void anOrdinaryUploadPasses() {
		client.post()
			.uri("/api/validate")
			.header("Content-Type", "application/yaml")
			.bodyValue("apiVersion: packetwalk.dev/v1alpha1\nkind: Scenario\n")
			.exchange()
			.expectStatus()
			.isOk();
	}

	private static LimitsProperties limits(Duration maxRequestTime, DataSize minUploadRate) {
		return new LimitsProperties(null, null, null, null, null, null, null, null, null, DataSize.ofMegabytes(1), 64,
				maxRequestTime, 1, 1, 1, 100_000, DataSize.ofMegabytes(16), minUploadRate);
	}

	private static Flux<DataBuffer> bytesEvery(Duration interval, int count) {
		return Flux.interval(interval)
			.take(count)
			.map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[] { '#' }));
	}

	/** A body still arriving at max-request-time: 408 naming that setting. */
	@Test
	void aBodyStillArrivingAtTheDeadlineFails() {
		UploadLimits upload = new UploadLimits(limits(Duration.ofMillis(500), DataSize.ofBytes(0)));
		StepVerifier.create(upload.limited(bytesEvery(Duration.ofMillis(50), 1_000), System.nanoTime()))
			.thenConsumeWhile(b -> true)
			.expectErrorSatisfies(ex -> assertThat(ex).isInstanceOf(UploadTooSlowException.class)
				.hasMessageContaining("packetwalk.limits.max-request-time"))
			.verify(Duration.ofSeconds(10));
	}

	/** A body that stalls after its first bytes: 408 naming the rate. */
	@Test
	void aStalledBodyFailsByTheRate() {
		UploadLimits upload = new UploadLimits(limits(Duration.ofSeconds(60), DataSize.ofKilobytes(1)));
		Flux<DataBuffer> stalled = Flux.concat(bytesEvery(Duration.ofMillis(10), 3), Flux.never());
		StepVerifier.create(upload.limited(stalled, System.nanoTime()))
			.expectNextCount(3)
			.expectErrorSatisfies(ex -> assertThat(ex).isInstanceOf(UploadTooSlowException.class)
				.hasMessageContaining("packetwalk.limits.min-upload-rate"))
			.verify(Duration.ofSeconds(10));
	}

	/** A body as fast as the rate asks completes. */
	@Test
	void aBodyAtTheRatePasses() {
		UploadLimits upload = new UploadLimits(limits(Duration.ofSeconds(60), DataSize.ofBytes(10)));
		StepVerifier.create(upload.limited(bytesEvery(Duration.ofMillis(20), 50), System.nanoTime()))
			.expectNextCount(50)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

}

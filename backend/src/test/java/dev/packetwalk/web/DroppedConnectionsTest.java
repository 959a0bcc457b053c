package dev.packetwalk.web;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23, item 1: a client that drops its connection with a TCP reset (a phone losing
 * Wi-Fi) leaves nothing behind. 2,000 streams of the three kinds (a trace's events, the
 * changes of local scenarios, a live session's follower stream) are opened and reset
 * (SO_LINGER 0); then the open-stream gauges and the follower count are back to 0, the
 * heap after a forced GC is within a few MB of where it was, and nothing was logged as an
 * ERROR.
 * <p>
 * {@code -Dpacketwalk.resets=10000} raises the count (the target, measured
 * outside the ordinary suite: docs/performance.md); the slack grows with it only in the
 * sense of the same few MB: a leak of even 1 KB a reset would show at 10,000.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class DroppedConnectionsTest {

	/**
	 * How much the heap after a full GC may grow over 2,000 resets (a leak of 33-160 KB
	 * each would be 66-320 MB).
	 */
	private static final long SLACK = 8L * 1024 * 1024;

	private static final Duration BOUND = Duration.ofSeconds(60);

	/**
	 * How many streams are reset: 2,000 in the suite, more with
	 * {@code -Dpacketwalk.resets=N}.
	 */
	private static final int RESETS = Integer.getInteger("packetwalk.resets", 2_000);

	@LocalServerPort
	int port;

	@Autowired
	WebTestClient client;

	@Autowired
	Metrics metrics;

	@Autowired
	dev.packetwalk.web.live.LiveSessions live;

	private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

	private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	@BeforeEach
	void captureLogs() {
		logged.start();
		root.addAppender(logged);
	}

	@AfterEach
	void releaseLogs() {
		root.detachAppender(logged);
	}

	@Test
	void twoThousandResetStreamsLeaveNothingBehind() throws Exception {
		String code = client.post()
			.uri("/api/live")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()
			.replaceAll("(?s).*\"code\":\"([A-Z0-9]+)\".*", "$1");
		List<String> paths = List.of("/api/scenarios/netpol-three-tier/events", "/api/scenarios/changes",
				"/api/live/" + code + "/events");
		// warm up: classes loaded, pools and caches at their working size
		resetStreams(paths, 150);
		awaitAllClosed(code);
		long before = retainedHeap();
		logged.list.clear();
		double endedBefore = ended();
		double cancelledBefore = metrics.streamsEnded("changes", "cancel") + metrics.streamsEnded("live", "cancel");

		long started = System.nanoTime();
		resetStreams(paths, RESETS);

		awaitAllClosed(code);
		long took = (System.nanoTime() - started) / 1_000_000;
		long after = retainedHeap();
		System.out.printf(
				"heap after full GC: %.1f MB before, %.1f MB after %,d reset streams (%,d ms); followers %d%n",
				before / 1048576.0, after / 1048576.0, RESETS, took, followers(code));
		assertThat(after - before).as("heap growth over %,d reset streams (bytes)", RESETS).isLessThan(SLACK);
		assertThat(live.current(code).blockOptional(Duration.ofSeconds(10))).isPresent();
		assertThat(client.get()
			.uri("/api/live/" + code)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()).contains("\"followers\":0");
		assertThat(logged.list.stream()
			.filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
			.map(ILoggingEvent::getFormattedMessage)).as("ERROR lines").isEmpty();
		// every stream's end is counted; those that never end by themselves (changes,
		// live) ended by the client leaving
		// (a trace's stream may have completed before its reset when the step delay is
		// short)
		assertThat(ended() - endedBefore).isGreaterThanOrEqualTo(RESETS);
		assertThat(metrics.streamsEnded("changes", "cancel") + metrics.streamsEnded("live", "cancel") - cancelledBefore)
			.isGreaterThanOrEqualTo(2 * (RESETS / 3));
		client.get().uri("/actuator/health").exchange().expectStatus().isOk();
	}

	/** Ordinary closes (FIN) leave no follower counted either. */
	@Test
	void closedFollowerStreamsAreUncounted() throws Exception {
		String code = client.post()
			.uri("/api/live")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()
			.replaceAll("(?s).*\"code\":\"([A-Z0-9]+)\".*", "$1");
		List<Socket> open = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			open.add(openStream("/api/live/" + code + "/events"));
		}
		await(() -> followers(code) == 200, "200 followers counted");
		for (Socket s : open) {
			s.close();
		}
		await(() -> followers(code) == 0, "no follower counted after 200 closes");
	}

	private double ended() {
		double n = 0;
		for (String stream : List.of("events", "changes", "live")) {
			for (String how : List.of("complete", "cancel", "error")) {
				n += metrics.streamsEnded(stream, how);
			}
		}
		return n;
	}

	private int followers(String code) {
		String body = client.get()
			.uri("/api/live/" + code)
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return Integer.parseInt(body.replaceAll("(?s).*\"followers\":(\\d+).*", "$1"));
	}

	/**
	 * Opens {@code n} streams, round robin over the paths, 50 at a time, each reset once
	 * its answer has started.
	 */
	private void resetStreams(List<String> paths, int n) throws IOException {
		for (int i = 0; i < n;) {
			List<Socket> batch = new ArrayList<>();
			List<String> asked = new ArrayList<>();
			for (int j = 0; j < 50 && i < n; j++, i++) {
				asked.add(paths.get(i % paths.size()));
				batch.add(ask(asked.getLast()));
			}
			for (int j = 0; j < batch.size(); j++) {
				started(batch.get(j), asked.get(j));
			}
			for (Socket s : batch) {
				s.setSoLinger(true, 0); // close sends a TCP reset
				s.close();
			}
		}
	}

	/**
	 * A raw connection asking for an event stream, returned once the status line has
	 * arrived.
	 */
	private Socket openStream(String path) throws IOException {
		return started(ask(path), path);
	}

	private Socket ask(String path) throws IOException {
		Socket s = new Socket("127.0.0.1", port);
		s.setSoTimeout((int) BOUND.toMillis());
		s.getOutputStream()
			.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		return s;
	}

	/**
	 * Waits for the status line (a trace's stream starts with its first step, a step
	 * delay after the request).
	 */
	private static Socket started(Socket s, String path) throws IOException {
		InputStream in = s.getInputStream();
		byte[] status = in.readNBytes(12);
		assertThat(new String(status, StandardCharsets.US_ASCII)).as(path).isEqualTo("HTTP/1.1 200");
		return s;
	}

	private void awaitAllClosed(String code) throws InterruptedException {
		await(() -> metrics.activeStreams("events") == 0 && metrics.activeStreams("changes") == 0
				&& live.current(code).blockOptional(Duration.ofSeconds(10)).isPresent() && followers(code) == 0,
				"every stream closed and uncounted");
	}

	private static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long end = System.nanoTime() + BOUND.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(end);
			Thread.sleep(50);
		}
	}

	/** The heap in use after full collections (repeated until it stops shrinking). */
	private static long retainedHeap() throws InterruptedException {
		var memory = ManagementFactory.getMemoryMXBean();
		long last = Long.MAX_VALUE;
		for (int i = 0; i < 10; i++) {
			System.gc();
			Thread.sleep(100);
			long used = memory.getHeapMemoryUsage().getUsed();
			if (used >= last - 256 * 1024) {
				return Math.min(used, last);
			}
			last = used;
		}
		return last;
	}

}

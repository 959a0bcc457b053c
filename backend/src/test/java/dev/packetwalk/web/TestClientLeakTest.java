package dev.packetwalk.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.ResourceLeakDetector;
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
 * No Netty buffer is leaked by the request shapes the suite makes (the LEAK report that
 * DroppedConnectionsTest's "no ERROR lines" check caught once): answers checked only by
 * their status (a compressed JSON list, a small health answer, a 404 problem), and from a
 * raw socket a body cut off by a reset, a declared body above the limit sent anyway
 * (413), and event streams reset once started. With Netty's leak detector at PARANOID
 * (every buffer tracked), a forced GC, and new allocations (which is when the detector
 * reports), no "LEAK:" line is logged. Without {@link ReleasingTestClientConfiguration}
 * the status-only answers leak (spring-projects/spring-framework#36050).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class TestClientLeakTest {

	@LocalServerPort
	int port;

	@Autowired
	WebTestClient client;

	private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

	private final Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);

	private ResourceLeakDetector.Level level;

	@BeforeEach
	void trackEveryBuffer() {
		level = ResourceLeakDetector.getLevel();
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		logged.start();
		detector.addAppender(logged);
	}

	@AfterEach
	void restore() {
		detector.detachAppender(logged);
		ResourceLeakDetector.setLevel(level);
	}

	@Test
	void noBufferLeaksFromAnswersOrDroppedRequests() throws Exception {
		for (int i = 0; i < 30; i++) {
			client.get().uri("/actuator/health").exchange().expectStatus().isOk();
		}
		for (int i = 0; i < 30; i++) {
			client.get().uri("/api/scenarios/no-such-scenario/yaml").exchange().expectStatus().isNotFound();
		}
		for (int i = 0; i < 30; i++) {
			client.get().uri("/api/scenarios").exchange().expectStatus().isOk();
		}
		assertThat(leaks()).as("Netty LEAK reports after answers checked by their status").isZero();
		byte[] half = new byte[100_000];
		for (int i = 0; i < 10; i++) {
			raw(head("POST", "/api/validate", 200_000), half, true);
			raw(head("POST", "/api/validate", 3_000_000), new byte[3_000_000], false);
			raw("GET /api/scenarios/netpol-three-tier/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
					null, true);
			raw("GET /api/scenarios/changes HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n", null, true);
		}
		assertThat(leaks()).as("Netty LEAK reports after dropped requests").isZero();
	}

	/**
	 * How many LEAK reports were logged after forced collections (the detector reports
	 * when buffers are allocated after a collection: answers read whole).
	 */
	private long leaks() throws InterruptedException {
		for (int i = 0; i < 5; i++) {
			System.gc();
			Thread.sleep(200);
			for (int j = 0; j < 5; j++) {
				client.get().uri("/api/scenarios").exchange().expectBody(String.class);
			}
		}
		return new ArrayList<>(logged.list).stream().filter(e -> e.getFormattedMessage().contains("LEAK")).count();
	}

	private static String head(String method, String path, long length) {
		return method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\nContent-Length: "
				+ length + "\r\n\r\n";
	}

	/**
	 * Sends a request (and its body, as far as the server takes it) and reads its
	 * answer's status line; {@code reset} ends the connection with a TCP reset instead
	 * (once a stream's status line has arrived, or with the body half sent).
	 */
	private void raw(String head, byte[] body, boolean reset) throws IOException {
		try (Socket s = new Socket("127.0.0.1", port)) {
			s.setSoTimeout(20_000);
			OutputStream out = s.getOutputStream();
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			if (body != null) {
				try {
					out.write(body);
				}
				catch (IOException ex) {
					// closed by the server after its answer
				}
			}
			if (reset) {
				s.setSoLinger(true, 0);
				if (body == null) {
					s.getInputStream().readNBytes(12);
				}
				return;
			}
			try {
				s.getInputStream().readNBytes(12);
			}
			catch (IOException ex) {
				// the server's close resets a connection with unread bytes
			}
		}
	}

}

package dev.packetwalk.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.packetwalk.catalog.BuiltInScenarios;
import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.config.TraceCacheProperties;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageWriter;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The trace cache: the bytes of {@code /events} and {@code /trace} are those of a trace
 * computed and serialised anew (by Spring's own SSE writer, as before the cache), on a
 * miss and on a hit, for every built-in and seeds 1-5; a local scenario file that changes
 * is never answered from its old version; the cache stays within its bytes and entries
 * however many seeds are asked for.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class TraceCacheTest {

	static final Path DIR;

	static {
		try {
			DIR = Files.createTempDirectory("pw-trace-cache");
			write(DIR.resolve("cached.yaml"), local(8080));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void dir(DynamicPropertyRegistry registry) {
		registry.add("packetwalk.scenarios.dir", DIR::toString);
		registry.add("packetwalk.scenarios.poll-interval", () -> "1h"); // scanned by the
																		// test
	}

	@Autowired
	WebTestClient client;

	@Autowired
	ScenarioCatalog catalog;

	@Autowired
	TraceCache cache;

	static String local(int port) {
		return """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: cached, title: Cached, order: 1}
				cluster:
				  nodes: [{name: node1}]
				  pods:
				    - {name: pod1, node: node1}
				    - name: pod2
				      node: node1
				      containers: [{name: web, ports: [{containerPort: %d}]}]
				flows:
				  - {from: pod1, to: pod2:%d}
				""".formatted(port, port);
	}

	static void write(Path file, String text) throws IOException {
		Files.writeString(file, text, StandardCharsets.UTF_8);
		Files.setLastModifiedTime(file,
				FileTime.fromMillis(System.currentTimeMillis() + (long) (Math.random() * 100_000)));
	}

	/**
	 * What the events endpoint wrote before the cache: the steps as ServerSentEvents,
	 * through Spring's SSE writer.
	 */
	static byte[] uncachedEvents(Trace trace) {
		List<TraceEvents.StepEvent> steps = TraceEvents.steps(trace);
		Flux<ServerSentEvent<String>> events = Flux.fromIterable(steps)
			.map(s -> ServerSentEvent.builder(TraceJson.write(s))
				.id(Integer.toString(s.seq()))
				.event(TraceEvents.typeName(s.data()))
				.build())
			.concatWithValues(ServerSentEvent.builder(TraceJson.write(TraceEvents.end(trace, steps.size())))
				.id(Integer.toString(steps.size()))
				.event("end")
				.build());
		MockServerHttpResponse response = new MockServerHttpResponse();
		new ServerSentEventHttpMessageWriter()
			.write(events, ResolvableType.forClassWithGenerics(ServerSentEvent.class, String.class),
					MediaType.TEXT_EVENT_STREAM, response, Map.of())
			.block(java.time.Duration.ofSeconds(30));
		return response.getBodyAsString().block(java.time.Duration.ofSeconds(30)).getBytes(StandardCharsets.UTF_8);
	}

	byte[] get(String uri) {
		return client.get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent();
	}

	@Test
	void everyBuiltInAndSeedOneToFiveHasTheBytesOfAnUncachedTrace() {
		cache.clear();
		List<ScenarioCatalog.Entry> builtIns = catalog.entries()
			.stream()
			.filter(e -> e.origin() == ScenarioCatalog.Origin.BUILT_IN)
			.toList();
		assertThat(builtIns).hasSize(BuiltInScenarios.shared().all().size());
		for (ScenarioCatalog.Entry e : builtIns) {
			for (long seed = 1; seed <= 5; seed++) {
				Trace fresh = e.engine().run(seed);
				byte[] events = uncachedEvents(fresh);
				String json = TraceJson.write(fresh);
				for (String round : new String[] { "miss", "hit" }) {
					String what = e.id() + " seed " + seed + " (" + round + ")";
					assertThat(new String(get("/api/scenarios/" + e.id() + "/events?delayMs=0&seed=" + seed),
							StandardCharsets.UTF_8))
						.as(what)
						.isEqualTo(new String(events, StandardCharsets.UTF_8));
					assertThat(
							new String(get("/api/scenarios/" + e.id() + "/trace?seed=" + seed), StandardCharsets.UTF_8))
						.as(what)
						.isEqualTo(json);
				}
			}
		}
		assertThat(cache.size()).isEqualTo(builtIns.size() * 5L * 2);
	}

	@Test
	void pacedEventsAreTheSameBytesOneByOne() {
		ScenarioCatalog.Entry e = catalog.find("pod-to-pod-same-node").orElseThrow();
		byte[] expected = uncachedEvents(e.engine().run(2));
		assertThat(
				new String(get("/api/scenarios/pod-to-pod-same-node/events?delayMs=1&seed=2"), StandardCharsets.UTF_8))
			.isEqualTo(new String(expected, StandardCharsets.UTF_8));
	}

	/**
	 * A catalogue trace is never one string: its JSON is kept in chunks of 64 KB and its
	 * events in chunks of whole events (a heartbeat between two chunks never lands inside
	 * an event), the same bytes as serialised at once, and bounded by a size.
	 */
	@Test
	void catalogueTracesAreKeptInChunks() {
		ScenarioCatalog.Entry e = catalog.find("netpol-three-tier").orElseThrow();
		Trace trace = e.engine().run(e.scenario().seed());
		String json = TraceJson.write(trace);
		assertThat(json.length()).isGreaterThan(2 * JsonChunks.CHUNK);

		List<byte[]> chunks = JsonChunks.chunks(trace, Long.MAX_VALUE);
		assertThat(chunks).hasSizeGreaterThan(2).allSatisfy(c -> assertThat(c.length).isBetween(1, JsonChunks.CHUNK));
		assertThat(new String(concat(chunks), StandardCharsets.UTF_8)).isEqualTo(json);

		TraceCache.EncodedEvents events = TraceCache.encode(trace, Long.MAX_VALUE);
		assertThat(events.chunks()).hasSizeGreaterThan(2);
		for (byte[] chunk : events.chunks()) {
			String text = new String(chunk, StandardCharsets.UTF_8);
			assertThat(text).startsWith("id:").endsWith("\n\n");
			assertThat(chunk.length).isLessThanOrEqualTo(JsonChunks.CHUNK);
		}
		assertThat(new String(concat(events.chunks()), StandardCharsets.UTF_8))
			.isEqualTo(new String(uncachedEvents(trace), StandardCharsets.UTF_8));
		// each event alone is the same bytes as in the whole stream
		StringBuilder oneByOne = new StringBuilder();
		for (int i = 0; i < events.count(); i++) {
			oneByOne.append(events.event(i, DefaultDataBufferFactory.sharedInstance).toString(StandardCharsets.UTF_8));
		}
		assertThat(oneByOne.toString()).isEqualTo(new String(uncachedEvents(trace), StandardCharsets.UTF_8));

		assertThatThrownBy(() -> JsonChunks.chunks(trace, 100_000)).isInstanceOf(TraceTooLargeException.class)
			.hasMessageContaining("packetwalk.limits.max-trace-size");
		assertThatThrownBy(() -> TraceCache.encode(trace, 100_000)).isInstanceOf(TraceTooLargeException.class);
	}

	private static byte[] concat(List<byte[]> chunks) {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		chunks.forEach(out::writeBytes);
		return out.toByteArray();
	}

	@Test
	void aChangedLocalScenarioIsNeverServedStale() throws IOException {
		String before = new String(get("/api/scenarios/cached/events?delayMs=0"), StandardCharsets.UTF_8);
		assertThat(before).contains("8080").doesNotContain("9090");
		assertThat(new String(get("/api/scenarios/cached/trace"), StandardCharsets.UTF_8)).contains("8080");
		write(DIR.resolve("cached.yaml"), local(9090));
		assertThat(catalog.scan()).containsExactly("cached");
		ScenarioCatalog.Entry now = catalog.find("cached").orElseThrow();
		String after = new String(get("/api/scenarios/cached/events?delayMs=0"), StandardCharsets.UTF_8);
		assertThat(after)
			.isEqualTo(new String(uncachedEvents(now.engine().run(now.scenario().seed())), StandardCharsets.UTF_8))
			.contains("9090")
			.doesNotContain(":8080");
		assertThat(new String(get("/api/scenarios/cached/trace"), StandardCharsets.UTF_8))
			.isEqualTo(TraceJson.write(now.engine().run(now.scenario().seed())));
		write(DIR.resolve("cached.yaml"), local(8080));
		catalog.scan();
		assertThat(new String(get("/api/scenarios/cached/events?delayMs=0"), StandardCharsets.UTF_8)).isEqualTo(before);
	}

	static TraceCache bounded(ScenarioCatalog catalog, String maxBytes, int maxEntries) {
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("registry", new SimpleMeterRegistry());
		return new TraceCache(new TraceCacheProperties(true, DataSize.parse(maxBytes), maxEntries), catalog,
				new Metrics(beans.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)));
	}

	@Test
	void tenThousandSeedsStayWithinTheConfiguredBytes() {
		ScenarioCatalog.Entry e = catalog.find("pod-to-pod-same-node").orElseThrow();
		long maxBytes = DataSize.parse("256KB").toBytes();
		TraceCache small = bounded(catalog, "256KB", 10_000);
		long encoded = 0;
		AtomicInteger computed = new AtomicInteger();
		for (long seed = 1; seed <= 10_000; seed++) {
			long s = seed;
			encoded += small.events(e, seed, () -> {
				computed.incrementAndGet();
				return e.engine().run(s);
			}).size();
			small.events(e, 0, () -> {
				computed.incrementAndGet();
				return e.engine().run(0);
			}); // a popular seed, asked for all along
			if (seed % 500 == 0) {
				assertThat(small.weightedSize()).as("after %d seeds", seed).isLessThanOrEqualTo(maxBytes);
			}
		}
		assertThat(encoded).as("the seeds asked for are far more than the cache holds").isGreaterThan(10 * maxBytes);
		assertThat(computed.get()).as("every seed once, the popular one once").isEqualTo(10_001);
		assertThat(small.size()).isPositive();
		small.destroy();
	}

	@Test
	void maxEntriesHoldsToo() {
		ScenarioCatalog.Entry e = catalog.find("pod-to-pod-same-node").orElseThrow();
		TraceCache few = bounded(catalog, "64MB", 50);
		for (long seed = 1; seed <= 1_000; seed++) {
			long s = seed;
			few.json(e, seed, "trace", () -> e.engine().run(s));
		}
		assertThat(few.size()).isLessThanOrEqualTo(50);
		few.destroy();
	}

}

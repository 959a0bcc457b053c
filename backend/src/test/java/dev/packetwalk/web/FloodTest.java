package dev.packetwalk.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23, "a flood test": PacketWalk runs as a JVM of its own with {@code -Xmx256m}
 * (started from this test's class path, so it runs in every {@code ./pw test}; no jar
 * needed) and {@code max-request-time} of 1 s. Twelve clients post, three times each, a
 * valid scenario whose compile and trace take longer than that (thousands of pods and
 * NetworkPolicies). Each answer is 422 (stopped at its deadline), 503 (refused, or never
 * started) or 408 (its body did not arrive within the limit, on a loaded machine) within
 * the limit + 2 s; a built-in trace asked for during the flood is answered within 2 s; no
 * OutOfMemoryError is logged; and once the flood is over no work is left running or
 * queued within 5 s (the {@code packetwalk.work.running} and
 * {@code packetwalk.work.queued} gauges).
 * <p>
 * The bounds are the issue's; the test's own work is light (twelve threads that send
 * prepared bytes and wait).
 */
class FloodTest {

	private static final Duration LIMIT = Duration.ofSeconds(1);

	private static final Duration ANSWER_BOUND = LIMIT.plusSeconds(2);

	private static final Duration BUILT_IN_BOUND = Duration.ofSeconds(2);

	private static final Duration IDLE_BOUND = Duration.ofSeconds(5);

	private static final int CLIENTS = 12;

	private static final int ROUNDS = 3;

	/**
	 * Flows in the heavy scenario, and the app's {@code max-flows} for it: enough walks
	 * through 1,990 policies that the work outlasts the limit on a quiet, fast machine
	 * too (with 50, a quiet CI machine finished some posts in time).
	 */
	private static final int FLOWS = 1_000;

	private static Process app;

	private static Path log;

	private static int port;

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	@BeforeAll
	static void startTheApp() throws Exception {
		String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		try (ServerSocket s = new ServerSocket(0)) {
			port = s.getLocalPort();
		}
		Path target = Path.of(System.getProperty("repo.root", ".."), "backend", "target");
		Files.createDirectories(target);
		log = Files.createTempFile(target, "flood-app", ".log");
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-cp", classPath, "dev.packetwalk.PacketWalkApplication", "--server.port=" + port,
				"--server.address=127.0.0.1", "--packetwalk.limits.max-request-time=" + LIMIT.toMillis() + "ms",
				"--packetwalk.limits.max-body-size=4MB", "--packetwalk.limits.max-flows=" + FLOWS,
				"--management.endpoints.web.exposure.include=health,metrics",
				// one thread per lane: the posted work never takes both cores from the
				// event loops, the timers and this
				// test's client (with two, a flood keeps both cores busy and every answer
				// waits for a core)
				"--packetwalk.limits.max-concurrent-work=1", "--spring.main.banner-mode=off");
		app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
		while (true) {
			assertThat(app.isAlive()).as("the app started (its log: %s)", log).isTrue();
			try {
				if (get("/actuator/health/readiness").statusCode() == 200) {
					break;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			assertThat(System.nanoTime() - deadline).as("the app answered within 240 s (its log: %s)", log)
				.isNegative();
			Thread.sleep(250);
		}
	}

	@AfterAll
	static void stopTheApp() throws Exception {
		if (app != null) {
			app.destroy();
			if (!app.waitFor(30, TimeUnit.SECONDS)) {
				app.destroyForcibly();
			}
		}
	}

	@Test
	void aFloodOfExpensivePostsIsBoundedAndNeverDelaysABuiltInScenario() throws Exception {
		byte[] heavy = heavyScenario().getBytes(StandardCharsets.UTF_8);
		// warm up the built-in path (class loading, JIT) until it answers well within the
		// limit, then flood
		int ok = 0;
		for (int i = 0; i < 100 && ok < 5; i++) {
			ok = get("/api/scenarios/pod-to-pod-same-node/trace").statusCode() == 200 ? ok + 1 : 0;
		}
		assertThat(ok).as("built-in traces answered 200 in a row before the flood").isEqualTo(5);

		ConcurrentLinkedQueue<long[]> answers = new ConcurrentLinkedQueue<>(); // {status,
																				// millis}
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<?>> running = new ArrayList<>();
		for (int c = 0; c < CLIENTS; c++) {
			running.add(clients.submit(() -> {
				go.await();
				for (int r = 0; r < ROUNDS; r++) {
					long t0 = System.nanoTime();
					HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(uri("/api/trace"))
						.timeout(Duration.ofSeconds(60))
						.header("Content-Type", "application/yaml")
						.POST(HttpRequest.BodyPublishers.ofByteArray(heavy))
						.build(), HttpResponse.BodyHandlers.ofString());
					answers.add(new long[] { res.statusCode(), (System.nanoTime() - t0) / 1_000_000 });
				}
				return null;
			}));
		}
		go.countDown();
		List<Long> builtIn = new ArrayList<>();
		Thread.sleep(300);
		while (running.stream().anyMatch(f -> !f.isDone())) {
			long t0 = System.nanoTime();
			HttpResponse<String> res = get("/api/scenarios/pod-to-pod-same-node/trace");
			builtIn.add((System.nanoTime() - t0) / 1_000_000);
			assertThat(res.statusCode()).as("a built-in trace during the flood").isEqualTo(200);
			Thread.sleep(400);
		}
		for (Future<?> f : running) {
			f.get(120, TimeUnit.SECONDS);
		}
		long floodOver = System.nanoTime();
		clients.shutdown();

		long idleAfter = -1;
		while (System.nanoTime() - floodOver < IDLE_BOUND.toNanos() * 4) {
			if (gauge("packetwalk.work.running", "posted") == 0 && gauge("packetwalk.work.queued", "posted") == 0) {
				idleAfter = (System.nanoTime() - floodOver) / 1_000_000;
				break;
			}
			Thread.sleep(100);
		}

		List<Long> times = answers.stream().map(a -> a[1]).sorted().toList();
		Map<Long, Integer> statuses = new TreeMap<>();
		long slowest = 0;
		for (long[] a : answers) {
			statuses.merge(a[0], 1, Integer::sum);
			slowest = Math.max(slowest, a[1]);
		}
		String heap = get("/actuator/metrics/jvm.memory.used?tag=area:heap").body()
			.replaceAll("(?s).*\"value\":([0-9.E]+).*", "$1");
		String appLog = Files.readString(log);
		System.out.printf("flood: %d posts of %d KB by %d clients, limit %d ms: statuses %s, answer times %s ms;"
				+ " built-in traces during the flood: %s ms; idle %d ms after the flood; heap used %.1f MB; work ended %s%n",
				answers.size(), heavy.length / 1024, CLIENTS, LIMIT.toMillis(), statuses, times, builtIn, idleAfter,
				Double.parseDouble(heap) / 1048576.0,
				get("/actuator/metrics/packetwalk.work.ended?tag=lane:posted").body()
					.replaceAll("(?s).*\"availableTags\":(\\[.*?\\]).*", "$1"));

		assertThat(answers).hasSize(CLIENTS * ROUNDS);
		assertThat(statuses.keySet())
			.as("every post is 422 (stopped), 503 (refused, not started) or 408 (its body came too late)")
			.isSubsetOf(422L, 503L, 408L);
		assertThat(slowest).as("slowest answer (ms); limit + 2 s").isLessThanOrEqualTo(ANSWER_BOUND.toMillis());
		assertThat(builtIn).as("built-in traces during the flood").isNotEmpty();
		assertThat(builtIn).as("built-in trace answer times (ms)")
			.allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(BUILT_IN_BOUND.toMillis()));
		assertThat(idleAfter).as("ms until no posted work runs or waits (-1: never)")
			.isBetween(0L, IDLE_BOUND.toMillis());
		assertThat(appLog).doesNotContain("OutOfMemoryError");
		assertThat(app.isAlive()).isTrue();
		assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
	}

	/**
	 * Valid, and far more work than the limit on any machine: 5,000 pods on two nodes,
	 * 1,990 NetworkPolicies with selectors, ports and peers to compile and evaluate, and
	 * {@link #FLOWS} flows to walk through them.
	 */
	static String heavyScenario() {
		StringBuilder y = new StringBuilder("""
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: flood}
				seed: 1
				cluster:
				  network: kubenet
				  namespaces: [{name: shop, labels: {team: shop}}]
				  nodes:
				    - {name: node1, internalIP: 10.240.0.2, podCIDR: 10.244.0.0/19}
				    - {name: node2, internalIP: 10.240.0.3, podCIDR: 10.244.32.0/19}
				  pods:
				""");
		int pods = 5_000;
		for (int i = 0; i < pods; i++) {
			y.append("    - {name: p")
				.append(i)
				.append(", namespace: shop, node: node")
				.append(1 + i % 2)
				.append(", labels: {app: a")
				.append(i % 50)
				.append(", tier: t")
				.append(i % 7)
				.append("}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}\n");
		}
		y.append("objects:\n");
		for (int j = 0; j < 1_990; j++) {
			y.append(
					"""
							  - apiVersion: networking.k8s.io/v1
							    kind: NetworkPolicy
							    metadata: {name: np%d, namespace: shop}
							    spec:
							      podSelector: {matchExpressions: [{key: app, operator: In, values: [a%d, a%d]}]}
							      ingress:
							        - from: [{podSelector: {matchLabels: {tier: t%d}}}, {namespaceSelector: {matchLabels: {team: shop}}, podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [a%d]}]}}]
							          ports: [{protocol: TCP, port: %d}, {protocol: TCP, port: http}]
							      egress:
							        - to: [{podSelector: {matchLabels: {tier: t%d}}}]
							"""
						.formatted(j, j % 50, (j + 1) % 50, j % 7, j % 50, 8000 + j % 100, (j + 3) % 7));
		}
		y.append("flows:\n");
		for (int k = 0; k < FLOWS; k++) {
			y.append("  - {from: shop/p").append(k).append(", to: 'shop/p").append(pods - 1 - k).append(":8080'}\n");
		}
		return y.toString();
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static final Pattern VALUE = Pattern.compile("\"value\":([0-9.E]+)");

	private static double gauge(String name, String lane) throws IOException, InterruptedException {
		Matcher m = VALUE.matcher(get("/actuator/metrics/" + name + "?tag=lane:" + lane).body());
		return m.find() ? Double.parseDouble(m.group(1)) : -1;
	}

	static {
		// the app's own process: never left behind by a JVM that exits without running
		// @AfterAll
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			if (app != null) {
				app.destroyForcibly();
			}
		}));
	}

}

package dev.packetwalk.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded SSE load generator (docs/performance.md, "Server: SSE streams"). JDK only, so
 * it runs as a single source file against an app started with
 * {@code --packetwalk.bench.enabled=true} (for the bare baseline endpoints), loopback
 * only, and stops by itself:
 *
 * <pre>
 * java -Xss512k backend/src/test/java/dev/packetwalk/loadgen/SseLoadGenerator.java \
 *     --base http://127.0.0.1:18082 --mode all --streams 1000 --followers 100,1000,5000
 * </pre>
 *
 * <ul>
 * <li>{@code events}: {@code --streams} concurrent {@code GET
 * /api/scenarios/{id}/events?delayMs=0} over every built-in scenario (round robin); every
 * stream must deliver ids 0..N-1 then {@code end} with {@code seq} N, N the same for
 * every stream of a scenario. Then the same against {@code /bench/scenarios/{id}/events}
 * (the same events from memory); the ratio of the two is reported. A first round of each
 * is not measured (warm connections, JIT and caches for both); then {@code --rounds}
 * (default 3) measured rounds, alternating which endpoint goes first, and the median
 * ratio.</li>
 * <li>{@code live}: per N in {@code --followers}, one live session, N followers on
 * {@code /api/live/{code}/events}, the presenter steps every {@code --interval-ms} for
 * {@code --steps} steps; reports the share of followers that got every step and the
 * p50/p99/max delay from the presenter's PUT to a follower's receipt. Then the same
 * against the bare {@code /bench/live/events} sink. {@code --follower-bases url1,url2}
 * splits the followers round robin over several instances sharing a Redis (the presenter
 * stays on {@code --base}).</li>
 * </ul>
 * Not a test: nothing runs it during the build (its name does not end in Test).
 */
public final class SseLoadGenerator {

	private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

	private static final Pattern STEP = Pattern.compile("\"step\":(\\d+)");

	private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z0-9]+)\"");

	private static final Pattern TOKEN = Pattern.compile("\"token\":\"([A-Za-z0-9_-]+)\"");

	private static final Pattern ID = Pattern
		.compile("\"id\":\"([a-z0-9-]+)\"[^{}]*?\"valid\":true,\"origin\":\"built-in\"");

	private final String base;

	private final HttpClient http;

	private final Duration timeout;

	/**
	 * Where followers connect (round robin); the presenter and the bare baseline use
	 * {@link #base}.
	 */
	private List<String> followerBases;

	/**
	 * Steps sent before the measured ones (delivered and checked, not timed): JIT and
	 * connection warm-up.
	 */
	private int warmup;

	private SseLoadGenerator(String base, Duration timeout) {
		this.base = base.replaceAll("/$", "");
		this.timeout = timeout;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(30))
			.build();
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> o = options(args);
		String base = o.getOrDefault("base", "http://127.0.0.1:18082");
		if (!URI.create(base).getHost().matches("127\\.0\\.0\\.1|localhost|\\[?::1\\]?")) {
			throw new IllegalArgumentException("loopback only: " + base);
		}
		String mode = o.getOrDefault("mode", "all");
		SseLoadGenerator g = new SseLoadGenerator(base,
				Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout-s", "180"))));
		boolean ok = true;
		System.out.printf(Locale.ROOT, "# SSE load against %s, %d cores, %s%n", base,
				Runtime.getRuntime().availableProcessors(), java.time.Instant.now());
		if (mode.equals("all") || mode.equals("events")) {
			int streams = Integer.parseInt(o.getOrDefault("streams", "1000"));
			ok &= g.events(streams, Integer.parseInt(o.getOrDefault("rounds", "3")));
		}
		if (mode.equals("all") || mode.equals("live")) {
			int steps = Integer.parseInt(o.getOrDefault("steps", "20"));
			g.warmup = Integer.parseInt(o.getOrDefault("warmup-steps", "3"));
			g.followerBases = Arrays.stream(o.getOrDefault("follower-bases", base).split(","))
				.map(b -> b.strip().replaceAll("/$", ""))
				.peek(b -> {
					if (!URI.create(b).getHost().matches("127\\.0\\.0\\.1|localhost|\\[?::1\\]?")) {
						throw new IllegalArgumentException("loopback only: " + b);
					}
				})
				.toList();
			long interval = Long.parseLong(o.getOrDefault("interval-ms", "500"));
			for (String n : o.getOrDefault("followers", "100,1000").split(",")) {
				ok &= g.live(Integer.parseInt(n.strip()), steps, interval);
			}
		}
		System.out.println(ok ? "# OK: every event delivered" : "# FAILED: see above");
		System.exit(ok ? 0 : 1);
	}

	// ---- events: /api/scenarios/{id}/events vs the same events from memory
	// ---------------------------------------

	record StreamResult(String scenario, boolean ok, int events, long nanos, String problem) {
	}

	private boolean events(int streams, int rounds) throws Exception {
		List<String> ids = builtInScenarios();
		System.out.printf(Locale.ROOT,
				"%n## events: %d concurrent streams over %d built-in scenarios (delayMs=0), %d measured round(s)%n",
				streams, ids.size(), rounds);
		// a first round of each, not measured: both endpoints then start with warm
		// connections, JIT and caches
		Run warmApp = eventsRun(streams, ids, id -> "/api/scenarios/" + id + "/events?delayMs=0");
		Run warmBare = eventsRun(streams, ids, id -> "/bench/scenarios/" + id + "/events");
		boolean ok = warmApp.failures == 0 && warmBare.failures == 0;
		List<Double> ratios = new ArrayList<>();
		System.out.printf(Locale.ROOT,
				"| round | endpoint | streams ok | events | wall s | events/s | stream p50 ms | stream p99 ms |%n|---|---|---|---|---|---|---|---|%n");
		warmApp.print("0 (warm-up, not counted) | /api/scenarios/{id}/events?delayMs=0");
		warmBare.print("0 (warm-up, not counted) | bare /bench/scenarios/{id}/events");
		for (int r = 1; r <= rounds; r++) {
			// alternate which goes first, so neither always runs on the other's leftovers
			Run app;
			Run bare;
			if (r % 2 == 1) {
				app = eventsRun(streams, ids, id -> "/api/scenarios/" + id + "/events?delayMs=0");
				bare = eventsRun(streams, ids, id -> "/bench/scenarios/" + id + "/events");
			}
			else {
				bare = eventsRun(streams, ids, id -> "/bench/scenarios/" + id + "/events");
				app = eventsRun(streams, ids, id -> "/api/scenarios/" + id + "/events?delayMs=0");
			}
			app.print(r + " | /api/scenarios/{id}/events?delayMs=0");
			bare.print(r + " | bare /bench/scenarios/{id}/events");
			ratios.add(app.rate() / bare.rate());
			boolean same = app.expected.equals(bare.expected) && app.expected.equals(warmApp.expected);
			if (!same) {
				System.out.println("MISMATCH: event counts differ between the app and the bare endpoint: "
						+ app.expected + " vs " + bare.expected);
			}
			ok &= app.failures == 0 && bare.failures == 0 && same;
		}
		double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		System.out.printf(Locale.ROOT, "throughput app/bare per round: %s; median %.2f×%n",
				ratios.stream().map(x -> String.format(Locale.ROOT, "%.2f×", x)).toList(), sorted[sorted.length / 2]);
		return ok;
	}

	final class Run {

		final List<StreamResult> results = new ArrayList<>();

		final Map<String, Integer> expected = new java.util.TreeMap<>();

		long wallNanos;

		int failures;

		double wallS() {
			return wallNanos / 1e9;
		}

		long events() {
			return results.stream().mapToLong(StreamResult::events).sum();
		}

		double rate() {
			return events() / wallS();
		}

		void print(String name) {
			long[] d = results.stream().mapToLong(StreamResult::nanos).sorted().toArray();
			System.out.printf(Locale.ROOT, "| %s | %d/%d | %d | %.2f | %.0f | %.0f | %.0f |%n", name,
					results.size() - failures, results.size(), events(), wallS(), rate(), pct(d, 50) / 1e6,
					pct(d, 99) / 1e6);
			results.stream()
				.filter(r -> !r.ok())
				.limit(5)
				.forEach(r -> System.out.println("  FAILED " + r.scenario() + ": " + r.problem()));
		}

	}

	private Run eventsRun(int streams, List<String> ids, java.util.function.Function<String, String> path)
			throws Exception {
		Run run = new Run();
		List<CompletableFuture<StreamResult>> all = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < streams; i++) {
			String id = ids.get(i % ids.size());
			all.add(stream(id, base + path.apply(id)));
		}
		CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(timeout.toSeconds(), TimeUnit.SECONDS);
		run.wallNanos = System.nanoTime() - start;
		for (CompletableFuture<StreamResult> f : all) {
			StreamResult r = f.join();
			run.results.add(r);
			Integer before = run.expected.putIfAbsent(r.scenario(), r.events());
			boolean ok = r.ok() && (before == null || before == r.events());
			if (!ok) {
				run.failures++;
			}
		}
		return run;
	}

	/**
	 * One stream: ids must be 0, 1, 2, … and the {@code end} event's seq must equal the
	 * number of steps.
	 */
	private CompletableFuture<StreamResult> stream(String scenario, String url) {
		long t0 = System.nanoTime();
		int[] next = { 0 };
		boolean[] ended = { false };
		String[] problem = { null };
		SseParser parser = new SseParser((event, id, data) -> {
			if ("end".equals(event)) {
				Matcher m = SEQ.matcher(data);
				if (!m.find() || Integer.parseInt(m.group(1)) != next[0]) {
					problem[0] = "end seq " + (m.find(0) ? m.group(1) : "?") + " after " + next[0] + " steps";
				}
				ended[0] = true;
			}
			else if (problem[0] == null && !String.valueOf(next[0]++).equals(id)) {
				problem[0] = "event id " + id + " where " + (next[0] - 1) + " was expected";
			}
		});
		HttpRequest req = HttpRequest.newBuilder(URI.create(url))
			.header("Accept", "text/event-stream")
			.timeout(timeout)
			.build();
		return http.sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(parser)).handle((res, err) -> {
			long t = System.nanoTime() - t0;
			if (err != null) {
				return new StreamResult(scenario, false, next[0], t, err.toString());
			}
			if (res.statusCode() != 200) {
				return new StreamResult(scenario, false, next[0], t, "HTTP " + res.statusCode());
			}
			boolean ok = ended[0] && problem[0] == null;
			return new StreamResult(scenario, ok, next[0] + (ended[0] ? 1 : 0), t,
					ok ? null : problem[0] == null ? "no end event" : problem[0]);
		});
	}

	// ---- live: N followers on one session, a step every interval
	// ------------------------------------------------

	private boolean live(int followers, int steps, long intervalMs) throws Exception {
		System.out.printf(Locale.ROOT,
				"%n## live: %d followers on %s, %d steps (after %d warm-up steps), one every %d ms%n", followers,
				followerBases, steps, warmup, intervalMs);
		steps += warmup;
		String created = send("POST", "/api/live", "{\"scenario\":\"pod-to-pod-same-node\",\"step\":0}", null, 201);
		String code = match(CODE, created);
		String token = match(TOKEN, created);
		LiveRun app = liveRun(followers, followerBases, steps, intervalMs, "/api/live/" + code + "/events",
				k -> send("PUT", "/api/live/" + code + "/state",
						"{\"scenario\":\"pod-to-pod-same-node\",\"step\":" + k + "}", token, 200),
				() -> send("DELETE", "/api/live/" + code, null, token, 204));
		LiveRun bare = liveRun(followers, List.of(base), steps, intervalMs, "/bench/live/events",
				k -> send("POST", "/bench/live/step", "{\"step\":" + k + "}", null, 204), null);
		System.out.printf(Locale.ROOT,
				"| endpoint | N | connected | got every step | delay p50 ms | p99 ms | max ms | closed at end |%n|---|---|---|---|---|---|---|---|%n");
		app.print("/api/live/{code}/events", followers);
		bare.print("bare /bench/live/events", followers);
		System.out.printf(Locale.ROOT, "ratio app/bare (N=%d): p50 %.2f×, p99 %.2f×%n", followers,
				app.p(50) / Math.max(1, bare.p(50)), app.p(99) / Math.max(1, bare.p(99)));
		return app.complete == followers && bare.complete == followers && app.closed == followers;
	}

	interface Step {

		void run(int k) throws Exception;

	}

	interface End {

		void run() throws Exception;

	}

	final class LiveRun {

		int connected;

		int complete;

		int closed;

		long[] delays = new long[0];

		double p(int q) {
			return pct(delays, q) / 1e6;
		}

		void print(String name, int n) {
			System.out.printf(Locale.ROOT, "| %s | %d | %d | %d (%.1f%%) | %.1f | %.1f | %.1f | %s |%n", name, n,
					connected, complete, 100.0 * complete / n, p(50), p(99),
					delays.length == 0 ? 0 : delays[delays.length - 1] / 1e6, closed < 0 ? "n/a" : closed + "/" + n);
		}

	}

	private LiveRun liveRun(int n, List<String> bases, int steps, long intervalMs, String path, Step step, End end)
			throws Exception {
		LiveRun run = new LiveRun();
		long[] sentAt = new long[steps + 1];
		Arrays.fill(sentAt, Long.MAX_VALUE);
		long[][] receivedAt = new long[n][steps + 1];
		AtomicInteger connected = new AtomicInteger();
		List<Flow.Subscription> subscriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
		List<CompletableFuture<HttpResponse<Void>>> streams = new ArrayList<>();
		if (end == null) {
			step.run(0); // the bare sink replays its latest: followers see step 0 when
							// connected
		}
		for (int f = 0; f < n; f++) {
			int follower = f;
			boolean[] seen0 = { false };
			SseParser parser = new SseParser((event, id, data) -> {
				if (!"state".equals(event)) {
					return;
				}
				long now = System.nanoTime();
				int k = Integer.parseInt(match(STEP, data));
				if (k == 0 && !seen0[0]) {
					seen0[0] = true;
					connected.incrementAndGet();
				}
				else if (k > 0 && k <= steps && receivedAt[follower][k] == 0) {
					receivedAt[follower][k] = now;
				}
			});
			parser.onSubscription = subscriptions::add;
			// followers split round robin over the instances (one unless --follower-bases
			// names several)
			HttpRequest req = HttpRequest.newBuilder(URI.create(bases.get(f % bases.size()) + path))
				.header("Accept", "text/event-stream")
				.build();
			streams.add(http.sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(parser)));
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (connected.get() < n && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		run.connected = connected.get();
		for (int k = 1; k <= steps; k++) {
			sentAt[k] = System.nanoTime();
			step.run(k);
			Thread.sleep(intervalMs);
		}
		Thread.sleep(2000); // grace for the last step
		List<Long> delays = new ArrayList<>();
		for (int f = 0; f < n; f++) {
			boolean all = true;
			for (int k = 1; k <= steps; k++) {
				if (receivedAt[f][k] == 0) {
					all = false;
				}
				else if (k > warmup) {
					delays.add(Math.max(0, receivedAt[f][k] - sentAt[k]));
				}
			}
			if (all) {
				run.complete++;
			}
		}
		run.delays = delays.stream().mapToLong(Long::longValue).sorted().toArray();
		if (Boolean.getBoolean("loadgen.perStep")) {
			StringBuilder b = new StringBuilder("  per step, slowest follower ms:");
			for (int k = warmup + 1; k <= steps; k++) {
				long worst = 0;
				for (int f = 0; f < n; f++) {
					worst = Math.max(worst, receivedAt[f][k] == 0 ? 0 : receivedAt[f][k] - sentAt[k]);
				}
				b.append(' ').append(worst / 1_000_000);
			}
			System.out.println(b);
		}
		if (end != null) {
			end.run(); // the session ends: every follower's stream must close
			int closed = 0;
			for (CompletableFuture<HttpResponse<Void>> s : streams) {
				try {
					s.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L), TimeUnit.SECONDS);
					closed++;
				}
				catch (Exception ex) {
					// not closed in time
				}
			}
			run.closed = closed;
		}
		else {
			run.closed = -1;
			subscriptions.forEach(Flow.Subscription::cancel);
		}
		return run;
	}

	// ---- plumbing
	// ----------------------------------------------------------------------------------------------

	private List<String> builtInScenarios() throws Exception {
		String json = send("GET", "/api/scenarios", null, null, 200);
		List<String> ids = new ArrayList<>();
		Matcher m = ID.matcher(json);
		while (m.find()) {
			ids.add(m.group(1));
		}
		if (ids.isEmpty()) {
			throw new IllegalStateException("no built-in scenarios at " + base);
		}
		return ids;
	}

	private String send(String method, String path, String body, String token, int expected) throws Exception {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
			.timeout(Duration.ofSeconds(30))
			.method(method,
					body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			b.header("Content-Type", "application/json");
		}
		if (token != null) {
			b.header("Authorization", "Bearer " + token);
		}
		HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
		if (res.statusCode() != expected) {
			throw new IllegalStateException(method + " " + path + ": HTTP " + res.statusCode() + " " + res.body());
		}
		return res.body();
	}

	private static String match(Pattern p, String s) {
		Matcher m = p.matcher(s);
		if (!m.find()) {
			throw new IllegalStateException(p + " not in " + s);
		}
		return m.group(1);
	}

	private static double pct(long[] sorted, int q) {
		if (sorted.length == 0) {
			return 0;
		}
		int i = (int) Math.ceil(q / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> o = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("usage: --name value …; got " + args[i]);
			}
			o.put(args[i].substring(2), args[++i]);
		}
		return o;
	}

	interface Handler {

		void event(String event, String id, String data);

	}

	/**
	 * Server-Sent Events framing: id/event/data lines, a blank line dispatches; comments
	 * are skipped.
	 */
	static final class SseParser implements Flow.Subscriber<String> {

		private final Handler handler;

		java.util.function.Consumer<Flow.Subscription> onSubscription = s -> {
		};

		private String event;

		private String id;

		private final StringBuilder data = new StringBuilder();

		SseParser(Handler handler) {
			this.handler = handler;
		}

		@Override
		public void onSubscribe(Flow.Subscription s) {
			onSubscription.accept(s);
			s.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(String line) {
			if (line.isEmpty()) {
				if (!data.isEmpty() || event != null) {
					handler.event(event, id, data.toString());
				}
				event = null;
				id = null;
				data.setLength(0);
			}
			else if (line.startsWith("data:")) {
				if (!data.isEmpty()) {
					data.append('\n');
				}
				data.append(line.substring(5).stripLeading());
			}
			else if (line.startsWith("event:")) {
				event = line.substring(6).strip();
			}
			else if (line.startsWith("id:")) {
				id = line.substring(3).strip();
			}
		}

		@Override
		public void onError(Throwable t) {
		}

		@Override
		public void onComplete() {
		}

	}

}

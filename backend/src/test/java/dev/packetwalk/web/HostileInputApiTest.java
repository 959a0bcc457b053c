package dev.packetwalk.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 10, "Hostile input": each request gets a 4xx with a problem body that names the
 * problem and where it is, within a bounded time, and the server is healthy afterwards
 * (checked after every test). Limits are the defaults (docs/api.md, "Limits").
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class HostileInputApiTest {

	/** The most any of these requests may take, end to end (generous: 2 shared cores). */
	private static final Duration BOUND = Duration.ofSeconds(30);

	private static final String HEADER = "apiVersion: packetwalk.dev/v1alpha1\nkind: Scenario\nmetadata: {name: hostile}\n";

	private static final String XSS = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";

	static final Path DIR;

	static {
		try {
			DIR = Files.createTempDirectory("pw-hostile");
			Files.writeString(DIR.resolve("xss.yaml"), xssScenario("xss"), StandardCharsets.UTF_8);
			// issue 23: a link out of the directory, a file far over the size limit
			// (sparse: no disk used), a name
			// with a newline
			Files.createSymbolicLink(DIR.resolve("evil.yaml"), Path.of("/etc/passwd"));
			try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(DIR.resolve("huge.yaml").toFile(),
					"rw")) {
				huge.setLength(300L * 1024 * 1024);
			}
			Files.writeString(DIR.resolve("new\nline.yaml"), xssScenario("newline"), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A valid scenario with markup in every free-text field the pages and the trace show.
	 */
	static String xssScenario(String name) {
		String quoted = "'" + XSS.replace("'", "''") + "'";
		return """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: %s, title: %s, summary: %s, chapter: %s, order: 1}
				intro: %s
				takeaway: %s
				cluster:
				  nodes: [{name: node1}]
				  pods:
				    - {name: pod1, node: node1}
				    - name: pod2
				      node: node1
				      containers: [{name: web, ports: [{containerPort: 8080}]}]
				flows:
				  - {from: pod1, to: pod2:8080, label: %s}
				""".formatted(name, quoted, quoted, quoted, quoted, quoted, quoted);
	}

	@DynamicPropertySource
	static void dir(DynamicPropertyRegistry registry) {
		registry.add("packetwalk.scenarios.dir", DIR::toString);
	}

	@Autowired
	WebTestClient webClient;

	@LocalServerPort
	int port;

	WebTestClient client;

	@Autowired
	dev.packetwalk.catalog.ScenarioCatalog catalog;

	@BeforeEach
	void boundedClient() throws Exception {
		client = webClient.mutate().responseTimeout(BOUND).build();
		// readiness waits for the built-in scenarios, which compile in the background
		// from startup on
		catalog.whenReady().get(60, java.util.concurrent.TimeUnit.SECONDS);
	}

	/** After every hostile request: alive, ready, and still tracing. */
	@AfterEach
	void serverIsHealthy() {
		client.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
		client.get().uri("/api/scenarios/pod-to-pod-same-node/trace").exchange().expectStatus().isOk();
	}

	private static <T> T bounded(Supplier<T> call) {
		return assertTimeoutPreemptively(BOUND, call::get);
	}

	private WebTestClient.BodyContentSpec post(String yaml, int status) {
		return post(yaml.getBytes(StandardCharsets.UTF_8), status);
	}

	private WebTestClient.BodyContentSpec post(byte[] body, int status) {
		return bounded(() -> ApiRequests.postProblem(client, "/api/trace", body, status));
	}

	@Test
	void aliasBomb() {
		StringBuilder bomb = new StringBuilder(HEADER)
			.append("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
		for (int i = 1; i < 10; i++) {
			bomb.append("a")
				.append(i)
				.append(": &a")
				.append(i)
				.append(" [")
				.append(("*a" + (i - 1) + ", ").repeat(8))
				.append("*a")
				.append(i - 1)
				.append("]\n");
		}
		post(bomb.toString(), 400).jsonPath("$.title")
			.isEqualTo("Invalid scenario")
			.jsonPath("$.errors[0].line")
			.isEqualTo(10)
			.jsonPath("$.errors[0].message")
			.value(m -> assertThat((String) m).contains("packetwalk.limits.max-"));
	}

	@Test
	void fiftyMebibyteBodyWithItsLength() {
		byte[] big = new byte[50 * 1024 * 1024];
		java.util.Arrays.fill(big, (byte) '#');
		post(big, 413).jsonPath("$.title")
			.isEqualTo("Scenario too large")
			.jsonPath("$.detail")
			.value(d -> assertThat((String) d).contains("1048576 bytes").contains("packetwalk.limits.max-body-size"));
	}

	/**
	 * A chunked body has no length to refuse it by: the server reads up to the limit,
	 * answers 413 and closes the connection without reading the rest. A raw socket,
	 * because HTTP clients give up on a connection closed while they are still sending.
	 */
	@Test
	void fiftyMebibyteBodyStreamedWithoutALength() throws Exception {
		String response = bounded(() -> {
			try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
				socket.setSoTimeout((int) BOUND.toMillis());
				java.util.concurrent.CompletableFuture<String> reply = java.util.concurrent.CompletableFuture
					.supplyAsync(() -> {
						java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
						byte[] buf = new byte[8192];
						try {
							for (int n; (n = socket.getInputStream().read(buf)) > 0;) {
								got.write(buf, 0, n);
							}
						}
						catch (IOException ex) {
							// a reset after the answer: keep what was read
						}
						return got.toString(StandardCharsets.UTF_8);
					});
				var out = socket.getOutputStream();
				out.write(("POST /api/validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\n"
						+ "Transfer-Encoding: chunked\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				byte[] chunk = "# a comment line that goes on and on\n".repeat(1800).getBytes(StandardCharsets.UTF_8);
				byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
				try {
					for (long sent = 0; sent < 50L * 1024 * 1024 && !reply.isDone(); sent += chunk.length) {
						out.write(size);
						out.write(chunk);
						out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
					}
					out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				}
				catch (IOException expected) {
					// the server closed the connection after answering
				}
				return reply.get(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
		});
		assertThat(response).startsWith("HTTP/1.1 413")
			.contains("application/problem+json")
			.contains("packetwalk.limits.max-body-size");
	}

	@Test
	void nestingTenThousandDeep() {
		String deep = HEADER + "intro: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
		post(deep, 400).jsonPath("$.errors[0].line")
			.isEqualTo(4)
			.jsonPath("$.errors[0].message")
			.isEqualTo("mappings and sequences nest deeper than 100 levels (limit packetwalk.limits.max-depth)");
		String deepMaps = HEADER + "intro: " + "{a: ".repeat(10_000) + "1" + "}".repeat(10_000) + "\n";
		post(deepMaps, 400).jsonPath("$.errors[0].message")
			.value(m -> assertThat((String) m).contains("packetwalk.limits.max-depth"));
	}

	@Test
	void aMillionPodsIsTooLargeToSend() {
		StringBuilder y = new StringBuilder(30_000_000).append(HEADER)
			.append("cluster:\n  nodes: [{name: n}]\n  pods:\n");
		for (int i = 0; i < 1_000_000; i++) {
			y.append("  - {name: p").append(i).append(", node: n}\n");
		}
		post(y.toString(), 413).jsonPath("$.detail")
			.value(d -> assertThat((String) d).contains("packetwalk.limits.max-body-size"));
	}

	@Test
	void tenThousandPodsInsideTheBodyLimitAreOverThePodLimit() {
		StringBuilder y = new StringBuilder(HEADER).append("cluster:\n  nodes: [{name: n}]\n  pods:\n");
		for (int i = 0; i < 10_000; i++) {
			y.append("  - {name: p").append(i).append(", node: n}\n");
		}
		y.append("flows: [{from: p0, to: 'p1:80'}]\n");
		post(y.toString(), 400).jsonPath("$.errors[0].path")
			.isEqualTo("cluster.pods")
			.jsonPath("$.errors[0].line")
			.isEqualTo(6)
			.jsonPath("$.errors[0].message")
			.isEqualTo("10000 pods is more than the limit of 5000 (setting packetwalk.limits.max-pods)");
	}

	@Test
	void aHundredThousandFlows() {
		StringBuilder big = new StringBuilder(HEADER)
			.append("cluster:\n  nodes: [{name: n}]\n  pods: [{name: a, node: n}]\nflows:\n");
		StringBuilder small = new StringBuilder(big);
		for (int i = 0; i < 100_000; i++) {
			big.append("  - {from: a, to: 'a:").append(1 + i % 60000).append("'}\n");
		}
		post(big.toString(), 413).jsonPath("$.detail")
			.value(d -> assertThat((String) d).contains("packetwalk.limits.max-body-size"));
		for (int i = 0; i < 1_000; i++) {
			small.append("  - {from: a, to: 'a:").append(1 + i).append("'}\n");
		}
		post(small.toString(), 400).jsonPath("$.errors[0].path")
			.isEqualTo("flows")
			.jsonPath("$.errors[0].message")
			.isEqualTo("1000 flows is more than the limit of 50 (setting packetwalk.limits.max-flows)");
	}

	/**
	 * 2,000 Services over 50 pods: 304,000 rules per node. This once took minutes and a
	 * GiB of heap.
	 */
	@Test
	void aHundredThousandRules() {
		StringBuilder y = new StringBuilder(HEADER).append("cluster:\n  nodes: [{name: n}]\n  pods:\n");
		for (int i = 0; i < 50; i++) {
			y.append("    - {name: p").append(i).append(", node: n, labels: {app: w}}\n");
		}
		y.append("objects:\n");
		for (int i = 0; i < 2000; i++) {
			y.append("  - {apiVersion: v1, kind: Service, metadata: {name: s")
				.append(i)
				.append("}, spec: {selector: {app: w}, ports: [{port: 80, targetPort: 8080}]}}\n");
		}
		y.append("flows: [{from: p0, to: 'service/s1999:80'}]\n");
		post(y.toString(), 400).jsonPath("$.errors[0].path")
			.isEqualTo("objects")
			.jsonPath("$.errors[0].message")
			.isEqualTo(
					"the Services make kube-proxy write at least 304000 rules over 1 nodes, more than the limit of 50000"
							+ " (setting packetwalk.limits.max-rules)");
	}

	/**
	 * The scenario format has no free-form routes, so a loop cannot be written directly
	 * (the model's own loop test is WalkerTest); what comes closest are two nodes
	 * claiming the same pod addresses, which is refused, and a packet whose TTL runs out
	 * on the way, which ends with TTL_EXCEEDED.
	 */
	@Test
	void routingLoopsEndWithAReason() {
		String overlapping = HEADER + """
				cluster:
				  cloud: {provider: gcp}
				  nodes:
				    - {name: node1, podCIDR: 10.244.0.0/16}
				    - {name: node2, podCIDR: 10.244.2.0/24}
				  pods: [{name: a, node: node1}]
				flows: [{from: a, to: '10.244.2.7:80', ttl: 255}]
				""";
		post(overlapping, 400).jsonPath("$.errors[0].path")
			.isEqualTo("cluster.nodes[1].podCIDR")
			.jsonPath("$.errors[0].line")
			.isEqualTo(8)
			.jsonPath("$.errors[0].message")
			.value(m -> assertThat((String) m).startsWith("pod CIDR 10.244.2.0/24 overlaps node node1's"));
		String ttl = HEADER + """
				cluster:
				  cloud: {provider: gcp}
				  nodes: [{name: node1}, {name: node2}]
				  pods: [{name: a, node: node1}, {name: b, node: node2}]
				flows: [{from: a, to: 'b:80', ttl: 1}]
				""";
		bounded(() -> ApiRequests.postYaml(client, "/api/trace", ttl, 200)
			.expectBody()
			.jsonPath("$.walks[0].disposition.reason")
			.isEqualTo("TTL_EXCEEDED"));
	}

	/**
	 * The alias amplification file, 200 KB as sent, and the two flows a valid file of it
	 * may hold.
	 */
	static String amplified(int aliasedFlows, boolean fragment) {
		String big = "x".repeat(200_000);
		StringBuilder y = new StringBuilder(HEADER)
			.append("""
					cluster:
					  cloud: {provider: gcp}
					  nodes: [{name: n1}, {name: n2}]
					  pods: [{name: a, node: n1}, {name: b, node: n2, containers: [{name: c, ports: [{containerPort: 8080}]}]}]
					flows:
					""");
		String df = fragment ? ", dontFragment: false" : "";
		y.append("  - {from: a, to: 'b:8080'")
			.append(df)
			.append(", label: &big \"/")
			.append(big)
			.append("\", http: {method: GET, path: *big, headers: {X-A: *big, X-B: *big}}}\n");
		for (int i = 0; i < aliasedFlows; i++) {
			y.append("  - {from: a, to: 'b:8080'")
				.append(df)
				.append(", label: *big, http: {method: GET, path: *big, headers: {X-A: *big, X-B: *big}}}\n");
		}
		return y.toString();
	}

	/**
	 * Issue 23, the alias amplification file: a 200 KB string referenced by alias in
	 * labels, paths and headers counts its whole text each time (400 at the alias past
	 * max-code-points), and a file that stays under that limit but whose packets carry
	 * the text through every step of their walks is over the trace's size (422), not an
	 * OutOfMemoryError. (The request rides the first data segment after the handshake, so
	 * the nodes share a cloud network where the handshake completes.)
	 */
	@Test
	void aliasAmplification() {
		String tooLong = amplified(8, false);
		assertThat(tooLong.length()).isBetween(200_000, 210_000);
		post(tooLong, 400).jsonPath("$.title")
			.isEqualTo("Invalid scenario")
			.jsonPath("$.errors[0].message")
			.value(m -> assertThat((String) m).contains("once its aliases are expanded")
				.contains("packetwalk.limits.max-code-points"));
		post(amplified(1, true), 422).jsonPath("$.title")
			.isEqualTo("Trace too large")
			.jsonPath("$.detail")
			.value(d -> assertThat((String) d).contains("packetwalk.limits.max-trace-size"));
	}

	/**
	 * Issue 23: errors echo their input bounded: 815 KB of unknown keys is a small
	 * answer, each message cut with a marker.
	 */
	@Test
	void errorsEchoTheirInputBounded() {
		StringBuilder y = new StringBuilder(HEADER)
			.append("cluster:\n  nodes: [{name: node1}]\n  pods: [{name: a, node: node1}]\n");
		String longKey = "k".repeat(1_010); // YAML allows implicit keys of up to 1,024
											// characters
		for (int i = 0; y.length() < 815 * 1024; i++) {
			y.append(longKey).append(i).append(": 1\n");
		}
		byte[] body = bounded(() -> ApiRequests.postYaml(client, "/api/trace", y.toString(), 400)
			.expectBody()
			.jsonPath("$.errors.length()")
			.isEqualTo(ApiExceptionHandler.MAX_LISTED + 1)
			.jsonPath("$.errors[100].message")
			.value(m -> assertThat((String) m).contains("more problems, not listed"))
			.jsonPath("$.errors[?(@.message =~ /.*more characters not shown.*/)]")
			.exists()
			.returnResult()
			.getResponseBodyContent());
		assertThat(body.length).as("answer bytes for 815 KB of unknown keys").isLessThan(300_000);
	}

	@Test
	void unknownFieldsDeepInside() {
		String y = HEADER + """
				cluster:
				  nodes: [{name: node1, podCIRD: 10.244.1.0/24}]
				  pods: [{name: a, node: node1, evil: true}]
				flows: [{from: a, to: 'a:80'}]
				""";
		post(y, 400).jsonPath("$.errors.length()")
			.isEqualTo(2)
			.jsonPath("$.errors[0].path")
			.isEqualTo("cluster.nodes[0].podCIRD")
			.jsonPath("$.errors[0].line")
			.isEqualTo(5)
			.jsonPath("$.errors[0].message")
			.isEqualTo("unknown field 'podCIRD' (did you mean 'podCIDR'?)")
			.jsonPath("$.errors[1].path")
			.isEqualTo("cluster.pods[0].evil");
	}

	/**
	 * Outside hosts whose addresses the cluster uses (the loopback range, the service
	 * CIDR, a node's address) are refused one error each, naming the range and its line;
	 * no flow that uses them is reported again, and a bare source address inside the pod
	 * network is its own error.
	 */
	@Test
	void outsideHostsAtTheClustersAddresses() {
		String y = HEADER + """
				cluster:
				  serviceCIDR: 10.96.0.0/16
				  nodes: [{name: node1, internalIP: 10.240.0.2, podCIDR: 10.244.1.0/24}]
				  hosts:
				    - {name: lo, ip: 127.0.0.1}
				    - {name: svc, ip: 10.96.0.10}
				    - {name: node, ip: 10.240.0.2}
				  pods: [{name: a, node: node1, containers: [{name: c, ports: [{containerPort: 80}]}]}]
				flows:
				  - {from: host/lo, to: 'a:80'}
				  - {from: a, to: 'host/svc:80'}
				  - {from: host/node, to: 'a:80'}
				  - {from: 10.244.1.200, to: 'a:80'}
				  - {from: 172.17.0.5, to: 'a:80'}
				""";
		WebTestClient.BodyContentSpec body = post(y, 400);
		body.jsonPath("$.errors.length()").isEqualTo(4);
		body.jsonPath("$.errors[?(@.path == 'cluster.hosts[0].ip')].message")
			.value(m -> assertThat(String.valueOf(((java.util.List<?>) m).getFirst()))
				.contains("the loopback range 127.0.0.0/8"));
		body.jsonPath("$.errors[?(@.path == 'cluster.hosts[1].ip')].message")
			.value(m -> assertThat(String.valueOf(((java.util.List<?>) m).getFirst()))
				.contains("the service CIDR 10.96.0.0/16 (cluster.serviceCIDR, line 5)"));
		body.jsonPath("$.errors[?(@.path == 'cluster.hosts[2].ip')].message")
			.value(m -> assertThat(String.valueOf(((java.util.List<?>) m).getFirst()))
				.contains("it is node node1's address (cluster.nodes[0].internalIP, line 6)"));
		body.jsonPath("$.errors[?(@.path == 'flows[3].from')].message")
			.value(m -> assertThat(String.valueOf(((java.util.List<?>) m).getFirst())).contains("10.244.1.200",
					"node node1's pod CIDR 10.244.1.0/24"));
	}

	@Test
	void invalidCidrsAndPorts() {
		String y = HEADER
				+ """
						cluster:
						  serviceCIDR: 10.96.0.0/33
						  nodes: [{name: node1, podCIDR: 10.300.1.0/24}, {name: node2, podCIDR: banana}]
						  pods:
						    - {name: a, node: node1, containers: [{name: c, ports: [{containerPort: 70000}, {containerPort: -1}]}]}
						flows: [{from: a, to: 'a:99999'}, {from: a, to: 'a:0'}]
						""";
		WebTestClient.BodyContentSpec body = post(y, 400);
		for (String path : new String[] { "cluster.serviceCIDR", "cluster.nodes[0].podCIDR", "cluster.nodes[1].podCIDR",
				"cluster.pods[0].containers[0].ports[0].containerPort",
				"cluster.pods[0].containers[0].ports[1].containerPort", "flows[0].to", "flows[1].to" }) {
			body.jsonPath("$.errors[?(@.path == '" + path + "')].line").exists();
		}
	}

	@Test
	void nonUtf8Bytes() {
		byte[] head = (HEADER.replace("name: hostile}", "name: hostile, title: caf")).getBytes(StandardCharsets.UTF_8);
		byte[] body = new byte[head.length + 3];
		System.arraycopy(head, 0, body, 0, head.length);
		// "é" in Latin-1, then bytes no UTF-8 sequence starts with
		body[head.length - 2] = (byte) 0xE9;
		body[head.length - 1] = (byte) 0xFF;
		body[head.length] = '}';
		body[head.length + 1] = '\n';
		body[head.length + 2] = '\n';
		post(body, 400).jsonPath("$.title")
			.isEqualTo("Scenario is not UTF-8")
			.jsonPath("$.offset")
			.isEqualTo(head.length - 2)
			.jsonPath("$.detail")
			.value(d -> assertThat((String) d).contains("offset " + (head.length - 2)));
	}

	/**
	 * Markup is data: JSON answers carry it verbatim (never sniffed as HTML), the pages
	 * escape it.
	 */
	@Test
	void scriptsAndHtmlInTextFieldsAreText() {
		String json = bounded(() -> ApiRequests.postYaml(client, "/api/trace", xssScenario("posted-xss"), 200)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
		assertThat(json).contains("\"label\":\"" + XSS.replace("\"", "\\\"") + "\"");
		for (String page : new String[] { "/", "/scenarios/xss" }) {
			String html = client.get()
				.uri(page)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			assertThat(html).as(page)
				.doesNotContain("<img src=x")
				.doesNotContain("<script>document.title")
				.contains("&lt;img src=x");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/scenarios/..%2F..%2Fetc%2Fpasswd", "/api/scenarios/..%2F..%2Fetc%2Fpasswd/trace",
			"/api/scenarios/%2e%2e%2f%2e%2e%2fetc%2fpasswd/events", "/api/scenarios/..%252F..%252Fetc%252Fpasswd",
			"/api/scenarios/%2E%2E/%2E%2E/etc/passwd", "/api/scenarios/../../etc/passwd",
			"/api/scenarios/..%5C..%5Cetc%5Cpasswd", "/scenarios/..%2F..%2Fetc%2Fpasswd",
			"/scenarios/../../../etc/passwd", "/..%2F..%2F..%2Fetc%2Fpasswd", "/css/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
			"/js/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/webjars/..%2F..%2F..%2Fetc%2Fpasswd",
			"/api/scenarios/xss/nodes/..%2F..%2Fetc%2Fpasswd/iptables-save" })
	void pathTraversalInScenarioIds(String path) {
		WebTestClient.ResponseSpec r = bounded(
				() -> client.get().uri(URI.create("http://localhost:" + port + path)).exchange());
		String body = r.expectStatus()
			.value(s -> assertThat(s).as(path).isIn(400, 404))
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body == null ? "" : body).doesNotContain("root:").doesNotContain("/bin/");
		if (path.startsWith("/api/")) {
			r.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(body).contains("\"status\":");
		}
	}

	private static final String OUT_OF_RANGE = HEADER
			+ """
					seed: 1e19
					cluster:
					  nodes: [{name: n1}]
					  pods: [{name: a, node: n1}, {name: b, node: n1, containers: [{name: c, ports: [{containerPort: 1e999999999}]}]}]
					flows: [{from: a, to: 'b:80'}]
					""";

	/**
	 * Issue 23: numbers no field can hold, in any notation, are 400 with the field and
	 * line (was 500).
	 */
	@Test
	void numbersOutOfRangeNameTheirField() {
		for (String uri : new String[] { "/api/trace", "/api/resolve" }) {
			byte[] body = bounded(() -> ApiRequests.postYaml(client, uri, OUT_OF_RANGE, 400)
				.expectBody()
				.jsonPath("$.errors[?(@.path == 'seed')].line")
				.isEqualTo(4)
				.jsonPath("$.errors[?(@.path == 'cluster.pods[1].containers[0].ports[0].containerPort')].line")
				.isEqualTo(7)
				.returnResult()
				.getResponseBodyContent());
			assertThat(new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8)).as(uri)
				.doesNotContain("Exception")
				.doesNotContain("jackson");
		}
		bounded(() -> ApiRequests
			.postYaml(client, "/api/validate", OUT_OF_RANGE.replace("1e19", "-99999999999999999999"), 200)
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.errors[?(@.path == 'seed')].message")
			.value(m -> assertThat(m.toString()).contains("9223372036854775808")));
	}

	/**
	 * Issue 23: a link out of the scenarios directory is refused, said so in the
	 * catalogue, and never served.
	 */
	@Test
	void aSymlinkOutOfTheDirectoryIsRefused() {
		String list = client.get()
			.uri("/api/scenarios")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(list).contains("refused: the file is a link that leads out of the scenarios directory")
			.doesNotContain(DIR.toString())
			.doesNotContain("root:")
			.doesNotContain("Exception");
		String yaml = client.get()
			.uri("/api/scenarios/evil/yaml")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(yaml).contains("link that leads out").doesNotContain("root:").doesNotContain(DIR.toString());
	}

	/**
	 * Issue 23: a local file of 300 MB is refused by its size, before it is read, by the
	 * catalogue and by /yaml.
	 */
	@Test
	void aHugeLocalFileIsNeverRead() {
		client.get()
			.uri("/api/scenarios")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[?(@.id == 'huge')].errors[0].message")
			.value(m -> assertThat(m.toString()).contains("314572800 bytes")
				.contains("packetwalk.limits.max-code-points"));
		bounded(() -> client.get()
			.uri("/api/scenarios/huge/yaml")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.value(d -> assertThat(d.toString()).contains("314572800 bytes")));
	}

	/**
	 * Issue 23: a file name with a newline gets an RFC 6266 {@code filename*}, not a 500.
	 */
	@Test
	void aNewlineInAFileNameIsEncoded() {
		bounded(() -> client.get()
			.uri(URI.create("http://localhost:" + port + "/api/scenarios/new%0Aline/yaml"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("Content-Disposition",
					v -> assertThat(v).contains("filename*=UTF-8''new%0Aline.yaml").doesNotContain("\n")));
	}

	/** Issue 23: Netty's own answers (431, 414) carry the security headers too. */
	@Test
	void nettysOwnErrorsCarrySecurityHeaders() throws Exception {
		for (String request : new String[] { "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
				"GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n" }) {
			try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
				socket.setSoTimeout((int) BOUND.toMillis());
				socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
				String head = new String(socket.getInputStream().readNBytes(200), StandardCharsets.US_ASCII);
				assertThat(head).matches("(?s)HTTP/1.1 (431|414) .*")
					.containsIgnoringCase("X-Content-Type-Options: nosniff")
					.containsIgnoringCase("Content-Security-Policy: default-src 'none'");
			}
		}
	}

	/**
	 * Issue 23: one client cannot take every live session: its sixth open session is 503
	 * (max-sessions-per-client).
	 */
	@Test
	void oneClientCannotTakeEveryLiveSession() {
		java.util.Map<String, String> created = new java.util.LinkedHashMap<>();
		try {
			for (int i = 0; i < 5; i++) {
				String body = client.post()
					.uri("/api/live")
					.exchange()
					.expectStatus()
					.isCreated()
					.expectBody(String.class)
					.returnResult()
					.getResponseBody();
				created.put(body.replaceAll("(?s).*\"code\":\"([A-Z0-9]+)\".*", "$1"),
						body.replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1"));
			}
			client.post()
				.uri("/api/live")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.detail")
				.value(d -> assertThat(d.toString()).contains("packetwalk.live.max-sessions-per-client"));
		}
		finally {
			created.forEach((code, token) -> client.delete()
				.uri("/api/live/" + code)
				.header("Authorization", "Bearer " + token)
				.exchange()
				.expectStatus()
				.isNoContent());
		}
		// room again once they ended
		String body = client.post()
			.uri("/api/live")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		client.delete()
			.uri("/api/live/" + body.replaceAll("(?s).*\"code\":\"([A-Z0-9]+)\".*", "$1"))
			.header("Authorization", "Bearer " + body.replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1"))
			.exchange()
			.expectStatus()
			.isNoContent();
	}

	/**
	 * Issue 23: a page of another origin may not create a live session; the app's own
	 * pages may.
	 */
	@Test
	void crossOriginLiveSessionsAreRefused() {
		client.post()
			.uri("/api/live")
			.header("Origin", "https://evil.example")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.detail")
			.value(d -> assertThat(d.toString()).contains("packetwalk.live.allowed-origins"));
		String body = client.post()
			.uri("/api/live")
			.header("Origin", "http://localhost:" + port)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		String code = body.replaceAll("(?s).*\"code\":\"([A-Z0-9]+)\".*", "$1");
		String token = body.replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
		client.put()
			.uri("/api/live/" + code + "/state")
			.header("Origin", "https://evil.example")
			.header("Authorization", "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"step\":1}")
			.exchange()
			.expectStatus()
			.isForbidden();
		client.delete()
			.uri("/api/live/" + code)
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isNoContent();
	}

}

package dev.packetwalk.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The editor's and the reachability grid's endpoints and pages. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class AuthoringApiTest {

	private static final String PROBE = "/api/scenarios/netpol-three-tier/probe?from={f}&to={t}&port={p}&protocol={x}";

	@Autowired
	WebTestClient client;

	private static String file(String id) throws IOException {
		return Files.readString(Path.of("../scenarios", id + ".yaml"), StandardCharsets.UTF_8);
	}

	// ---- GET /api/scenarios/{id}/yaml

	@Test
	void servesAScenarioYamlExactlyAsWritten() throws IOException {
		String body = client.get()
			.uri("/api/scenarios/pod-to-pod-same-node/yaml")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.parseMediaType("application/yaml"))
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).isEqualTo(file("pod-to-pod-same-node"));
	}

	@Test
	void unknownScenarioYamlIsAProblem404() {
		client.get()
			.uri("/api/scenarios/no-such-thing/yaml")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.scenario")
			.isEqualTo("no-such-thing");
	}

	// ---- POST /api/resolve

	@Test
	void resolvesAPostedScenarioLikeABuiltInOne() throws IOException {
		client.post()
			.uri("/api/resolve")
			.contentType(MediaType.parseMediaType("text/yaml"))
			.bodyValue(file("pod-to-pod-same-node").replace("title: Pod to pod on the same node", "title: My draft"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo("pod-to-pod-same-node")
			.jsonPath("$.title")
			.isEqualTo("My draft")
			.jsonPath("$.seed")
			.isEqualTo(1)
			.jsonPath("$.topology.namespaces[?(@.id == 'default/pod2')].devices[?(@.name == 'eth0')].addresses[0]")
			.isEqualTo("10.244.1.3/24")
			.jsonPath("$.flows[0].to")
			.isEqualTo("10.244.1.3:8080");
	}

	@Test
	void anInvalidPostedScenarioIsA400WithItsErrors() throws IOException {
		String yaml = file("pod-to-pod-same-node");
		int typo = yaml.indexOf("reply: true");
		assertThat(typo).as("the built-in file has a flow with reply: true").isNotNegative();
		// the error names the line of the misspelt key, wherever it is in the file
		long line = 1 + yaml.substring(0, typo).chars().filter(c -> c == '\n').count();
		client.post()
			.uri("/api/resolve")
			.contentType(MediaType.parseMediaType("text/yaml"))
			.bodyValue(yaml.replace("reply: true", "replay: true"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].line")
			.isEqualTo((int) line)
			.jsonPath("$.errors[0].message")
			.value(m -> assertThat(m.toString()).contains("reply"));
	}

	// ---- GET /api/scenarios/{id}/probe

	@Test
	void probesAnAllowedConnectionToDeliveryAndBack() {
		client.get()
			.uri(PROBE, "store/be-1", "store/db-1", 6379, "TCP")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.scenario")
			.isEqualTo("netpol-three-tier")
			.jsonPath("$.walks.length()")
			.isEqualTo(2)
			.jsonPath("$.walks[0].flow")
			.isEqualTo("probe")
			.jsonPath("$.walks[0].disposition.outcome")
			.isEqualTo("DELIVERED")
			.jsonPath("$.walks[1].leg")
			.isEqualTo("REPLY");
	}

	@Test
	void probesADeniedConnectionToItsPolicyDrop() {
		client.get()
			.uri(PROBE + "&seed=5", "store/fe-1", "store/db-1", 6379, "TCP")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.seed")
			.isEqualTo(5)
			.jsonPath("$.walks.length()")
			.isEqualTo(1)
			.jsonPath("$.walks[0].disposition.reason")
			.isEqualTo("POLICY_DENIED");
	}

	@Test
	void theSameProbeGivesTheSameBytes() {
		assertThat(probeBody()).isEqualTo(probeBody());
	}

	private String probeBody() {
		return client.get()
			.uri(PROBE, "store/fe-2", "store/be-1", 8080, "TCP")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	@Test
	void probeOfAnUnknownScenarioIsAProblem404() {
		client.get()
			.uri("/api/scenarios/no-such-thing/probe?from=a&to=b&port=80")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Scenario not found");
	}

	@Test
	void probeOfAnUnknownPodIsAProblem404NamingIt() {
		client.get()
			.uri(PROBE, "store/fe-1", "store/nope", 80, "TCP")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("to")
			.jsonPath("$.detail")
			.value(d -> assertThat(d.toString()).contains("store/nope").contains("store/db-1"));
		client.get()
			.uri(PROBE, "nobody", "store/db-1", 80, "TCP")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("from");
	}

	@Test
	void badProbeParametersAre400sNamingTheParameter() {
		for (String port : new String[] { "0", "65536", "abc", "" }) {
			client.get()
				.uri(PROBE, "store/fe-1", "store/db-1", port, "TCP")
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.parameter")
				.isEqualTo("port")
				.jsonPath("$.detail")
				.value(d -> assertThat(d.toString()).contains("port"));
		}
		client.get()
			.uri(PROBE, "store/fe-1", "store/db-1", 80, "ICMP")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("protocol");
		client.get()
			.uri("/api/scenarios/netpol-three-tier/probe?to=store/db-1&port=80")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("from");
		client.get()
			.uri(PROBE + "&seed=x", "store/fe-1", "store/db-1", 80, "TCP")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("seed");
	}

	@Test
	void reachabilityNamesAMalformedPort() {
		client.get()
			.uri("/api/scenarios/netpol-three-tier/reachability?port=abc")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value(d -> assertThat(d.toString()).contains("port"));
	}

	/**
	 * The grid and the probe on SCTP: netpol-three-tier opens 6379/TCP from be to db, so
	 * 6379/SCTP stays closed (a rule's port matches its own protocol), and the SCTP
	 * probe's INIT is dropped by db-1's ingress policy; ICMP has no port and is refused.
	 */
	@Test
	void theGridAndTheProbeSpeakSctp() {
		client.get()
			.uri("/api/scenarios/netpol-three-tier/reachability?port=6379&protocol=SCTP")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.protocol")
			.isEqualTo("SCTP")
			.jsonPath("$.cells[?(@.from == 'store/be-1' && @.to == 'store/db-1')].allowed")
			.isEqualTo(false)
			.jsonPath("$.cells[?(@.from == 'store/be-1' && @.to == 'store/db-1')].ingress")
			.value(r -> assertThat(r.toString().replace("\\/", "/"))
				.contains("ports[0] 6379/TCP does not cover 6379/SCTP"));
		client.get()
			.uri(PROBE, "store/be-1", "store/db-1", 6379, "SCTP")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.walks.length()")
			.isEqualTo(1)
			.jsonPath("$.walks[0].disposition.reason")
			.isEqualTo("POLICY_DENIED");
		client.get()
			.uri("/api/scenarios/netpol-three-tier/reachability?port=6379&protocol=ICMP")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value(d -> assertThat(d.toString()).contains("protocol must be TCP, UDP or SCTP, was 'ICMP'"));
		assertThat(html("/scenarios/netpol-three-tier/reachability")).contains("<option value=\"SCTP\">SCTP</option>");
	}

	// ---- pages

	@Test
	void theEditorAndTheGridArePages() {
		for (String page : new String[] { "/editor", "/editor/new", "/editor/netpol-three-tier", "/editor/new/play",
				"/scenarios/netpol-three-tier/reachability" }) {
			client.get()
				.uri(page)
				.accept(MediaType.TEXT_HTML)
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.TEXT_HTML);
		}
		assertThat(html("/scenarios/netpol-three-tier/reachability")).contains("data-testid=\"reach-grid\"");
		assertThat(html("/scenarios/pod-to-service/reachability")).contains("has no\n    NetworkPolicy")
			.doesNotContain("data-testid=\"reach-grid\"");
		client.get().uri("/editor/no-such-thing").exchange().expectStatus().isNotFound();
		client.get().uri("/scenarios/no-such-thing/reachability").exchange().expectStatus().isNotFound();
	}

	@Test
	void theLibraryAndThePlayerLinkToTheEditorAndTheGrid() {
		assertThat(html("/")).contains("href=\"/editor\"");
		assertThat(html("/scenarios/netpol-three-tier")).contains("href=\"/editor/netpol-three-tier\"")
			.contains("href=\"/scenarios/netpol-three-tier/reachability\"");
		assertThat(html("/scenarios/pod-to-pod-same-node")).contains("href=\"/editor/pod-to-pod-same-node\"")
			.doesNotContain("/reachability");
	}

	private String html(String path) {
		return client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

}

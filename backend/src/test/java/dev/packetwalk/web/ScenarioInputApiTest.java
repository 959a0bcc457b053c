package dev.packetwalk.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Scenarios posted in the request body: POST /api/trace, POST /api/validate, and the
 * schema for editors.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ScenarioInputApiTest {

	@Autowired
	WebTestClient client;

	static String builtIn(String id) throws IOException {
		return Files.readString(Path.of(System.getProperty("repo.root", ".."), "scenarios", id + ".yaml"),
				StandardCharsets.UTF_8);
	}

	@Test
	void postedScenarioGivesTheSameTraceAsTheBuiltInOne() throws IOException {
		String builtIn = new String(client.get()
			.uri("/api/scenarios/pod-to-pod-same-node/trace?seed=3")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent(), StandardCharsets.UTF_8);
		for (MediaType type : new MediaType[] { ApiRequests.YAML, MediaType.parseMediaType("text/yaml"),
				MediaType.TEXT_PLAIN }) {
			String posted = new String(client.post()
				.uri("/api/trace?seed=3")
				.contentType(type)
				.bodyValue(builtIn("pod-to-pod-same-node"))
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
				.expectBody()
				.returnResult()
				.getResponseBodyContent(), StandardCharsets.UTF_8);
			assertThat(posted).isEqualTo(builtIn);
		}
	}

	@Test
	void unknownFieldIs400WithDidYouMeanAndItsLine() throws IOException {
		String yaml = builtIn("pod-to-pod-same-node").replace("    reply: true", "    replay: true");
		ApiRequests.postProblem(client, "/api/trace", yaml, 400)
			.jsonPath("$.title")
			.isEqualTo("Invalid scenario")
			.jsonPath("$.errors.length()")
			.isEqualTo(1)
			.jsonPath("$.errors[0].file")
			.isEqualTo("request.yaml")
			.jsonPath("$.errors[0].line")
			.isEqualTo(lineOf(yaml, "replay: true"))
			.jsonPath("$.errors[0].column")
			.isEqualTo(5)
			.jsonPath("$.errors[0].path")
			.isEqualTo("flows[0].replay")
			.jsonPath("$.errors[0].message")
			.isEqualTo("unknown field 'replay' (did you mean 'reply'?)")
			.jsonPath("$.errors[0].severity")
			.isEqualTo("error");
	}

	@Test
	void typoInANodeReferenceSaysDidYouMean() throws IOException {
		String yaml = builtIn("pod-to-pod-same-node").replace("    - name: pod2\n      node: node1",
				"    - name: pod2\n      node: nod1");
		ApiRequests.postYaml(client, "/api/trace", yaml, 400)
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("cluster.pods[1].node")
			.jsonPath("$.errors[0].line")
			.isEqualTo(lineOf(yaml, "node: nod1"))
			.jsonPath("$.errors[0].message")
			.isEqualTo("unknown node 'nod1' (did you mean 'node1'?)");
	}

	@Test
	void aliasBombIsRefusedFast() {
		StringBuilder bomb = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
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
		assertTimeoutPreemptively(Duration.ofSeconds(5),
				() -> ApiRequests.postYaml(client, "/api/trace", bomb.toString(), 400)
					.expectBody()
					.jsonPath("$.errors[0].message")
					.value(m -> assertThat((String) m).contains("packetwalk.limits.max-")));
	}

	@Test
	void aBodyOverTheLimitIs413() {
		String big = "# " + "x".repeat(2 * 1024 * 1024) + "\n";
		ApiRequests.postProblem(client, "/api/trace", big, 413)
			.jsonPath("$.detail")
			.value(d -> assertThat((String) d).contains("packetwalk.limits.max-body-size"));
	}

	@Test
	void validateAnswersForTheEditor() throws IOException {
		ApiRequests.postYaml(client, "/api/validate", builtIn("service-no-endpoints"), 200)
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(true)
			.jsonPath("$.errors.length()")
			.isEqualTo(0)
			.jsonPath("$.warnings[0].severity")
			.isEqualTo("warning");
		client.post()
			.uri("/api/validate")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("apiVersion: packetwalk.dev/v1alpha1\nkind: Scenario\n")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.errors[?(@.path == 'metadata')].message")
			.value(m -> assertThat(m.toString()).contains("'metadata' is required"));
	}

	@Test
	void otherContentTypesAreRefused() {
		client.post()
			.uri("/api/trace")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(415);
	}

	@Test
	void servesTheSchemaForEditors() {
		client.get()
			.uri("/schema/scenario.schema.json")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("application/schema+json")
			.expectBody()
			.jsonPath("$.$schema")
			.isEqualTo("https://json-schema.org/draft/2020-12/schema")
			.jsonPath("$.properties.flows.description")
			.exists();
	}

	static int lineOf(String text, String needle) {
		int at = text.indexOf(needle);
		return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
	}

}

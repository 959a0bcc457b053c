package dev.packetwalk.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.packetwalk.catalog.ScenarioCatalogLocalDirTest.scenario;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web side of a local scenarios directory: valid:false with errors in the list, the
 * error page, SSE changes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class LocalScenariosApiTest {

	static final Path DIR;

	static {
		try {
			DIR = Files.createTempDirectory("pw-local-scenarios");
			Files.writeString(DIR.resolve("mine.yaml"), scenario("mine", "node1"), StandardCharsets.UTF_8);
			Files.writeString(DIR.resolve("broken.yaml"), scenario("broken", "nod1"), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void dir(DynamicPropertyRegistry registry) {
		registry.add("packetwalk.scenarios.dir", DIR::toString);
		registry.add("packetwalk.scenarios.poll-interval", () -> "100ms");
		registry.add("packetwalk.limits.max-flows", () -> "1");
	}

	@Autowired
	WebTestClient client;

	@Test
	void listMarksBrokenFilesInvalidWithTheirErrors() {
		client.get()
			.uri("/api/scenarios")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[?(@.id == 'mine')].valid")
			.isEqualTo(true)
			.jsonPath("$[?(@.id == 'mine')].origin")
			.isEqualTo("local")
			.jsonPath("$[?(@.id == 'pod-to-pod-same-node')].origin")
			.isEqualTo("built-in")
			.jsonPath("$[?(@.id == 'broken')].valid")
			.isEqualTo(false)
			.jsonPath("$[?(@.id == 'broken')].errors[0].message")
			.isEqualTo("unknown node 'nod1' (did you mean 'node1'?)")
			.jsonPath("$[?(@.id == 'broken')].errors[0].line")
			.isEqualTo(9);
		client.get().uri("/api/scenarios/mine/trace").exchange().expectStatus().isOk();
		client.get()
			.uri("/api/scenarios/broken/trace")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("cluster.pods[1].node");
		String page = new String(client.get()
			.uri("/scenarios/broken")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent(), StandardCharsets.UTF_8);
		assertThat(page).contains("data-testid=\"invalid-scenario\"").contains("unknown node &#39;nod1&#39;");
	}

	@Test
	void theEditorOpensABrokenFileToFixIt() {
		String yaml = client.get()
			.uri("/api/scenarios/broken/yaml")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(yaml).isEqualTo(scenario("broken", "nod1"));
		client.get().uri("/editor/broken").exchange().expectStatus().isOk();
		String page = client.get()
			.uri("/scenarios/broken")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(page).contains("href=\"/editor/broken\"");
	}

	@Test
	void configuredLimitsApplyToLocalAndPostedScenariosButNotToBuiltInOnes() {
		String twoFlows = scenario("two", "node1") + "  - {from: pod2, to: pod1:80}\n";
		client.post()
			.uri("/api/validate")
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue(twoFlows)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.errors[0].path")
			.isEqualTo("flows")
			.jsonPath("$.errors[0].message")
			.isEqualTo("2 flows is more than the limit of 1 (setting packetwalk.limits.max-flows)");
		// service-session-affinity has two flows and is still there
		client.get().uri("/api/scenarios/service-session-affinity").exchange().expectStatus().isOk();
	}

	@Test
	void editsAreAnnouncedOverSse() {
		Flux<String> changed = client.get()
			.uri("/api/scenarios/changes")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody()
			.filter(e -> "changed".equals(e.event()))
			.map(ServerSentEvent::data);
		StepVerifier.create(changed.filter("mine"::equals).take(1)).then(() -> {
			try {
				Files.writeString(DIR.resolve("mine.yaml"),
						scenario("mine", "node1").replace("title: Mine", "title: Mine again"));
				Files.setLastModifiedTime(DIR.resolve("mine.yaml"),
						FileTime.fromMillis(System.currentTimeMillis() + 5_000));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}).expectNext("mine").expectComplete().verify(Duration.ofSeconds(15));
		client.get().uri("/api/scenarios/mine").exchange().expectBody().jsonPath("$.title").isEqualTo("Mine again");
	}

}

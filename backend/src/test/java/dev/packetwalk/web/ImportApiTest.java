package dev.packetwalk.web;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code POST /api/import}: the scenario, its warnings and the pickers' lists; bad dumps
 * get 400 and a place.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "packetwalk.import.max-body-size=200KB")
@AutoConfigureWebTestClient
class ImportApiTest {

	static final Path FIXTURES = Path.of(System.getProperty("repo.root", ".."), "model/src/test/resources/import");

	@Autowired
	WebTestClient client;

	@Test
	void importsAKindDumpIntoAValidScenario() throws Exception {
		client.post()
			.uri("/api/import?name=lab&from=shop/frontend-5f7d8b6c9d-lmx2r&to=service/shop/cart:80")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(Files.readString(FIXTURES.resolve("kind.yaml")))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(true)
			.jsonPath("$.errors.length()")
			.isEqualTo(0)
			.jsonPath("$.yaml")
			.value(String.class,
					y -> org.assertj.core.api.Assertions.assertThat(y)
						.contains("name: lab", "to: service/shop/cart:80"))
			.jsonPath("$.summary")
			.isEqualTo("3 nodes, 7 pods, 4 Services, 0 NetworkPolicies; network kubenet, kube-proxy iptables")
			.jsonPath("$.warnings[?(@.object == 'Service shop/legacy-db')].field")
			.isEqualTo("spec.type")
			.jsonPath("$.flow.to")
			.isEqualTo("service/shop/cart:80")
			.jsonPath("$.sources[0]")
			.isEqualTo("kube-system/coredns-7c65d6cfc9-8k2xq")
			.jsonPath("$.destinations[?(@.to == 'node/kind-control-plane:30080')].kind")
			.isEqualTo("nodeport");
	}

	@Test
	void aFlowTheScenarioCannotResolveIsInvalidWithTheCompilersError() throws Exception {
		client.post()
			.uri("/api/import?to=service/shop/nope:80")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(Files.readString(FIXTURES.resolve("kind.yaml")))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.errors[0].path")
			.isEqualTo("flows[0].to");
	}

	@Test
	void notADumpIs400AndTooLargeIs413() {
		client.post()
			.uri("/api/import")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("kind: [oops")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value(String.class, d -> org.assertj.core.api.Assertions.assertThat(d).startsWith("pasted:1:"));
		client.post()
			.uri("/api/import?name=Not_A_Name")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("x: 1")
			.exchange()
			.expectStatus()
			.isBadRequest();
		client.post()
			.uri("/api/import")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("#".repeat(300_000))
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.detail")
			.value(String.class,
					d -> org.assertj.core.api.Assertions.assertThat(d).contains("packetwalk.import.max-body-size"));
	}

}

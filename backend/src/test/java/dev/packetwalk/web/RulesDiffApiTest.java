package dev.packetwalk.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.packetwalk.importer.ClusterImporter;
import dev.packetwalk.importer.ImportOptions;
import dev.packetwalk.importer.ImportSource;
import dev.packetwalk.rulesdiff.RulesDiff;
import dev.packetwalk.scenario.ScenarioCompiler;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code POST /api/rules-diff}: the model's own rules diff empty; a node that missed a
 * Ready pod names that Service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class RulesDiffApiTest {

	static final Path FIXTURES = Path.of(System.getProperty("repo.root", ".."), "model/src/test/resources/import");

	@Autowired
	WebTestClient client;

	private static String nodeRules(String dump) {
		String yaml = ClusterImporter.importDumps(List.of(new ImportSource("d", dump)), ImportOptions.DEFAULTS).yaml();
		return RulesDiff.modelRules(new ScenarioCompiler().compile("my-cluster.yaml", yaml).scenario(), "kind-worker");
	}

	@Test
	void theModelsRulesDiffEmptyAndAStaleNodeNamesTheService() throws Exception {
		String dump = Files.readString(FIXTURES.resolve("kind.yaml"));
		client.post()
			.uri("/api/rules-diff?node=kind-worker")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("dump", dump, "iptablesSave", nodeRules(dump)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.same")
			.isEqualTo(true)
			.jsonPath("$.services.length()")
			.isEqualTo(0);
		// the node's kube-proxy last synced before cart-x6kfn became Ready; the dump now
		// says it is Ready
		String before = nodeRules(dump);
		int at = dump.indexOf("name: cart-7d4b9c8f6-x6kfn\n    namespace: shop");
		String notReady = "status: \"False\"\n      type: Ready";
		int cond = dump.indexOf(notReady, at);
		String readyNow = dump.substring(0, cond) + "status: \"True\"\n      type: Ready"
				+ dump.substring(cond + notReady.length());
		client.post()
			.uri("/api/rules-diff?node=kind-worker")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("dump", readyNow, "iptablesSave", before))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.same")
			.isEqualTo(false)
			.jsonPath("$.services.length()")
			.isEqualTo(1)
			.jsonPath("$.services[0].service")
			.isEqualTo("shop/cart:http")
			.jsonPath("$.services[0].message")
			.isEqualTo("Service shop/cart:http: node has 2 endpoints, the model expects 3"
					+ " (pod shop/cart-7d4b9c8f6-x6kfn (10.244.2.4:8080) is missing on the node)");
	}

	@Test
	void anUnknownNodeIs400() throws Exception {
		client.post()
			.uri("/api/rules-diff?node=nope")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("dump", Files.readString(FIXTURES.resolve("kind.yaml")), "iptablesSave", ""))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value(String.class,
					d -> org.assertj.core.api.Assertions.assertThat(d).contains("no node 'nope'", "kind-worker"));
	}

}

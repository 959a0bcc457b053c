package dev.packetwalk.web;

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
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ScenarioApiTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Autowired
	WebTestClient client;

	@Test
	void listsTheBuiltInScenarios() {
		client.get()
			.uri("/api/scenarios")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[?(@.id == 'pod-to-pod-same-node')].title")
			.isEqualTo("Pod to pod on the same node");
	}

	@Test
	void describesTheResolvedTopology() {
		client.get()
			.uri("/api/scenarios/pod-to-pod-same-node")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.topology.namespaces[?(@.id == 'node1')].devices[?(@.name == 'cbr0')].addresses[0]")
			.isEqualTo("10.244.1.1/24")
			.jsonPath("$.topology.namespaces[?(@.id == 'default/pod2')].devices[?(@.name == 'eth0')].addresses[0]")
			.isEqualTo("10.244.1.3/24")
			.jsonPath("$.flows[0].to")
			.isEqualTo("10.244.1.3:8080");
	}

	@Test
	void theTraceIsTheSameForTheSameSeed() {
		String first = trace(7);
		String second = trace(7);
		assertThat(first).isEqualTo(second).contains("\"scenario\":\"pod-to-pod-same-node\"").contains("\"seed\":7");
	}

	private String trace(long seed) {
		return client.get()
			.uri("/api/scenarios/pod-to-pod-same-node/trace?seed={s}", seed)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	@Test
	void unknownScenarioIsAProblem404() {
		ApiRequests.getProblem(client, "/api/scenarios/no-such-thing/trace", 404)
			.jsonPath("$.status")
			.isEqualTo(404)
			.jsonPath("$.detail")
			.value(d -> assertThat(d.toString()).contains("no-such-thing"));
	}

	@Test
	void aBadSeedIsAProblem400() {
		ApiRequests.getProblem(client, "/api/scenarios/pod-to-pod-same-node/trace?seed=abc", 400);
	}

	@Test
	void streamsOneEventPerStepThenTheEnd() {
		Flux<ServerSentEvent<String>> events = client.get()
			.uri("/api/scenarios/pod-to-pod-same-node/events?seed=1&delayMs=0")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody();
		StepVerifier.create(events).assertNext(e -> {
			assertThat(e.id()).isEqualTo("0");
			assertThat(e.event()).isEqualTo("send");
			assertThat(e.data()).contains("\"namespace\":\"default/pod1\"");
		}).assertNext(e -> {
			assertThat(e.id()).isEqualTo("1");
			assertThat(e.event()).isEqualTo("route");
		})
			.thenConsumeWhile(e -> !"end".equals(e.event()), e -> assertThat(e.data()).contains("\"narration\""))
			.assertNext(e -> {
				assertThat(e.event()).isEqualTo("end");
				assertThat(e.data()).contains("\"outcome\":\"DELIVERED\"");
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void pacedStreamsStillComplete() {
		Flux<ServerSentEvent<String>> events = client.get()
			.uri("/api/scenarios/pod-to-pod-same-node/events?delayMs=5")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody();
		StepVerifier.create(events.map(ServerSentEvent::event).filter("end"::equals))
			.expectNext("end")
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void servesANodesRulesAsIptablesSave() {
		String text = client.get()
			.uri("/api/scenarios/kuard-five-endpoints/nodes/kubworker1/iptables-save")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(text).startsWith("*")
			.contains("COMMIT")
			.contains("-A KUBE-SVC-")
			.contains("-m statistic --mode random --probability 0.20000000019 -j KUBE-SEP-")
			.contains("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000");
		client.get()
			.uri("/api/scenarios/kuard-five-endpoints/nodes/nope/iptables-save")
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void servesANodesNftablesRulesAsNftListRuleset() {
		String text = client.get()
			.uri("/api/scenarios/kuard-five-endpoints-nftables/nodes/kubworker1/nft-ruleset")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(text).startsWith("table ip kube-proxy {")
			.contains("\tmap service-ips {\n\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n")
			.contains("type nat hook prerouting priority dstnat; policy accept;")
			.contains("numgen random mod 5 vmap { 0 : goto endpoint-")
			.contains("meta mark set meta mark | 0x00004000");
		// iptables mode has no nftables table, and a namespace without rules is not found
		// either
		client.get()
			.uri("/api/scenarios/kuard-five-endpoints/nodes/kubworker1/nft-ruleset")
			.exchange()
			.expectStatus()
			.isNotFound();
		client.get()
			.uri("/api/scenarios/kuard-five-endpoints-nftables/nodes/nope/nft-ruleset")
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void theProbabilityLadderSpreadsFiveEndpointsEvenly() {
		client.mutate()
			.responseTimeout(Duration.ofSeconds(60))
			.build()
			.get()
			.uri("/api/scenarios/kuard-five-endpoints/distribution?samples=1000&seedFrom=1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.samples")
			.isEqualTo(1000)
			.jsonPath("$.byNode.length()")
			.isEqualTo(5)
			.jsonPath("$.byNamespace['default/kuard-lpzlr']")
			.value(n -> assertThat(((Number) n).intValue()).isBetween(150, 250));
		ApiRequests.getProblem(client, "/api/scenarios/kuard-five-endpoints/distribution?samples=999999", 400);
	}

	@Test
	void theReachabilityGridExplainsEveryCell() {
		client.get()
			.uri("/api/scenarios/netpol-three-tier/reachability?port=6379")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.pods.length()")
			.isEqualTo(4)
			.jsonPath("$.cells[?(@.from == 'store/be-1' && @.to == 'store/db-1')].allowed")
			.isEqualTo(true)
			.jsonPath("$.cells[?(@.from == 'store/fe-1' && @.to == 'store/db-1')].allowed")
			.isEqualTo(false)
			.jsonPath("$.cells[?(@.from == 'store/fe-1' && @.to == 'store/db-1')].ingress")
			.value(r -> assertThat(r.toString()).contains("isolated"))
			.jsonPath("$.truthTable")
			.value(t -> assertThat(t.toString()).contains("X"));
		client.get().uri("/api/scenarios/pod-to-service/reachability?port=80").exchange().expectStatus().isNotFound();
		client.get()
			.uri("/api/scenarios/netpol-three-tier/reachability?port=0")
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void everyResponseCarriesTheSecurityHeaders() {
		client.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("Content-Security-Policy",
					csp -> assertThat(csp).contains("script-src 'self'")
						.doesNotContain("script-src 'self' 'unsafe-inline'"))
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader()
			.exists("Referrer-Policy");
		client.get().uri("/api/scenarios").exchange().expectHeader().valueEquals("X-Content-Type-Options", "nosniff");
	}

}

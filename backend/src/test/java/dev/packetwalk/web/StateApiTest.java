package dev.packetwalk.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/scenarios/{id}/state} and {@code POST /api/state}: a namespace's tables
 * after a step.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class StateApiTest {

	@Autowired
	WebTestClient client;

	private JsonNode get(String uri) {
		byte[] body = client.get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return JsonMapper.builder().build().readTree(new String(body, StandardCharsets.UTF_8));
	}

	private static List<JsonNode> steps(JsonNode trace) {
		List<JsonNode> out = new ArrayList<>();
		trace.get("walks").forEach(w -> w.get("hops").forEach(h -> h.get("steps").forEach(out::add)));
		return out;
	}

	private static JsonNode table(JsonNode state, String id) {
		for (JsonNode t : state.get("tables")) {
			if (t.get("id").asString().equals(id)) {
				return t;
			}
		}
		throw new AssertionError("no table " + id + " in " + state);
	}

	@Test
	void podToServiceConntrackHasTheEntryAfterTheDnatAndNoneAtStepZero() {
		List<JsonNode> steps = steps(get("/api/scenarios/pod-to-service/trace"));
		int dnat = -1;
		int confirm = -1;
		for (int i = 0; i < steps.size(); i++) {
			JsonNode s = steps.get(i);
			if (dnat < 0 && "nat".equals(s.get("type").asString()) && "DNAT".equals(s.get("kind").asString())) {
				dnat = i;
			}
			if (dnat >= 0 && confirm < 0 && "conntrack".equals(s.get("type").asString())
					&& s.get("narration").asString().contains("confirms")) {
				confirm = i;
			}
		}
		String node = steps.get(dnat).at("/at/namespace").asString();
		String backend = steps.get(dnat).at("/packet/ip/dst").asString();
		JsonNode zero = get("/api/scenarios/pod-to-service/state?step=0&namespace=" + node);
		assertThat(table(zero, "conntrack").get("lines")).isEmpty();
		assertThat(table(zero, "conntrack").get("command").asString()).isEqualTo("conntrack -L");

		// the step after the DNAT (1-based dnat + 2): the entry with its reply tuple from
		// the backend, marked at its
		// confirmation; still attached to the packet until then
		JsonNode after = get("/api/scenarios/pod-to-service/state?step=" + (dnat + 2) + "&namespace=" + node);
		JsonNode line = table(after, "conntrack").get("lines").get(0);
		assertThat(line.get("text").asString()).contains("src=" + backend + " dst=");
		JsonNode confirmed = get("/api/scenarios/pod-to-service/state?step=" + (confirm + 1) + "&namespace=" + node);
		JsonNode ct = table(confirmed, "conntrack");
		assertThat(ct.get("text").asString()).contains("src=" + backend + " dst=").startsWith("tcp      6 ");
		assertThat(ct.get("lines").get(0).get("mark").asString()).isEqualTo("confirmed");
		assertThat(ct.get("lines").get(0).get("inTable").asBoolean()).isTrue();
		assertThat(confirmed.get("step").asInt()).isEqualTo(confirm + 1);
		assertThat(confirmed.get("steps").asInt()).isEqualTo(steps.size());
	}

	@Test
	void neighbourEntriesAppearAtTheArpStep() {
		List<JsonNode> steps = steps(get("/api/scenarios/pod-to-service/trace"));
		int checked = 0;
		for (int i = 0; i < steps.size(); i++) {
			JsonNode s = steps.get(i);
			if ("neighbor".equals(s.get("type").asString()) && "ARP_REPLY".equals(s.get("resolution").asString())) {
				String ns = s.at("/at/namespace").asString();
				String entry = s.get("ip").asString() + " dev " + s.at("/at/device").asString() + " lladdr "
						+ s.get("mac").asString();
				assertThat(table(get("/api/scenarios/pod-to-service/state?step=" + i + "&namespace=" + ns), "neigh")
					.get("text")
					.asString()).doesNotContain(entry);
				assertThat(
						table(get("/api/scenarios/pod-to-service/state?step=" + (i + 1) + "&namespace=" + ns), "neigh")
							.get("text")
							.asString())
					.contains(entry + " REACHABLE \n");
				checked++;
			}
		}
		assertThat(checked).isPositive();
	}

	/**
	 * nftables mode: the node's tables include {@code nft list ruleset}, the same text as
	 * GET …/nodes/{node}/nft-ruleset, with the rules the step's nftables walk matched
	 * (and the @service-ips element it used) marked {@code used} at that step only.
	 */
	@Test
	void nftablesModeHasTheNftRulesetWithTheMatchedRulesMarked() {
		String id = "pod-to-service-nftables";
		List<JsonNode> steps = steps(get("/api/scenarios/" + id + "/trace?seed=3"));
		int k = -1;
		for (int i = 0; i < steps.size(); i++) {
			JsonNode s = steps.get(i);
			if ("nftables".equals(s.get("type").asString()) && !s.get("draws").isEmpty()) {
				k = i;
				break;
			}
		}
		JsonNode step = steps.get(k);
		String node = step.at("/at/namespace").asString();
		String ruleset = new String(client.get()
			.uri("/api/scenarios/" + id + "/nodes/" + node + "/nft-ruleset")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody(), StandardCharsets.UTF_8);
		JsonNode state = get("/api/scenarios/" + id + "/state?seed=3&step=" + (k + 1) + "&namespace=" + node);
		JsonNode nft = table(state, "nftables");
		assertThat(nft.get("command").asString()).isEqualTo("nft list ruleset");
		assertThat(nft.get("text").asString()).isEqualTo(ruleset).startsWith("table ip kube-proxy {");
		List<String> marked = new ArrayList<>();
		nft.get("lines").forEach(l -> {
			if (l.has("mark")) {
				assertThat(l.get("mark").asString()).isEqualTo("used");
				marked.add(l.get("text").asString().strip());
			}
		});
		List<String> matched = new ArrayList<>();
		step.get("matched").forEach(m -> matched.add(m.get("rule").asString()));
		assertThat(matched).isNotEmpty().allSatisfy(r -> assertThat(marked).anySatisfy(m -> assertThat(m).contains(r)));
		String element = null;
		for (JsonNode l : step.get("lookups")) {
			if (l.has("element") && l.get("set").asString().equals("service-ips")) {
				element = l.get("element").asString();
			}
		}
		String used = element;
		assertThat(used).isNotNull();
		assertThat(marked).anySatisfy(m -> assertThat(m).contains(used));
		assertThat(marked).hasSize(matched.size() + 1);
		// the step before (another base chain's walk): its own rules are marked, not the
		// numgen rule or the element of this one
		JsonNode before = get("/api/scenarios/" + id + "/state?seed=3&step=" + k + "&namespace=" + node);
		table(before, "nftables").get("lines").forEach(l -> {
			if (l.has("mark")) {
				assertThat(l.get("text").asString()).doesNotContain("numgen").doesNotContain(used);
			}
		});
		// an iptables-mode node has none
		JsonNode ipt = get("/api/scenarios/pod-to-service/state?step=0&namespace=node1");
		ipt.get("tables").forEach(t -> assertThat(t.get("id").asString()).isNotEqualTo("nftables"));
	}

	@Test
	void badParametersAreNamed() {
		client.get()
			.uri("/api/scenarios/pod-to-service/state?step=1")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("namespace");
		client.get()
			.uri("/api/scenarios/pod-to-service/state?step=1&namespace=nowhere")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("namespace");
		client.get()
			.uri("/api/scenarios/pod-to-service/state?step=99999&namespace=node1")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("step");
		client.get()
			.uri("/api/scenarios/pod-to-service/state?step=-1&namespace=node1")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("step");
		client.get()
			.uri("/api/scenarios/pod-to-service/state?step=abc&namespace=node1")
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void aPostedDraftHasStateToo() throws IOException {
		String yaml;
		try (InputStream in = getClass().getResourceAsStream("/scenarios/pod-to-service.yaml")) {
			assertThat(in).as("built-in scenario on the classpath").isNotNull();
			yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		byte[] body = client.post()
			.uri("/api/state?step=0&namespace=node1")
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue(yaml)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		JsonNode posted = JsonMapper.builder().build().readTree(new String(body, StandardCharsets.UTF_8));
		assertThat(posted).isEqualTo(get("/api/scenarios/pod-to-service/state?step=0&namespace=node1"));
	}

	private JsonNode post(String uri, String yaml) {
		byte[] body = client.post()
			.uri(uri)
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue(yaml)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return JsonMapper.builder().build().readTree(new String(body, StandardCharsets.UTF_8));
	}

	static final String WAITING = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: waiting}
			cluster:
			  network: kubenet
			  nodes: [{name: node1}]
			  pods:
			    - {name: client, node: node1}
			    - {name: dns-1, node: node1, labels: {app: dns}, containers: [{name: c, ports: [{name: dns, containerPort: 53, protocol: UDP}]}]}
			objects:
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: dns}
			    spec:
			      selector: {app: dns}
			      clusterIP: 10.96.0.53
			      ports: [{name: dns, port: 53, targetPort: dns, protocol: UDP}]
			flows:
			  - {id: query, from: client, to: service/dns:53, protocol: UDP}
			timeline:
			  - wait: 10s
			  - wait: 1m
			""";

	/**
	 * A posted draft's waits: the UDP entry counts down 10 s at the first wait and is
	 * gone from node1's step of the second, where it timed out.
	 */
	@Test
	void aWaitCountsDownAndRemovesWhatTimedOut() {
		List<JsonNode> steps = steps(post("/api/trace", WAITING));
		int first = -1;
		int timedOut = -1;
		for (int i = 0; i < steps.size(); i++) {
			JsonNode s = steps.get(i);
			if ("wait".equals(s.get("type").asString())) {
				if (first < 0) {
					first = i;
				}
				else if ("node1".equals(s.at("/at/namespace").asString())) {
					timedOut = i;
				}
			}
		}
		String before = table(post("/api/state?step=" + first + "&namespace=node1", WAITING), "conntrack").get("text")
			.asString();
		assertThat(before).startsWith("udp      17 30 src=10.244.1.2 dst=10.96.0.53 ");
		String after = table(post("/api/state?step=" + (first + 1) + "&namespace=node1", WAITING), "conntrack")
			.get("text")
			.asString();
		assertThat(after).startsWith("udp      17 20 src=10.244.1.2 dst=10.96.0.53 ");
		assertThat(timedOut).isGreaterThan(first);
		assertThat(table(post("/api/state?step=" + timedOut + "&namespace=node1", WAITING), "conntrack").get("text")
			.asString()).startsWith("udp      17 20 ");
		assertThat(table(post("/api/state?step=" + (timedOut + 1) + "&namespace=node1", WAITING), "conntrack")
			.get("lines")).isEmpty();
	}

	/**
	 * udp-conntrack-flush: node1 lists the entry DNATed to dns-1 until kube-proxy's sync
	 * that deletes it, not from that step on; dns-2's namespace, which the timeline
	 * creates, has tables once created and a clear answer before.
	 */
	@Test
	void theUdpFlushRemovesTheEntryAtKubeProxysSync() {
		List<JsonNode> steps = steps(get("/api/scenarios/udp-conntrack-flush/trace"));
		int sync = -1;
		for (int i = 0; i < steps.size(); i++) {
			JsonNode s = steps.get(i);
			if ("proxy-sync".equals(s.get("type").asString()) && "node1".equals(s.get("node").asString())
					&& !s.get("conntrackDeleted").isEmpty()) {
				sync = i;
			}
		}
		String deleted = steps.get(sync).get("conntrackDeleted").get(0).asString();
		assertThat(deleted).startsWith("udp      17 ").contains("dst=10.96.0.53");
		String tuples = deleted.substring(deleted.indexOf("src="));
		JsonNode before = table(get("/api/scenarios/udp-conntrack-flush/state?step=" + sync + "&namespace=node1"),
				"conntrack");
		assertThat(before.get("text").asString()).contains(tuples);
		JsonNode after = table(get("/api/scenarios/udp-conntrack-flush/state?step=" + (sync + 1) + "&namespace=node1"),
				"conntrack");
		assertThat(after.get("text").asString()).doesNotContain(tuples).isEmpty();
		assertThat(
				table(get("/api/scenarios/udp-conntrack-flush/state?step=" + steps.size() + "&namespace=default/dns-2"),
						"route")
					.get("text")
					.asString())
			.contains("default via ");
		client.get()
			.uri("/api/scenarios/udp-conntrack-flush/state?step=1&namespace=default/dns-2")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("step");
	}

	/**
	 * pod-to-service-ipvs: node1's {@code ipvsadm -Lnc} is served next to
	 * {@code ipvsadm -Ln}: ipvsadm's two header lines before the first packet; after the
	 * {@code ipvs} step the connection it made (client, virtual server, the step's chosen
	 * real server, SYN_RECV with 01:00 left), marked created, in ipvsadm's columns.
	 */
	@Test
	void podToServiceIpvsListsTheIpvsConnectionFromItsIpvsStep() {
		List<JsonNode> steps = steps(get("/api/scenarios/pod-to-service-ipvs/trace"));
		int ipvs = -1;
		for (int i = 0; i < steps.size() && ipvs < 0; i++) {
			if ("ipvs".equals(steps.get(i).get("type").asString())) {
				ipvs = i;
			}
		}
		JsonNode step = steps.get(ipvs);
		String node = step.at("/at/namespace").asString();
		JsonNode zero = table(get("/api/scenarios/pod-to-service-ipvs/state?step=0&namespace=" + node), "ipvs-conn");
		assertThat(zero.get("command").asString()).isEqualTo("ipvsadm -Lnc");
		assertThat(zero.get("text").asString()).isEqualTo(
				"IPVS connection entries\npro expire state       source             virtual            destination\n");
		JsonNode state = get("/api/scenarios/pod-to-service-ipvs/state?step=" + (ipvs + 1) + "&namespace=" + node);
		List<String> ids = new ArrayList<>();
		state.get("tables").forEach(t -> ids.add(t.get("id").asString()));
		assertThat(ids).containsSubsequence("ipvs", "ipvs-conn");
		JsonNode conn = table(state, "ipvs-conn");
		String client = step.at("/packet/ip/src").asString() + ":" + step.at("/packet/l4/srcPort").asInt();
		String virtual = step.at("/packet/ip/dst").asString() + ":" + step.at("/packet/l4/dstPort").asInt();
		String line = String.format(java.util.Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s", "TCP", "01:00", "SYN_RECV",
				client, virtual, step.get("chosen").asString());
		assertThat(conn.get("lines")).hasSize(3);
		assertThat(conn.get("lines").get(2).get("text").asString()).isEqualTo(line);
		assertThat(conn.get("lines").get(2).get("mark").asString()).isEqualTo("created");
		assertThat(conn.get("text").asString()).endsWith(line + "\n");
	}

}

package dev.packetwalk.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.packetwalk.engine.Engine;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * No field is accepted and ignored. For every field the scenario schema accepts (walked from the schema itself, so a
 * new field cannot be forgotten) and every field of the Kubernetes {@code ServiceSpec} and {@code ServicePort} types
 * a Service manifest binds to, setting it must either change what the compiler builds or the trace it walks, or
 * produce an error or a warning that names the field. A field that does neither fails this test.
 */
class AcceptedFieldsTest {

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	/** A cluster on plain L2 segments: kubenet, two nodes, a NodePort Service, a NetworkPolicy by namespace label. */
	private static final String LAN = """
			{"apiVersion": "packetwalk.dev/v1alpha1", "kind": "Scenario",
			 "metadata": {"name": "fields", "title": "t", "summary": "s", "tags": ["a"], "level": "beginner",
			              "chapter": "c", "order": 1},
			 "seed": 1, "intro": "i", "takeaway": "t",
			 "cluster": {
			   "podCIDR": "10.244.0.0/16", "serviceCIDR": "10.96.0.0/12",
			   "kubeProxy": {"detectLocalMode": "ClusterCIDR", "detectLocal": {}, "iptables": {}, "ipvs": {}},
			   "segments": [{"name": "lan", "cidr": "10.240.0.0/24"}, {"name": "lan2", "cidr": "10.241.0.0/24"}],
			   "nodes": [{"name": "node1", "podCIDR": "10.244.1.0/24"}, {"name": "node2", "podCIDR": "10.244.2.0/24"}],
			   "namespaces": [{"name": "default", "labels": {"team": "a"}}],
			   "pods": [
			     {"name": "web", "namespace": "default", "node": "node1", "ip": "10.244.1.5", "labels": {"app": "web"}, "ready": true,
			      "containers": [{"name": "web", "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]},
			     {"name": "client", "node": "node1", "ip": "10.244.1.10", "labels": {"role": "client"}}]},
			 "objects": [
			   {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
			    "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]}},
			   {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "team-a-only"},
			    "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"],
			             "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "a"}}}]}]}}],
			 "flows": [{"id": "f", "label": "l", "from": "client", "to": "service/web:80", "protocol": "TCP",
			            "srcPort": 40000, "ttl": 64, "dontFragment": true, "reply": true,
			            "http": {"method": "GET", "path": "/", "headers": {"Host": "web"}}}]}
			""";

	/** A cluster in a GCP-style VPC with a host on the Internet and ip-masq-agent. */
	private static final String GCP = """
			{"apiVersion": "packetwalk.dev/v1alpha1", "kind": "Scenario", "metadata": {"name": "fields-gcp"},
			 "cluster": {
			   "cloud": {"provider": "gcp", "vpcCIDR": "10.240.0.0/16"},
			   "ipMasqAgent": {"nonMasqueradeCIDRs": ["10.0.0.0/8", "192.0.2.0/24"]},
			   "nodes": [{"name": "node1", "podCIDR": "10.244.1.0/24", "canIpForward": true}],
			   "pods": [{"name": "client", "node": "node1"}],
			   "hosts": [{"name": "site", "ip": "192.0.2.10", "label": "site", "listen": ["tcp/80"]}]},
			 "flows": [{"from": "client", "to": "host/site:80"}]}
			""";

	/** A Docker host: containers publish hostPort. */
	private static final String DOCKER = """
			{"apiVersion": "packetwalk.dev/v1alpha1", "kind": "Scenario", "metadata": {"name": "fields-docker"},
			 "cluster": {"network": "docker", "nodes": [{"name": "host1"}],
			   "pods": [{"name": "web", "node": "host1", "containers": [{"name": "web", "ports": [{"containerPort": 80}]}]}]},
			 "flows": [{"from": "node/host1", "to": "web:80"}]}
			""";

	/** Where a field is set, and to what. */
	private record Probe(String base, String value) {
	}

	/** One probe per schema field, by its path with {@code *} for array items. */
	private static final Map<String, Probe> PROBES = new TreeMap<>(Map.ofEntries(
			Map.entry("/metadata/name", new Probe(LAN, "\"other\"")),
			Map.entry("/metadata/title", new Probe(LAN, "\"other\"")),
			Map.entry("/metadata/summary", new Probe(LAN, "\"other\"")),
			Map.entry("/metadata/tags", new Probe(LAN, "[\"b\"]")),
			Map.entry("/metadata/level", new Probe(LAN, "\"advanced\"")),
			Map.entry("/metadata/chapter", new Probe(LAN, "\"other\"")),
			Map.entry("/metadata/order", new Probe(LAN, "7")),
			Map.entry("/seed", new Probe(LAN, "9")),
			Map.entry("/intro", new Probe(LAN, "\"other\"")),
			Map.entry("/takeaway", new Probe(LAN, "\"other\"")),
			Map.entry("/faults", new Probe(LAN, "[\"no-service-masquerade\"]")),
			Map.entry("/cluster/network", new Probe(LAN, "\"flannel-vxlan\"")),
			Map.entry("/cluster/proxyMode", new Probe(LAN, "\"ipvs\"")),
			Map.entry("/cluster/podCIDR", new Probe(LAN, "\"10.244.0.0/15\"")),
			Map.entry("/cluster/serviceCIDR", new Probe(LAN, "\"10.100.0.0/16\"")),
			Map.entry("/cluster/podMTU", new Probe(LAN, "1400")),
			Map.entry("/cluster/hairpinMode", new Probe(LAN, "\"none\"")),
			Map.entry("/cluster/kubeProxy/detectLocalMode", new Probe(LAN, "\"NodeCIDR\"")),
			Map.entry("/cluster/kubeProxy/detectLocal/bridgeInterface", new Probe(LAN, "\"cbr0\"")),
			Map.entry("/cluster/kubeProxy/detectLocal/interfaceNamePrefix", new Probe(LAN, "\"veth\"")),
			Map.entry("/cluster/kubeProxy/iptables/masqueradeAll", new Probe(LAN, "true")),
			Map.entry("/cluster/kubeProxy/iptables/masqueradeBit", new Probe(LAN, "15")),
			Map.entry("/cluster/kubeProxy/iptables/localhostNodePorts", new Probe(LAN, "false")),
			Map.entry("/cluster/kubeProxy/ipvs/scheduler", new Probe(LAN, "\"sh\"")),
			Map.entry("/cluster/cloud/provider", new Probe(GCP, "\"none\"")),
			Map.entry("/cluster/cloud/vpcCIDR", new Probe(GCP, "\"10.250.0.0/16\"")),
			Map.entry("/cluster/ipMasqAgent/nonMasqueradeCIDRs", new Probe(GCP, "[\"10.0.0.0/8\"]")),
			Map.entry("/cluster/segments/*/name", new Probe(LAN, "\"lan0\"")),
			Map.entry("/cluster/segments/*/cidr", new Probe(LAN, "\"10.242.0.0/24\"")),
			Map.entry("/cluster/nodes/*/name", new Probe(LAN, "\"node9\"")),
			Map.entry("/cluster/nodes/*/internalIP", new Probe(LAN, "\"10.240.0.50\"")),
			Map.entry("/cluster/nodes/*/externalIP", new Probe(GCP, "\"198.51.100.99\"")),
			Map.entry("/cluster/nodes/*/podCIDR", new Probe(LAN, "\"10.244.9.0/24\"")),
			Map.entry("/cluster/nodes/*/segment", new Probe(LAN, "\"lan2\"")),
			Map.entry("/cluster/nodes/*/ipForward", new Probe(LAN, "false")),
			Map.entry("/cluster/nodes/*/canIpForward", new Probe(GCP, "false")),
			Map.entry("/cluster/nodes/*/uplink", new Probe(LAN, "\"ens4\"")),
			Map.entry("/cluster/nodes/*/mtu", new Probe(LAN, "9000")),
			Map.entry("/cluster/namespaces/*/name", new Probe(LAN, "\"other\"")),
			Map.entry("/cluster/namespaces/*/labels", new Probe(LAN, "{\"team\": \"b\"}")),
			Map.entry("/cluster/pods/*/name", new Probe(LAN, "\"web9\"")),
			Map.entry("/cluster/pods/*/namespace", new Probe(LAN, "\"other\"")),
			Map.entry("/cluster/pods/*/node", new Probe(LAN, "\"node2\"")),
			Map.entry("/cluster/pods/*/ip", new Probe(LAN, "\"10.244.1.6\"")),
			Map.entry("/cluster/pods/*/labels", new Probe(LAN, "{\"app\": \"other\"}")),
			Map.entry("/cluster/pods/*/ready", new Probe(LAN, "false")),
			Map.entry("/cluster/pods/*/containers/*/name", new Probe(DOCKER, "\"nginx\"")),
			Map.entry("/cluster/pods/*/containers/*/ports/*/name", new Probe(LAN, "\"www\"")),
			Map.entry("/cluster/pods/*/containers/*/ports/*/containerPort", new Probe(DOCKER, "81")),
			Map.entry("/cluster/pods/*/containers/*/ports/*/protocol", new Probe(DOCKER, "\"UDP\"")),
			Map.entry("/cluster/pods/*/containers/*/ports/*/hostPort", new Probe(DOCKER, "8080")),
			Map.entry("/cluster/hosts/*/name", new Probe(GCP, "\"other\"")),
			Map.entry("/cluster/hosts/*/ip", new Probe(GCP, "\"192.0.2.11\"")),
			Map.entry("/cluster/hosts/*/label", new Probe(GCP, "\"other\"")),
			Map.entry("/cluster/hosts/*/listen", new Probe(GCP, "[\"tcp/81\"]")),
			Map.entry("/flows/*/id", new Probe(LAN, "\"g\"")),
			Map.entry("/flows/*/label", new Probe(LAN, "\"other\"")),
			Map.entry("/flows/*/from", new Probe(LAN, "\"node/node1\"")),
			Map.entry("/flows/*/container", new Probe(DOCKER, "\"web\"")),
			Map.entry("/flows/*/to", new Probe(LAN, "\"web:8080\"")),
			Map.entry("/flows/*/protocol", new Probe(LAN, "\"UDP\"")),
			Map.entry("/flows/*/srcPort", new Probe(LAN, "40001")),
			Map.entry("/flows/*/ttl", new Probe(LAN, "1")),
			Map.entry("/flows/*/size", new Probe(LAN, "100")),
			Map.entry("/flows/*/dontFragment", new Probe(LAN, "false")),
			Map.entry("/flows/*/reply", new Probe(LAN, "false")),
			Map.entry("/flows/*/http/method", new Probe(LAN, "\"POST\"")),
			Map.entry("/flows/*/http/path", new Probe(LAN, "\"/x\"")),
			Map.entry("/flows/*/http/headers", new Probe(LAN, "{\"Host\": \"other\"}"))));

	@Test
	void everySchemaFieldHasAProbe() {
		TreeSet<String> fields = new TreeSet<>();
		walk(ScenarioSchema.node(), ScenarioSchema.node(), "", fields);
		assertThat(fields).as("fields the schema accepts without a probe in this test (add one)")
			.isSubsetOf(PROBES.keySet());
		assertThat(PROBES.keySet()).as("probes for fields the schema no longer has").isSubsetOf(fields);
	}

	@Test
	void everySchemaFieldChangesSomethingOrIsNamed() {
		List<String> ignored = new ArrayList<>();
		PROBES.forEach((path, probe) -> {
			String pointer = path.replace("*", "0");
			String verdict = verdict(probe.base(), pointer, probe.value());
			if (verdict != null) {
				ignored.add(path + " = " + probe.value() + ": " + verdict);
			}
		});
		assertThat(ignored).as("accepted but unused (neither a change, nor an error or warning naming the field)").isEmpty();
	}

	/** The Service fields fabric8 binds: each one changes the Service's rules or endpoints, or is named in a warning. */
	@Test
	void everyServiceFieldChangesSomethingOrIsNamed() {
		Map<String, String> specValues = new TreeMap<>(Map.ofEntries(
				Map.entry("allocateLoadBalancerNodePorts", "false"),
				Map.entry("clusterIP", "\"10.96.0.55\""),
				Map.entry("clusterIPs", "[\"10.96.0.55\", \"fd00::1\"]"),
				Map.entry("externalIPs", "[\"192.0.2.77\"]"),
				Map.entry("externalName", "\"example.com\""),
				Map.entry("externalTrafficPolicy", "\"Local\""),
				Map.entry("healthCheckNodePort", "31999"),
				Map.entry("internalTrafficPolicy", "\"Local\""),
				Map.entry("ipFamilies", "[\"IPv6\"]"),
				Map.entry("ipFamilyPolicy", "\"PreferDualStack\""),
				Map.entry("loadBalancerClass", "\"example.com/lb\""),
				Map.entry("loadBalancerIP", "\"203.0.113.9\""),
				Map.entry("loadBalancerSourceRanges", "[\"192.0.2.0/24\"]"),
				Map.entry("ports", "[{\"port\": 81, \"targetPort\": 8080}]"),
				Map.entry("publishNotReadyAddresses", "true"),
				Map.entry("selector", "{\"app\": \"nothing\"}"),
				Map.entry("sessionAffinity", "\"ClientIP\""),
				Map.entry("sessionAffinityConfig", "{\"clientIP\": {\"timeoutSeconds\": 60}}"),
				Map.entry("trafficDistribution", "\"PreferClose\""),
				Map.entry("type", "\"ClusterIP\"")));
		Map<String, String> portValues = new TreeMap<>(Map.ofEntries(
				Map.entry("appProtocol", "\"http\""),
				Map.entry("name", "\"web\""),
				Map.entry("nodePort", "31000"),
				Map.entry("port", "81"),
				Map.entry("protocol", "\"UDP\""),
				Map.entry("targetPort", "8081")));
		assertThat(properties(ServiceSpec.class)).as("ServiceSpec fields without a value in this test (add one)")
			.isEqualTo(specValues.keySet());
		assertThat(properties(ServicePort.class)).as("ServicePort fields without a value in this test (add one)")
			.isEqualTo(portValues.keySet());
		List<String> ignored = new ArrayList<>();
		// a LoadBalancer with an address, and a ready and a not-ready endpoint, so every field has something to act on
		String lb = LAN.replace("\"spec\": {\"type\": \"NodePort\", \"selector\": {\"app\": \"web\"}, \"ports\": [{\"port\": 80, \"targetPort\": \"http\"}]}}",
				"\"spec\": {\"type\": \"LoadBalancer\", \"selector\": {\"app\": \"web\"}, \"ports\": [{\"port\": 80, \"targetPort\": \"http\"}]},"
						+ " \"status\": {\"loadBalancer\": {\"ingress\": [{\"ip\": \"203.0.113.5\"}]}}}");
		String base = lb.replace("{\"name\": \"client\",", "{\"name\": \"web-old\", \"node\": \"node1\", \"ip\": \"10.244.1.7\","
				+ " \"labels\": {\"app\": \"web\"}, \"ready\": false, \"containers\": [{\"name\": \"web\", \"ports\":"
				+ " [{\"name\": \"http\", \"containerPort\": 8080}]}]}, {\"name\": \"client\",");
		assertThat(base).isNotEqualTo(LAN).contains("web-old");
		specValues.forEach((field, value) -> {
			String verdict = verdict(base, "/objects/0/spec/" + field, value);
			if (verdict != null) {
				ignored.add("spec." + field + ": " + verdict);
			}
		});
		portValues.forEach((field, value) -> {
			String verdict = verdict(base, "/objects/0/spec/ports/0/" + field, value);
			if (verdict != null) {
				ignored.add("spec.ports[0]." + field + ": " + verdict);
			}
		});
		assertThat(ignored).as("Service fields accepted but unused").isEmpty();
	}

	/** Null when setting the field is seen (a change, or a problem naming it), else what was found instead. */
	private static String verdict(String base, String pointer, String value) {
		String before = describe(base);
		ObjectNode doc = (ObjectNode) JSON.readTree(base);
		set(doc, pointer, JSON.readTree(value));
		String text = JSON.writeValueAsString(doc);
		String dotted = dotted(pointer);
		try {
			CompiledScenario cs = new ScenarioCompiler().compile("fields.yaml", text);
			if (cs.warnings().stream().anyMatch(w -> w.toString().contains(dotted))) {
				return null;
			}
			return describe(cs).equals(before) ? "nothing changed, no warning names " + dotted : null;
		}
		catch (ScenarioException ex) {
			// an error: the field was read (and refused)
			return null;
		}
	}

	private static final Map<String, String> BASES = new java.util.HashMap<>();

	private static String describe(String text) {
		return BASES.computeIfAbsent(text, t -> describe(new ScenarioCompiler().compile("fields.yaml", t)));
	}

	/** Everything the compiler built, and the trace of the default seed. */
	private static String describe(CompiledScenario cs) {
		StringBuilder sb = new StringBuilder();
		sb.append(java.util.Arrays.asList(cs.id(), cs.title(), cs.summary(), cs.tags(), cs.level(), cs.chapter(), cs.order(),
				cs.intro(), cs.takeaway(), cs.seed()));
		sb.append(cs.scenario().topology()).append(cs.scenario().flows()).append(cs.scenario().ipvs());
		sb.append(JSON.writeValueAsString(new Engine(cs.scenario()).run(cs.seed())));
		return sb.toString();
	}

	/** {@code /cluster/nodes/0/uplink} → {@code cluster.nodes[0].uplink}, as problems name places. */
	private static String dotted(String pointer) {
		StringBuilder sb = new StringBuilder();
		for (String part : pointer.substring(1).split("/")) {
			if (part.chars().allMatch(Character::isDigit)) {
				sb.append('[').append(part).append(']');
			}
			else {
				sb.append(sb.isEmpty() ? "" : ".").append(part);
			}
		}
		return sb.toString();
	}

	private static void set(ObjectNode doc, String pointer, JsonNode value) {
		String[] parts = pointer.substring(1).split("/");
		JsonNode node = doc;
		for (int i = 0; i < parts.length - 1; i++) {
			JsonNode next = node.isArray() ? node.get(Integer.parseInt(parts[i])) : node.get(parts[i]);
			if (next == null || next.isNull()) {
				next = JSON.createObjectNode();
				((ObjectNode) node).set(parts[i], next);
			}
			node = next;
		}
		String last = parts[parts.length - 1];
		if (node instanceof ArrayNode a) {
			a.set(Integer.parseInt(last), value);
		}
		else {
			((ObjectNode) node).set(last, value);
		}
	}

	/** The schema's fields, as paths with {@code *} for array items; {@code objects} (manifests) are checked apart. */
	private static void walk(JsonNode root, JsonNode schema, String path, TreeSet<String> out) {
		JsonNode s = resolve(root, schema);
		if (s.has("items")) {
			JsonNode items = resolve(root, s.get("items"));
			if (items.has("properties")) {
				walk(root, items, path + "/*", out);
				return;
			}
			out.add(path);
			return;
		}
		if (!s.has("properties")) {
			out.add(path);
			return;
		}
		for (var e : s.get("properties").properties()) {
			String p = path + "/" + e.getKey();
			if (p.equals("/objects") || p.equals("/apiVersion") || p.equals("/kind")) {
				// manifests: everyServiceFieldChangesSomethingOrIsNamed; apiVersion and kind are constants
				continue;
			}
			walk(root, e.getValue(), p, out);
		}
	}

	private static JsonNode resolve(JsonNode root, JsonNode schema) {
		JsonNode s = schema;
		while (s.has("$ref")) {
			s = root.at(s.get("$ref").asString().substring(1));
		}
		return s;
	}

	private static TreeSet<String> properties(Class<?> type) {
		TreeSet<String> names = new TreeSet<>();
		JSON.convertValue(JSON.createObjectNode(), type); // the type binds
		for (var p : JSON.constructType(type).getRawClass().getDeclaredFields()) {
			var ann = p.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
			if (ann != null) {
				names.add(ann.value());
			}
		}
		return names;
	}

}

package dev.packetwalk.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.engine.Event;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * No field is accepted and ignored. For every field the scenario schema accepts (walked
 * from the schema itself, so a new field cannot be forgotten) and every field of the
 * Kubernetes {@code ServiceSpec} and {@code ServicePort} types a Service manifest binds
 * to, setting it must either change what the compiler builds or the trace it walks, or
 * produce an error or a warning that names the field. A field that does neither fails
 * this test.
 */
class AcceptedFieldsTest {

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	/**
	 * A cluster on plain L2 segments: kubenet, two nodes, a NodePort Service, a
	 * NetworkPolicy by namespace label.
	 */
	private static final String LAN = """
			{"apiVersion": "packetwalk.dev/v1alpha1", "kind": "Scenario",
			 "metadata": {"name": "fields", "title": "t", "summary": "s", "tags": ["a"], "level": "beginner",
			              "chapter": "c", "order": 1},
			 "seed": 1, "intro": "i", "takeaway": "t",
			 "cluster": {
			   "podCIDR": "10.244.0.0/16", "serviceCIDR": "10.96.0.0/12",
			   "kubeProxy": {"detectLocalMode": "ClusterCIDR", "detectLocal": {}, "iptables": {}, "ipvs": {}, "nftables": {}},
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

	/** The LAN cluster in nftables mode: the knobs act on kube-proxy's nftables table. */
	private static final String NFT = LAN.replace("\"podCIDR\": \"10.244.0.0/16\",",
			"\"proxyMode\": \"nftables\", \"podCIDR\": \"10.244.0.0/16\",");

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

	/**
	 * The LAN cluster with a timeline of every kind of entry, each entry where a probe of
	 * its fields acts on it: a pod created Ready (web-2, an endpoint of web), a
	 * connection, web deleted, the next packet of that connection, a node joining, web
	 * scaled to 3 (a copy lands on the new node), time passing, two pods created not
	 * Ready and one made Ready, a connection with every flow field set, one from a
	 * container of db-1, web-2 terminating, and node3 leaving.
	 */
	private static final String TIMELINE = LAN.replaceFirst("}\\s*$",
			"""
					,
					 "timeline": [
					   {"create": {"name": "web-2", "namespace": "default", "node": "node2", "ip": "10.244.2.5", "labels": {"app": "web"},
					               "ready": true, "containers": [{"name": "web", "ports": [{"name": "http", "containerPort": 8080,
					               "protocol": "TCP"}]}]}},
					   {"flow": {"id": "open", "from": "client", "to": "service/web:80"}},
					   {"delete": "web"},
					   {"flow": {"id": "next", "continues": "open", "size": 100}},
					   {"addNode": {"name": "node3", "podCIDR": "10.244.3.0/24"}},
					   {"scale": {"selector": {"app": "web"}, "replicas": 3, "namespace": "default"}},
					   {"wait": "30s"},
					   {"create": {"name": "db-1", "node": "node1", "labels": {"app": "db"}, "containers": [{"name": "db", "ports": [{"name": "http", "containerPort": 8080}]}, {"name": "backup"}]}},
					   {"create": {"name": "db-2", "node": "node1", "labels": {"app": "db"}}},
					   {"ready": "db-1"},
					   {"flow": {"id": "last", "label": "l", "from": "client", "to": "service/web:80", "protocol": "TCP",
					             "srcPort": 40002, "ttl": 64, "dontFragment": true, "reply": true,
					             "http": {"method": "GET", "path": "/", "headers": {"Host": "web"}}}},
					   {"flow": {"from": "db-1", "container": "db", "to": "service/web:80"}},
					   {"terminate": "web-2"},
					   {"removeNode": "node3"}]}
					""");

	/**
	 * The GCP cluster gains a node (its external IP and canIpForward are the VPC's
	 * business), then the pod sends.
	 */
	private static final String GCP_TIMELINE = GCP.replaceFirst("}\\s*$", """
			,
			 "timeline": [{"addNode": {"name": "node2", "podCIDR": "10.244.2.0/24"}},
			              {"flow": {"from": "client", "to": "host/site:80"}}]}
			""");

	/**
	 * Where a field is set, and to what; {@code pointer} places it when index 0 of every
	 * array is not the place.
	 */
	private record Probe(String base, String value, String pointer) {

		Probe(String base, String value) {
			this(base, value, null);
		}

	}

	/** One probe per schema field, by its path with {@code *} for array items. */
	private static final Map<String, Probe> PROBES = new TreeMap<>(Map.ofEntries(
			Map.entry("/metadata/name", new Probe(LAN, "\"other\"")),
			Map.entry("/metadata/title", new Probe(LAN, "\"other\"")),
			Map.entry("/metadata/summary", new Probe(LAN, "\"other\"")),
			Map.entry("/metadata/tags", new Probe(LAN, "[\"b\"]")),
			Map.entry("/metadata/level", new Probe(LAN, "\"advanced\"")),
			Map.entry("/metadata/chapter", new Probe(LAN, "\"other\"")),
			Map.entry("/metadata/order", new Probe(LAN, "7")), Map.entry("/seed", new Probe(LAN, "9")),
			Map.entry("/intro", new Probe(LAN, "\"other\"")), Map.entry("/takeaway", new Probe(LAN, "\"other\"")),
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
			Map.entry("/cluster/kubeProxy/nftables/masqueradeAll", new Probe(NFT, "true")),
			Map.entry("/cluster/kubeProxy/nftables/masqueradeBit", new Probe(NFT, "15")),
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
			Map.entry("/flows/*/id", new Probe(LAN, "\"g\"")), Map.entry("/flows/*/label", new Probe(LAN, "\"other\"")),
			Map.entry("/flows/*/from", new Probe(LAN, "\"node/node1\"")),
			Map.entry("/flows/*/container", new Probe(DOCKER, "\"web\"")),
			Map.entry("/flows/*/to", new Probe(LAN, "\"web:8080\"")),
			Map.entry("/flows/*/protocol", new Probe(LAN, "\"UDP\"")),
			Map.entry("/flows/*/srcPort", new Probe(LAN, "40001")), Map.entry("/flows/*/ttl", new Probe(LAN, "1")),
			Map.entry("/flows/*/size", new Probe(LAN, "100")),
			Map.entry("/flows/*/dontFragment", new Probe(LAN, "false")),
			Map.entry("/flows/*/reply", new Probe(LAN, "false")),
			Map.entry("/flows/*/http/method", new Probe(LAN, "\"POST\"")),
			Map.entry("/flows/*/http/path", new Probe(LAN, "\"/x\"")),
			Map.entry("/flows/*/http/headers", new Probe(LAN, "{\"Host\": \"other\"}")),
			Map.entry("/flows/*/continues", new Probe(LAN, "\"f\"")),
			Map.entry("/timeline/*/create/name", new Probe(TIMELINE, "\"web-9\"")),
			Map.entry("/timeline/*/create/namespace", new Probe(TIMELINE, "\"other\"", "/timeline/8/create/namespace")),
			Map.entry("/timeline/*/create/node", new Probe(TIMELINE, "\"node2\"", "/timeline/7/create/node")),
			Map.entry("/timeline/*/create/ip", new Probe(TIMELINE, "\"10.244.2.9\"")),
			Map.entry("/timeline/*/create/labels",
					new Probe(TIMELINE, "{\"app\": \"web\"}", "/timeline/7/create/labels")),
			Map.entry("/timeline/*/create/ready", new Probe(TIMELINE, "false")),
			Map.entry("/timeline/*/create/containers/*/name", new Probe(TIMELINE, "\"nginx\"")),
			Map.entry("/timeline/*/create/containers/*/ports/*/name", new Probe(TIMELINE, "\"www\"")),
			Map.entry("/timeline/*/create/containers/*/ports/*/containerPort", new Probe(TIMELINE, "8081")),
			Map.entry("/timeline/*/create/containers/*/ports/*/protocol", new Probe(TIMELINE, "\"UDP\"")),
			Map.entry("/timeline/*/create/containers/*/ports/*/hostPort", new Probe(TIMELINE, "8080")),
			Map.entry("/timeline/*/delete", new Probe(TIMELINE, "\"web-2\"", "/timeline/2/delete")),
			Map.entry("/timeline/*/terminate", new Probe(TIMELINE, "\"db-1\"", "/timeline/12/terminate")),
			Map.entry("/timeline/*/removeNode", new Probe(TIMELINE, "\"node2\"", "/timeline/13/removeNode")),
			Map.entry("/timeline/*/flow/continues", new Probe(TIMELINE, "\"f\"", "/timeline/3/flow/continues")),
			Map.entry("/timeline/*/addNode/name", new Probe(TIMELINE, "\"node9\"", "/timeline/4/addNode/name")),
			Map.entry("/timeline/*/addNode/internalIP",
					new Probe(TIMELINE, "\"10.240.0.50\"", "/timeline/4/addNode/internalIP")),
			Map.entry("/timeline/*/addNode/externalIP",
					new Probe(GCP_TIMELINE, "\"198.51.100.99\"", "/timeline/0/addNode/externalIP")),
			Map.entry("/timeline/*/addNode/podCIDR",
					new Probe(TIMELINE, "\"10.244.9.0/24\"", "/timeline/4/addNode/podCIDR")),
			Map.entry("/timeline/*/addNode/segment", new Probe(TIMELINE, "\"lan2\"", "/timeline/4/addNode/segment")),
			Map.entry("/timeline/*/addNode/ipForward", new Probe(TIMELINE, "false", "/timeline/4/addNode/ipForward")),
			Map.entry("/timeline/*/addNode/canIpForward",
					new Probe(GCP_TIMELINE, "false", "/timeline/0/addNode/canIpForward")),
			Map.entry("/timeline/*/addNode/uplink", new Probe(TIMELINE, "\"ens4\"", "/timeline/4/addNode/uplink")),
			Map.entry("/timeline/*/addNode/mtu", new Probe(TIMELINE, "9000", "/timeline/4/addNode/mtu")),
			Map.entry("/timeline/*/scale/selector",
					new Probe(TIMELINE, "{\"role\": \"client\"}", "/timeline/5/scale/selector")),
			Map.entry("/timeline/*/scale/replicas", new Probe(TIMELINE, "2", "/timeline/5/scale/replicas")),
			Map.entry("/timeline/*/scale/namespace", new Probe(TIMELINE, "\"other\"", "/timeline/5/scale/namespace")),
			Map.entry("/timeline/*/wait", new Probe(TIMELINE, "\"5m\"", "/timeline/6/wait")),
			Map.entry("/timeline/*/ready", new Probe(TIMELINE, "\"db-2\"", "/timeline/9/ready")),
			Map.entry("/timeline/*/flow/id", new Probe(TIMELINE, "\"g\"", "/timeline/10/flow/id")),
			Map.entry("/timeline/*/flow/label", new Probe(TIMELINE, "\"other\"", "/timeline/10/flow/label")),
			Map.entry("/timeline/*/flow/from", new Probe(TIMELINE, "\"node/node1\"", "/timeline/10/flow/from")),
			Map.entry("/timeline/*/flow/container", new Probe(TIMELINE, "\"backup\"", "/timeline/11/flow/container")),
			Map.entry("/timeline/*/flow/to", new Probe(TIMELINE, "\"web-2:8080\"", "/timeline/10/flow/to")),
			Map.entry("/timeline/*/flow/protocol", new Probe(TIMELINE, "\"UDP\"", "/timeline/11/flow/protocol")),
			Map.entry("/timeline/*/flow/srcPort", new Probe(TIMELINE, "40003", "/timeline/10/flow/srcPort")),
			Map.entry("/timeline/*/flow/ttl", new Probe(TIMELINE, "1", "/timeline/10/flow/ttl")),
			Map.entry("/timeline/*/flow/size", new Probe(TIMELINE, "100", "/timeline/11/flow/size")),
			Map.entry("/timeline/*/flow/dontFragment", new Probe(TIMELINE, "false", "/timeline/10/flow/dontFragment")),
			Map.entry("/timeline/*/flow/reply", new Probe(TIMELINE, "false", "/timeline/10/flow/reply")),
			Map.entry("/timeline/*/flow/http/method", new Probe(TIMELINE, "\"POST\"", "/timeline/10/flow/http/method")),
			Map.entry("/timeline/*/flow/http/path", new Probe(TIMELINE, "\"/x\"", "/timeline/10/flow/http/path")),
			Map.entry("/timeline/*/flow/http/headers",
					new Probe(TIMELINE, "{\"Host\": \"other\"}", "/timeline/10/flow/http/headers"))));

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
			String pointer = probe.pointer() != null ? probe.pointer() : path.replace("*", "0");
			assertThat(pointer.replaceAll("/[0-9]+(?=/|$)", "/*")).as("the probe's place").isEqualTo(path);
			String verdict = verdict(probe.base(), pointer, probe.value());
			if (verdict != null) {
				ignored.add(path + " = " + probe.value() + ": " + verdict);
			}
		});
		assertThat(ignored).as("accepted but unused (neither a change, nor an error or warning naming the field)")
			.isEmpty();
	}

	/**
	 * The check can fail: setting a field to the value it has is seen as no change,
	 * timeline included.
	 */
	@Test
	void settingAFieldToItsOwnValueChangesNothing() {
		assertThat(verdict(LAN, "/flows/0/ttl", "64")).startsWith("nothing changed");
		assertThat(verdict(TIMELINE, "/timeline/6/wait", "\"30s\"")).startsWith("nothing changed");
		assertThat(verdict(TIMELINE, "/timeline/4/addNode/name", "\"node3\"")).startsWith("nothing changed");
	}

	/**
	 * Every value of proxyMode (nftables, ipvs, none) builds other rules than the default
	 * iptables.
	 */
	@Test
	void everyProxyModeChangesSomething() {
		List<String> modes = new ArrayList<>();
		ScenarioSchema.node().at("/$defs/cluster/properties/proxyMode/enum").forEach(v -> modes.add(v.asString()));
		assertThat(modes).contains("iptables", "ipvs", "nftables", "none");
		for (String mode : modes) {
			if (!mode.equals("iptables")) {
				assertThat(verdict(LAN, "/cluster/proxyMode", "\"" + mode + "\"")).as(mode).isNull();
			}
		}
	}

	/**
	 * The kube-proxy knobs in nftables mode: each one changes the nftables table, or is
	 * named in a warning where upstream's nftables mode does not read it.
	 */
	@Test
	void everyKubeProxyFieldActsInNftablesMode() {
		assertThat(NFT).contains("\"proxyMode\": \"nftables\"");
		List<String> ignored = new ArrayList<>();
		Map.of("/cluster/kubeProxy/detectLocalMode", "\"NodeCIDR\"", "/cluster/kubeProxy/detectLocal/bridgeInterface",
				"\"cbr0\"", "/cluster/kubeProxy/detectLocal/interfaceNamePrefix", "\"veth\"",
				"/cluster/kubeProxy/iptables/masqueradeAll", "true", "/cluster/kubeProxy/iptables/masqueradeBit", "15",
				"/cluster/kubeProxy/iptables/localhostNodePorts", "false", "/cluster/kubeProxy/ipvs/scheduler",
				"\"sh\"", "/cluster/kubeProxy/nftables/masqueradeAll", "true",
				"/cluster/kubeProxy/nftables/masqueradeBit", "15")
			.forEach((pointer, value) -> {
				String verdict = verdict(NFT, pointer, value);
				if (verdict != null) {
					ignored.add(pointer + " = " + value + ": " + verdict);
				}
			});
		assertThat(ignored).as("kube-proxy fields accepted but unused in nftables mode").isEmpty();
	}

	/**
	 * The Service fields fabric8 binds: each one changes the Service's rules or
	 * endpoints, or is named in a warning.
	 */
	@Test
	void everyServiceFieldChangesSomethingOrIsNamed() {
		Map<String, String> specValues = new TreeMap<>(Map.ofEntries(
				Map.entry("allocateLoadBalancerNodePorts", "false"), Map.entry("clusterIP", "\"10.96.0.55\""),
				Map.entry("clusterIPs", "[\"10.96.0.55\", \"fd00::1\"]"), Map.entry("externalIPs", "[\"192.0.2.77\"]"),
				Map.entry("externalName", "\"example.com\""), Map.entry("externalTrafficPolicy", "\"Local\""),
				Map.entry("healthCheckNodePort", "31999"), Map.entry("internalTrafficPolicy", "\"Local\""),
				Map.entry("ipFamilies", "[\"IPv6\"]"), Map.entry("ipFamilyPolicy", "\"PreferDualStack\""),
				Map.entry("loadBalancerClass", "\"example.com/lb\""), Map.entry("loadBalancerIP", "\"203.0.113.9\""),
				Map.entry("loadBalancerSourceRanges", "[\"192.0.2.0/24\"]"),
				Map.entry("ports", "[{\"port\": 81, \"targetPort\": 8080}]"),
				Map.entry("publishNotReadyAddresses", "true"), Map.entry("selector", "{\"app\": \"nothing\"}"),
				Map.entry("sessionAffinity", "\"ClientIP\""),
				Map.entry("sessionAffinityConfig", "{\"clientIP\": {\"timeoutSeconds\": 60}}"),
				Map.entry("trafficDistribution", "\"PreferClose\""), Map.entry("type", "\"ClusterIP\"")));
		Map<String, String> portValues = new TreeMap<>(Map.ofEntries(Map.entry("appProtocol", "\"http\""),
				Map.entry("name", "\"web\""), Map.entry("nodePort", "31000"), Map.entry("port", "81"),
				Map.entry("protocol", "\"UDP\""), Map.entry("targetPort", "8081")));
		assertThat(properties(ServiceSpec.class)).as("ServiceSpec fields without a value in this test (add one)")
			.isEqualTo(specValues.keySet());
		assertThat(properties(ServicePort.class)).as("ServicePort fields without a value in this test (add one)")
			.isEqualTo(portValues.keySet());
		List<String> ignored = new ArrayList<>();
		// a LoadBalancer with an address, and a ready and a not-ready endpoint, so every
		// field has something to act on
		String lb = LAN.replace(
				"\"spec\": {\"type\": \"NodePort\", \"selector\": {\"app\": \"web\"}, \"ports\": [{\"port\": 80, \"targetPort\": \"http\"}]}}",
				"\"spec\": {\"type\": \"LoadBalancer\", \"selector\": {\"app\": \"web\"}, \"ports\": [{\"port\": 80, \"targetPort\": \"http\"}]},"
						+ " \"status\": {\"loadBalancer\": {\"ingress\": [{\"ip\": \"203.0.113.5\"}]}}}");
		String base = lb
			.replace("{\"name\": \"client\",", "{\"name\": \"web-old\", \"node\": \"node1\", \"ip\": \"10.244.1.7\","
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

	/**
	 * A Deployment (two replicas, a named port its Service targets), a StatefulSet, a
	 * bare Pod and a DaemonSet on the LAN cluster: the workload manifests whose fields
	 * are probed.
	 */
	private static final String WORKLOADS = LAN
		.replace("\"objects\": [",
				"""
						"objects": [
						  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "default"},
						   "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}},
						            "template": {"metadata": {"labels": {"app": "api"}},
						                         "spec": {"containers": [{"name": "api", "ports": [{"name": "http", "containerPort": 8080,
						                                  "protocol": "TCP"}]}]}}}},
						  {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
						   "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "db"}},
						            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db"}]}}}},
						  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "solo", "labels": {"app": "solo"}},
						   "spec": {"containers": [{"name": "solo", "ports": [{"name": "http", "containerPort": 80}]}]}},
						  {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
						   "spec": {"selector": {"matchLabels": {"app": "agent"}},
						            "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "agent"}]}}}},
						  {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api"},
						   "spec": {"selector": {"app": "api"}, "ports": [{"port": 80, "targetPort": "http"}]}},
						""")
		.replace("\"to\": \"service/web:80\"", "\"to\": \"service/api:80\"");

	/**
	 * The fields of the Kubernetes types a workload manifest binds (fabric8's): setting
	 * each one to a value of its type changes the pods or the trace, is an error, or is
	 * named in the one warning of its object.
	 */
	@Test
	void everyWorkloadFieldChangesSomethingOrIsNamed() {
		assertThat(WORKLOADS).contains("\"kind\": \"Deployment\"").contains("service/api:80");
		assertThat(describe(WORKLOADS)).isNotEmpty();
		Map<String, Class<?>> places = new java.util.LinkedHashMap<>();
		places.put("/objects/0/metadata", io.fabric8.kubernetes.api.model.ObjectMeta.class);
		places.put("/objects/0/spec", io.fabric8.kubernetes.api.model.apps.DeploymentSpec.class);
		places.put("/objects/0/spec/template/metadata", io.fabric8.kubernetes.api.model.ObjectMeta.class);
		places.put("/objects/0/spec/template/spec", io.fabric8.kubernetes.api.model.PodSpec.class);
		places.put("/objects/0/spec/template/spec/containers/0", io.fabric8.kubernetes.api.model.Container.class);
		places.put("/objects/0/spec/template/spec/containers/0/ports/0",
				io.fabric8.kubernetes.api.model.ContainerPort.class);
		places.put("/objects/1/spec", io.fabric8.kubernetes.api.model.apps.StatefulSetSpec.class);
		places.put("/objects/2/metadata", io.fabric8.kubernetes.api.model.ObjectMeta.class);
		places.put("/objects/2/spec", io.fabric8.kubernetes.api.model.PodSpec.class);
		places.put("/objects/3/spec", io.fabric8.kubernetes.api.model.apps.DaemonSetSpec.class);
		// where a value of the type is what the field has anyway, one that acts
		Map<String, String> values = Map.of("/objects/0/spec/template/spec/nodeSelector",
				"{\"kubernetes.io/hostname\": \"node2\"}", "/objects/1/spec/ordinals", "{\"start\": 3}",
				"/objects/1/spec/replicas", "2", "/objects/2/metadata/labels", "{\"app\": \"api\"}",
				"/objects/2/spec/nodeSelector", "{\"kubernetes.io/hostname\": \"node2\"}");
		List<String> ignored = new ArrayList<>();
		places.forEach((place, type) -> {
			for (var f : fields(type).entrySet()) {
				String pointer = place + "/" + f.getKey();
				String verdict = workloadVerdict(pointer, values.getOrDefault(pointer, sample(f.getValue())));
				if (verdict != null) {
					ignored.add(pointer + ": " + verdict);
				}
			}
		});
		assertThat(ignored).as("workload fields accepted but unused").isEmpty();
		// and the check can fail
		assertThat(workloadVerdict("/objects/0/spec/replicas", "2")).startsWith("nothing changed");
	}

	/**
	 * A value of the field's type ("x", 1, true, [], {}); fabric8 binds each without an
	 * error.
	 */
	private static String sample(java.lang.reflect.Field f) {
		Class<?> t = f.getType();
		if (t == String.class) {
			return "\"x\"";
		}
		if (t == Integer.class || t == Long.class || t == int.class || t == long.class) {
			return "1";
		}
		if (t == Boolean.class || t == boolean.class) {
			return "true";
		}
		if (List.class.isAssignableFrom(t)) {
			return "[]";
		}
		if (t.getName().endsWith(".IntOrString") || t.getName().endsWith(".Quantity")) {
			return "\"1\"";
		}
		return "{}";
	}

	/**
	 * As {@link #verdict}, a problem naming the field counts when it is the warning of
	 * its object (objects[0]: …) naming the field's path within it ([] for items).
	 */
	private static String workloadVerdict(String pointer, String value) {
		String before = describe(WORKLOADS);
		ObjectNode doc = (ObjectNode) JSON.readTree(WORKLOADS);
		set(doc, pointer, JSON.readTree(value));
		String[] parts = pointer.split("/", 4);
		String object = "objects[" + parts[2] + "]";
		String within = dotted("/" + parts[3]).replaceAll("\\[[0-9]+]", "[]");
		try {
			CompiledScenario cs = new ScenarioCompiler().compile("fields.yaml", JSON.writeValueAsString(doc));
			if (cs.warnings()
				.stream()
				.anyMatch(w -> w.path().equals(object) && w.message().contains(within)
						|| w.path().startsWith(object + "." + parts[3].replace('/', '.')))) {
				return null;
			}
			return describe(cs).equals(before) ? "nothing changed, no warning names " + within : null;
		}
		catch (ScenarioException ex) {
			return null;
		}
	}

	private static Map<String, java.lang.reflect.Field> fields(Class<?> type) {
		Map<String, java.lang.reflect.Field> out = new TreeMap<>();
		for (var f : type.getDeclaredFields()) {
			var ann = f.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
			if (ann != null) {
				out.put(ann.value(), f);
			}
		}
		return out;
	}

	/**
	 * Null when setting the field is seen (a change, or a problem naming it), else what
	 * was found instead.
	 */
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
		sb.append(java.util.Arrays.asList(cs.id(), cs.title(), cs.summary(), cs.tags(), cs.level(), cs.chapter(),
				cs.order(), cs.intro(), cs.takeaway(), cs.seed()));
		sb.append(cs.scenario().topology()).append(cs.scenario().flows()).append(cs.scenario().ipvs());
		for (Event e : cs.scenario().timeline()) {
			// each event by its contents (the policy engine has no value text: its effect
			// shows in the trace)
			sb.append(switch (e) {
				case Event.Send send -> List.of(send.flow(), String.valueOf(send.continues()));
				case Event.Wait w -> List.of(w.id(), w.seconds());
				case Event.Change c -> List.of(c.id(), c.label(), c.state().topology(), c.state().dns(),
						c.state().ipvs(), c.hops(), c.goneEndpoints(), c.unplugged());
			});
		}
		sb.append(JSON.writeValueAsString(new Engine(cs.scenario()).run(cs.seed())));
		return sb.toString();
	}

	/**
	 * {@code /cluster/nodes/0/uplink} → {@code cluster.nodes[0].uplink}, as problems name
	 * places.
	 */
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

	/**
	 * The schema's fields, as paths with {@code *} for array items; {@code objects}
	 * (manifests) are checked apart.
	 */
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
				// manifests: everyServiceFieldChangesSomethingOrIsNamed; apiVersion and
				// kind are constants
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

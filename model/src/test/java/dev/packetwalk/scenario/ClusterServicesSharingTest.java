package dev.packetwalk.scenario;

import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClusterServices} writes kube-proxy's rules once per distinct node view and hands
 * the same text to nodes that share it: each node must still get exactly the rules
 * written for it alone.
 */
class ClusterServicesSharingTest {

	private static final Cidr SERVICES = Cidr.parse("10.96.0.0/12");

	private static final Cidr PODS = Cidr.parse("10.244.0.0/16");

	private static final List<String> NODES = List.of("n1", "n2", "n3", "n4");

	private static Map<String, Object> service(String name, String app, Map<String, Object> extra) {
		Map<String, Object> spec = new java.util.LinkedHashMap<>(Map.of("selector", Map.of("app", app), "ports",
				List.of(Map.of("name", "http", "port", 80, "targetPort", 8080))));
		spec.putAll(extra);
		return Map.of("kind", "Service", "apiVersion", "v1", "metadata", Map.of("name", name, "namespace", "default"),
				"spec", spec);
	}

	private static List<ClusterServices.PodInfo> pods() {
		return List.of(
				new ClusterServices.PodInfo("default", "a1", "n1", Ip.parse("10.244.1.2"), Map.of("app", "a"), Map.of(),
						true, false),
				new ClusterServices.PodInfo("default", "a2", "n2", Ip.parse("10.244.2.2"), Map.of("app", "a"), Map.of(),
						true, false),
				new ClusterServices.PodInfo("default", "b1", "n2", Ip.parse("10.244.2.3"), Map.of("app", "b"), Map.of(),
						true, false),
				new ClusterServices.PodInfo("default", "c1", "n3", Ip.parse("10.244.3.2"), Map.of("app", "c"), Map.of(),
						true, false));
	}

	private static ClusterServices read(List<Map<String, Object>> objects) {
		ClusterServices s = new ClusterServices(JsonMapper.builder().build(), new Problems("test", (YamlLocator) null));
		s.read(objects, SERVICES, pods());
		return s;
	}

	private static Ip nodeIp(String node) {
		return Ip.parse("10.240.0." + (2 + NODES.indexOf(node)));
	}

	@Test
	void everyNodeGetsTheRulesWrittenForItAloneWhenLocalPoliciesMakeThemDiffer() {
		List<Map<String, Object>> objects = List.of(
				service("ext-local", "a", Map.of("type", "NodePort", "externalTrafficPolicy", "Local")),
				service("int-local", "b", Map.of("internalTrafficPolicy", "Local")), service("plain", "c", Map.of()));
		ClusterServices shared = read(objects);
		for (String node : NODES) {
			// a fresh control plane has nothing cached: it writes this node's rules from
			// scratch
			String alone = read(objects).iptablesFor(node, nodeIp(node), PODS, null);
			assertThat(shared.iptablesFor(node, nodeIp(node), PODS, null)).as(node).isEqualTo(alone);
		}
		// n1 has a local endpoint of ext-local, n2 of both, n3 and n4 of neither: n3 and
		// n4 share their rules
		assertThat(shared.iptablesFor("n1", nodeIp("n1"), PODS, null))
			.isNotEqualTo(shared.iptablesFor("n2", nodeIp("n2"), PODS, null));
		assertThat(shared.iptablesFor("n3", nodeIp("n3"), PODS, null))
			.isSameAs(shared.iptablesFor("n4", nodeIp("n4"), PODS, null));
	}

	@Test
	void clusterPolicyServicesGiveEveryNodeTheSameText() {
		List<Map<String, Object>> objects = List.of(service("one", "a", Map.of()),
				service("two", "b", Map.of("type", "NodePort")));
		ClusterServices shared = read(objects);
		String first = shared.iptablesFor("n1", nodeIp("n1"), PODS, null);
		for (String node : NODES) {
			assertThat(shared.iptablesFor(node, nodeIp(node), PODS, null)).as(node)
				.isSameAs(first)
				.isEqualTo(read(objects).iptablesFor(node, nodeIp(node), PODS, null));
		}
	}

}

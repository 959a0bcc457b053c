package dev.packetwalk.netpol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

/**
 * The upstream e2e netpol cluster: namespaces x, y, z (labelled {@code ns=<name>}), each
 * with pods a, b, c labelled {@code pod=<name>} serving 80 and 81 on TCP and UDP with
 * named ports {@code serve-80-tcp} and so on. Pods named a run on node-1 (pod CIDR
 * 10.244.1.0/24), b on node-2, c on node-3; pod x/b is 10.244.2.11, y/b 10.244.2.12, z/b
 * 10.244.2.13. Node n has the address 172.18.0.(n+1).
 */
final class XyzCluster {

	static final List<String> NAMESPACES = List.of("x", "y", "z");

	static final List<String> POD_NAMES = List.of("a", "b", "c");

	static final Map<String, List<Ip>> NODE_IPS = Map.of("node-1", List.of(Ip.parse("172.18.0.2")), "node-2",
			List.of(Ip.parse("172.18.0.3")), "node-3", List.of(Ip.parse("172.18.0.4")));

	static final List<PolicyNamespace> NAMESPACE_LIST = NAMESPACES.stream()
		.map(n -> PolicyNamespace.of(n, Map.of("ns", n)))
		.toList();

	static final List<PolicyPod> PODS = pods();

	private XyzCluster() {
	}

	private static List<PolicyPod> pods() {
		Map<String, PortProto> named = new LinkedHashMap<>();
		for (int port : new int[] { 80, 81 }) {
			named.put("serve-" + port + "-tcp", PortProto.tcp(port));
			named.put("serve-" + port + "-udp", PortProto.udp(port));
			named.put("serve-" + port + "-sctp", PortProto.sctp(port));
		}
		List<PolicyPod> pods = new ArrayList<>();
		for (int n = 0; n < NAMESPACES.size(); n++) {
			for (int p = 0; p < POD_NAMES.size(); p++) {
				String name = POD_NAMES.get(p);
				pods.add(new PolicyPod(NAMESPACES.get(n), name, Map.of("pod", name), Ip.of(10, 244, p + 1, 11 + n),
						"node-" + (p + 1), named));
			}
		}
		return List.copyOf(pods);
	}

	static PolicyPod pod(String id) {
		return PODS.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
	}

	/** The engine for these YAML policies ({@code ---} separated; none = no policy). */
	static PolicyEngine engine(String... yamls) {
		List<NetworkPolicy> policies = new ArrayList<>();
		for (String y : yamls) {
			policies.addAll(PolicyYaml.read(y));
		}
		return PolicyEngine.of(NAMESPACE_LIST, PODS, policies, NODE_IPS);
	}

	static String table(PolicyEngine engine, int port, Protocol protocol) {
		return engine.reachability(PODS, port, protocol).toTruthTable();
	}

	/**
	 * A grid written with any spacing, in upstream's tab-separated form. A line of just
	 * {@code same-as-all-allowed} is not supported: write the grid.
	 */
	static String grid(String text) {
		return text.strip()
			.lines()
			.map(String::strip)
			.filter(l -> !l.isEmpty())
			.map(l -> Arrays.stream(l.split("\\s+")).collect(Collectors.joining("\t")))
			.collect(Collectors.joining("\n"));
	}

	static Connection tcp(String from, String to, int port) {
		return Connection.tcp(pod(from), pod(to), port);
	}

	static Connection udp(String from, String to, int port) {
		return Connection.udp(pod(from), pod(to), port);
	}

	static Connection sctp(String from, String to, int port) {
		return new Connection(new ConnectionEnd.Pod(pod(from)), new ConnectionEnd.Pod(pod(to)), Protocol.SCTP, port);
	}

	static Connection fromIp(String ip, String to, Protocol protocol, int port) {
		return new Connection(new ConnectionEnd.External(Ip.parse(ip)), new ConnectionEnd.Pod(pod(to)), protocol, port);
	}

	static Connection toIp(String from, String ip, Protocol protocol, int port) {
		return new Connection(new ConnectionEnd.Pod(pod(from)), new ConnectionEnd.External(Ip.parse(ip)), protocol,
				port);
	}

}

package dev.packetwalk.bench;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioLimits;

/**
 * A generated large cluster as a scenario file: {@code nodes} nodes (GCP-style VPC,
 * kubenet) with {@code podsPerNode} pods each, and {@code services} ClusterIP Services of
 * {@code endpointsPerService} endpoints each, in iptables mode.
 *
 * <p>
 * Pods are grouped by the label {@code grp}: pod {@code p} (numbered across the cluster)
 * is in group {@code p % groups}, where
 * {@code groups = nodes * podsPerNode / endpointsPerService}, so every group has exactly
 * {@code endpointsPerService} pods spread over distant nodes. Service {@code s} selects
 * group {@code s % groups}, so with more Services than groups some groups back two
 * Services (1,000 × 30 pods, 10,000 Services × 5 endpoints: 6,000 groups, 50,000
 * endpoints).
 *
 * <p>
 * The flows are the expensive cases: a pod on the first node connects to the last Service
 * (the last portal rule of KUBE-SERVICES, as in the {@code iptables-scaling} scenario)
 * and gets the reply; and the same pod connects to a pod on the last node.
 */
public final class LargeCluster {

	public static final int NODES = 1_000;

	public static final int PODS_PER_NODE = 30;

	public static final int SERVICES = 10_000;

	public static final int ENDPOINTS_PER_SERVICE = 5;

	private LargeCluster() {
	}

	/**
	 * Limits large enough for the generated file (the web application's defaults refuse
	 * it, by design).
	 */
	public static ScenarioLimits limits(int nodes, int pods, int services) {
		// kube-proxy writes about 17 rules per Service and endpoint on every node: 170
		// million over 1,000 nodes
		long rules = 20L * services * ENDPOINTS_PER_SERVICE * nodes;
		return new ScenarioLimits(256 * 1024 * 1024, 0, 100, 50_000_000, nodes, pods, 50, services + 10,
				(int) Math.min(Integer.MAX_VALUE, rules));
	}

	public static CompiledScenario compile(String yaml, int nodes, int podsPerNode, int services) {
		return new ScenarioCompiler(limits(nodes, nodes * podsPerNode, services)).compile("large-cluster.yaml", yaml);
	}

	public static String yaml() {
		return yaml(NODES, PODS_PER_NODE, SERVICES, ENDPOINTS_PER_SERVICE);
	}

	public static String yaml(int nodes, int podsPerNode, int services, int endpointsPerService) {
		if (nodes < 1 || nodes > 1024 || podsPerNode < 1 || podsPerNode > 250 || services < 1 || endpointsPerService < 1
				|| nodes * podsPerNode < endpointsPerService) {
			throw new IllegalArgumentException("1..1024 nodes, 1..250 pods per node, enough pods for one service");
		}
		int pods = nodes * podsPerNode;
		int groups = pods / endpointsPerService;
		StringBuilder y = new StringBuilder(pods * 160 + services * 260);
		y.append("apiVersion: packetwalk.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: large-cluster\n")
			.append("  title: Generated large cluster\nseed: 1\ncluster:\n  network: kubenet\n  proxyMode: iptables\n")
			.append("  podCIDR: 10.64.0.0/14\n  serviceCIDR: 10.96.0.0/12\n")
			.append("  cloud: {provider: gcp, vpcCIDR: 10.240.0.0/16}\n  nodes:\n");
		for (int n = 0; n < nodes; n++) {
			int a = 2 + n; // 10.240.0.2 ...
			y.append("    - {name: node")
				.append(n)
				.append(", internalIP: 10.240.")
				.append(a / 256)
				.append('.')
				.append(a % 256)
				.append(", externalIP: 34.")
				.append(64 + n / 256)
				.append('.')
				.append(n % 256)
				.append(".1")
				.append(", podCIDR: 10.")
				.append(64 + n / 256)
				.append('.')
				.append(n % 256)
				.append(".0/24}\n");
		}
		y.append("  pods:\n");
		for (int n = 0; n < nodes; n++) {
			for (int k = 0; k < podsPerNode; k++) {
				int p = n * podsPerNode + k;
				y.append("    - {name: pod")
					.append(p)
					.append(", node: node")
					.append(n)
					.append(", ip: 10.")
					.append(64 + n / 256)
					.append('.')
					.append(n % 256)
					.append('.')
					.append(2 + k)
					.append(", labels: {grp: g")
					.append(p % groups)
					.append("}, containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]}\n");
			}
		}
		y.append("objects:\n");
		for (int s = 0; s < services; s++) {
			y.append("  - {kind: Service, apiVersion: v1, metadata: {name: svc")
				.append(s)
				.append(", namespace: default}, spec: {type: ClusterIP, selector: {grp: g")
				.append(s % groups)
				.append("}, ports: [{name: http, protocol: TCP, port: 80, targetPort: 8080}]}}\n");
		}
		int lastPod = pods - 1;
		y.append("flows:\n")
			.append("  - {id: to-last-service, from: pod0, to: 'service/svc")
			.append(services - 1)
			.append(":80', protocol: TCP, reply: true}\n")
			.append("  - {id: to-far-pod, from: pod0, to: 'pod")
			.append(lastPod)
			.append(":8080', protocol: TCP, reply: true}\n");
		return y.toString();
	}

}

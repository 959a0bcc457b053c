package dev.packetwalk.bench;

/**
 * A generated
 * {@code kubectl get nodes,namespaces,pods,services,endpointslices,networkpolicies -A -o yaml}
 * of a cluster with {@code nodes × podsPerNode} pods, written the way kubectl prints it
 * (a {@code kind: List}, sorted keys, status, managedFields, resourceVersion,
 * ownerReferences): one Deployment-like app (a Service, its EndpointSlice) per ten pods,
 * a hostNetwork kube-proxy pod per node, and a NetworkPolicy per namespace.
 */
final class ImportDump {

	private ImportDump() {
	}

	static String generate(int nodes, int podsPerNode) {
		StringBuilder y = new StringBuilder(podsPerNode * nodes * 4000);
		y.append("apiVersion: v1\nitems:\n");
		for (int n = 0; n < nodes; n++) {
			String name = "worker-" + n;
			y.append("- apiVersion: v1\n  kind: Node\n  metadata:\n    annotations:\n")
				.append("      node.alpha.kubernetes.io/ttl: \"0\"\n")
				.append("      volumes.kubernetes.io/controller-managed-attach-detach: \"true\"\n")
				.append("    creationTimestamp: \"2024-11-04T09:12:44Z\"\n    labels:\n      kubernetes.io/hostname: ")
				.append(name)
				.append("\n      kubernetes.io/os: linux\n");
			managedFields(y, "kubelet");
			y.append("    name: ")
				.append(name)
				.append("\n    resourceVersion: \"")
				.append(1000 + n)
				.append("\"\n    uid: 0000-node-")
				.append(n)
				.append("\n  spec:\n    podCIDR: 10.")
				.append(64 + n / 256)
				.append('.')
				.append(n % 256)
				.append(".0/24\n    podCIDRs:\n    - 10.")
				.append(64 + n / 256)
				.append('.')
				.append(n % 256)
				.append(".0/24\n  status:\n    addresses:\n    - address: 10.240.")
				.append(n / 250)
				.append('.')
				.append(n % 250 + 2)
				.append("\n      type: InternalIP\n    - address: ")
				.append(name)
				.append("\n      type: Hostname\n    conditions:\n    - lastHeartbeatTime: \"2024-11-05T14:01:19Z\"\n")
				.append("      lastTransitionTime: \"2024-11-04T09:13:09Z\"\n      message: kubelet is posting ready status\n")
				.append("      reason: KubeletReady\n      status: \"True\"\n      type: Ready\n");
		}
		int namespaces = Math.max(1, nodes * podsPerNode / 200);
		for (int s = 0; s < namespaces; s++) {
			y.append(
					"- apiVersion: v1\n  kind: Namespace\n  metadata:\n    creationTimestamp: \"2024-11-04T09:20:00Z\"\n")
				.append("    labels:\n      kubernetes.io/metadata.name: team-")
				.append(s)
				.append("\n    name: team-")
				.append(s)
				.append("\n    resourceVersion: \"77\"\n    uid: ns-")
				.append(s)
				.append("\n  spec:\n    finalizers:\n    - kubernetes\n")
				.append("  status:\n    phase: Active\n");
		}
		int pod = 0;
		for (int n = 0; n < nodes; n++) {
			String node = "worker-" + n;
			String nodeIp = "10.240." + n / 250 + "." + (n % 250 + 2);
			pod(y, "kube-system", "kube-proxy-" + n, node, nodeIp, nodeIp, "kube-proxy", true);
			for (int p = 0; p < podsPerNode; p++, pod++) {
				String ip = "10." + (64 + n / 256) + "." + n % 256 + "." + (p + 2);
				pod(y, "team-" + (pod / 200 % namespaces), "app-" + pod / 10 + "-7d4b9c8f6-" + pod, node, nodeIp, ip,
						"app-" + pod / 10, false);
			}
		}
		int apps = (pod + 9) / 10;
		for (int a = 0; a < apps; a++) {
			String ns = "team-" + (a * 10 / 200 % namespaces);
			y.append(
					"- apiVersion: v1\n  kind: Service\n  metadata:\n    creationTimestamp: \"2024-11-04T10:01:55Z\"\n")
				.append("    name: app-")
				.append(a)
				.append("\n    namespace: ")
				.append(ns)
				.append("\n    resourceVersion: \"")
				.append(5000 + a)
				.append("\"\n    uid: svc-")
				.append(a)
				.append("\n  spec:\n    clusterIP: 10.96.")
				.append(1 + a / 250)
				.append('.')
				.append(a % 250 + 2)
				.append("\n    clusterIPs:\n    - 10.96.")
				.append(1 + a / 250)
				.append('.')
				.append(a % 250 + 2)
				.append("\n    internalTrafficPolicy: Cluster\n    ipFamilies:\n    - IPv4\n    ipFamilyPolicy: SingleStack\n")
				.append("    ports:\n    - name: http\n      port: 80\n      protocol: TCP\n      targetPort: http\n    selector:\n      app: app-")
				.append(a)
				.append("\n    sessionAffinity: None\n    type: ClusterIP\n  status:\n    loadBalancer: {}\n");
			y.append("- addressType: IPv4\n  apiVersion: discovery.k8s.io/v1\n  endpoints:\n");
			for (int k = a * 10; k < Math.min(pod, a * 10 + 10); k++) {
				int n = k / podsPerNode;
				y.append("  - addresses:\n    - 10.")
					.append(64 + n / 256)
					.append('.')
					.append(n % 256)
					.append('.')
					.append(k % podsPerNode + 2)
					.append("\n    conditions:\n      ready: true\n      serving: true\n      terminating: false\n    nodeName: worker-")
					.append(n)
					.append('\n');
			}
			y.append(
					"  kind: EndpointSlice\n  metadata:\n    labels:\n      endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io\n")
				.append("      kubernetes.io/service-name: app-")
				.append(a)
				.append("\n    name: app-")
				.append(a)
				.append("-x7k2q\n    namespace: ")
				.append(ns)
				.append("\n    resourceVersion: \"")
				.append(9000 + a)
				.append("\"\n  ports:\n  - name: http\n    port: 8080\n    protocol: TCP\n");
		}
		for (int s = 0; s < namespaces; s++) {
			y.append(
					"- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata:\n    name: allow-same-namespace\n")
				.append("    namespace: team-")
				.append(s)
				.append("\n  spec:\n    ingress:\n    - from:\n      - podSelector: {}\n")
				.append("    podSelector: {}\n    policyTypes:\n    - Ingress\n");
		}
		y.append("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
		return y.toString();
	}

	private static void pod(StringBuilder y, String ns, String name, String node, String nodeIp, String ip, String app,
			boolean hostNetwork) {
		y.append(
				"- apiVersion: v1\n  kind: Pod\n  metadata:\n    creationTimestamp: \"2024-11-04T10:02:11Z\"\n    generateName: ")
			.append(name, 0, name.lastIndexOf('-') + 1)
			.append("\n    labels:\n      app: ")
			.append(app)
			.append("\n      pod-template-hash: 7d4b9c8f6\n");
		managedFields(y, "kube-controller-manager");
		y.append("    name: ")
			.append(name)
			.append("\n    namespace: ")
			.append(ns)
			.append("\n    ownerReferences:\n")
			.append("    - apiVersion: apps/v1\n      blockOwnerDeletion: true\n      controller: true\n      kind: ReplicaSet\n")
			.append("      name: ")
			.append(app)
			.append("-7d4b9c8f6\n      uid: rs-")
			.append(app)
			.append("\n    resourceVersion: \"")
			.append(name.hashCode() & 0xffff)
			.append("\"\n    uid: pod-")
			.append(name)
			.append("\n  spec:\n    containers:\n")
			.append("    - image: ghcr.io/example/app:1.4.2\n      imagePullPolicy: IfNotPresent\n      name: app\n      ports:\n")
			.append("      - containerPort: 8080\n        name: http\n        protocol: TCP\n      resources:\n        requests:\n")
			.append("          cpu: 100m\n          memory: 64Mi\n      terminationMessagePath: /dev/termination-log\n")
			.append("      terminationMessagePolicy: File\n    dnsPolicy: ClusterFirst\n    enableServiceLinks: true\n");
		if (hostNetwork) {
			y.append("    hostNetwork: true\n");
		}
		y.append("    nodeName: ")
			.append(node)
			.append("\n    restartPolicy: Always\n    schedulerName: default-scheduler\n")
			.append("    serviceAccountName: default\n    terminationGracePeriodSeconds: 30\n  status:\n    conditions:\n")
			.append("    - lastProbeTime: null\n      lastTransitionTime: \"2024-11-04T10:02:11Z\"\n      status: \"True\"\n      type: Initialized\n")
			.append("    - lastProbeTime: null\n      lastTransitionTime: \"2024-11-04T10:02:19Z\"\n      status: \"True\"\n      type: Ready\n")
			.append("    - lastProbeTime: null\n      lastTransitionTime: \"2024-11-04T10:02:19Z\"\n      status: \"True\"\n      type: ContainersReady\n")
			.append("    containerStatuses:\n    - containerID: containerd://4f9a\n      image: ghcr.io/example/app:1.4.2\n")
			.append("      imageID: ghcr.io/example/app@sha256:1b2c\n      lastState: {}\n      name: app\n      ready: true\n")
			.append("      restartCount: 0\n      started: true\n      state:\n        running:\n          startedAt: \"2024-11-04T10:02:18Z\"\n")
			.append("    hostIP: ")
			.append(nodeIp)
			.append("\n    hostIPs:\n    - ip: ")
			.append(nodeIp)
			.append("\n    phase: Running\n    podIP: ")
			.append(ip)
			.append("\n    podIPs:\n    - ip: ")
			.append(ip)
			.append("\n    qosClass: Burstable\n    startTime: \"2024-11-04T10:02:11Z\"\n");
	}

	private static void managedFields(StringBuilder y, String manager) {
		y.append(
				"    managedFields:\n    - apiVersion: v1\n      fieldsType: FieldsV1\n      fieldsV1:\n        f:metadata:\n")
			.append("          f:labels:\n            .: {}\n            f:app: {}\n        f:spec:\n          f:containers: {}\n")
			.append("      manager: ")
			.append(manager)
			.append("\n      operation: Update\n      time: \"2024-11-04T10:02:11Z\"\n");
	}

}

package dev.packetwalk.scenario;

import java.util.List;
import java.util.Map;

/**
 * A scenario file as written: records that mirror the YAML one to one
 * (docs/scenario-format.md). Nothing here is resolved or defaulted;
 * {@link ScenarioCompiler} does that and reports problems with their place in the file.
 */
public record ScenarioDocument(String apiVersion, String kind, Metadata metadata, Long seed, String intro,
		String takeaway, Cluster cluster, List<Map<String, Object>> objects, List<FlowSpec> flows, List<String> faults,
		List<TimelineSpec> timeline) {

	/**
	 * The document with another pod list (a cluster state of the timeline). The pods the
	 * workload manifests made are in that list, so the manifests themselves are left out.
	 */
	ScenarioDocument withNodesAndPods(List<NodeSpec> nodes, List<PodSpec> pods) {
		Cluster c = cluster;
		return new ScenarioDocument(apiVersion, kind, metadata, seed, intro, takeaway,
				new Cluster(c.network(), c.proxyMode(), c.podCIDR(), c.serviceCIDR(), c.cloud(), c.ipMasqAgent(),
						c.podMTU(), c.hairpinMode(), c.kubeProxy(), c.segments(), nodes, c.namespaces(), pods,
						c.hosts()),
				objects == null ? null
						: objects.stream()
							.filter(o -> o == null || !Workloads.KINDS.contains(String.valueOf(o.get("kind"))))
							.toList(),
				flows, faults, null);
	}

	/**
	 * One entry of the timeline: exactly one of its fields is set.
	 *
	 * @param create a pod is created (CNI ADD; not ready until a {@code ready} entry
	 * unless it says so)
	 * @param ready a pod (name or ns/name) becomes Ready
	 * @param terminate a pod (name or ns/name) is deleted with a grace period: it still
	 * runs and serves, its endpoint is terminating until a later {@code delete}
	 * @param delete a pod (name or ns/name) is deleted
	 * @param scale the pods a selector matches are scaled to a number of replicas
	 * @param addNode a node joins the cluster (last in node order)
	 * @param removeNode a node (by name) leaves the cluster with its pods
	 * @param flow a packet (a new connection, or the next packet of an earlier flow's
	 * with {@code continues})
	 * @param pause ({@code wait:} in the file) time passes: {@code 30s}, {@code 5m},
	 * {@code 3h}
	 */
	public record TimelineSpec(PodSpec create, String ready, String delete, ScaleSpec scale, NodeSpec addNode,
			FlowSpec flow, @com.fasterxml.jackson.annotation.JsonProperty("wait") String pause, String terminate,
			String removeNode) {
	}

	/**
	 * Scale the pods a selector matches (in a namespace, default {@code default}) to a
	 * number of replicas.
	 */
	public record ScaleSpec(Map<String, String> selector, Integer replicas, String namespace) {
	}

	/**
	 * The named switches a scenario can flip to break one thing
	 * (docs/scenario-format.md).
	 */
	public static final java.util.Set<String> FAULTS = java.util.Set.of("no-service-masquerade");

	public record Metadata(String name, String title, String summary, List<String> tags, String level, String chapter,
			Integer order) {
	}

	/**
	 * @param proxyMode {@code iptables} (default: kube-proxy's rules on every node) or
	 * {@code none}
	 * @param podCIDR the cluster's pod network (kube-proxy's --cluster-cidr; default
	 * 10.244.0.0/16)
	 * @param serviceCIDR where cluster IPs are allocated (default 10.96.0.0/12)
	 * @param ipMasqAgent when present, ip-masq-agent's MASQUERADE rules on every node
	 * @param podMTU the MTU of every pod's eth0 (default: 1450 with flannel-vxlan, else
	 * 1500)
	 * @param segments the L2 networks the nodes sit on when there is no cloud network
	 * (default: one, 10.240.0.0/24)
	 */
	public record Cluster(String network, String proxyMode, String podCIDR, String serviceCIDR, Cloud cloud,
			IpMasqAgent ipMasqAgent, Integer podMTU, String hairpinMode, KubeProxy kubeProxy,
			List<SegmentSpec> segments, List<NodeSpec> nodes, List<NamespaceSpec> namespaces, List<PodSpec> pods,
			List<HostSpec> hosts) {
	}

	/**
	 * kube-proxy's settings, with {@code KubeProxyConfiguration}'s field names (v1alpha1,
	 * as kubeadm's {@code kube-proxy} ConfigMap carries them).
	 *
	 * @param detectLocalMode {@code ClusterCIDR} (default), {@code NodeCIDR},
	 * {@code BridgeInterface} or {@code InterfaceNamePrefix}
	 */
	public record KubeProxy(String detectLocalMode, DetectLocal detectLocal, KubeProxyIptables iptables,
			KubeProxyIpvs ipvs, KubeProxyNftables nftables) {
	}

	/**
	 * {@code detectLocal}: the device (or device-name prefix) pods' traffic comes in by.
	 */
	public record DetectLocal(String bridgeInterface, String interfaceNamePrefix) {
	}

	/**
	 * {@code iptables}: used by the iptables mode (masqueradeAll and masqueradeBit by the
	 * IPVS mode too).
	 */
	public record KubeProxyIptables(Boolean masqueradeAll, Integer masqueradeBit, Boolean localhostNodePorts) {
	}

	/**
	 * {@code nftables}: read by the nftables mode instead of {@code iptables}'s
	 * masqueradeAll and masqueradeBit (upstream's v1alpha1 conversion picks the block by
	 * mode).
	 */
	public record KubeProxyNftables(Boolean masqueradeAll, Integer masqueradeBit) {
	}

	/** {@code ipvs}: the IPVS mode's scheduler ({@code rr}, {@code lc}, {@code sh}). */
	public record KubeProxyIpvs(String scheduler) {
	}

	/** An L2 network (a switch) the nodes' uplinks plug into. */
	public record SegmentSpec(String name, String cidr) {
	}

	/**
	 * ip-masq-agent's configuration: destinations in these CIDRs keep the pod's address;
	 * all others are masqueraded.
	 */
	public record IpMasqAgent(List<String> nonMasqueradeCIDRs) {
	}

	/**
	 * The cloud network the nodes sit in; absent means one plain L2 segment.
	 *
	 * @param provider {@code gcp}: a routed VPC with a route per node pod CIDR,
	 * anti-spoofing and 1:1 NAT
	 * @param vpcCIDR the instances' subnet (default 10.240.0.0/16)
	 */
	public record Cloud(String provider, String vpcCIDR) {
	}

	/**
	 * @param ipForward the node's {@code net.ipv4.ip_forward} (default true)
	 * @param canIpForward the cloud instance may send packets whose source is not its own
	 * address (GCE's canIpForward; default true for Kubernetes nodes)
	 * @param segment the L2 segment the node's uplink plugs into (clusters without a
	 * cloud network)
	 */
	public record NodeSpec(String name, String internalIP, String externalIP, String podCIDR, String segment,
			Boolean ipForward, Boolean canIpForward, String uplink, Integer mtu) {
	}

	public record NamespaceSpec(String name, Map<String, String> labels) {
	}

	public record PodSpec(String name, String namespace, String node, String ip, Map<String, String> labels,
			List<ContainerSpec> containers, Boolean ready) {
	}

	public record ContainerSpec(String name, List<PortSpec> ports) {
	}

	/**
	 * A container's listening port: the long form {@code {name, containerPort, protocol,
	 * hostPort}}, or the shorthand {@code [name:][protocol/]port} ({@code 8080},
	 * {@code udp/53}, {@code http:tcp/8080}).
	 *
	 * @param hostPort Docker's port mapping ({@code -p hostPort:containerPort}), with
	 * {@code network: docker} only
	 */
	public record PortSpec(String name, Integer containerPort, String protocol, Integer hostPort) {

		/** The shorthand's form (the schema's pattern for a string port). */
		static final java.util.regex.Pattern SHORTHAND = java.util.regex.Pattern
			.compile("(?:([a-z0-9](?:[-a-z0-9]*[a-z0-9])?):)?(?:([A-Za-z]+)/)?([0-9]{1,5})");

		@com.fasterxml.jackson.annotation.JsonCreator(
				mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.PROPERTIES)
		public PortSpec {
		}

		/** {@code 8080}: a TCP port without a name. */
		@com.fasterxml.jackson.annotation.JsonCreator(
				mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
		static PortSpec number(int port) {
			return new PortSpec(null, port, null, null);
		}

		/**
		 * {@code 8080}, {@code udp/53}, {@code http:8080}, {@code http:tcp/8080}; a text
		 * of another form keeps no port (the schema says why).
		 */
		@com.fasterxml.jackson.annotation.JsonCreator(
				mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
		static PortSpec shorthand(String text) {
			java.util.regex.Matcher m = SHORTHAND.matcher(text == null ? "" : text.trim());
			if (!m.matches()) {
				return new PortSpec(null, null, null, null);
			}
			return new PortSpec(m.group(1), Integer.valueOf(m.group(3)),
					m.group(2) == null ? null : m.group(2).toUpperCase(java.util.Locale.ROOT), null);
		}

	}

	/**
	 * A host outside the cluster, at any address the cluster does not use: on a node
	 * segment when its address is in one, else behind the router (the Internet with a
	 * cloud network).
	 */
	public record HostSpec(String name, String ip, String label, List<String> listen) {
	}

	/**
	 * @param from a pod ({@code pod1}, {@code ns/pod1}), {@code node/<name>},
	 * {@code host/<name>} or a bare address ({@code 172.17.0.5}: its owner, or an outside
	 * host made there)
	 * @param container the sending container of a pod (for the narration; all containers
	 * share the pod's namespace)
	 * @param to {@code pod:port}, {@code node/<name>:port}, {@code host/<name>:port},
	 * {@code localhost:port} or {@code a.b.c.d:port}
	 */
	public record FlowSpec(String id, String label, String from, String container, String to, String protocol,
			Integer srcPort, Integer ttl, Integer size, Boolean dontFragment, Boolean reply, HttpSpec http,
			String continues) {
	}

	/**
	 * An HTTP request carried by a TCP flow: the request line and headers (e.g.
	 * X-Forwarded-For from a proxy).
	 */
	public record HttpSpec(String method, String path, Map<String, String> headers) {
	}

}

package dev.packetwalk.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns what
 * {@code kubectl get nodes,namespaces,pods,services,endpointslices,networkpolicies -A -o yaml}
 * prints (plus, optionally, the {@code kube-system/kube-proxy} and
 * {@code kube-flannel-cfg} ConfigMaps) into a scenario (docs/import.md). Objects are read
 * as the fabric8 Kubernetes model types; what the scenario format cannot say is left out
 * with a warning that names the object and the field. Secrets are never read (only their
 * kind and name are looked at), and of ConfigMaps only the two keys above.
 */
public final class ClusterImporter {

	static final String KUBE_PROXY_KEY = "config.conf";

	static final String FLANNEL_KEY = "net-conf.json";

	/** The outside client an import on a cloud network gets (a documentation address). */
	/** The protocols of Service and container ports (Kubernetes' own list). */
	static final java.util.Set<String> PROTOCOLS = java.util.Set.of("TCP", "UDP", "SCTP");

	static final String OUTSIDE_HOST = "outside";

	static final String OUTSIDE_IP = "203.0.113.10";

	private static final ObjectMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private ClusterImporter() {
	}

	/**
	 * Imports the sources as one cluster. Throws {@link ImportException} when there is
	 * nothing to import.
	 */
	public static ImportResult importDumps(List<ImportSource> sources, ImportOptions options) {
		return new Run(options).run(sources);
	}

	/** One import: its warnings and what has been read so far. */
	private static final class Run {

		private final ImportOptions options;

		private final List<ImportWarning> warnings = new ArrayList<>();

		private final List<DumpReader.Item> items = new ArrayList<>();

		/**
		 * kube-proxy's KubeProxyConfiguration (config.conf of kube-system/kube-proxy), if
		 * given.
		 */
		private Map<String, Object> kubeProxy;

		private String kubeProxyRef;

		/** flannel's net-conf.json, if given. */
		private Map<String, Object> flannel;

		private String flannelRef;

		private final List<NodeOut> nodes = new ArrayList<>();

		private final Map<String, NodeOut> nodesByK8sName = new HashMap<>();

		private final List<PodOut> pods = new ArrayList<>();

		/**
		 * Names of every pod of the dump (also hostNetwork and finished ones), for
		 * telling the CNI and the cloud.
		 */
		private final List<String> allPodRefs = new ArrayList<>();

		private final List<Map<String, Object>> namespaces = new ArrayList<>();

		private final List<ServiceOut> services = new ArrayList<>();

		private final List<Map<String, Object>> policies = new ArrayList<>();

		private final Map<String, List<Map<String, Object>>> slicesByService = new LinkedHashMap<>();

		Run(ImportOptions options) {
			this.options = options;
		}

		ImportResult run(List<ImportSource> sources) {
			if (sources.isEmpty()) {
				throw new ImportException(
						"nothing to import: give the output of kubectl get nodes,namespaces,pods,services,"
								+ "endpointslices,networkpolicies -A -o yaml");
			}
			long total = 0;
			for (ImportSource s : sources) {
				total += s.text().length();
				if (total > options.maxCodePoints()) {
					throw new ImportException(
							s.name() + ": the input is larger than " + options.maxCodePoints() + " characters");
				}
			}
			for (ImportSource s : sources) {
				items.addAll(DumpReader.read(s, options.maxCodePoints(), warnings));
			}
			classify();
			if (nodes.isEmpty()) {
				throw new ImportException(
						"no usable Node in the input: include nodes in the kubectl get (kubectl get nodes,"
								+ "namespaces,pods,services,endpointslices,networkpolicies -A -o yaml)");
			}
			return build();
		}

		// ------------------------------------------------------------ reading

		private void classify() {
			Set<String> seen = new HashSet<>();
			List<DumpReader.Item> nodeItems = new ArrayList<>();
			List<DumpReader.Item> podItems = new ArrayList<>();
			List<DumpReader.Item> serviceItems = new ArrayList<>();
			Map<String, List<String>> ignored = new LinkedHashMap<>();
			for (DumpReader.Item item : items) {
				String kind = item.kind();
				String ref = ref(kind, item.object());
				if (!seen.add(ref)) {
					warnings.add(new ImportWarning(ref, "",
							"appears twice in the input (" + item.source() + "): the first is kept"));
					continue;
				}
				switch (kind) {
					case "Node" -> nodeItems.add(item);
					case "Pod" -> podItems.add(item);
					case "Service" -> serviceItems.add(item);
					case "Namespace" -> readNamespace(item.object(), ref);
					case "EndpointSlice" -> readSlice(item.object(), ref);
					case "NetworkPolicy" -> readPolicy(item.object(), ref);
					case "ConfigMap" -> readConfigMap(item.object(), ref);
					// never more than the kind and name: the values are not looked at,
					// let alone copied
					case "Secret" ->
						warnings.add(new ImportWarning(ref, "data", "Secrets are never read by the import: skipped"));
					default -> ignored.computeIfAbsent(kind, k -> new ArrayList<>()).add(ref);
				}
			}
			ignored.forEach((kind,
					refs) -> warnings.add(new ImportWarning(refs.getFirst(), "kind",
							refs.size() + " object" + (refs.size() == 1 ? "" : "s") + " of kind " + kind + " ("
									+ String.join(", ", refs.subList(0, Math.min(3, refs.size())))
									+ (refs.size() > 3 ? ", …" : "")
									+ ") ignored: the import reads Nodes, Namespaces, Pods, Services,"
									+ " EndpointSlices, NetworkPolicies and the kube-proxy and flannel ConfigMaps")));
			for (DumpReader.Item n : nodeItems) {
				readNode(n.object(), ref("Node", n.object()));
			}
			for (DumpReader.Item p : podItems) {
				readPod(p.object(), ref("Pod", p.object()));
			}
			for (DumpReader.Item s : serviceItems) {
				readService(s.object(), ref("Service", s.object()));
			}
		}

		private void readConfigMap(Map<String, Object> o, String ref) {
			String ns = namespaceOf(o);
			String name = nameOf(o);
			Object data = o.get("data");
			if ("kube-system".equals(ns) && "kube-proxy".equals(name)) {
				kubeProxyRef = ref;
				kubeProxy = embedded(data, KUBE_PROXY_KEY, ref);
			}
			else if ("kube-flannel-cfg".equals(name)) {
				flannelRef = ref;
				flannel = embedded(data, FLANNEL_KEY, ref);
			}
			else {
				warnings.add(new ImportWarning(ref, "data",
						"not read: of ConfigMaps the import only reads kube-system/kube-proxy" + " (" + KUBE_PROXY_KEY
								+ ") and kube-flannel-cfg (" + FLANNEL_KEY + ")"));
			}
		}

		/**
		 * One key of a ConfigMap's data, itself YAML or JSON; null (with a warning) when
		 * absent or unreadable.
		 */
		@SuppressWarnings("unchecked")
		private Map<String, Object> embedded(Object data, String key, String ref) {
			Object text = data instanceof Map<?, ?> m ? m.get(key) : null;
			if (!(text instanceof String s)) {
				warnings.add(new ImportWarning(ref, "data." + key, "missing: the ConfigMap is not used"));
				return null;
			}
			try {
				Object doc = new org.snakeyaml.engine.v2.api.Load(
						org.snakeyaml.engine.v2.api.LoadSettings.builder().setCodePointLimit(1024 * 1024).build())
					.loadFromString(s);
				if (doc instanceof Map<?, ?> map) {
					return (Map<String, Object>) map;
				}
			}
			catch (RuntimeException ex) {
				// fall through: the content is not quoted back
			}
			warnings.add(new ImportWarning(ref, "data." + key,
					"does not read as a YAML or JSON object: the ConfigMap is not used"));
			return null;
		}

		private void readNamespace(Map<String, Object> o, String ref) {
			Map<String, Object> ns = new LinkedHashMap<>();
			ns.put("name", nameOf(o));
			Map<String, String> labels = labelsOf(o);
			if (!labels.isEmpty()) {
				ns.put("labels", labels);
			}
			namespaces.add(ns);
		}

		private void readNode(Map<String, Object> raw, String ref) {
			Node node = convert(raw, Node.class, ref);
			if (node == null || node.getMetadata() == null || node.getMetadata().getName() == null) {
				return;
			}
			String k8sName = node.getMetadata().getName();
			Ip internal = null;
			Ip external = null;
			List<NodeAddress> addresses = node.getStatus() == null || node.getStatus().getAddresses() == null
					? List.of() : node.getStatus().getAddresses();
			for (int i = 0; i < addresses.size(); i++) {
				NodeAddress a = addresses.get(i);
				String field = "status.addresses[" + i + "]";
				if (!"InternalIP".equals(a.getType()) && !"ExternalIP".equals(a.getType())) {
					continue;
				}
				Ip ip = ipv4(a.getAddress(), ref, field + ".address");
				if (ip == null) {
					continue;
				}
				if ("InternalIP".equals(a.getType()) && internal == null) {
					internal = ip;
				}
				else if ("ExternalIP".equals(a.getType()) && external == null) {
					external = ip;
				}
			}
			if (internal == null) {
				warnings.add(new ImportWarning(ref, "status.addresses",
						"no IPv4 InternalIP: the node and its pods are left out"));
				return;
			}
			Cidr podCidr = null;
			var spec = node.getSpec();
			List<String> cidrs = new ArrayList<>();
			if (spec != null && spec.getPodCIDRs() != null && !spec.getPodCIDRs().isEmpty()) {
				cidrs.addAll(spec.getPodCIDRs());
			}
			else if (spec != null && spec.getPodCIDR() != null) {
				cidrs.add(spec.getPodCIDR());
			}
			for (int i = 0; i < cidrs.size(); i++) {
				String field = spec.getPodCIDRs() != null && !spec.getPodCIDRs().isEmpty() ? "spec.podCIDRs[" + i + "]"
						: "spec.podCIDR";
				String c = cidrs.get(i);
				if (c.contains(":")) {
					warnings.add(new ImportWarning(ref, field, c + " is IPv6: skipped (the model is IPv4 only)"));
					continue;
				}
				if (podCidr == null) {
					try {
						podCidr = Cidr.parse(c).asNetwork();
					}
					catch (IllegalArgumentException ex) {
						warnings.add(new ImportWarning(ref, field, "not a CIDR: " + ex.getMessage()));
					}
				}
			}
			String name = sanitize(k8sName);
			if (!name.equals(k8sName)) {
				warnings.add(new ImportWarning(ref, "metadata.name",
						"renamed " + name + " (scenario names are lower-case letters," + " digits and dashes)"));
			}
			Set<String> taken = new HashSet<>();
			nodes.forEach(n -> taken.add(n.name()));
			name = unique(name, taken);
			Map<String, String> annotations = node.getMetadata().getAnnotations() == null ? Map.of()
					: node.getMetadata().getAnnotations();
			Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of()
					: node.getMetadata().getLabels();
			NodeOut out = new NodeOut(ref, k8sName, name, internal, external, podCidr, annotations, labels,
					spec == null || spec.getProviderID() == null ? "" : spec.getProviderID());
			nodes.add(out);
			nodesByK8sName.put(k8sName, out);
		}

		private void readPod(Map<String, Object> raw, String ref) {
			allPodRefs.add(ref);
			Pod pod = convert(raw, Pod.class, ref);
			if (pod == null || pod.getMetadata() == null || pod.getMetadata().getName() == null) {
				return;
			}
			var spec = pod.getSpec();
			var status = pod.getStatus();
			String phase = status == null || status.getPhase() == null ? "Unknown" : status.getPhase();
			if (spec != null && Boolean.TRUE.equals(spec.getHostNetwork())) {
				warnings.add(new ImportWarning(ref, "spec.hostNetwork",
						"true: the pod shares node " + (spec.getNodeName() == null ? "?" : spec.getNodeName())
								+ "'s network namespace; not a pod of the scenario" + " (send from node/"
								+ sanitize(spec.getNodeName() == null ? "node" : spec.getNodeName()) + " instead)"));
				return;
			}
			if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
				warnings.add(new ImportWarning(ref, "status.phase",
						phase + ": the pod has finished and has no network" + " namespace any more; left out"));
				return;
			}
			Ip ip = null;
			List<PodIP> podIps = status == null || status.getPodIPs() == null ? List.of() : status.getPodIPs();
			if (!podIps.isEmpty()) {
				for (int i = 0; i < podIps.size(); i++) {
					Ip v4 = ipv4(podIps.get(i).getIp(), ref, "status.podIPs[" + i + "].ip");
					if (v4 != null && ip == null) {
						ip = v4;
					}
				}
			}
			else if (status != null && status.getPodIP() != null && !status.getPodIP().isEmpty()) {
				ip = ipv4(status.getPodIP(), ref, "status.podIP");
			}
			if (ip == null) {
				if (podIps.isEmpty() && (status == null || status.getPodIP() == null)) {
					warnings.add(new ImportWarning(ref, "status.podIP",
							"none (phase " + phase + "): the pod has no address yet;" + " left out"));
				}
				else {
					warnings.add(new ImportWarning(ref, "status.podIPs",
							"no IPv4 address: left out (the model is IPv4 only)"));
				}
				return;
			}
			String nodeName = spec == null ? null : spec.getNodeName();
			NodeOut node = nodeName == null ? null : nodesByK8sName.get(nodeName);
			if (node == null) {
				warnings.add(new ImportWarning(ref, "spec.nodeName",
						(nodeName == null ? "empty" : "node " + nodeName + " is not in the input") + ": left out"));
				return;
			}
			String ns = pod.getMetadata().getNamespace() == null ? "default" : pod.getMetadata().getNamespace();
			String k8sName = pod.getMetadata().getName();
			String name = sanitize(k8sName);
			if (!name.equals(k8sName)) {
				warnings.add(new ImportWarning(ref, "metadata.name",
						"renamed " + name + " (scenario names are lower-case letters," + " digits and dashes)"));
			}
			boolean ready = false;
			if (status != null && status.getConditions() != null) {
				for (PodCondition c : status.getConditions()) {
					if ("Ready".equals(c.getType())) {
						ready = "True".equals(c.getStatus());
					}
				}
			}
			List<Map<String, Object>> containers = new ArrayList<>();
			Map<String, Integer> namedPorts = new LinkedHashMap<>();
			List<Container> cs = spec.getContainers() == null ? List.of() : spec.getContainers();
			for (int i = 0; i < cs.size(); i++) {
				Container c = cs.get(i);
				Map<String, Object> co = new LinkedHashMap<>();
				co.put("name", c.getName());
				List<Map<String, Object>> ports = new ArrayList<>();
				List<ContainerPort> cps = c.getPorts() == null ? List.of() : c.getPorts();
				for (int j = 0; j < cps.size(); j++) {
					ContainerPort p = cps.get(j);
					String field = "spec.containers[" + i + "].ports[" + j + "]";
					String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
					if (!PROTOCOLS.contains(proto)) {
						warnings.add(new ImportWarning(ref, field + ".protocol",
								proto + " is not a Kubernetes protocol (TCP, UDP or SCTP): port " + p.getContainerPort()
										+ " left out"));
						continue;
					}
					if (p.getContainerPort() == null) {
						continue;
					}
					if (p.getHostPort() != null && p.getHostPort() != 0) {
						warnings
							.add(new ImportWarning(ref, field + ".hostPort", p.getHostPort() + " is not modelled (the"
									+ " portmap plugin's rules): the pod is reachable on its own address only"));
					}
					Map<String, Object> po = new LinkedHashMap<>();
					if (p.getName() != null) {
						po.put("name", p.getName());
						namedPorts.put(p.getName(), p.getContainerPort());
					}
					po.put("containerPort", p.getContainerPort());
					if (!proto.equals("TCP")) {
						po.put("protocol", proto);
					}
					ports.add(po);
				}
				if (!ports.isEmpty()) {
					co.put("ports", ports);
				}
				containers.add(co);
			}
			pods.add(new PodOut(ref, ns, name, node, ip, labelsOf(raw), containers, namedPorts, ready));
		}

		private void readService(Map<String, Object> raw, String ref) {
			Service svc = convert(raw, Service.class, ref);
			if (svc == null || svc.getSpec() == null || svc.getMetadata() == null
					|| svc.getMetadata().getName() == null) {
				return;
			}
			var spec = svc.getSpec();
			String type = spec.getType() == null ? "ClusterIP" : spec.getType();
			if ("ExternalName".equals(type)) {
				warnings.add(new ImportWarning(ref, "spec.type", "ExternalName (a DNS CNAME to "
						+ spec.getExternalName() + "): kube-proxy writes no rules for it; left out"));
				return;
			}
			if ("None".equals(spec.getClusterIP())) {
				warnings.add(new ImportWarning(ref, "spec.clusterIP",
						"None (headless): no virtual IP and no kube-proxy rules;"
								+ " left out (its pods are reachable at their own addresses)"));
				return;
			}
			Ip clusterIp = null;
			List<String> ips = spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() ? spec.getClusterIPs()
					: spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
			for (int i = 0; i < ips.size(); i++) {
				Ip v4 = ipv4(ips.get(i), ref,
						spec.getClusterIPs() != null ? "spec.clusterIPs[" + i + "]" : "spec.clusterIP");
				if (v4 != null && clusterIp == null) {
					clusterIp = v4;
				}
			}
			if (clusterIp == null) {
				warnings.add(new ImportWarning(ref, "spec.clusterIP",
						"no IPv4 cluster IP: left out (the model is IPv4 only)"));
				return;
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> rawSpec = raw.get("spec") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
			Map<String, Object> outSpec = new LinkedHashMap<>(rawSpec);
			outSpec.remove("clusterIPs");
			outSpec.remove("ipFamilies");
			outSpec.remove("ipFamilyPolicy");
			outSpec.remove("externalName");
			outSpec.put("clusterIP", clusterIp.toString());
			List<ServicePort> ports = new ArrayList<>();
			List<Object> outPorts = new ArrayList<>();
			List<?> rawPorts = rawSpec.get("ports") instanceof List<?> l ? l : List.of();
			List<ServicePort> specPorts = spec.getPorts() == null ? List.of() : spec.getPorts();
			for (int i = 0; i < specPorts.size(); i++) {
				ServicePort p = specPorts.get(i);
				String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
				if (!PROTOCOLS.contains(proto)) {
					warnings.add(new ImportWarning(ref, "spec.ports[" + i + "].protocol", proto
							+ " is not a Kubernetes protocol (TCP, UDP or SCTP): port " + p.getPort() + " left out"));
					continue;
				}
				ports.add(p);
				outPorts.add(i < rawPorts.size() ? rawPorts.get(i) : Map.of());
			}
			if (ports.isEmpty()) {
				warnings.add(new ImportWarning(ref, "spec.ports", "no TCP, UDP or SCTP port: left out"));
				return;
			}
			outSpec.put("ports", outPorts);
			List<Ip> lbIps = new ArrayList<>();
			var st = svc.getStatus();
			if (st != null && st.getLoadBalancer() != null && st.getLoadBalancer().getIngress() != null) {
				var ingress = st.getLoadBalancer().getIngress();
				for (int i = 0; i < ingress.size(); i++) {
					var in = ingress.get(i);
					String field = "status.loadBalancer.ingress[" + i + "]";
					if (in.getIp() != null) {
						Ip lb = ipv4(in.getIp(), ref, field + ".ip");
						if (lb != null) {
							lbIps.add(lb);
						}
					}
					else if (in.getHostname() != null) {
						warnings.add(new ImportWarning(ref, field + ".hostname",
								in.getHostname() + ": a load balancer known by"
										+ " name only is not modelled (the model's load balancers have an IP)"));
					}
				}
			}
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("apiVersion", "v1");
			out.put("kind", "Service");
			out.put("metadata", metadataOut(raw, null));
			out.put("spec", outSpec);
			if (!lbIps.isEmpty()) {
				List<Map<String, Object>> ing = new ArrayList<>();
				lbIps.forEach(ip -> ing.add(Map.of("ip", ip.toString())));
				out.put("status", Map.of("loadBalancer", Map.of("ingress", ing)));
			}
			String ns = svc.getMetadata().getNamespace() == null ? "default" : svc.getMetadata().getNamespace();
			services.add(new ServiceOut(ref, ns, svc.getMetadata().getName(), type, clusterIp, ports,
					spec.getSelector() == null ? Map.of() : spec.getSelector(), lbIps, out));
		}

		/**
		 * EndpointSlices are kept for the Services without a selector (the model derives
		 * the others from the pods).
		 */
		private void readSlice(Map<String, Object> raw, String ref) {
			EndpointSlice slice = convert(raw, EndpointSlice.class, ref);
			if (slice == null || slice.getMetadata() == null) {
				return;
			}
			String service = slice.getMetadata().getLabels() == null ? null
					: slice.getMetadata().getLabels().get("kubernetes.io/service-name");
			if (service == null) {
				warnings.add(new ImportWarning(ref, "metadata.labels",
						"no kubernetes.io/service-name label: belongs to no" + " Service; left out"));
				return;
			}
			if (!"IPv4".equals(slice.getAddressType())) {
				warnings.add(new ImportWarning(ref, "addressType",
						slice.getAddressType() + ": only IPv4 slices are modelled;" + " left out"));
				return;
			}
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("apiVersion", "discovery.k8s.io/v1");
			out.put("kind", "EndpointSlice");
			out.put("metadata", metadataOut(raw, Map.of("kubernetes.io/service-name", service)));
			out.put("addressType", "IPv4");
			List<Map<String, Object>> eps = new ArrayList<>();
			if (slice.getEndpoints() != null) {
				for (var ep : slice.getEndpoints()) {
					if (ep.getAddresses() == null || ep.getAddresses().isEmpty()) {
						continue;
					}
					Map<String, Object> e = new LinkedHashMap<>();
					e.put("addresses", List.of(ep.getAddresses().getFirst()));
					if (ep.getConditions() != null) {
						Map<String, Object> c = new LinkedHashMap<>();
						if (ep.getConditions().getReady() != null) {
							c.put("ready", ep.getConditions().getReady());
						}
						if (ep.getConditions().getServing() != null) {
							c.put("serving", ep.getConditions().getServing());
						}
						if (ep.getConditions().getTerminating() != null) {
							c.put("terminating", ep.getConditions().getTerminating());
						}
						e.put("conditions", c);
					}
					if (ep.getNodeName() != null) {
						e.put("nodeName", ep.getNodeName()); // renamed with the node,
																// once the nodes are
																// known
					}
					eps.add(e);
				}
			}
			out.put("endpoints", eps);
			List<Map<String, Object>> ports = new ArrayList<>();
			if (slice.getPorts() != null) {
				for (var p : slice.getPorts()) {
					Map<String, Object> po = new LinkedHashMap<>();
					if (p.getName() != null) {
						po.put("name", p.getName());
					}
					if (p.getPort() != null) {
						po.put("port", p.getPort());
					}
					po.put("protocol", p.getProtocol() == null ? "TCP" : p.getProtocol());
					ports.add(po);
				}
			}
			out.put("ports", ports);
			String ns = slice.getMetadata().getNamespace() == null ? "default" : slice.getMetadata().getNamespace();
			slicesByService.computeIfAbsent(ns + "/" + service, k -> new ArrayList<>()).add(out);
		}

		@SuppressWarnings("unchecked")
		private void readPolicy(Map<String, Object> raw, String ref) {
			if (convert(raw, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, ref) == null) {
				return;
			}
			Map<String, Object> spec = raw.get("spec") instanceof Map<?, ?> m
					? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
			for (String dir : List.of("ingress", "egress")) {
				if (!(spec.get(dir) instanceof List<?> rules)) {
					continue;
				}
				String peersKey = dir.equals("ingress") ? "from" : "to";
				List<Object> kept = new ArrayList<>();
				for (int i = 0; i < rules.size(); i++) {
					if (!(rules.get(i) instanceof Map<?, ?> rule) || !(rule.get(peersKey) instanceof List<?> peers)) {
						kept.add(rules.get(i));
						continue;
					}
					List<Object> keptPeers = new ArrayList<>();
					for (int j = 0; j < peers.size(); j++) {
						if (peers.get(j) instanceof Map<?, ?> peer && peer.get("ipBlock") instanceof Map<?, ?> block
								&& String.valueOf(block.get("cidr")).contains(":")) {
							warnings.add(new ImportWarning(ref,
									"spec." + dir + "[" + i + "]." + peersKey + "[" + j + "].ipBlock.cidr",
									block.get("cidr") + " is IPv6: this peer is left out"));
							continue;
						}
						keptPeers.add(peers.get(j));
					}
					if (keptPeers.isEmpty()) {
						// a rule whose peers were all IPv6 allows no IPv4 traffic:
						// without them it would allow all
						warnings.add(new ImportWarning(ref, "spec." + dir + "[" + i + "]",
								"only IPv6 peers: the rule allows no IPv4" + " traffic and is left out"));
						continue;
					}
					Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) rule);
					copy.put(peersKey, keptPeers);
					kept.add(copy);
				}
				spec.put(dir, kept);
			}
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("apiVersion", "networking.k8s.io/v1");
			out.put("kind", "NetworkPolicy");
			out.put("metadata", metadataOut(raw, null));
			out.put("spec", spec);
			policies.add(out);
		}

		// ------------------------------------------------------------ building

		private ImportResult build() {
			Decisions d = decide();
			Map<String, Object> cluster = new LinkedHashMap<>();
			cluster.put("network", d.network);
			cluster.put("proxyMode", d.proxyMode);
			if (!d.kubeProxy.isEmpty()) {
				cluster.put("kubeProxy", d.kubeProxy);
			}
			if (!d.clusterCidr.equals(Cidr.parse("10.244.0.0/16"))) {
				cluster.put("podCIDR", d.clusterCidr.toString());
			}
			if (!d.serviceCidr.equals(Cidr.parse("10.96.0.0/12"))) {
				cluster.put("serviceCIDR", d.serviceCidr.toString());
			}
			if (d.gcp) {
				cluster.put("cloud", ordered("provider", "gcp", "vpcCIDR", d.underlay.toString()));
			}
			else if (!d.underlay.equals(Cidr.parse("10.240.0.0/24"))) {
				cluster.put("segments", List.of(ordered("name", "lan", "cidr", d.underlay.toString())));
			}
			if (d.ipMasqAgent) {
				cluster.put("ipMasqAgent", Map.of());
			}
			List<Map<String, Object>> nodeList = new ArrayList<>();
			for (NodeOut n : nodes) {
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("name", n.name());
				m.put("internalIP", n.internal().toString());
				if (n.external() != null) {
					m.put("externalIP", n.external().toString());
				}
				m.put("podCIDR", n.podCidr.toString());
				nodeList.add(m);
			}
			cluster.put("nodes", nodeList);
			if (!namespaces.isEmpty()) {
				cluster.put("namespaces", namespaces);
			}
			List<Map<String, Object>> podList = new ArrayList<>();
			for (PodOut p : keptPods) {
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("name", p.name());
				m.put("namespace", p.namespace());
				m.put("node", p.node().name());
				m.put("ip", p.ip().toString());
				if (!p.labels().isEmpty()) {
					m.put("labels", p.labels());
				}
				if (!p.containers().isEmpty()) {
					m.put("containers", p.containers());
				}
				if (!p.ready()) {
					m.put("ready", false);
				}
				podList.add(m);
			}
			if (!podList.isEmpty()) {
				cluster.put("pods", podList);
			}
			if (d.gcp) {
				cluster.put("hosts",
						List.of(ordered("name", OUTSIDE_HOST, "ip", OUTSIDE_IP, "label", "a client on the Internet")));
			}
			List<Map<String, Object>> objects = new ArrayList<>();
			for (ServiceOut s : services) {
				objects.add(s.manifest());
				if (s.selector().isEmpty()) {
					for (Map<String, Object> slice : slicesByService.getOrDefault(s.namespace() + "/" + s.name(),
							List.of())) {
						renameSliceNodes(slice);
						objects.add(slice);
					}
				}
			}
			objects.addAll(policies);
			List<ImportResult.Destination> destinations = destinations(d);
			List<String> sources = new ArrayList<>();
			keptPods.forEach(p -> sources.add(p.namespace() + "/" + p.name()));
			nodes.forEach(n -> sources.add("node/" + n.name()));
			if (d.gcp) {
				sources.add("host/" + OUTSIDE_HOST);
			}
			String[] flow = chooseFlow(destinations);
			Map<String, Object> flowMap = new LinkedHashMap<>();
			flowMap.put("id", "imported");
			flowMap.put("from", flow[0]);
			flowMap.put("to", flow[1]);
			flowMap.put("protocol", flow[2]);
			String summary = nodes.size() + " node" + plural(nodes.size()) + ", " + keptPods.size() + " pod"
					+ plural(keptPods.size()) + ", " + services.size() + " Service" + plural(services.size()) + ", "
					+ policies.size() + " NetworkPolic" + (policies.size() == 1 ? "y" : "ies") + "; network "
					+ d.network + ", kube-proxy " + d.proxyMode;
			Map<String, Object> metadata = new LinkedHashMap<>();
			metadata.put("name", options.name());
			metadata.put("title", "Imported cluster: " + nodes.size() + " node" + plural(nodes.size()) + ", "
					+ keptPods.size() + " pod" + plural(keptPods.size()));
			metadata.put("summary", summary);
			metadata.put("tags", List.of("imported"));
			metadata.put("chapter", "Your cluster");
			Map<String, Object> doc = new LinkedHashMap<>();
			doc.put("apiVersion", "packetwalk.dev/v1alpha1");
			doc.put("kind", "Scenario");
			doc.put("metadata", metadata);
			doc.put("intro", "Your cluster, imported from kubectl's output: " + summary + ".");
			doc.put("cluster", cluster);
			if (!objects.isEmpty()) {
				doc.put("objects", objects);
			}
			doc.put("flows", List.of(flowMap));
			String yaml = ImportYaml.write(doc, header(summary));
			ImportResult.Destination chosen = destinations.stream()
				.filter(x -> x.to().equals(flow[1]))
				.findFirst()
				.orElse(new ImportResult.Destination(flow[1], flow[2], "other", flow[1]));
			return new ImportResult(yaml, warnings, summary, sources, destinations, chosen, flow[0]);
		}

		private List<PodOut> keptPods = List.of();

		/**
		 * The network, proxy mode and CIDRs, from the ConfigMaps, the annotations, the
		 * pods, or a documented default.
		 */
		private Decisions decide() {
			Decisions d = new Decisions();
			String firstNode = nodes.getFirst().ref();
			// --- the cloud
			NodeOut gceNode = nodes.stream().filter(n -> n.providerId().startsWith("gce://")).findFirst().orElse(null);
			d.gcp = gceNode != null;
			for (NodeOut n : nodes) {
				String pid = n.providerId();
				if (!pid.isEmpty() && !pid.startsWith("gce://") && !pid.startsWith("kind://")) {
					warnings.add(new ImportWarning(n.ref(), "spec.providerID",
							pid.substring(0,
									Math.min(pid.length(), pid.indexOf(':') < 0 ? pid.length() : pid.indexOf(':')))
									+ ": this cloud is not modelled; the nodes sit on one plain L2 segment"));
					break;
				}
			}
			// --- the network plugin
			String cni = cniFromPods();
			if (flannel != null) {
				Object backend = flannel.get("Backend") instanceof Map<?, ?> b ? b.get("Type") : null;
				d.network = flannelNetwork(String.valueOf(backend), flannelRef,
						"data." + FLANNEL_KEY + " Backend.Type");
				if (flannel.get("Backend") instanceof Map<?, ?> b) {
					checkFlannelBackend(b);
				}
			}
			else {
				String annotated = null;
				for (NodeOut n : nodes) {
					String t = n.annotations().get("flannel.alpha.coreos.com/backend-type");
					if (t != null) {
						annotated = t;
						d.network = flannelNetwork(t, n.ref(),
								"metadata.annotations[flannel.alpha.coreos.com/backend-type]");
						break;
					}
				}
				if (annotated == null) {
					d.network = "kubenet";
					String add = " (add the kube-flannel-cfg ConfigMap if it is flannel)";
					switch (cni) {
						case "flannel" -> {
							d.network = "flannel-vxlan";
							warnings.add(new ImportWarning(firstNode, "metadata.annotations",
									"flannel runs but neither its ConfigMap"
											+ " nor the nodes' flannel.alpha.coreos.com/backend-type say the backend: assumed vxlan (add the"
											+ " kube-flannel-cfg ConfigMap)"));
						}
						case "kindnet" ->
							warnings.add(new ImportWarning(firstNode, "network", "kindnet (kind's CNI: a veth per pod"
									+ " with a /32 route, no bridge, and a route per other node's podCIDR) is shown as kubenet: the"
									+ " cbr0 bridge instead of point-to-point veths; addresses and Service rules are the same"));
						case "" -> warnings.add(new ImportWarning(firstNode, "network", d.gcp
								? "GKE's pod network (VPC-native alias IP ranges, a veth per pod) is shown as kubenet: the cbr0"
										+ " bridge on each node and a VPC route per node's podCIDR stand for the alias ranges;"
										+ " addresses, Service rules and what is delivered are the same"
								: "no network plugin found in the input (no flannel ConfigMap or annotations, no CNI pods):"
										+ " assumed kubenet" + add));
						default -> warnings.add(new ImportWarning(firstNode, "network", cni
								+ " is not modelled: shown as kubenet"
								+ " (cbr0 bridge, routes per node); policies are enforced as Kubernetes defines them, not as "
								+ cni + " implements them"));
					}
					if (d.gcp && !cni.isEmpty() && !cni.equals("kindnet")) {
						// the GKE note above is only given when nothing else was found
						warnings.add(new ImportWarning(gceNode.ref(), "spec.providerID",
								"GKE: VPC-native alias IP ranges are" + " shown as a VPC route per node's podCIDR"));
					}
				}
			}
			if (flannel != null || d.network.startsWith("flannel")) {
				for (NodeOut n : nodes) {
					checkFlannelAnnotations(n);
				}
			}
			// --- kube-proxy
			d.proxyMode = "iptables";
			String clusterCidrText = null;
			if (kubeProxy != null) {
				String f = "data." + KUBE_PROXY_KEY + " ";
				String mode = kubeProxy.get("mode") == null ? "" : String.valueOf(kubeProxy.get("mode"));
				switch (mode) {
					case "", "iptables" -> d.proxyMode = "iptables";
					case "ipvs" -> d.proxyMode = "ipvs";
					case "nftables" -> d.proxyMode = "nftables";
					default ->
						warnings.add(new ImportWarning(kubeProxyRef, f + "mode", mode + " is not modelled: shown as"
								+ " iptables (the same Services and endpoints, other rules)"));
				}
				if (kubeProxy.get("clusterCIDR") instanceof String cc && !cc.isBlank()) {
					clusterCidrText = ipv4Cidr(cc, kubeProxyRef, f + "clusterCIDR");
				}
				else {
					warnings
						.add(new ImportWarning(kubeProxyRef, f + "clusterCIDR", "empty: kube-proxy then cannot tell pod"
								+ " traffic from outside traffic; the model needs a cluster CIDR and uses the one below"));
				}
				// the KubeProxyConfiguration fields the model reads go to
				// cluster.kubeProxy under the same names: masqueradeAll and masqueradeBit
				// from the block the mode reads (nftables mode: nftables, the others:
				// iptables, as kube-proxy's server_linux.go passes them to the proxier)
				boolean nftMode = "nftables".equals(d.proxyMode);
				Map<?, ?> ipt = kubeProxy.get("iptables") instanceof Map<?, ?> m ? m : Map.of();
				Map<?, ?> nft = kubeProxy.get("nftables") instanceof Map<?, ?> m ? m : Map.of();
				Map<String, Object> iptOut = masquerade(nftMode ? Map.of() : ipt);
				Map<String, Object> nftOut = masquerade(nftMode ? nft : Map.of());
				if (!nftMode && Boolean.FALSE.equals(ipt.get("localhostNodePorts"))) {
					iptOut.put("localhostNodePorts", false);
				}
				// a non-default value in the block the mode does not read: said, not kept
				Map<?, ?> unread = nftMode ? ipt : nft;
				String unreadBlock = nftMode ? "iptables" : "nftables";
				String readBlock = nftMode ? "nftables" : "iptables";
				for (String key : masquerade(unread).keySet()) {
					warnings.add(new ImportWarning(kubeProxyRef, f + unreadBlock + "." + key, unread.get(key)
							+ ": mode " + d.proxyMode + " reads " + readBlock + "." + key + " instead; not kept"));
				}
				if (nftMode && Boolean.FALSE.equals(ipt.get("localhostNodePorts"))) {
					warnings.add(new ImportWarning(kubeProxyRef, f + "iptables.localhostNodePorts", "false: mode"
							+ " nftables never accepts NodePorts on 127.0.0.1, whatever this says; not kept"));
				}
				if (!iptOut.isEmpty()) {
					d.kubeProxy.put("iptables", iptOut);
				}
				if (!nftOut.isEmpty()) {
					d.kubeProxy.put("nftables", nftOut);
				}
				Object dlm = kubeProxy.get("detectLocalMode");
				Map<?, ?> detectLocal = kubeProxy.get("detectLocal") instanceof Map<?, ?> dl ? dl : Map.of();
				if ("NodeCIDR".equals(dlm)) {
					d.kubeProxy.put("detectLocalMode", dlm);
				}
				else if ("BridgeInterface".equals(dlm) || "InterfaceNamePrefix".equals(dlm)) {
					String key = "BridgeInterface".equals(dlm) ? "bridgeInterface" : "interfaceNamePrefix";
					if (detectLocal.get(key) instanceof String dev && !dev.isBlank()) {
						d.kubeProxy.put("detectLocalMode", dlm);
						d.kubeProxy.put("detectLocal", Map.of(key, dev));
					}
					else {
						warnings
							.add(new ImportWarning(kubeProxyRef, f + "detectLocal." + key, "empty with detectLocalMode "
									+ dlm + ": local traffic is told by the cluster CIDR (ClusterCIDR)"));
					}
				}
				else if (dlm != null && !"".equals(dlm) && !"ClusterCIDR".equals(dlm)) {
					warnings.add(new ImportWarning(kubeProxyRef, f + "detectLocalMode",
							dlm + " is not modelled: local traffic" + " is told by the cluster CIDR (ClusterCIDR)"));
				}
				if ("ipvs".equals(d.proxyMode) && kubeProxy.get("ipvs") instanceof Map<?, ?> ipvs) {
					Object sched = ipvs.get("scheduler");
					if ("lc".equals(sched) || "sh".equals(sched)) {
						d.kubeProxy.put("ipvs", Map.of("scheduler", sched));
					}
					else if (sched != null && !"".equals(sched) && !"rr".equals(sched)) {
						warnings.add(new ImportWarning(kubeProxyRef, f + "ipvs.scheduler",
								sched + " is not modelled: the" + " virtual servers use rr"));
					}
				}
			}
			else if (allPodRefs.stream().anyMatch(r -> r.startsWith("Pod kube-system/kube-proxy"))) {
				warnings
					.add(new ImportWarning("ConfigMap kube-system/kube-proxy", "data." + KUBE_PROXY_KEY + " mode", d.gcp
							? "GKE runs kube-proxy as a static pod configured by flags, without this ConfigMap: iptables mode assumed"
									+ " (GKE's default outside Dataplane V2)"
							: "not in the input: kube-proxy's mode assumed iptables (add: kubectl get configmap -n kube-system"
									+ " kube-proxy -o yaml)"));
			}
			else {
				warnings.add(new ImportWarning("ConfigMap kube-system/kube-proxy", "",
						"no kube-proxy pod and no ConfigMap in"
								+ " the input (a kube-proxy replacement?): Services are shown as kube-proxy's iptables mode would"
								+ " write them"));
			}
			if (clusterCidrText == null && flannel != null && flannel.get("Network") instanceof String net) {
				clusterCidrText = ipv4Cidr(net, flannelRef, "data." + FLANNEL_KEY + " Network");
			}
			// --- node pod CIDRs (derived from the pods where the node has none)
			Map<NodeOut, List<PodOut>> byNode = new LinkedHashMap<>();
			pods.forEach(p -> byNode.computeIfAbsent(p.node(), k -> new ArrayList<>()).add(p));
			for (NodeOut n : nodes) {
				if (n.podCidr != null) {
					continue;
				}
				List<PodOut> on = byNode.getOrDefault(n, List.of());
				Cidr c = on.isEmpty() ? null : covering(on.stream().map(PodOut::ip).toList(), 24);
				n.podCidr = c;
				if (c == null) {
					warnings.add(new ImportWarning(n.ref(), "spec.podCIDR",
							"empty and no pod with an address: given a free /24" + " below"));
				}
				else {
					warnings
						.add(new ImportWarning(n.ref(), "spec.podCIDR", "empty (the CNI allocates addresses itself):"
								+ " assumed " + c + ", the smallest range holding its pods' addresses"));
				}
			}
			List<Cidr> nodeCidrs = nodes.stream().map(n -> n.podCidr).filter(java.util.Objects::nonNull).toList();
			if (clusterCidrText != null) {
				d.clusterCidr = Cidr.parse(clusterCidrText).asNetwork();
			}
			else {
				Cidr usual = Cidr.parse("10.244.0.0/16");
				Cidr holding = nodeCidrs.isEmpty() ? usual : coveringCidrs(nodeCidrs);
				d.clusterCidr = usual.contains(holding) ? usual : holding;
				warnings.add(
						new ImportWarning("ConfigMap kube-system/kube-proxy", "data." + KUBE_PROXY_KEY + " clusterCIDR",
								"not in the input: the cluster's pod network assumed " + d.clusterCidr
										+ (d.clusterCidr == usual ? " (the usual default, holding every node's podCIDR)"
												: ", the smallest range holding every node's podCIDR")
										+ "; add the kube-proxy ConfigMap to be sure"));
			}
			for (NodeOut n : nodes) {
				if (n.podCidr == null) {
					n.podCidr = freeSlice(d.clusterCidr, nodes);
				}
			}
			// --- pods: inside their node's podCIDR, one per address
			List<PodOut> kept = new ArrayList<>();
			Set<Ip> used = new HashSet<>();
			Set<String> names = new HashSet<>();
			for (PodOut p : pods) {
				if (p.node().podCidr == null || !p.node().podCidr.contains(p.ip())) {
					warnings.add(new ImportWarning(p.ref(), "status.podIP",
							p.ip() + " is outside node " + p.node().k8sName() + "'s podCIDR " + p.node().podCidr
									+ " (the model gives every pod an address of its node's" + " podCIDR): left out"));
					continue;
				}
				if (p.ip().equals(p.node().podCidr.nth(1))) {
					warnings.add(
							new ImportWarning(p.ref(), "status.podIP", p.ip() + " is the bridge's address (.1) of node "
									+ p.node().k8sName() + " in the model: left out"));
					continue;
				}
				if (!used.add(p.ip())) {
					warnings
						.add(new ImportWarning(p.ref(), "status.podIP", p.ip() + " is also another pod's: left out"));
					continue;
				}
				if (!names.add(p.namespace() + "/" + p.name())) {
					warnings.add(new ImportWarning(p.ref(), "metadata.name", "after renaming, two pods are called "
							+ p.namespace() + "/" + p.name() + ": the second is left out"));
					continue;
				}
				kept.add(p);
			}
			keptPods = kept;
			// --- the nodes' network
			List<Ip> nodeIps = nodes.stream().map(NodeOut::internal).toList();
			d.underlay = covering(nodeIps, d.gcp ? 20 : 24);
			String subnetWarning = d.gcp ? "the VPC subnet's range is not in the input: assumed " + d.underlay
					+ ", the smallest /20 or larger holding every node's InternalIP" : null;
			if (subnetWarning != null) {
				warnings.add(new ImportWarning(firstNode, "status.addresses", subnetWarning));
			}
			for (NodeOut n : nodes) {
				if (n.internal().equals(d.underlay.nth(1))) {
					warnings.add(new ImportWarning(n.ref(), "status.addresses",
							n.internal() + " is the first address of " + d.underlay + ", which the model gives the "
									+ (d.gcp ? "VPC gateway" : "segment's router")));
				}
			}
			// --- ip-masq-agent (GKE runs it; its ConfigMap, like any other, is not read)
			if (allPodRefs.stream().anyMatch(r -> r.startsWith("Pod kube-system/ip-masq-agent"))) {
				d.ipMasqAgent = true;
				warnings.add(new ImportWarning("ConfigMap kube-system/ip-masq-agent", "data.config",
						"not read: ip-masq-agent"
								+ " runs, shown with its default nonMasqueradeCIDRs (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"));
			}
			// --- the service CIDR: not in any object; the smallest range holding every
			// cluster IP
			List<Ip> clusterIps = services.stream().map(ServiceOut::clusterIp).toList();
			Cidr defaultServices = Cidr.parse("10.96.0.0/12");
			if (clusterIps.isEmpty() || clusterIps.stream().allMatch(defaultServices::contains)) {
				d.serviceCidr = defaultServices;
			}
			else {
				d.serviceCidr = covering(clusterIps, 24);
				warnings.add(new ImportWarning("Service default/kubernetes", "spec.clusterIP",
						"the service CIDR"
								+ " (kube-apiserver --service-cluster-ip-range) is not in any object: assumed "
								+ d.serviceCidr + ", the smallest range holding every cluster IP"));
			}
			return d;
		}

		private String cniFromPods() {
			for (String r : allPodRefs) {
				String name = r.substring(r.indexOf('/') + 1);
				if (!r.startsWith("Pod kube-system/") && !r.startsWith("Pod kube-flannel/")
						&& !r.startsWith("Pod calico-system/")) {
					continue;
				}
				if (name.startsWith("kube-flannel")) {
					return "flannel";
				}
				if (name.startsWith("kindnet")) {
					return "kindnet";
				}
				for (String other : List.of("calico", "cilium", "weave-net", "antrea", "kube-router", "anetd",
						"aws-node")) {
					if (name.startsWith(other)) {
						return other;
					}
				}
			}
			return "";
		}

		private String flannelNetwork(String backend, String ref, String field) {
			return switch (backend) {
				case "vxlan" -> "flannel-vxlan";
				case "host-gw" -> "flannel-host-gw";
				default -> {
					warnings.add(new ImportWarning(ref, field,
							backend + " is not modelled (vxlan and host-gw are): shown as" + " flannel-vxlan"));
					yield "flannel-vxlan";
				}
			};
		}

		private void checkFlannelBackend(Map<?, ?> b) {
			String f = "data." + FLANNEL_KEY + " Backend.";
			if (b.get("VNI") != null && !"1".equals(String.valueOf(b.get("VNI")))) {
				warnings.add(new ImportWarning(flannelRef, f + "VNI",
						b.get("VNI") + " is not modelled: flannel.1 uses VNI 1"));
			}
			if (b.get("Port") != null && !"8472".equals(String.valueOf(b.get("Port")))
					&& !"0".equals(String.valueOf(b.get("Port")))) {
				warnings.add(new ImportWarning(flannelRef, f + "Port",
						b.get("Port") + " is not modelled: VXLAN uses UDP 8472"));
			}
			if (Boolean.TRUE.equals(b.get("DirectRouting"))) {
				warnings.add(new ImportWarning(flannelRef, f + "DirectRouting",
						"true is not modelled: every node is reached" + " through the VXLAN"));
			}
		}

		private void checkFlannelAnnotations(NodeOut n) {
			String data = n.annotations().get("flannel.alpha.coreos.com/backend-data");
			if (data != null && data.contains("VtepMAC")) {
				warnings.add(new ImportWarning(n.ref(), "metadata.annotations[flannel.alpha.coreos.com/backend-data]",
						"VtepMAC" + " is not kept: the model derives flannel.1's MAC from the node's name"));
			}
			String pub = n.annotations().get("flannel.alpha.coreos.com/public-ip");
			if (pub != null && !pub.equals(n.internal().toString())) {
				warnings.add(new ImportWarning(n.ref(), "metadata.annotations[flannel.alpha.coreos.com/public-ip]",
						pub + " differs from the InternalIP " + n.internal()
								+ ": the model's flannel uses the InternalIP"));
			}
		}

		/**
		 * {@code masqueradeAll: true} and a {@code masqueradeBit} other than the default
		 * 14 (0..31) of a KubeProxyConfiguration {@code iptables} or {@code nftables}
		 * block, as the scenario's {@code cluster.kubeProxy} block of the same name takes
		 * them; their sync periods change no packet's path and are not read.
		 */
		private static Map<String, Object> masquerade(Map<?, ?> block) {
			Map<String, Object> out = new LinkedHashMap<>();
			if (Boolean.TRUE.equals(block.get("masqueradeAll"))) {
				out.put("masqueradeAll", true);
			}
			if (block.get("masqueradeBit") instanceof Number bit && bit.intValue() != 14 && bit.intValue() >= 0
					&& bit.intValue() <= 31) {
				out.put("masqueradeBit", bit.intValue());
			}
			return out;
		}

		/**
		 * The Service ports, node ports, load balancers, DNS names and pod ports a flow
		 * can go to.
		 */
		private List<ImportResult.Destination> destinations(Decisions d) {
			List<ImportResult.Destination> out = new ArrayList<>();
			boolean dns = services.stream()
				.anyMatch(s -> s.namespace().equals("kube-system") && s.name().equals("kube-dns"));
			for (ServiceOut s : services) {
				for (ServicePort p : s.ports()) {
					String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
					String portLabel = p.getName() == null || p.getName().isEmpty() ? String.valueOf(p.getPort())
							: p.getName();
					String id = s.namespace() + "/" + s.name();
					out.add(new ImportResult.Destination("service/" + id + ":" + p.getPort(), proto, "service",
							"Service " + id + ":" + portLabel + " (" + s.clusterIp() + ":" + p.getPort() + "/" + proto
									+ ")"));
					if (p.getNodePort() != null && p.getNodePort() != 0 && !"ClusterIP".equals(s.type())) {
						NodeOut n = nodes.getFirst();
						out.add(new ImportResult.Destination("node/" + n.name() + ":" + p.getNodePort(), proto,
								"nodeport", "NodePort " + p.getNodePort() + " of " + id + " on node " + n.name()));
					}
					for (Ip lb : s.lbIps()) {
						out.add(new ImportResult.Destination(lb + ":" + p.getPort(), proto, "loadbalancer",
								"load balancer " + lb + ":" + p.getPort() + " of " + id));
					}
					if (dns && !s.name().equals("kube-dns")) {
						String host = s.name() + "." + s.namespace() + ".svc.cluster.local";
						out.add(new ImportResult.Destination(host + ":" + p.getPort(), proto, "dns",
								"DNS name " + host + ":" + p.getPort()));
					}
				}
			}
			for (PodOut p : keptPods) {
				for (Map<String, Object> c : p.containers()) {
					if (!(c.get("ports") instanceof List<?> ports)) {
						continue;
					}
					for (Object o : ports) {
						Map<?, ?> port = (Map<?, ?>) o;
						String proto = port.get("protocol") == null ? "TCP" : String.valueOf(port.get("protocol"));
						out.add(new ImportResult.Destination(
								p.namespace() + "/" + p.name() + ":" + port.get("containerPort"), proto, "pod",
								"pod " + p.namespace() + "/" + p.name() + ":" + port.get("containerPort") + "/" + proto
										+ (port.get("name") == null ? "" : " (" + port.get("name") + ")")));
					}
				}
			}
			return out;
		}

		/**
		 * {from, to, protocol}: the options' or a Ready pod to the first Service port
		 * with a Ready endpoint.
		 */
		private String[] chooseFlow(List<ImportResult.Destination> destinations) {
			if (options.to() != null) {
				String proto = options.protocol();
				if (proto == null) {
					proto = destinations.stream()
						.filter(x -> x.to().equals(options.to()))
						.map(ImportResult.Destination::protocol)
						.findFirst()
						.orElse("TCP");
				}
				String from = options.from() != null ? options.from() : anyReadyPod();
				return new String[] { from, options.to(), proto.toUpperCase(java.util.Locale.ROOT) };
			}
			List<ServiceOut> ordered = new ArrayList<>();
			services.stream().filter(s -> !s.namespace().equals("kube-system")).forEach(ordered::add);
			services.stream().filter(s -> s.namespace().equals("kube-system")).forEach(ordered::add);
			for (ServiceOut s : ordered) {
				if (s.selector().isEmpty()) {
					continue;
				}
				for (ServicePort p : s.ports()) {
					Set<PodOut> eps = readyEndpoints(s, p);
					if (eps.isEmpty()) {
						continue;
					}
					String client = options.from() != null ? options.from() : defaultClient(s, eps);
					if (client == null) {
						continue;
					}
					return new String[] { client, "service/" + s.namespace() + "/" + s.name() + ":" + p.getPort(),
							p.getProtocol() == null ? "TCP" : p.getProtocol() };
				}
			}
			// no Service with a Ready endpoint: a ping between two nodes
			String from = options.from() != null ? options.from() : "node/" + nodes.getFirst().name();
			return new String[] { from, "node/" + nodes.getLast().name(), "ICMP" };
		}

		private String anyReadyPod() {
			return keptPods.stream()
				.filter(PodOut::ready)
				.findFirst()
				.map(p -> p.namespace() + "/" + p.name())
				.orElse("node/" + nodes.getFirst().name());
		}

		/**
		 * A Ready pod that is not one of the endpoints, from the Service's namespace if
		 * possible, not kube-system's.
		 */
		private String defaultClient(ServiceOut s, Set<PodOut> endpoints) {
			PodOut best = null;
			int bestScore = -1;
			for (PodOut p : keptPods) {
				if (!p.ready() || endpoints.contains(p)) {
					continue;
				}
				int score = (p.namespace().equals(s.namespace()) ? 2 : 0)
						+ (p.namespace().equals("kube-system") ? 0 : 1);
				if (score > bestScore) {
					best = p;
					bestScore = score;
				}
			}
			return best == null ? null : best.namespace() + "/" + best.name();
		}

		/**
		 * The pods the endpoint slice controller would list Ready for this port (as the
		 * model derives them).
		 */
		Set<PodOut> readyEndpoints(ServiceOut s, ServicePort port) {
			Set<PodOut> out = new java.util.LinkedHashSet<>();
			for (PodOut p : keptPods) {
				if (!p.ready() || !p.namespace().equals(s.namespace())) {
					continue;
				}
				boolean match = s.selector()
					.entrySet()
					.stream()
					.allMatch(e -> e.getValue().equals(p.labels().get(e.getKey())));
				if (!match) {
					continue;
				}
				IntOrString target = port.getTargetPort();
				if (target != null && target.getStrVal() != null && !p.namedPorts().containsKey(target.getStrVal())) {
					continue;
				}
				out.add(p);
			}
			return out;
		}

		private void renameSliceNodes(Map<String, Object> slice) {
			if (slice.get("endpoints") instanceof List<?> eps) {
				for (Object o : eps) {
					@SuppressWarnings("unchecked")
					Map<String, Object> e = (Map<String, Object>) o;
					if (e.get("nodeName") instanceof String n) {
						NodeOut node = nodesByK8sName.get(n);
						if (node == null) {
							e.remove("nodeName");
						}
						else {
							e.put("nodeName", node.name());
						}
					}
				}
			}
		}

		private String header(String summary) {
			StringBuilder h = new StringBuilder();
			h.append("# Imported by PacketWalk (java -jar packetwalk.jar import) from kubectl's output: ")
				.append(summary)
				.append('\n');
			h.append("# See docs/import.md for what is read and how each thing is approximated.\n");
			if (!warnings.isEmpty()) {
				h.append("# ").append(warnings.size()).append(" warning").append(plural(warnings.size())).append(":\n");
				for (ImportWarning w : warnings) {
					h.append("#   ").append(w.toString().replace('\n', ' ')).append('\n');
				}
			}
			return h.toString();
		}

		// ------------------------------------------------------------ helpers

		private <T> T convert(Map<String, Object> raw, Class<T> type, String ref) {
			Map<String, Object> copy = new LinkedHashMap<>(raw);
			if (raw.get("metadata") instanceof Map<?, ?> md) {
				@SuppressWarnings("unchecked")
				Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) md);
				m.remove("managedFields"); // the largest part of a dump, and nothing the
											// network sees
				copy.put("metadata", m);
			}
			try {
				return MAPPER.convertValue(copy, type);
			}
			catch (RuntimeException ex) {
				warnings.add(new ImportWarning(ref, "",
						"does not read as a Kubernetes " + type.getSimpleName() + ": left out"));
				return null;
			}
		}

		/**
		 * An IPv4 address, or null with a warning (IPv6 is skipped; anything else is not
		 * an address).
		 */
		private Ip ipv4(String text, String ref, String field) {
			if (text == null || text.isEmpty()) {
				return null;
			}
			if (text.contains(":")) {
				warnings.add(new ImportWarning(ref, field, text + " is IPv6: skipped (the model is IPv4 only)"));
				return null;
			}
			try {
				return Ip.parse(text);
			}
			catch (IllegalArgumentException ex) {
				warnings.add(new ImportWarning(ref, field, "not an IPv4 address: skipped"));
				return null;
			}
		}

		/**
		 * The IPv4 CIDR of a possibly dual-stack, comma-separated list, or null with a
		 * warning.
		 */
		private String ipv4Cidr(String text, String ref, String field) {
			String found = null;
			for (String part : text.split(",")) {
				String p = part.trim();
				if (p.contains(":")) {
					warnings.add(new ImportWarning(ref, field, p + " is IPv6: skipped (the model is IPv4 only)"));
					continue;
				}
				try {
					Cidr.parse(p);
					if (found == null) {
						found = p;
					}
				}
				catch (IllegalArgumentException ex) {
					warnings.add(new ImportWarning(ref, field, "'" + p + "' is not a CIDR: skipped"));
				}
			}
			return found;
		}

	}

	/** What the import decided about the cluster as a whole. */
	private static final class Decisions {

		String network;

		String proxyMode;

		/**
		 * cluster.kubeProxy: the KubeProxyConfiguration fields the model reads, under
		 * their own names.
		 */
		final Map<String, Object> kubeProxy = new LinkedHashMap<>();

		Cidr clusterCidr;

		Cidr serviceCidr;

		Cidr underlay;

		boolean gcp;

		boolean ipMasqAgent;

	}

	/** A node of the dump. {@code podCidr} may be filled in from its pods. */
	private static final class NodeOut {

		private final String ref;

		private final String k8sName;

		private final String name;

		private final Ip internal;

		private final Ip external;

		Cidr podCidr;

		private final Map<String, String> annotations;

		private final Map<String, String> labels;

		private final String providerId;

		NodeOut(String ref, String k8sName, String name, Ip internal, Ip external, Cidr podCidr,
				Map<String, String> annotations, Map<String, String> labels, String providerId) {
			this.ref = ref;
			this.k8sName = k8sName;
			this.name = name;
			this.internal = internal;
			this.external = external;
			this.podCidr = podCidr;
			this.annotations = annotations;
			this.labels = labels;
			this.providerId = providerId;
		}

		String ref() {
			return ref;
		}

		String k8sName() {
			return k8sName;
		}

		String name() {
			return name;
		}

		Ip internal() {
			return internal;
		}

		Ip external() {
			return external;
		}

		Map<String, String> annotations() {
			return annotations;
		}

		Map<String, String> labels() {
			return labels;
		}

		String providerId() {
			return providerId;
		}

	}

	record PodOut(String ref, String namespace, String name, NodeOut node, Ip ip, Map<String, String> labels,
			List<Map<String, Object>> containers, Map<String, Integer> namedPorts, boolean ready) {
	}

	record ServiceOut(String ref, String namespace, String name, String type, Ip clusterIp, List<ServicePort> ports,
			Map<String, String> selector, List<Ip> lbIps, Map<String, Object> manifest) {
	}

	// ------------------------------------------------------------ static helpers

	static String ref(String kind, Map<String, Object> o) {
		String ns = namespaceOf(o);
		return kind + " " + (ns == null ? "" : ns + "/") + nameOf(o);
	}

	static String nameOf(Map<String, Object> o) {
		return o.get("metadata") instanceof Map<?, ?> m && m.get("name") instanceof String s ? s : "(no name)";
	}

	static String namespaceOf(Map<String, Object> o) {
		return o.get("metadata") instanceof Map<?, ?> m && m.get("namespace") instanceof String s ? s : null;
	}

	@SuppressWarnings("unchecked")
	static Map<String, String> labelsOf(Map<String, Object> o) {
		if (o.get("metadata") instanceof Map<?, ?> m && m.get("labels") instanceof Map<?, ?> labels) {
			Map<String, String> out = new LinkedHashMap<>();
			((Map<Object, Object>) labels).forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
			return out;
		}
		return Map.of();
	}

	/**
	 * name and namespace (and the given labels): the rest of a dump's metadata is
	 * bookkeeping.
	 */
	static Map<String, Object> metadataOut(Map<String, Object> raw, Map<String, String> labels) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("name", nameOf(raw));
		String ns = namespaceOf(raw);
		if (ns != null) {
			m.put("namespace", ns);
		}
		if (labels != null) {
			m.put("labels", labels);
		}
		return m;
	}

	/**
	 * A Kubernetes name as a scenario name: lower case, dashes for anything else, at most
	 * 63 characters.
	 */
	static String sanitize(String name) {
		String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
		if (s.length() > 63) {
			s = s.substring(0, 63);
		}
		s = s.replaceAll("^-+", "").replaceAll("-+$", "");
		return s.isEmpty() ? "x" : s;
	}

	static String unique(String name, Set<String> taken) {
		String n = name;
		for (int i = 2; taken.contains(n); i++) {
			String suffix = "-" + i;
			n = (name.length() + suffix.length() > 63 ? name.substring(0, 63 - suffix.length()) : name) + suffix;
		}
		return n;
	}

	/** The smallest network holding every address, no smaller than {@code /maxPrefix}. */
	static Cidr covering(List<Ip> ips, int maxPrefix) {
		long min = Long.MAX_VALUE;
		long max = Long.MIN_VALUE;
		for (Ip ip : ips) {
			long v = Integer.toUnsignedLong(ip.value());
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		int prefix = maxPrefix;
		while (prefix > 0 && (min >>> (32 - prefix)) != (max >>> (32 - prefix))) {
			prefix--;
		}
		return new Cidr(new Ip((int) min), prefix).asNetwork();
	}

	static Cidr coveringCidrs(List<Cidr> cidrs) {
		List<Ip> ends = new ArrayList<>();
		int maxPrefix = 32;
		for (Cidr c : cidrs) {
			ends.add(c.network());
			ends.add(c.broadcast());
			maxPrefix = Math.min(maxPrefix, c.prefix());
		}
		return covering(ends, maxPrefix);
	}

	/** The first /24 of the cluster CIDR no node has. */
	private static Cidr freeSlice(Cidr cluster, List<NodeOut> nodes) {
		for (long i = 0; i < Math.max(1, cluster.size() / 256); i++) {
			Cidr slice = new Cidr(cluster.network().plus((int) (i * 256)), 24);
			if (nodes.stream()
				.noneMatch(n -> n.podCidr != null
						&& (n.podCidr.contains(slice.network()) || slice.contains(n.podCidr.network())))) {
				return slice;
			}
		}
		return Cidr.parse("10.244.250.0/24");
	}

	/** A map that keeps the order its keys are given in (key, value, key, value, …). */
	static Map<String, Object> ordered(Object... keysAndValues) {
		Map<String, Object> m = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			m.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return m;
	}

	private static String plural(int n) {
		return n == 1 ? "" : "s";
	}

}

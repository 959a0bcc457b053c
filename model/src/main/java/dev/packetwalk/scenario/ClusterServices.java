package dev.packetwalk.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.kubeproxy.Endpoint;
import dev.packetwalk.kubeproxy.IptablesProxier;
import dev.packetwalk.kubeproxy.IptablesRestore;
import dev.packetwalk.kubeproxy.NftablesProxier;
import dev.packetwalk.kubeproxy.KubeService;
import dev.packetwalk.kubeproxy.ProxyConfig;
import dev.packetwalk.kubeproxy.ServicePort;
import dev.packetwalk.kubeproxy.ServiceRef;
import dev.packetwalk.kubeproxy.ServiceType;
import dev.packetwalk.kubeproxy.SessionAffinity;
import dev.packetwalk.kubeproxy.TrafficPolicy;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import tools.jackson.databind.ObjectMapper;

/**
 * The emulated control plane for Services: reads the Service manifests of a scenario (as
 * the real Kubernetes API types), allocates what the API server would (cluster IPs from
 * the service CIDR, node ports from 30000–32767), derives endpoints from selectors and
 * pod readiness as the endpoints controller does, and writes each node's kube-proxy
 * rules.
 */
final class ClusterServices {

	/**
	 * A pod as the endpoints controller sees it.
	 *
	 * @param terminating the pod is being deleted (it has a deletionTimestamp) and still
	 * runs out its grace period
	 */
	record PodInfo(String namespace, String name, String node, Ip ip, Map<String, String> labels,
			Map<String, Integer> namedPorts, boolean ready, boolean terminating) {
	}

	/** What a flow can name: {@code service/<name>:<port>} resolves to the cluster IP. */
	record ServiceAddress(String namespace, String name, Ip clusterIp, List<ServicePort> ports) {
	}

	private final ObjectMapper mapper;

	private final Problems problems;

	private final List<KubeService> services = new ArrayList<>();

	private final Map<ServiceRef, List<Endpoint>> endpoints = new LinkedHashMap<>();

	private final Map<String, ServiceAddress> byName = new LinkedHashMap<>();

	private List<String> faults = List.of();

	void faults(List<String> f) {
		faults = List.copyOf(f);
	}

	/** The compilation's budget, checked for every object read and every node's rules. */
	private Budget budget = Budget.UNLIMITED;

	void budget(Budget b) {
		budget = b;
	}

	ClusterServices(ObjectMapper mapper, Problems problems) {
		this.mapper = mapper;
		this.problems = problems;
	}

	List<KubeService> services() {
		return services;
	}

	Map<ServiceRef, List<Endpoint>> endpoints() {
		return endpoints;
	}

	/**
	 * A Service port's protocol as Kubernetes accepts it (TCP, the default, UDP or SCTP),
	 * or null after reporting the problem at {@code at}.
	 */
	private Protocol servicePortProtocol(String at, String text) {
		Protocol proto = null;
		for (Protocol candidate : List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP)) {
			if (candidate.name().equalsIgnoreCase(text == null ? "TCP" : text)) {
				proto = candidate;
			}
		}
		if (proto == null) {
			problems.error(at, "protocol must be TCP, UDP or SCTP, was '" + text + "'");
			return null;
		}
		return proto;
	}

	/** By {@code namespace/name}. */
	Map<String, ServiceAddress> byName() {
		return byName;
	}

	void read(List<Map<String, Object>> objects, Cidr serviceCidr, List<PodInfo> pods) {
		this.serviceCidr = serviceCidr;
		Set<Ip> usedIps = new HashSet<>();
		Set<Integer> usedNodePorts = new HashSet<>();
		List<Service> manifests = new ArrayList<>();
		List<String> pointers = new ArrayList<>();
		slices.clear();
		for (int i = 0; i < objects.size(); i++) {
			budget.check();
			Map<String, Object> o = objects.get(i);
			String at = "/objects/" + i;
			Object kind = o == null ? null : o.get("kind");
			if ("EndpointSlice".equals(kind)) {
				readSlice(o, at);
				continue;
			}
			if (!"Service".equals(kind)) {
				continue;
			}
			Service svc;
			try {
				svc = mapper.convertValue(o, Service.class);
			}
			catch (RuntimeException ex) {
				problems.error(at,
						"this Service manifest does not read as a Kubernetes v1 Service: " + ex.getMessage());
				continue;
			}
			if (svc.getSpec() == null || svc.getMetadata() == null || svc.getMetadata().getName() == null) {
				problems.error(at, "a Service needs metadata.name and spec");
				continue;
			}
			String ip = svc.getSpec().getClusterIP();
			if (ip != null && !ip.isEmpty() && !"None".equals(ip)) {
				try {
					Ip requested = Ip.parse(ip);
					if (!serviceCidr.contains(requested)) {
						problems.error(at + "/spec/clusterIP",
								"clusterIP " + requested + " is outside the service CIDR " + serviceCidr);
						continue;
					}
					if (!usedIps.add(requested)) {
						problems.error(at + "/spec/clusterIP", "clusterIP " + requested + " is already allocated");
						continue;
					}
				}
				catch (IllegalArgumentException ex) {
					problems.error(at + "/spec/clusterIP", ex.getMessage());
					continue;
				}
			}
			if (svc.getSpec().getPorts() != null) {
				for (var p : svc.getSpec().getPorts()) {
					if (p.getNodePort() != null && p.getNodePort() != 0) {
						usedNodePorts.add(p.getNodePort());
					}
				}
			}
			manifests.add(svc);
			pointers.add(at);
		}
		for (int i = 0; i < manifests.size(); i++) {
			try {
				build(manifests.get(i), pointers.get(i), serviceCidr, usedIps, usedNodePorts, pods);
			}
			catch (IllegalStateException ex) {
				// the service CIDR or the node-port range is used up: the API server
				// refuses the Service the same way
				problems.error(pointers.get(i), ex.getMessage());
			}
		}
	}

	private void build(Service svc, String at, Cidr serviceCidr, Set<Ip> usedIps, Set<Integer> usedNodePorts,
			List<PodInfo> pods) {
		var meta = svc.getMetadata();
		var spec = svc.getSpec();
		String ns = meta.getNamespace() == null ? "default" : meta.getNamespace();
		String name = meta.getName();
		unmodelledFields(svc, at);
		ServiceType type;
		switch (spec.getType() == null ? "ClusterIP" : spec.getType()) {
			case "ClusterIP" -> type = ServiceType.CLUSTER_IP;
			case "NodePort" -> type = ServiceType.NODE_PORT;
			case "LoadBalancer" -> type = ServiceType.LOAD_BALANCER;
			default -> {
				problems.error(at + "/spec/type",
						"service type must be ClusterIP, NodePort or LoadBalancer, was '" + spec.getType() + "'");
				return;
			}
		}
		if ("None".equals(spec.getClusterIP())) {
			problems.warning(at + "/spec/clusterIP",
					"headless service " + name + " has no virtual IP: kube-proxy ignores it");
			return;
		}
		Ip clusterIp = spec.getClusterIP() == null || spec.getClusterIP().isEmpty() ? allocateIp(serviceCidr, usedIps)
				: Ip.parse(spec.getClusterIP());
		if (spec.getPorts() == null || spec.getPorts().isEmpty()) {
			problems.error(at + "/spec/ports", "service " + name + " has no ports");
			return;
		}
		List<ServicePort> ports = new ArrayList<>();
		Map<String, IntOrString> targets = new LinkedHashMap<>();
		for (int j = 0; j < spec.getPorts().size(); j++) {
			var p = spec.getPorts().get(j);
			String pat = at + "/spec/ports/" + j;
			if (p.getPort() == null || p.getPort() < 1 || p.getPort() > 65535) {
				problems.error(pat + "/port", "port must be 1..65535");
				return;
			}
			Protocol proto = servicePortProtocol(pat + "/protocol", p.getProtocol());
			if (proto == null) {
				return;
			}
			String portName = p.getName() == null ? "" : p.getName();
			IntOrString target = p.getTargetPort() == null ? new IntOrString(p.getPort()) : p.getTargetPort();
			int targetNumber = target.getIntVal() != null ? target.getIntVal() : p.getPort();
			int nodePort = p.getNodePort() == null ? 0 : p.getNodePort();
			boolean allocate = type == ServiceType.NODE_PORT
					|| !Boolean.FALSE.equals(spec.getAllocateLoadBalancerNodePorts());
			if (type.allowsNodePorts() && nodePort == 0 && allocate) {
				nodePort = allocateNodePort(usedNodePorts);
			}
			if (nodePort != 0 && (nodePort < 30000 || nodePort > 32767)) {
				problems.error(pat + "/nodePort",
						"nodePort must be in the node port range 30000-32767, was " + nodePort);
				return;
			}
			try {
				ports.add(new ServicePort(portName, proto, p.getPort(), targetNumber, nodePort));
			}
			catch (IllegalArgumentException ex) {
				problems.error(pat, ex.getMessage());
				return;
			}
			targets.put(portName, target);
		}
		if (spec.getSessionAffinityConfig() != null && !"ClientIP".equals(spec.getSessionAffinity())) {
			// ValidateService: "must not be set when session affinity is None"
			problems.error(at + "/spec/sessionAffinityConfig",
					"sessionAffinityConfig must not be set when sessionAffinity is "
							+ (spec.getSessionAffinity() == null ? "None" : spec.getSessionAffinity())
							+ " (the API server refuses it): set sessionAffinity: ClientIP or remove it");
			return;
		}
		SessionAffinity affinity = SessionAffinity.NONE;
		if ("ClientIP".equals(spec.getSessionAffinity())) {
			Integer t = spec.getSessionAffinityConfig() != null && spec.getSessionAffinityConfig().getClientIP() != null
					? spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() : null;
			affinity = t == null ? SessionAffinity.clientIp() : SessionAffinity.clientIp(t);
		}
		TrafficPolicy itp = "Local".equals(spec.getInternalTrafficPolicy()) ? TrafficPolicy.LOCAL
				: TrafficPolicy.CLUSTER;
		TrafficPolicy etp = "Local".equals(spec.getExternalTrafficPolicy()) ? TrafficPolicy.LOCAL
				: TrafficPolicy.CLUSTER;
		List<Ip> lbIps = new ArrayList<>();
		if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
				&& svc.getStatus().getLoadBalancer().getIngress() != null) {
			List<LoadBalancerIngress> ingress = svc.getStatus().getLoadBalancer().getIngress();
			for (int k = 0; k < ingress.size(); k++) {
				LoadBalancerIngress in = ingress.get(k);
				if (in != null && in.getIp() != null) {
					Ip lb = address(at + "/status/loadBalancer/ingress/" + k + "/ip", in.getIp());
					if (lb == null) {
						return;
					}
					lbIps.add(lb);
				}
			}
		}
		List<Ip> externalIps = new ArrayList<>();
		if (spec.getExternalIPs() != null) {
			for (int k = 0; k < spec.getExternalIPs().size(); k++) {
				Ip e = address(at + "/spec/externalIPs/" + k, spec.getExternalIPs().get(k));
				if (e == null) {
					return;
				}
				externalIps.add(e);
			}
		}
		List<Cidr> sourceRanges = new ArrayList<>();
		if (spec.getLoadBalancerSourceRanges() != null) {
			for (int k = 0; k < spec.getLoadBalancerSourceRanges().size(); k++) {
				String text = spec.getLoadBalancerSourceRanges().get(k);
				String rat = at + "/spec/loadBalancerSourceRanges/" + k;
				try {
					// the API server trims blanks and wants CIDRs
					// (ValidateLoadBalancerSourceRanges)
					if (text == null || !text.contains("/")) {
						throw new IllegalArgumentException("an IP range is written as a CIDR, e.g. 192.0.2.0/24");
					}
					sourceRanges.add(Cidr.parse(text.trim()));
				}
				catch (RuntimeException ex) {
					problems.error(rat,
							"loadBalancerSourceRanges entry '" + text + "' is not an IP range: " + ex.getMessage());
					return;
				}
			}
			if (!sourceRanges.isEmpty() && type != ServiceType.LOAD_BALANCER) {
				problems.warning(at + "/spec/loadBalancerSourceRanges", "loadBalancerSourceRanges only apply to type"
						+ " LoadBalancer: kube-proxy ignores them on a " + spec.getType() + " Service");
				sourceRanges.clear();
			}
			else if (!sourceRanges.isEmpty() && lbIps.isEmpty()) {
				problems.warning(at + "/spec/loadBalancerSourceRanges", "loadBalancerSourceRanges filter traffic to the"
						+ " load balancer's address; this Service has none yet (status.loadBalancer.ingress), so no"
						+ " firewall rule is written");
			}
		}
		int hcnp = spec.getHealthCheckNodePort() == null ? 0 : spec.getHealthCheckNodePort();
		if (type == ServiceType.LOAD_BALANCER && etp == TrafficPolicy.LOCAL && hcnp == 0) {
			hcnp = allocateNodePort(usedNodePorts);
		}
		KubeService ks;
		try {
			ks = new KubeService(ns, name, type, clusterIp, ports, externalIps, lbIps, sourceRanges, affinity, itp, etp,
					hcnp);
		}
		catch (IllegalArgumentException ex) {
			problems.error(at, ex.getMessage());
			return;
		}
		if (spec.getSelector() != null) {
			for (Map.Entry<String, String> e : spec.getSelector().entrySet()) {
				if (e.getKey() == null || e.getValue() == null) {
					problems.error(at + "/spec/selector",
							"selector " + e.getKey() + " has no value: write it as key: value");
					return;
				}
			}
		}
		services.add(ks);
		nodeDependent = null;
		iptablesByView.clear();
		byName.put(ns + "/" + name, new ServiceAddress(ns, name, clusterIp, ports));
		endpoints.put(ks.ref(), endpointsFor(ns, name, spec.getSelector(), targets, pods, at,
				Boolean.TRUE.equals(spec.getPublishNotReadyAddresses())));
	}

	/**
	 * The Service fields the model reads; every other field of the manifest is named in a
	 * warning, so a field that changes nothing is never silently accepted
	 * ({@code AcceptedFieldsTest} holds this against the API type).
	 */
	static final Set<String> MODELLED_SPEC_FIELDS = Set.of("type", "selector", "clusterIP", "clusterIPs", "ports",
			"sessionAffinity", "sessionAffinityConfig", "externalIPs", "internalTrafficPolicy", "externalTrafficPolicy",
			"loadBalancerSourceRanges", "healthCheckNodePort", "allocateLoadBalancerNodePorts",
			"publishNotReadyAddresses", "ipFamilies", "ipFamilyPolicy");

	static final Set<String> MODELLED_PORT_FIELDS = Set.of("name", "protocol", "port", "targetPort", "nodePort");

	private void unmodelledFields(Service svc, String at) {
		var spec = svc.getSpec();
		Map<String, Object> raw = mapper.convertValue(spec,
				new tools.jackson.core.type.TypeReference<Map<String, Object>>() {
				});
		for (String field : raw.keySet()) {
			if (!MODELLED_SPEC_FIELDS.contains(field) && raw.get(field) != null) {
				problems.warning(at + "/spec/" + field,
						"spec." + field + " is not modelled: kube-proxy's rules here do not"
								+ " depend on it, and the model ignores it");
			}
		}
		if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()
				&& !spec.getClusterIPs().equals(List.of(String.valueOf(spec.getClusterIP())))) {
			problems.warning(at + "/spec/clusterIPs",
					"spec.clusterIPs other than [clusterIP] is not modelled (IPv4 single"
							+ " stack only): only clusterIP is used");
		}
		if (spec.getIpFamilies() != null && !spec.getIpFamilies().stream().allMatch("IPv4"::equals)) {
			problems.warning(at + "/spec/ipFamilies",
					"spec.ipFamilies other than IPv4 is not modelled: the model is IPv4" + " single stack");
		}
		if (spec.getIpFamilyPolicy() != null && !"SingleStack".equals(spec.getIpFamilyPolicy())) {
			problems.warning(at + "/spec/ipFamilyPolicy", "spec.ipFamilyPolicy " + spec.getIpFamilyPolicy()
					+ " is not modelled: the model is IPv4 single stack");
		}
		if (spec.getPorts() != null) {
			for (int j = 0; j < spec.getPorts().size(); j++) {
				Map<String, Object> port = mapper.convertValue(spec.getPorts().get(j),
						new tools.jackson.core.type.TypeReference<Map<String, Object>>() {
						});
				for (String field : port.keySet()) {
					if (!MODELLED_PORT_FIELDS.contains(field) && port.get(field) != null) {
						problems.warning(at + "/spec/ports/" + j + "/" + field,
								"spec.ports[" + j + "]." + field + " is not modelled: the model ignores it");
					}
				}
			}
		}
	}

	/** An address from a manifest, or null after reporting why it is not one. */
	private Ip address(String at, String text) {
		try {
			return Ip.parse(text);
		}
		catch (IllegalArgumentException ex) {
			problems.error(at, ex.getMessage());
			return null;
		}
	}

	/**
	 * EndpointSlices by {@code namespace/service}, with where each was written; read
	 * before the Services.
	 */
	private final Map<String, List<Map.Entry<String, EndpointSlice>>> slices = new LinkedHashMap<>();

	private void readSlice(Map<String, Object> o, String at) {
		EndpointSlice slice;
		try {
			slice = mapper.convertValue(o, EndpointSlice.class);
		}
		catch (RuntimeException ex) {
			problems.error(at, "this EndpointSlice does not read as a Kubernetes discovery.k8s.io/v1 EndpointSlice: "
					+ ex.getMessage());
			return;
		}
		var meta = slice.getMetadata();
		String service = meta == null || meta.getLabels() == null ? null : meta.getLabels().get(SERVICE_NAME_LABEL);
		if (service == null) {
			problems.warning(at + "/metadata/labels", "EndpointSlice without the label " + SERVICE_NAME_LABEL
					+ " belongs to no Service: kube-proxy ignores it");
			return;
		}
		if (!"IPv4".equals(slice.getAddressType())) {
			problems.warning(at + "/addressType",
					"addressType " + slice.getAddressType() + ": only IPv4 slices are modelled");
			return;
		}
		String ns = meta.getNamespace() == null ? "default" : meta.getNamespace();
		slices.computeIfAbsent(ns + "/" + service, k -> new ArrayList<>()).add(Map.entry(at, slice));
	}

	/** The label that ties an EndpointSlice to its Service. */
	static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

	/**
	 * The endpoints of a Service without a selector, as kube-proxy reads them: from the
	 * EndpointSlices labelled with its name (the endpoint slice controller leaves such
	 * Services alone; whoever manages them writes the slices). Slice ports match the
	 * Service's ports by name; an endpoint without conditions is ready and serving.
	 */
	private List<Endpoint> sliceEndpoints(String ns, String name, Map<String, IntOrString> targets) {
		List<Endpoint> out = new ArrayList<>();
		for (Map.Entry<String, EndpointSlice> e : slices.getOrDefault(ns + "/" + name, List.of())) {
			EndpointSlice slice = e.getValue();
			Map<String, Integer> ports = new LinkedHashMap<>();
			if (slice.getPorts() != null) {
				for (EndpointPort p : slice.getPorts()) {
					String portName = p.getName() == null ? "" : p.getName();
					if (targets.containsKey(portName) && p.getPort() != null) {
						ports.put(portName, p.getPort());
					}
				}
			}
			if (ports.isEmpty() || slice.getEndpoints() == null) {
				continue;
			}
			for (int k = 0; k < slice.getEndpoints().size(); k++) {
				var ep = slice.getEndpoints().get(k);
				if (ep.getAddresses() == null || ep.getAddresses().isEmpty()) {
					continue;
				}
				Ip ip = address(e.getKey() + "/endpoints/" + k + "/addresses/0", ep.getAddresses().get(0));
				if (ip == null) {
					continue;
				}
				var c = ep.getConditions();
				boolean ready = c == null || c.getReady() == null || c.getReady();
				boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
				boolean terminating = c != null && c.getTerminating() != null && c.getTerminating();
				out.add(new Endpoint(ip, ports, ep.getNodeName(), ready, serving, terminating));
			}
		}
		return out;
	}

	/**
	 * The endpoints controller: ready pods in the service's namespace whose labels match
	 * the selector.
	 */
	private List<Endpoint> endpointsFor(String ns, String name, Map<String, String> selector,
			Map<String, IntOrString> targets, List<PodInfo> pods, String at, boolean publishNotReady) {
		List<Endpoint> out = new ArrayList<>();
		if (selector == null || selector.isEmpty()) {
			if (slices.containsKey(ns + "/" + name)) {
				out = sliceEndpoints(ns, name, targets);
				if (out.isEmpty()) {
					problems.warning(at + "/spec",
							"service " + name + " has no selector and its EndpointSlices list no endpoint"
									+ " for its ports: kube-proxy rejects connections to it");
				}
				return out;
			}
			problems.warning(at + "/spec", "service " + name + " has no selector and no EndpointSlice (label "
					+ SERVICE_NAME_LABEL + ": " + name + "): it has no endpoints");
			return out;
		}
		for (PodInfo pod : candidates(ns, selector, pods)) {
			if (!pod.namespace().equals(ns) || !matches(selector, pod.labels())) {
				continue;
			}
			Map<String, Integer> ports = new LinkedHashMap<>();
			targets.forEach((portName, target) -> {
				if (target.getIntVal() != null) {
					ports.put(portName, target.getIntVal());
				}
				else if (pod.namedPorts().containsKey(target.getStrVal())) {
					ports.put(portName, pod.namedPorts().get(target.getStrVal()));
				}
			});
			if (!ports.isEmpty()) {
				// the EndpointSlice controller (podToEndpoint): serving is the pod's
				// Ready condition, terminating its deletionTimestamp, ready is serving
				// and not terminating; publishNotReadyAddresses lists every pod as
				// ready (upstream then also keeps terminating true on a deleted pod;
				// kube-proxy treats such an endpoint as ready, as here)
				boolean ready = publishNotReady || (pod.ready() && !pod.terminating());
				boolean serving = publishNotReady || pod.ready();
				out.add(new Endpoint(pod.ip(), ports, pod.node(), ready, serving, pod.terminating() && !ready));
			}
		}
		if (out.isEmpty()) {
			problems.warning(at + "/spec/selector", "the selector of service " + name + " matches no pod"
					+ " (with the named target ports): the service has no endpoints and kube-proxy rejects connections to it");
		}
		return out;
	}

	/** Pods by namespace, label key and value, in pod order; built on first use. */
	private Map<String, Map<String, Map<String, List<PodInfo>>>> podIndex;

	private List<PodInfo> podIndexOf;

	/**
	 * The pods that can match a non-empty selector, in pod order: those in the namespace
	 * carrying the selector's first label (a superset of the matches, so the caller still
	 * checks the whole selector).
	 */
	private List<PodInfo> candidates(String ns, Map<String, String> selector, List<PodInfo> pods) {
		if (podIndex == null || podIndexOf != pods) {
			podIndex = new java.util.HashMap<>();
			podIndexOf = pods;
			for (PodInfo pod : pods) {
				for (Map.Entry<String, String> label : pod.labels().entrySet()) {
					podIndex.computeIfAbsent(pod.namespace(), k -> new java.util.HashMap<>())
						.computeIfAbsent(label.getKey(), k -> new java.util.HashMap<>())
						.computeIfAbsent(label.getValue(), k -> new ArrayList<>())
						.add(pod);
				}
			}
		}
		Map.Entry<String, String> first = selector.entrySet().iterator().next();
		return podIndex.getOrDefault(ns, Map.of())
			.getOrDefault(first.getKey(), Map.of())
			.getOrDefault(first.getValue(), List.of());
	}

	static boolean matches(Map<String, String> selector, Map<String, String> labels) {
		for (Map.Entry<String, String> e : selector.entrySet()) {
			if (!e.getValue().equals(labels.get(e.getKey()))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Where the search for a free cluster IP resumes: every address below it (from .100)
	 * is used, since addresses are never released while one scenario is read.
	 */
	private long nextIpIndex = 100;

	private int nextNodePort = 30080;

	private Ip allocateIp(Cidr cidr, Set<Ip> used) {
		// deterministic: the first free address from .100 on (the API server picks at
		// random)
		for (long n = nextIpIndex; n < cidr.size() - 1; n++) {
			Ip ip = cidr.nth((int) n);
			if (used.add(ip)) {
				nextIpIndex = n + 1;
				return ip;
			}
		}
		throw new IllegalStateException("the service CIDR " + cidr + " is full");
	}

	private int allocateNodePort(Set<Integer> used) {
		for (int p = nextNodePort; p <= 32767; p++) {
			if (used.add(p)) {
				nextNodePort = p + 1;
				return p;
			}
		}
		throw new IllegalStateException("no node port left in 30000-32767");
	}

	/**
	 * At least the rules (iptables mode) or IPVS entries kube-proxy writes on one node
	 * for these Services, by shape (RulesEstimateTest holds it against the generated
	 * rules of every Service of the built-in scenarios): per service port a portal rule
	 * and a masquerade rule, and per endpoint a statistic rule and a KUBE-SEP chain of
	 * two; an externally accessible port adds its node-port, KUBE-EXT and firewall rules
	 * and a rule per load-balancer or external IP and source range; a port that uses
	 * local endpoints (a Local traffic policy) adds a KUBE-SVL chain with a rule per
	 * endpoint; session affinity adds a recent-match rule per endpoint. Checked against
	 * {@code packetwalk.limits.max-rules} before anything is generated.
	 */
	long estimatedRulesPerNode() {
		long rules = 0;
		for (KubeService svc : services) {
			long eps = endpoints.getOrDefault(svc.ref(), List.of()).size();
			boolean affinity = svc.affinityTimeoutSeconds() > 0;
			for (var port : svc.ports()) {
				long fixed = 2;
				long perEndpoint = 3 + (affinity ? 1 : 0);
				if (svc.externallyAccessible(port)) {
					fixed += 8 + 3L * svc.loadBalancerIps().size() + 2L * svc.externalIps().size()
							+ (long) svc.loadBalancerSourceRanges().size() * Math.max(1, svc.loadBalancerIps().size());
				}
				if (svc.usesLocalEndpoints(port)) {
					fixed += 3;
					perEndpoint += 1;
				}
				rules += fixed + perEndpoint * eps;
			}
		}
		return rules;
	}

	/**
	 * kube-proxy's IPVS-mode state for one node: the addresses on kube-ipvs0, ipsets,
	 * rules, virtual servers.
	 */
	dev.packetwalk.kubeproxy.IpvsState ipvsFor(String node, Ip nodeIp, Cidr clusterCidr) {
		return ipvsFor(ProxyConfig.defaults(node, clusterCidr, nodeIp),
				dev.packetwalk.kubeproxy.IpvsProxier.DEFAULT_SCHEDULER);
	}

	/**
	 * {@link #ipvsFor(String, Ip, Cidr)} with kube-proxy's configuration and IPVS
	 * scheduler.
	 */
	dev.packetwalk.kubeproxy.IpvsState ipvsFor(ProxyConfig config, String scheduler) {
		budget.check();
		return dev.packetwalk.kubeproxy.IpvsProxier.generate(services, endpoints, config, scheduler);
	}

	/**
	 * Rules text already written, by what of a node they depend on ({@link #nodeView}):
	 * nodes that see the same share one string (and so one parsed rule set in the
	 * engine).
	 */
	private final Map<String, String> iptablesByView = new java.util.HashMap<>();

	/**
	 * kube-proxy's rules for one node, plus ip-masq-agent's when configured. Written once
	 * per distinct {@link #nodeView}: in a cluster of ClusterIP Services with the Cluster
	 * traffic policies, every node gets the same text, so a thousand nodes cost one
	 * generation.
	 */
	String iptablesFor(String node, Ip nodeIp, Cidr clusterCidr, List<Cidr> nonMasqueradeCidrs) {
		return iptablesFor(ProxyConfig.defaults(node, clusterCidr, nodeIp), nonMasqueradeCidrs);
	}

	/**
	 * {@link #iptablesFor(String, Ip, Cidr, List)} with kube-proxy's configuration for
	 * the node.
	 */
	String iptablesFor(ProxyConfig config, List<Cidr> nonMasqueradeCidrs) {
		Ip nodeIp = config.nodeIps().isEmpty() ? null : config.nodeIps().getFirst();
		String key = nodeView(config.nodeName(), nodeIp) + "|" + config.localDetector() + "|" + config.masqueradeAll()
				+ "|" + config.masqueradeBit() + "|" + config.localhostNodePorts() + "|" + nonMasqueradeCidrs;
		String text = iptablesByView.get(key);
		if (text == null) {
			text = generateIptables(config, nonMasqueradeCidrs);
			iptablesByView.put(key, text);
		}
		return text;
	}

	/**
	 * Everything about a node that the iptables rules of {@link IptablesProxier} depend
	 * on: its name decides only which endpoints are local, and that only matters for
	 * service ports that use local endpoints (a Local traffic policy); its addresses only
	 * matter for loadBalancerSourceRanges (the allow-from-node rule). Two nodes with the
	 * same view get byte-identical rules.
	 */
	private String nodeView(String node, Ip nodeIp) {
		if (nodeDependent == null) {
			nodeDependent = new ArrayList<>();
			for (int i = 0; i < services.size(); i++) {
				KubeService svc = services.get(i);
				if (!svc.loadBalancerSourceRanges().isEmpty()
						|| svc.ports().stream().anyMatch(svc::usesLocalEndpoints)) {
					nodeDependent.add(i);
				}
			}
		}
		StringBuilder view = new StringBuilder();
		for (int i : nodeDependent) {
			KubeService svc = services.get(i);
			if (!svc.loadBalancerSourceRanges().isEmpty()) {
				view.append("ip=").append(nodeIp).append(';');
			}
			if (svc.ports().stream().noneMatch(svc::usesLocalEndpoints)) {
				continue;
			}
			view.append(i).append(':');
			for (Endpoint ep : endpoints.getOrDefault(svc.ref(), List.of())) {
				if (ep.isLocal(node)) {
					view.append(ep.ip()).append(',');
				}
			}
			view.append(';');
		}
		return view.toString();
	}

	/**
	 * Indexes of the services whose rules depend on the node ({@link #nodeView});
	 * computed on first use.
	 */
	private List<Integer> nodeDependent;

	private String generateIptables(ProxyConfig config, List<Cidr> nonMasqueradeCidrs) {
		budget.check();
		IptablesRestore restore = IptablesProxier.generate(services, endpoints, config);
		if (faults.contains("no-service-masquerade")) {
			// fault: external traffic to services is no longer marked for masquerade (the
			// SNAT the talk explains)
			List<IptablesRestore.Table> fixed = new ArrayList<>();
			for (IptablesRestore.Table t : restore.tables()) {
				fixed.add(new IptablesRestore.Table(t.name(), t.builtinChains(), t.chains(), t.builtinJumps(),
						t.rules()
							.stream()
							.filter(r -> !(r.startsWith("-A KUBE-EXT-") && r.endsWith("-j KUBE-MARK-MASQ")))
							.toList()));
			}
			restore = new IptablesRestore(fixed);
		}
		if (nonMasqueradeCidrs == null) {
			return restore.text();
		}
		List<IptablesRestore.Table> tables = new ArrayList<>();
		for (IptablesRestore.Table t : restore.tables()) {
			tables.add(t.name().equals("nat") ? withIpMasqAgent(t, nonMasqueradeCidrs) : t);
		}
		return new IptablesRestore(tables).text();
	}

	/** ip-masq-agent's chain added to a nat table. */
	private static IptablesRestore.Table withIpMasqAgent(IptablesRestore.Table t, List<Cidr> nonMasqueradeCidrs) {
		List<String> chains = new ArrayList<>(t.chains());
		chains.add("IP-MASQ-AGENT");
		List<String> jumps = new ArrayList<>(t.builtinJumps());
		jumps.add(
				"-A POSTROUTING -m comment --comment \"ip-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ-AGENT chain\" -m addrtype ! --dst-type LOCAL -j IP-MASQ-AGENT");
		List<String> rules = new ArrayList<>(t.rules());
		for (Cidr c : nonMasqueradeCidrs) {
			rules.add("-A IP-MASQ-AGENT -d " + c.asNetwork()
					+ " -m comment --comment \"ip-masq-agent: local traffic is not subject to MASQUERADE\" -j RETURN");
		}
		rules.add(
				"-A IP-MASQ-AGENT -m comment --comment \"ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)\" -j MASQUERADE");
		return new IptablesRestore.Table(t.name(), t.builtinChains(), chains, jumps, rules);
	}

	/**
	 * A node's iptables rules when kube-proxy writes none (nftables mode):
	 * ip-masq-agent's alone, or nothing.
	 */
	String ipMasqAgentOnly(List<Cidr> nonMasqueradeCidrs) {
		if (nonMasqueradeCidrs == null) {
			return "";
		}
		IptablesRestore.Table nat = new IptablesRestore.Table("nat",
				List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"), List.of(), List.of(), List.of());
		return new IptablesRestore(List.of(withIpMasqAgent(nat, nonMasqueradeCidrs))).text();
	}

	/** The cluster's service CIDR, as {@link #read} was given it (null before). */
	private Cidr serviceCidr;

	/**
	 * kube-proxy's nftables transaction for a node ({@link NftablesProxier}), with
	 * kube-proxy's configuration for the node (cluster.kubeProxy: the detector,
	 * nftables.masqueradeAll, nftables.masqueradeBit); NodePorts on the node's address.
	 */
	String nftablesFor(ProxyConfig config) {
		budget.check();
		return NftablesProxier.generate(services, endpoints,
				new NftablesProxier.Settings(config, serviceCidr, config.nodeIps()));
	}

}

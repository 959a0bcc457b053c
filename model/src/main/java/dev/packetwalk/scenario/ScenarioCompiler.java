package dev.packetwalk.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.engine.Flow;
import dev.packetwalk.engine.Scenario;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Listener;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.topology.Route;
import dev.packetwalk.topology.Topology;
import dev.packetwalk.trace.Place;
import dev.packetwalk.trace.Step;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Turns a scenario file into what the engine runs. Builds the namespaces, devices,
 * addresses and routes the chosen network plugin would create on real nodes, and resolves
 * the flows. Every problem is reported with its line.
 */
public final class ScenarioCompiler {

	public static final String API_VERSION = "packetwalk.dev/v1alpha1";

	private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	private static final Pattern TARGET = Pattern.compile("^(?:(host|node|pod)/)?([A-Za-z0-9.\\-/]+?)(?::(\\d+))?$");

	/**
	 * One mapper for every compiler: Jackson's mappers are immutable and thread-safe, and
	 * each caches the deserializers it builds (the Kubernetes model's are costly to
	 * build), so sharing it spares every compilation after the first that work.
	 */
	private static final ObjectMapper YAML = YAMLMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private final ScenarioLimits limits;

	/** A compiler with {@link ScenarioLimits#DEFAULTS}. */
	public ScenarioCompiler() {
		this(ScenarioLimits.DEFAULTS);
	}

	public ScenarioCompiler(ScenarioLimits limits) {
		this.limits = java.util.Objects.requireNonNull(limits, "limits");
	}

	public ScenarioLimits limits() {
		return limits;
	}

	/**
	 * Compiles one file. Throws {@link ScenarioException} with every problem found: the
	 * YAML reader's and the schema's ({@link ScenarioInput}), then the compiler's own
	 * semantic checks.
	 */
	public CompiledScenario compile(String file, String text) {
		return compile(file, text, Budget.UNLIMITED);
	}

	/**
	 * {@link #compile(String, String)} within a budget: checked after the file is read
	 * and for every node, pod, object, NetworkPolicy, flow and node's rules, so a
	 * compilation past its deadline (or cancelled) stops with
	 * {@link dev.packetwalk.budget.BudgetExceededException} and drops what it built.
	 */
	public CompiledScenario compile(String file, String text, Budget budget) {
		return compile(file, text, budget, true);
	}

	/**
	 * {@link #compile(String, String)} for a file the build has checked against the JSON
	 * Schema (a built-in scenario: {@code TrustedCompileTest} checks every one), without
	 * loading or checking the schema, about 15 % of the built-ins' cold compile. The rest
	 * is the same: the document is bound strictly (an unknown field still fails) and
	 * every semantic check runs, so for a file the schema accepts the result is the one
	 * {@link #compile(String, String)} gives. A file with any problem is compiled again
	 * with the schema, so its errors are exactly {@link #compile(String, String)}'s.
	 */
	public CompiledScenario compileTrusted(String file, String text) {
		try {
			return compile(file, text, Budget.UNLIMITED, false);
		}
		catch (ScenarioException ex) {
			return compile(file, text);
		}
	}

	private CompiledScenario compile(String file, String text, Budget budget, boolean schema) {
		budget.check();
		ScenarioInput.Read read = ScenarioInput.read(file, text, limits, budget, schema);
		budget.check();
		Problems problems = read.problems();
		if (read.document() == null) {
			throw new ScenarioException(problems.all());
		}
		CompiledScenario result;
		try {
			result = new Builder(read.document(), problems, text, YAML, limits, budget).build();
		}
		catch (dev.packetwalk.budget.BudgetExceededException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			if (!problems.hasErrors()) {
				throw ex;
			}
			// a document the schema rejected can trip the builder; the schema's errors
			// already say what is wrong
			throw new ScenarioException(problems.all());
		}
		if (problems.hasErrors()) {
			throw new ScenarioException(problems.all());
		}
		return result;
	}

	/** One compilation: the document, its problems, and what has been built so far. */
	private static final class Builder {

		private final ScenarioDocument doc;

		private Problems problems;

		private final String source;

		private final List<Namespace> namespaces = new ArrayList<>();

		private final Map<String, String> podNs = new LinkedHashMap<>();

		private final Map<String, Ip> podIps = new LinkedHashMap<>();

		/** The values of {@link #podIps}, for a constant-time "already used" check. */
		private final java.util.Set<Ip> podIpsInUse = new java.util.HashSet<>();

		private final Map<String, Ip> nodeIps = new LinkedHashMap<>();

		/**
		 * Each node's pod CIDR; its first address is the node's own on the pod bridge
		 * (cbr0, cni0).
		 */
		private final Map<String, Cidr> podCidrs = new LinkedHashMap<>();

		private final Map<String, List<String>> containers = new LinkedHashMap<>();

		private ClusterServices services;

		/** The flow being resolved starts outside the cluster. */
		private boolean fromOutside;

		private final ObjectMapper yamlMapper;

		/** The pod CIDR of a node, from its bridge's address. */
		private Cidr nodeCidr(String node) {
			Namespace ns = namespaces.stream().filter(n -> n.id().equals(node)).findFirst().orElseThrow();
			Device br = ns.devices()
				.stream()
				.filter(d -> d instanceof Device.Bridge && !d.addresses().isEmpty())
				.findFirst()
				.orElseThrow();
			return br.addresses().getFirst().asNetwork();
		}

		/**
		 * Runs work whose problems go to another list (a timeline entry resolved against
		 * a later cluster state).
		 */
		private void problemsTo(Problems target, Runnable work) {
			Problems own = problems;
			problems = target;
			try {
				work.run();
			}
			finally {
				problems = own;
			}
		}

		/** The timeline's events, once built. */
		private List<dev.packetwalk.engine.Event> timeline = List.of();

		/**
		 * Pods being deleted with a grace period ({@code ns/name}, a timeline's
		 * {@code terminate}): still running, their endpoints terminating.
		 */
		private java.util.Set<String> terminating = java.util.Set.of();

		private final Map<String, Ip> hostIps = new LinkedHashMap<>();

		/**
		 * Nodes, pods and hosts whose definition was refused ({@code node:n},
		 * {@code pod:ns/p}, {@code host:h}): the error at the definition is the one to
		 * fix, so references to them are not reported again (one error per mistake).
		 */
		private final java.util.Set<String> refused = new java.util.HashSet<>();

		/**
		 * Nodes the schema rejected part of: their pod CIDR may be a default the author
		 * did not mean.
		 */
		private final java.util.Set<String> taintedNodes = new java.util.HashSet<>();

		private final ScenarioLimits limits;

		private final Budget budget;

		Builder(ScenarioDocument doc, Problems problems, String source, ObjectMapper yamlMapper, ScenarioLimits limits,
				Budget budget) {
			this.budget = budget;
			this.limits = limits;
			this.yamlMapper = yamlMapper;
			this.doc = doc;
			this.problems = problems;
			this.source = source;
		}

		CompiledScenario build() {
			if (!API_VERSION.equals(doc.apiVersion())) {
				problems.error("/apiVersion",
						"apiVersion must be '" + API_VERSION + "', was '" + doc.apiVersion() + "'");
			}
			if (!"Scenario".equals(doc.kind())) {
				problems.error("/kind", "kind must be 'Scenario', was '" + doc.kind() + "'");
			}
			ScenarioDocument.Metadata md = doc.metadata();
			if (md == null || md.name() == null) {
				problems.error("/metadata", "metadata.name is required (lower-case letters, digits and dashes)");
				md = new ScenarioDocument.Metadata("unnamed", null, null, null, null, null, null);
			}
			else if (!ID.matcher(md.name()).matches()) {
				problems.error("/metadata/name",
						"'" + md.name() + "' is not a valid scenario name: use lower-case letters, digits and dashes");
			}
			if (doc.cluster() == null) {
				problems.error("/cluster", "cluster is required: it lists the nodes and pods");
				return finish(md, List.of());
			}
			buildCluster(doc.cluster());
			List<Flow> flows = buildFlows();
			timeline = problems.hasErrors() || doc.timeline() == null ? List.of() : new Timeline(this, flows).build();
			return finish(md, flows);
		}

		private CompiledScenario finish(ScenarioDocument.Metadata md, List<Flow> flows) {
			Scenario scenario = null;
			if (!problems.hasErrors()) {
				try {
					scenario = new Scenario(md.name(), new Topology(namespaces), flows, dnsRecords, policyEngine,
							ipvsStates, timeline);
				}
				catch (IllegalArgumentException ex) {
					problems.error("/cluster", ex.getMessage());
				}
			}
			ScenarioHeader h = ScenarioHeader.of(md);
			return new CompiledScenario(h.id(), h.title(), h.summary(), h.tags(), h.level(), h.chapter(), h.order(),
					doc.intro(), doc.takeaway(), doc.seed() == null ? 1L : doc.seed(), scenario,
					problems.all().stream().filter(p -> p.severity() == ScenarioProblem.Severity.WARNING).toList(),
					source);
		}

		// ------------------------------------------------------------ cluster

		/**
		 * The cluster, in the order a real one is set up: the strategies (pod network,
		 * proxy mode), allocation (nodes' addresses and pod CIDRs, pods' addresses),
		 * Services and policies, then every node (uplink, pod bridge, what the pod
		 * network adds, pods, the proxy's rules), then the underlay the nodes hang off.
		 */
		private void buildCluster(ScenarioDocument.Cluster c) {
			String networkName = c.network() == null ? PodNetwork.ALL.getFirst().name() : c.network();
			PodNetwork network = PodNetwork.named(networkName).orElse(null);
			if (network == null) {
				problems.error("/cluster/network", "network must be " + oneOf(PodNetwork.names()) + ", was '"
						+ networkName + "'" + Problems.didYouMean(networkName, PodNetwork.names()));
				return;
			}
			int podMtu = c.podMTU() != null ? c.podMTU() : network.defaultPodMtu();
			if (podMtu < 576 || podMtu > 9000) {
				problems.error("/cluster/podMTU", "podMTU must be 576..9000, was " + podMtu);
				return;
			}
			List<ScenarioDocument.NodeSpec> nodes = c.nodes() == null ? List.of() : c.nodes();
			if (nodes.isEmpty()) {
				problems.error("/cluster/nodes", "a cluster needs at least one node");
				return;
			}
			boolean cloudGcp = c.cloud() != null && "gcp".equals(c.cloud().provider());
			Cidr underlay = cloudGcp && c.cloud().vpcCIDR() != null
					? cidr("/cluster/cloud/vpcCIDR", c.cloud().vpcCIDR())
					: Cidr.parse(cloudGcp ? "10.240.0.0/16" : "10.240.0.0/24");
			if (underlay == null) {
				return;
			}
			vpcGateway = underlay.nth(1);
			if (!cloudGcp && !readSegments(c, underlay)) {
				return;
			}
			Map<String, Cidr> nodeCidrs = allocateNodes(nodes, underlay, cloudGcp, network);
			podCidrs.putAll(nodeCidrs);
			Map<String, List<PodPlan>> podsByNode = new LinkedHashMap<>();
			nodeCidrs.keySet().forEach(n -> podsByNode.put(n, new ArrayList<>()));
			allocatePods(podSources(c, nodeCidrs.keySet()), nodeCidrs, podsByNode);
			Cidr clusterCidr = c.podCIDR() == null ? Cidr.parse("10.244.0.0/16")
					: cidr("/cluster/podCIDR", c.podCIDR());
			Cidr serviceCidr = c.serviceCIDR() == null ? Cidr.parse("10.96.0.0/12")
					: cidr("/cluster/serviceCIDR", c.serviceCIDR());
			if (clusterCidr == null || serviceCidr == null) {
				return;
			}
			String proxyName = c.proxyMode() == null ? ProxyMode.ALL.getFirst().name() : c.proxyMode();
			ProxyMode proxy = ProxyMode.named(proxyName).orElse(null);
			if (proxy == null) {
				problems.error("/cluster/proxyMode", "proxyMode must be " + oneOf(ProxyMode.names()) + ", was '"
						+ proxyName + "'" + Problems.didYouMean(proxyName, ProxyMode.names()));
				return;
			}
			if (!readServices(c, serviceCidr, podsByNode, network, proxy, nodeCidrs.size())) {
				return;
			}
			List<Cidr> nonMasq = ipMasqAgent(c);
			KubeProxySettings kubeProxy = KubeProxySettings.read(c.kubeProxy(), proxy.name(), network.runsKubeProxy(),
					network.bridge(), problems);
			boolean hairpin = hairpinMode(c, network);
			boolean gcp = c.cloud() != null && "gcp".equals(c.cloud().provider());
			if (c.cloud() != null && !gcp && c.cloud().provider() != null && !"none".equals(c.cloud().provider())) {
				problems.error("/cluster/cloud/provider",
						"cloud provider must be 'gcp' or 'none', was '" + c.cloud().provider() + "'");
			}
			for (int k = 0; k < nodes.size(); k++) {
				String uplink = nodes.get(k).uplink();
				if (uplink != null && !uplink.equals("eth0")) {
					problems.warning("/cluster/nodes/" + k + "/uplink",
							"uplink is reserved and not used yet: every node's" + " uplink is eth0, not " + uplink);
				}
			}
			for (Map.Entry<String, Cidr> e : nodeCidrs.entrySet()) {
				buildNode(nodeSpec(nodes, e.getKey()), e.getValue(), nodeCidrs, podsByNode.get(e.getKey()), gcp, podMtu,
						network, proxy, clusterCidr, nonMasq, kubeProxy, hairpin);
			}
			cloud = gcp;
			outside = new OutsideHosts(
					clusterRanges(c, nodes, nodeCidrs, clusterCidr, serviceCidr, underlay, gcp, network),
					gcp ? Map.of() : segments, problems);
			outside.place(c.hosts() == null ? List.of() : c.hosts(), allFlowSpecs(), ownedAddresses(), gcp,
					nodeAddresses(nodes));
			if (c.hosts() != null) {
				c.hosts()
					.stream()
					.filter(h -> h.name() != null && outside.refused(h.name()))
					.forEach(h -> refused.add("host:" + h.name()));
			}
			outside.hosts().forEach(h -> hostIps.put(h.name(), h.ip()));
			if (gcp) {
				buildVpc(nodes, nodeCidrs, underlay);
			}
			else {
				buildLan(nodeCidrs, network);
			}
			buildHosts(gcp);
		}

		/**
		 * Whether the nodes sit in a cloud network (outside hosts are on the Internet).
		 */
		private boolean cloud;

		/** The hosts outside the cluster, once placed. */
		private OutsideHosts outside;

		/**
		 * The address ranges the cluster uses, most specific first, each with where the
		 * file sets it: no outside host may have an address in them.
		 */
		private List<OutsideHosts.Range> clusterRanges(ScenarioDocument.Cluster c,
				List<ScenarioDocument.NodeSpec> nodes, Map<String, Cidr> nodeCidrs, Cidr clusterCidr, Cidr serviceCidr,
				Cidr underlay, boolean gcp, PodNetwork network) {
			List<OutsideHosts.Range> out = new ArrayList<>(nodeAddresses(nodes).values());
			for (int i = 0; i < nodes.size(); i++) {
				ScenarioDocument.NodeSpec n = nodes.get(i);
				if (gcp && externalIps.containsKey(n.name()) && nodeIps.containsKey(n.name())) {
					out.add(new OutsideHosts.Range(Cidr.host(externalIps.get(n.name())),
							"node " + n.name() + "'s external IP",
							n.externalIP() == null ? null : "/cluster/nodes/" + i + "/externalIP"));
				}
			}
			Map<String, Integer> objectIndex = new HashMap<>();
			List<Map<String, Object>> objs = doc.objects() == null ? List.of() : doc.objects();
			for (int k = 0; k < objs.size(); k++) {
				if (objs.get(k) != null && objs.get(k).get("metadata") instanceof Map<?, ?> md) {
					Object ns = md.get("namespace");
					objectIndex.putIfAbsent(
							objs.get(k).get("kind") + ":" + (ns == null ? "default" : ns) + "/" + md.get("name"), k);
				}
			}
			for (dev.packetwalk.kubeproxy.KubeService svc : services.services()) {
				Integer k = objectIndex.get("Service:" + svc.namespace() + "/" + svc.name());
				String at = k == null ? "" : "/objects/" + k;
				svc.loadBalancerIps()
					.forEach(ip -> out.add(new OutsideHosts.Range(Cidr.host(ip),
							"Service " + svc.ref() + "'s load-balancer address", at)));
				svc.externalIps()
					.forEach(ip -> out
						.add(new OutsideHosts.Range(Cidr.host(ip), "Service " + svc.ref() + "'s external IP", at)));
			}
			for (int i = 0; i < nodes.size(); i++) {
				ScenarioDocument.NodeSpec n = nodes.get(i);
				if (nodeCidrs.containsKey(n.name())) {
					out.add(new OutsideHosts.Range(nodeCidrs.get(n.name()).asNetwork(),
							"node " + n.name() + "'s pod CIDR",
							n.podCIDR() == null ? null : "/cluster/nodes/" + i + "/podCIDR"));
				}
			}
			if (network.slicesOneNetwork()) {
				out.add(new OutsideHosts.Range(clusterCidr.asNetwork(), "the cluster's pod network",
						c.podCIDR() == null ? null : "/cluster/podCIDR"));
			}
			out.add(new OutsideHosts.Range(serviceCidr.asNetwork(), "the service CIDR",
					c.serviceCIDR() == null ? null : "/cluster/serviceCIDR"));
			if (gcp) {
				out.add(new OutsideHosts.Range(underlay.asNetwork(), "the VPC subnet",
						c.cloud().vpcCIDR() == null ? null : "/cluster/cloud/vpcCIDR"));
				out.add(new OutsideHosts.Range(Cidr.parse("100.64.0.0/30"), "the VPC's link to the Internet", ""));
			}
			return out;
		}

		/** Each accepted node's address, with where the file sets it. */
		private Map<String, OutsideHosts.Range> nodeAddresses(List<ScenarioDocument.NodeSpec> nodes) {
			Map<String, OutsideHosts.Range> out = new LinkedHashMap<>();
			for (int i = 0; i < nodes.size(); i++) {
				ScenarioDocument.NodeSpec n = nodes.get(i);
				if (n.name() != null && nodeIps.containsKey(n.name()) && !out.containsKey(n.name())) {
					out.put(n.name(),
							new OutsideHosts.Range(Cidr.host(nodeIps.get(n.name())), "node " + n.name() + "'s address",
									n.internalIP() == null ? null : "/cluster/nodes/" + i + "/internalIP"));
				}
			}
			return out;
		}

		/** Every flow of the file: flows, then the timeline's. */
		private List<ScenarioDocument.FlowSpec> allFlowSpecs() {
			List<ScenarioDocument.FlowSpec> out = new ArrayList<>(doc.flows() == null ? List.of() : doc.flows());
			if (doc.timeline() != null) {
				doc.timeline().stream().filter(t -> t != null && t.flow() != null).forEach(t -> out.add(t.flow()));
			}
			return out;
		}

		/** The addresses pods and nodes have. */
		private Set<Ip> ownedAddresses() {
			Set<Ip> out = new java.util.HashSet<>(podIpsInUse);
			out.addAll(nodeIps.values());
			return out;
		}

		/** "a, b or c". */
		private static String oneOf(List<String> names) {
			return names.size() == 1 ? names.getFirst()
					: String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
		}

		/**
		 * L2 segments for clusters without a cloud network: one by default, several
		 * joined by a router if asked.
		 */
		private boolean readSegments(ScenarioDocument.Cluster c, Cidr underlay) {
			List<ScenarioDocument.SegmentSpec> specs = c.segments() == null || c.segments().isEmpty()
					? List.of(new ScenarioDocument.SegmentSpec(LAN, underlay.toString())) : c.segments();
			for (int k = 0; k < specs.size(); k++) {
				budget.check();
				ScenarioDocument.SegmentSpec seg = specs.get(k);
				String sat = "/cluster/segments/" + k;
				if (seg.name() == null || !ID.matcher(seg.name()).matches() || seg.name().length() > 12) {
					problems.error(sat + "/name",
							"every segment needs a short name (lower-case letters, digits, dashes; at most 12)");
					continue;
				}
				Cidr sc = seg.cidr() == null ? null : cidr(sat + "/cidr", seg.cidr());
				if (sc == null) {
					if (seg.cidr() == null) {
						problems.error(sat + "/cidr", "segment " + seg.name() + " needs a cidr such as 192.168.1.0/24");
					}
					continue;
				}
				segments.put(seg.name(), sc.asNetwork());
			}
			return !segments.isEmpty();
		}

		/**
		 * Every node's address on its segment (or subnet) and its pod CIDR; the valid
		 * nodes' pod CIDRs, in order.
		 */
		private Map<String, Cidr> allocateNodes(List<ScenarioDocument.NodeSpec> nodes, Cidr underlay, boolean cloudGcp,
				PodNetwork network) {
			Map<String, Integer> perSegment = new HashMap<>();
			Map<String, Cidr> nodeCidrs = new LinkedHashMap<>();
			for (int i = 0; i < nodes.size(); i++) {
				budget.check();
				ScenarioDocument.NodeSpec n = nodes.get(i);
				String at = "/cluster/nodes/" + i;
				if (n.name() == null || !ID.matcher(n.name()).matches()) {
					problems.error(at + "/name", "every node needs a name of lower-case letters, digits and dashes");
					continue;
				}
				if (nodeCidrs.containsKey(n.name())) {
					problems.error(at + "/name", "two nodes are named " + n.name());
					continue;
				}
				Cidr podCidr = n.podCIDR() == null ? Cidr.parse("10.244." + (i + 1) + ".0/24")
						: cidr(at + "/podCIDR", n.podCIDR());
				Cidr subnet = underlay;
				if (!cloudGcp) {
					String segName = n.segment() == null ? segments.keySet().iterator().next() : n.segment();
					subnet = segments.get(segName);
					if (subnet == null) {
						problems.error(at + "/segment",
								"unknown segment '" + segName + "'" + Problems.didYouMean(segName, segments.keySet()));
						continue;
					}
					nodeSegments.put(n.name(), segName);
				}
				int index = perSegment.merge(subnet.toString(), 1, Integer::sum);
				Ip ip = n.internalIP() == null ? subnet.nth(1 + index) : ip(at + "/internalIP", n.internalIP());
				if (podCidr == null || ip == null) {
					continue;
				}
				if (!subnet.contains(ip)) {
					problems.error(at + "/internalIP",
							"node address " + ip + " is outside its network " + subnet.asNetwork());
					continue;
				}
				// (Docker hosts each have their own, unrouted 172.17.0.0/16)
				String overlapping = network.slicesOneNetwork() ? overlapping(nodeCidrs, podCidr) : null;
				if (overlapping != null) {
					problems.error(at + "/podCIDR",
							"pod CIDR " + podCidr + " overlaps node " + overlapping + "'s " + nodeCidrs.get(overlapping)
									+ ": every node needs its own slice of the pod network (the routes to"
									+ " them would conflict)");
					continue;
				}
				nodeSubnets.put(n.name(), subnet);
				Ip ext = n.externalIP() == null ? Ip.parse("198.51.100." + (10 + i))
						: ip(at + "/externalIP", n.externalIP());
				if (ext == null) {
					continue;
				}
				nodeCidrs.put(n.name(), podCidr);
				nodeIps.put(n.name(), ip);
				externalIps.put(n.name(), ext);
			}
			for (int i = 0; i < nodes.size(); i++) {
				String name = nodes.get(i).name();
				if (name != null && !nodeCidrs.containsKey(name)) {
					refused.add("node:" + name);
				}
				if (name != null && problems.schemaRejectedWithin("/cluster/nodes/" + i)) {
					taintedNodes.add(name);
				}
			}
			return nodeCidrs;
		}

		/**
		 * A pod to build and where its fields are written: a {@code cluster.pods} entry,
		 * or a pod a workload manifest in {@code objects} makes (its name is the
		 * manifest's, its node its template's nodeName or the placement's, its containers
		 * its template's).
		 */
		private record PodSource(ScenarioDocument.PodSpec spec, String nameAt, String nodeAt, String ipAt,
				String containersAt, String owner) {

			/** The place to name in another pod's clash error. */
			String where() {
				return owner == null ? Problems.displayPath(nameAt.substring(0, nameAt.lastIndexOf('/'))) : owner;
			}

		}

		/**
		 * Every pod the scenario defines, in the order they are built: cluster.pods, then
		 * the pods of the workload manifests in objects.
		 */
		private final List<ScenarioDocument.PodSpec> allPods = new ArrayList<>();

		/**
		 * {@code namespace/name-} prefixes of the pods of workloads whose manifest was
		 * refused.
		 */
		private final java.util.Set<String> refusedWorkloads = new java.util.HashSet<>();

		private List<PodSource> podSources(ScenarioDocument.Cluster c, java.util.Set<String> nodes) {
			List<PodSource> out = new ArrayList<>();
			List<ScenarioDocument.PodSpec> pods = c.pods() == null ? List.of() : c.pods();
			for (int i = 0; i < pods.size(); i++) {
				String at = "/cluster/pods/" + i;
				ScenarioDocument.PodSpec p = pods.get(i);
				out.add(new PodSource(p, at + "/name", at + "/node", at + "/ip", at, null));
			}
			List<Map<String, Object>> objects = doc.objects() == null ? List.of() : doc.objects();
			if (objects.stream().anyMatch(o -> o != null && Workloads.KINDS.contains(String.valueOf(o.get("kind"))))) {
				java.util.Set<String> refusedNodes = new java.util.HashSet<>();
				refused.stream().filter(r -> r.startsWith("node:")).forEach(r -> refusedNodes.add(r.substring(5)));
				Workloads workloads = new Workloads(yamlMapper, problems, budget);
				for (Workloads.Made m : workloads.read(objects, nodes, refusedNodes, limits.maxPods() - pods.size())) {
					out.add(new PodSource(m.spec(), m.objectAt() + "/metadata/name", m.specAt() + "/nodeName",
							m.objectAt(), m.specAt(), m.owner()));
				}
				refusedWorkloads.addAll(workloads.refusedPrefixes());
			}
			return out;
		}

		/** Every pod's address in its node's pod CIDR, its listeners and named ports. */
		private void allocatePods(List<PodSource> sources, Map<String, Cidr> nodeCidrs,
				Map<String, List<PodPlan>> podsByNode) {
			java.util.Set<Ip> pinned = new java.util.HashSet<>();
			for (PodSource s : sources) {
				if (s.spec().ip() != null) {
					try {
						pinned.add(Ip.parse(s.spec().ip()));
					}
					catch (IllegalArgumentException ex) {
						// reported at the pod
					}
				}
			}
			Map<String, PodSource> byKey = new HashMap<>();
			for (PodSource source : sources) {
				budget.check();
				ScenarioDocument.PodSpec p = source.spec();
				allPods.add(p);
				String at = source.containersAt();
				if (p.name() == null || !ID.matcher(p.name()).matches()) {
					problems.error(source.nameAt(),
							source.owner() == null ? "every pod needs a name of lower-case letters, digits and dashes"
									: "pod names are lower-case letters, digits and dashes here: " + source.owner()
											+ " would make '" + p.name() + "'");
					continue;
				}
				String k8sNs = p.namespace() == null ? "default" : p.namespace();
				String key = k8sNs + "/" + p.name();
				if (podNs.containsKey(key)) {
					PodSource first = byKey.get(key);
					problems.error(source.nameAt(), source.owner() == null && first.owner() == null
							? "two pods are named " + key + " (the first at line " + problems.line(first.nameAt()) + ")"
							: "pod " + key + (source.owner() == null ? "" : " (made by " + source.owner() + ")")
									+ " clashes with the pod of that name "
									+ (first.owner() == null ? "in " : "made by ") + first.where() + " (line "
									+ problems.line(first.nameAt()) + "): pod names are unique within a namespace");
					continue;
				}
				if (p.node() == null || !nodeCidrs.containsKey(p.node())) {
					if (p.node() == null || !refused.contains("node:" + p.node())) {
						problems.error(source.nodeAt(),
								p.node() == null ? "pod " + p.name() + " needs a node" : "unknown node '" + p.node()
										+ "'" + Problems.didYouMean(p.node(), nodeCidrs.keySet()));
					}
					refused.add("pod:" + key);
					continue;
				}
				Cidr podCidr = nodeCidrs.get(p.node());
				List<PodPlan> onNode = podsByNode.get(p.node());
				Ip ip;
				if (p.ip() == null) {
					long next = 2 + onNode.size();
					// the next address by count, past any that a pod already has or asks
					// for
					while (next < podCidr.size() - 1 && (podIpsInUse.contains(podCidr.nth((int) next))
							|| pinned.contains(podCidr.nth((int) next)))) {
						next++;
					}
					if (next >= podCidr.size() - 1) {
						refused.add("pod:" + key);
						problems.error(source.nodeAt(),
								"node " + p.node() + "'s pod CIDR " + podCidr + " has no free address left for pod "
										+ p.name() + " (" + Math.max(0, podCidr.size() - 3)
										+ " pods fit): give the node a larger podCIDR");
						continue;
					}
					ip = podCidr.nth((int) next);
				}
				else {
					ip = ip(source.ipAt(), p.ip());
					if (ip == null) {
						refused.add("pod:" + key);
						continue;
					}
					if (!podCidr.contains(ip)) {
						if (!taintedNodes.contains(p.node())) {
							// (a node the schema rejected part of has a default pod CIDR:
							// its error is the cause)
							problems.error(source.ipAt(),
									"pod IP " + ip + " is outside node " + p.node() + "'s pod CIDR " + podCidr);
						}
						refused.add("pod:" + key);
						continue;
					}
				}
				if (!podIpsInUse.add(ip)) {
					problems.error(source.ipAt(), "address " + ip + " is already used by another pod");
					refused.add("pod:" + key);
					continue;
				}
				byKey.put(key, source);
				podNs.put(key, key);
				podIps.put(key, ip);
				List<String> names = new ArrayList<>();
				if (p.containers() != null) {
					p.containers().forEach(cs -> {
						if (cs.name() != null) {
							names.add(cs.name());
						}
					});
				}
				containers.put(key, names);
				Map<String, Integer> named = new LinkedHashMap<>();
				Map<String, dev.packetwalk.netpol.PortProto> namedProtos = new LinkedHashMap<>();
				if (p.containers() != null) {
					for (ScenarioDocument.ContainerSpec cs : p.containers()) {
						if (cs.ports() != null) {
							for (ScenarioDocument.PortSpec ps : cs.ports()) {
								if (ps.name() != null && ps.containerPort() != null) {
									named.put(ps.name(), ps.containerPort());
									try {
										namedProtos.put(ps.name(), new dev.packetwalk.netpol.PortProto(
												ps.containerPort(),
												ps.protocol() == null ? Protocol.TCP : Protocol.parse(ps.protocol())));
									}
									catch (IllegalArgumentException ex) {
										// reported by listeners()
									}
								}
							}
						}
					}
				}
				onNode.add(new PodPlan(key, p.name(), k8sNs, p.node(), ip, listeners(at, p), named,
						p.labels() == null ? Map.of() : p.labels(), p.ready() == null || p.ready(),
						terminating.contains(key)));
				policyPods.add(new dev.packetwalk.netpol.PolicyPod(k8sNs, p.name(),
						p.labels() == null ? Map.of() : p.labels(), ip, p.node(), namedProtos));
			}
		}

		/**
		 * Services (and the rule limit of the proxy mode), the objects kept for
		 * reference, NetworkPolicies.
		 */
		private boolean readServices(ScenarioDocument.Cluster c, Cidr serviceCidr,
				Map<String, List<PodPlan>> podsByNode, PodNetwork network, ProxyMode proxy, int nodeCount) {
			List<ClusterServices.PodInfo> podInfos = new ArrayList<>();
			podsByNode.values()
				.forEach(list -> list.forEach(pp -> podInfos.add(new ClusterServices.PodInfo(pp.namespace(), pp.name(),
						pp.node(), pp.ip(), pp.labels(), pp.namedPorts(), pp.ready(), pp.terminating()))));
			List<String> faults = doc.faults() == null ? List.of() : doc.faults();
			for (int k = 0; k < faults.size(); k++) {
				if (!ScenarioDocument.FAULTS.contains(faults.get(k))) {
					problems.error("/faults/" + k, "unknown fault '" + faults.get(k) + "'"
							+ Problems.didYouMean(faults.get(k), ScenarioDocument.FAULTS));
				}
			}
			services = new ClusterServices(yamlMapper, problems);
			services.faults(faults);
			services.budget(budget);
			services.read(doc.objects() == null ? List.of() : doc.objects(), serviceCidr, podInfos);
			if (network.runsKubeProxy() && proxy.writesServiceRules()) {
				long rules = services.estimatedRulesPerNode() * nodeCount;
				if (rules > limits.maxRules()) {
					problems.error("/objects",
							"the Services make kube-proxy write at least " + rules + " rules over " + nodeCount
									+ " nodes, more than the limit of " + limits.maxRules() + " (setting "
									+ ScenarioLimits.setting("max-rules") + ")");
					return false;
				}
			}
			List<Map<String, Object>> objs = doc.objects() == null ? List.of() : doc.objects();
			for (int k = 0; k < objs.size(); k++) {
				budget.check();
				Object kind = objs.get(k) == null ? null : objs.get(k).get("kind");
				if (!Set.of("Service", "EndpointSlice", "NetworkPolicy", "Namespace").contains(String.valueOf(kind))
						&& !Workloads.KINDS.contains(String.valueOf(kind))) {
					problems.warning("/objects/" + k + "/kind",
							"kind " + kind + " is kept for reference only: the model acts on Service, EndpointSlice,"
									+ " NetworkPolicy, Pod, Deployment, StatefulSet and DaemonSet (and Namespace labels"
									+ " under cluster.namespaces)");
				}
			}
			readPolicies(c);
			return true;
		}

		/**
		 * kubelet's {@code hairpinMode} for the pods' bridge ports: {@code hairpin-veth}
		 * sets each pod veth's hairpin flag (as the CNI bridge plugin's
		 * {@code hairpinMode: true} does for flannel), {@code none} leaves it off. The
		 * default is on for the kubenet and flannel bridges, off for Docker's bridge.
		 */
		private boolean hairpinMode(ScenarioDocument.Cluster c, PodNetwork network) {
			if (c.hairpinMode() == null) {
				return network.defaultHairpin();
			}
			return switch (c.hairpinMode()) {
				case "hairpin-veth" -> true;
				case "none" -> false;
				case "promiscuous-bridge" -> {
					problems
						.error("/cluster/hairpinMode", "hairpinMode promiscuous-bridge is not modelled (the bridge in"
								+ " promiscuous mode hands hairpin frames up to the node's stack, which routes them back out):"
								+ " use hairpin-veth (the port's hairpin flag) or none");
					yield network.defaultHairpin();
				}
				default -> {
					problems.error("/cluster/hairpinMode",
							"hairpinMode must be hairpin-veth or none, was '" + c.hairpinMode() + "'" + Problems
								.didYouMean(c.hairpinMode(), List.of("hairpin-veth", "none", "promiscuous-bridge")));
					yield network.defaultHairpin();
				}
			};
		}

		/** ip-masq-agent's non-masquerade CIDRs, or null without the agent. */
		private List<Cidr> ipMasqAgent(ScenarioDocument.Cluster c) {
			List<Cidr> nonMasq = null;
			if (c.ipMasqAgent() != null) {
				nonMasq = new ArrayList<>();
				List<String> list = c.ipMasqAgent().nonMasqueradeCIDRs() == null
						? List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
						: c.ipMasqAgent().nonMasqueradeCIDRs();
				for (int k = 0; k < list.size(); k++) {
					Cidr cc = cidr("/cluster/ipMasqAgent/nonMasqueradeCIDRs/" + k, list.get(k));
					if (cc != null) {
						nonMasq.add(cc);
					}
				}
			}
			return nonMasq;
		}

		/**
		 * One node: its uplink, the pod bridge, what the pod network adds, its pods, and
		 * its rules.
		 */
		private void buildNode(ScenarioDocument.NodeSpec spec, Cidr podCidr, Map<String, Cidr> nodeCidrs,
				List<PodPlan> pods, boolean gcp, int podMtu, PodNetwork network, ProxyMode proxy, Cidr clusterCidr,
				List<Cidr> nonMasq, KubeProxySettings kubeProxy, boolean hairpin) {
			String node = spec.name();
			Ip gw = podCidr.nth(1);
			List<Device> devs = new ArrayList<>();
			List<Route> routes = new ArrayList<>();
			devs.add(loopback());
			Device.Endpoint uplinkPeer = gcp ? new Device.Endpoint(VPC, "vm-" + shortName(node))
					: new Device.Endpoint(nodeSegments.get(node), "port-" + shortName(node));
			Cidr uplinkAddr = gcp ? Cidr.host(nodeIps.get(node))
					: new Cidr(nodeIps.get(node), nodeSubnet(node).prefix());
			int uplinkMtu = spec.mtu() == null ? 1500 : spec.mtu();
			devs.add(new Device.Physical("eth0", Mac.derive(node + "/eth0"), uplinkMtu, List.of(uplinkAddr), null,
					uplinkPeer));
			if (gcp) {
				// a GCE instance: a /32 address, the subnet gateway on-link, everything
				// else via the gateway
				routes.add(new Route(Cidr.host(vpcGateway), null, "eth0", false, "dhcp", null, 0));
				routes.add(new Route(Cidr.parse("0.0.0.0/0"), vpcGateway, "eth0", false, "dhcp", null, 0));
			}
			else {
				// on a plain L2 segment the nodes still have a default gateway (.1);
				// nothing in the model answers for it
				routes
					.add(new Route(Cidr.parse("0.0.0.0/0"), nodeSubnet(node).nth(1), "eth0", false, "static", null, 0));
			}
			String bridge = network.bridge();
			devs.add(new Device.Bridge(bridge, Mac.derive(node + "/" + bridge), 1500,
					List.of(new Cidr(gw, podCidr.prefix())), null));
			List<Neighbor> neighbors = new ArrayList<>();
			network.addToNode(new PodNetwork.NodeDatapath(node, nodeCidrs, nodeIps, nodeSubnet(node), problems, devs,
					routes, neighbors));
			for (PodPlan pod : pods) {
				budget.check();
				String veth = Mac.vethName(pod.key());
				devs.add(new Device.Veth(veth, Mac.derive(node + "/" + veth), 1500, List.of(), bridge,
						new Device.Endpoint(pod.key(), "eth0"), hairpin));
				namespaces.add(new Namespace(pod.key(), node, Namespace.Kind.POD, pod.name(),
						List.of(loopback(), new Device.Veth("eth0", Mac.derive(pod.key() + "/eth0"), podMtu,
								List.of(new Cidr(pod.ip(), podCidr.prefix())), null, new Device.Endpoint(node, veth))),
						List.of(Route.via(Cidr.parse("0.0.0.0/0"), gw, "eth0")), List.of(), "", false, false,
						pod.listeners()));
			}
			boolean forward = spec.ipForward() == null || spec.ipForward();
			java.util.Optional<String> own = network.ownRules(podCidr, publishedPorts(pods));
			ProxyMode.NodeProxy np = new ProxyMode.NodeProxy(services, node, nodeIps.get(node), clusterCidr, nonMasq,
					devs, ipvsStates, kubeProxy, podCidr);
			String rules = own.orElseGet(() -> proxy.nodeRules(np));
			String nft = own.isPresent() ? "" : proxy.nodeNftables(np);
			namespaces.add(new Namespace(node, node, Namespace.Kind.NODE, node, devs, routes, neighbors, rules, forward,
					true, List.of(new Listener(Protocol.TCP, 10250, "kubelet")), nft));
		}

		/** The node whose pod CIDR overlaps this one, or null. */
		private static String overlapping(Map<String, Cidr> nodeCidrs, Cidr cidr) {
			for (Map.Entry<String, Cidr> e : nodeCidrs.entrySet()) {
				if (e.getValue().contains(cidr.network()) || cidr.contains(e.getValue().network())) {
					return e.getKey();
				}
			}
			return null;
		}

		private static final String LAN = "lan";

		private static final String VPC = "vpc";

		private static final String INTERNET = "internet";

		private static final String ROUTER = "router";

		private final Map<String, Cidr> segments = new LinkedHashMap<>();

		private final Map<String, String> nodeSegments = new LinkedHashMap<>();

		private final Map<String, Cidr> nodeSubnets = new LinkedHashMap<>();

		private final List<Ip> loadBalancerIps = new ArrayList<>();

		private Ip vpcGateway;

		private final Map<String, Ip> externalIps = new LinkedHashMap<>();

		/**
		 * The host ports a node's containers publish (dockerd DNATs them), matched by pod
		 * name as Docker names them.
		 */
		private List<PodNetwork.PublishedPort> publishedPorts(List<PodPlan> containersOnHost) {
			List<PodNetwork.PublishedPort> out = new ArrayList<>();
			for (PodPlan c : containersOnHost) {
				for (ScenarioDocument.PodSpec spec : allPods) {
					if (!c.name().equals(spec.name()) || spec.containers() == null) {
						continue;
					}
					for (ScenarioDocument.ContainerSpec cs : spec.containers()) {
						for (ScenarioDocument.PortSpec ps : cs.ports() == null ? List.<ScenarioDocument.PortSpec>of()
								: cs.ports()) {
							if (ps.hostPort() != null && ps.containerPort() != null
									&& !"SCTP".equalsIgnoreCase(ps.protocol())) {
								out.add(new PodNetwork.PublishedPort(
										ps.protocol() == null ? "tcp" : lower(ps.protocol()), ps.hostPort(), c.ip(),
										ps.containerPort()));
							}
						}
					}
				}
			}
			return out;
		}

		private final List<dev.packetwalk.netpol.PolicyPod> policyPods = new ArrayList<>();

		private final Map<String, dev.packetwalk.kubeproxy.IpvsState> ipvsStates = new LinkedHashMap<>();

		private dev.packetwalk.netpol.PolicyEngine policyEngine;

		/**
		 * NetworkPolicy manifests, read as the real networking/v1 types and compiled with
		 * their semantics.
		 */
		private void readPolicies(ScenarioDocument.Cluster c) {
			List<Map<String, Object>> objects = doc.objects() == null ? List.of() : doc.objects();
			List<dev.packetwalk.netpol.Policy> policies = new ArrayList<>();
			for (int k = 0; k < objects.size(); k++) {
				budget.check();
				Map<String, Object> o = objects.get(k);
				if (o == null || !"NetworkPolicy".equals(o.get("kind"))) {
					continue;
				}
				try {
					policies
						.add(dev.packetwalk.netpol.PolicyCompiler.compile(dev.packetwalk.netpol.PolicyYaml.convert(o)));
				}
				catch (dev.packetwalk.netpol.PolicyException ex) {
					for (String problem : ex.problems()) {
						problems.error("/objects/" + k, problem);
					}
				}
				catch (RuntimeException ex) {
					problems.error("/objects/" + k,
							"this NetworkPolicy does not read as networking.k8s.io/v1: " + ex.getMessage());
				}
			}
			if (policies.isEmpty()) {
				return;
			}
			Map<String, Map<String, String>> nsLabels = new java.util.TreeMap<>();
			if (c.namespaces() != null) {
				for (ScenarioDocument.NamespaceSpec n : c.namespaces()) {
					if (n.name() != null) {
						nsLabels.put(n.name(), n.labels() == null ? Map.of() : n.labels());
					}
				}
			}
			policyPods.forEach(pp -> nsLabels.putIfAbsent(pp.namespace(), Map.of()));
			policies.forEach(pl -> nsLabels.putIfAbsent(pl.namespace(), Map.of()));
			List<dev.packetwalk.netpol.PolicyNamespace> nss = new ArrayList<>();
			nsLabels.forEach((name, labels) -> nss.add(dev.packetwalk.netpol.PolicyNamespace.of(name, labels)));
			Map<String, List<Ip>> ips = new LinkedHashMap<>();
			// "its own node" is every address of the node: the one it reaches its pods
			// from is on the pod bridge
			nodeIps.forEach((node, ip) -> ips.put(node,
					podCidrs.containsKey(node) ? List.of(ip, podCidrs.get(node).nth(1)) : List.of(ip)));
			try {
				policyEngine = new dev.packetwalk.netpol.PolicyEngine(nss, policyPods, policies, ips);
			}
			catch (dev.packetwalk.netpol.PolicyException ex) {
				ex.problems().forEach(pr -> problems.error("/objects", pr));
			}
			catch (IllegalArgumentException ex) {
				problems.error("/objects", ex.getMessage());
			}
		}

		private static Device loopback() {
			return new Device.Loopback("lo", Mac.ZERO, 65536, List.of(Cidr.parse("127.0.0.1/8")), null);
		}

		/** The node specs by name (the first of each name), built on first use. */
		private Map<String, ScenarioDocument.NodeSpec> nodeSpecs;

		private ScenarioDocument.NodeSpec nodeSpec(List<ScenarioDocument.NodeSpec> nodes, String name) {
			if (nodeSpecs == null) {
				nodeSpecs = new HashMap<>();
				for (ScenarioDocument.NodeSpec n : nodes) {
					if (n.name() != null) {
						nodeSpecs.putIfAbsent(n.name(), n);
					}
				}
			}
			ScenarioDocument.NodeSpec n = nodeSpecs.get(name);
			if (n == null) {
				throw new IllegalStateException("node " + name + " was accepted but has no spec");
			}
			return n;
		}

		/**
		 * Each L2 segment is a switch (a namespace holding a bridge) joining the uplinks
		 * of its nodes and the outside hosts whose address is in it. With several
		 * segments, or hosts outside every segment, a router owns the .1 of each segment
		 * (the nodes' default gateway), forwards between them and has a port per host
		 * behind it; with kubenet it also routes each node's pod CIDR to the node (what a
		 * cloud's route table does; "the router's business").
		 */
		private void buildLan(Map<String, Cidr> nodeCidrs, PodNetwork network) {
			List<OutsideHosts.Host> hosts = outside.hosts();
			List<OutsideHosts.Host> behind = hosts.stream().filter(h -> h.segment() == null).toList();
			boolean routed = segments.size() > 1 || !behind.isEmpty();
			List<Device> routerDevs = new ArrayList<>();
			List<Route> routerRoutes = new ArrayList<>();
			for (Map.Entry<String, Cidr> seg : segments.entrySet()) {
				String sw = seg.getKey();
				String rport = "to-" + (sw.length() > 12 ? sw.substring(0, 12) : sw);
				List<Device> devices = new ArrayList<>();
				devices.add(new Device.Bridge("br0", Mac.derive(sw + "/br0"), 1500, List.of(), null));
				for (String node : nodeCidrs.keySet()) {
					if (!sw.equals(nodeSegments.get(node))) {
						continue;
					}
					String port = "port-" + shortName(node);
					devices.add(new Device.Veth(port, Mac.derive(sw + "/" + port), 1500, List.of(), "br0",
							new Device.Endpoint(node, "eth0")));
					if (routed && network instanceof PodNetwork.Kubenet) {
						routerRoutes
							.add(new Route(nodeCidrs.get(node), nodeIps.get(node), rport, false, "static", null, 0));
					}
				}
				for (OutsideHosts.Host h : hosts) {
					if (sw.equals(h.segment())) {
						devices.add(new Device.Veth(h.port(), Mac.derive(sw + "/" + h.port()), 1500, List.of(), "br0",
								new Device.Endpoint(h.id(), "eth0")));
					}
				}
				if (routed) {
					devices.add(new Device.Veth("port-router", Mac.derive(sw + "/port-router"), 1500, List.of(), "br0",
							new Device.Endpoint(ROUTER, rport)));
					routerDevs.add(new Device.Veth(rport, Mac.derive(ROUTER + "/" + rport), 1500,
							List.of(new Cidr(seg.getValue().nth(1), seg.getValue().prefix())), null,
							new Device.Endpoint(sw, "port-router")));
				}
				namespaces.add(new Namespace(sw, sw, Namespace.Kind.SWITCH, "L2 segment " + seg.getValue(), devices,
						List.of(), List.of(), "", false, false, List.of()));
			}
			if (routed) {
				for (OutsideHosts.Host h : behind) {
					routerDevs.add(new Device.Veth(h.port(), Mac.derive(ROUTER + "/" + h.port()), 1500,
							List.of(Cidr.host(h.gateway())), null, new Device.Endpoint(h.id(), "eth0")));
					routerRoutes.add(new Route(Cidr.host(h.ip()), null, h.port(), false, "static", null, 0));
				}
				routerDevs.add(0, loopback());
				String label = segments.size() > 1 ? "router between the node segments" : "the nodes' gateway router";
				namespaces.add(new Namespace(ROUTER, ROUTER, Namespace.Kind.ROUTER, label, routerDevs, routerRoutes,
						List.of(), "", true, false, List.of()));
			}
		}

		private Cidr nodeSubnet(String node) {
			return nodeSubnets.get(node);
		}

		/**
		 * A GCP-style VPC as a router: one port per instance (the instance's gateway
		 * address on each), a route per instance and per node pod CIDR, anti-spoofing for
		 * instances without canIpForward, and the 1:1 NAT between internal and external
		 * addresses at the edge toward the internet.
		 */
		private void buildVpc(List<ScenarioDocument.NodeSpec> nodes, Map<String, Cidr> nodeCidrs, Cidr underlay) {
			List<Device> devices = new ArrayList<>();
			List<Route> routes = new ArrayList<>();
			StringBuilder nat = new StringBuilder();
			StringBuilder filter = new StringBuilder();
			List<String> internal = new ArrayList<>();
			int i = 0;
			for (Map.Entry<String, Cidr> e : nodeCidrs.entrySet()) {
				String node = e.getKey();
				ScenarioDocument.NodeSpec spec = nodeSpec(nodes, node);
				String port = "vm-" + shortName(node);
				Ip ip = nodeIps.get(node);
				devices.add(new Device.Veth(port, Mac.derive(VPC + "/" + port), 1500, List.of(Cidr.host(vpcGateway)),
						null, new Device.Endpoint(node, "eth0")));
				routes.add(new Route(Cidr.host(ip), null, port, false, "static", null, 0));
				routes.add(new Route(e.getValue(), ip, port, false, "static", null, 0));
				Ip ext = externalIps.get(node);
				nat.append("-A PREROUTING -d ")
					.append(ext)
					.append("/32 -i wan -m comment --comment \"1:1 NAT ")
					.append(node)
					.append(" external IP\" -j DNAT --to-destination ")
					.append(ip)
					.append('\n');
				nat.append("-A POSTROUTING -s ")
					.append(ip)
					.append("/32 -o wan -m comment --comment \"1:1 NAT ")
					.append(node)
					.append(" external IP\" -j SNAT --to-source ")
					.append(ext)
					.append('\n');
				if (spec.canIpForward() != null && !spec.canIpForward()) {
					filter.append("-A FORWARD ! -s ")
						.append(ip)
						.append("/32 -i ")
						.append(port)
						.append(" -m comment --comment \"anti-spoofing: ")
						.append(node)
						.append(" may only send from its own address (canIpForward=false)\" -j DROP\n");
				}
				internal.add(ip + "/32");
				i++;
			}
			for (String src : internal) {
				filter.append("-A FORWARD -s ")
					.append(src)
					.append(" -o wan -m comment --comment \"1:1 NAT knows this instance\" -j ACCEPT\n");
			}
			// network load balancers: a forwarding rule per LoadBalancer ingress IP, ECMP
			// over the nodes that pass the
			// health check (all of them with externalTrafficPolicy Cluster; only those
			// with a local endpoint with Local)
			for (dev.packetwalk.kubeproxy.KubeService svc : services.services()) {
				if (svc.loadBalancerIps().isEmpty()) {
					continue;
				}
				boolean local = svc.externalTrafficPolicy() == dev.packetwalk.kubeproxy.TrafficPolicy.LOCAL;
				List<Route.Nexthop> hops = new ArrayList<>();
				for (String node : nodeCidrs.keySet()) {
					long localReady = services.endpoints()
						.getOrDefault(svc.ref(), List.of())
						.stream()
						.filter(ep -> ep.ready() && ep.isLocal(node))
						.count();
					boolean healthy = !local || localReady > 0;
					String note = local ? (healthy
							? node + ": health check on node port " + svc.healthCheckNodePort() + " passes, "
									+ localReady + " local endpoint" + (localReady == 1 ? "" : "s")
							: node + ": health check on node port " + svc.healthCheckNodePort()
									+ " fails (503), no local endpoint")
							: node + ": healthy";
					hops.add(new Route.Nexthop(nodeIps.get(node), "vm-" + shortName(node), note, !healthy));
				}
				for (Ip lb : svc.loadBalancerIps()) {
					if (hops.stream().allMatch(Route.Nexthop::dead)) {
						problems.warning("/objects",
								"load balancer " + lb + " of " + svc.ref() + " has no healthy node");
						continue;
					}
					routes.add(Route.multipath(Cidr.host(lb), "static", hops));
					filter.append("-A FORWARD -s ")
						.append(lb)
						.append("/32 -o wan -m comment --comment \"load balancer ")
						.append(svc.namespace())
						.append('/')
						.append(svc.name())
						.append(" replies\" -j ACCEPT\n");
					loadBalancerIps.add(lb);
				}
			}
			filter.append("-A FORWARD -o wan -m comment --comment \"1:1 NAT only knows instance addresses\" -j DROP\n");
			devices.add(new Device.Veth("wan", Mac.derive(VPC + "/wan"), 1500, List.of(Cidr.parse("100.64.0.1/30")),
					null, new Device.Endpoint(INTERNET, "vpc")));
			routes.add(new Route(Cidr.parse("0.0.0.0/0"), Ip.parse("100.64.0.2"), "wan", false, "static", null, 0));
			String rules = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
					+ nat + "COMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
					+ filter + "COMMIT\n";
			devices.add(0, loopback());
			namespaces.add(new Namespace(VPC, VPC, Namespace.Kind.ROUTER, "VPC network " + underlay.asNetwork(),
					devices, routes, List.of(), rules, true, false, List.of()));
		}

		/**
		 * The outside hosts' namespaces; with a cloud network, the Internet router
		 * (always: the VPC's edge links to it) they sit behind (its link to the VPC's
		 * edge, a route to every node's external IP and load balancer, a port per host).
		 * Without one, buildLan has plugged them into their segment or the router.
		 */
		private void buildHosts(boolean gcp) {
			List<OutsideHosts.Host> hosts = outside.hosts();
			if (!gcp && hosts.isEmpty()) {
				return;
			}
			List<Device> inet = new ArrayList<>();
			List<Route> inetRoutes = new ArrayList<>();
			inet.add(loopback());
			inet.add(new Device.Veth("vpc", Mac.derive(INTERNET + "/vpc"), 1500, List.of(Cidr.parse("100.64.0.2/30")),
					null, new Device.Endpoint(VPC, "wan")));
			for (Ip ext : externalIps.values()) {
				inetRoutes.add(new Route(Cidr.host(ext), Ip.parse("100.64.0.1"), "vpc", false, "static", null, 0));
			}
			for (Ip lb : loadBalancerIps) {
				inetRoutes.add(new Route(Cidr.host(lb), Ip.parse("100.64.0.1"), "vpc", false, "static", null, 0));
			}
			for (OutsideHosts.Host h : hosts) {
				String peer = h.segment() != null ? h.segment() : gcp ? INTERNET : ROUTER;
				if (gcp) {
					inet.add(new Device.Veth(h.port(), Mac.derive(INTERNET + "/" + h.port()), 1500,
							List.of(Cidr.host(h.gateway())), null, new Device.Endpoint(h.id(), "eth0")));
					inetRoutes.add(new Route(Cidr.host(h.ip()), null, h.port(), false, "static", null, 0));
				}
				Cidr addr = h.segment() != null ? new Cidr(h.ip(), segments.get(h.segment()).prefix())
						: Cidr.host(h.ip());
				List<Route> routes = h.segment() != null
						? List.of(new Route(Cidr.parse("0.0.0.0/0"), h.gateway(), "eth0", false, "static", null, 0))
						: List.of(new Route(Cidr.host(h.gateway()), null, "eth0", false, "static", null, 0),
								new Route(Cidr.parse("0.0.0.0/0"), h.gateway(), "eth0", false, "static", null, 0));
				namespaces.add(new Namespace(h.id(), h.id(), Namespace.Kind.HOST, h.label(),
						List.of(loopback(),
								new Device.Veth("eth0", Mac.derive(h.id() + "/eth0"), 1500, List.of(addr), null,
										new Device.Endpoint(peer, h.port()))),
						routes, List.of(), "", false, false, h.listen()));
			}
			if (gcp) {
				namespaces.add(new Namespace(INTERNET, INTERNET, Namespace.Kind.ROUTER, "the Internet", inet,
						inetRoutes, List.of(), "", true, false, List.of()));
			}
		}

		private List<Listener> listeners(String at, ScenarioDocument.PodSpec p) {
			List<Listener> out = new ArrayList<>();
			if (p.containers() == null) {
				return out;
			}
			for (int ci = 0; ci < p.containers().size(); ci++) {
				ScenarioDocument.ContainerSpec c = p.containers().get(ci);
				if (c.ports() == null) {
					continue;
				}
				for (int pi = 0; pi < c.ports().size(); pi++) {
					ScenarioDocument.PortSpec port = c.ports().get(pi);
					String pat = at + "/containers/" + ci + "/ports/" + pi;
					if (port.containerPort() == null || port.containerPort() < 1 || port.containerPort() > 65535) {
						problems.error(pat + "/containerPort", "containerPort must be 1..65535");
						continue;
					}
					if (port.hostPort() != null && !"docker".equals(doc.cluster().network())) {
						problems.warning(pat + "/hostPort", "hostPort is ignored: only network: docker publishes a"
								+ " container port on the host here (the CNI portmap plugin is not modelled)");
					}
					Protocol proto = protocol(pat + "/protocol", port.protocol());
					if (proto == Protocol.ICMP) {
						problems.error(pat + "/protocol",
								"a container port's protocol must be TCP, UDP or SCTP, was '" + port.protocol() + "'");
						proto = null;
					}
					if (proto != null) {
						out.add(new Listener(proto, port.containerPort(),
								"container " + (c.name() == null ? p.name() : c.name())));
					}
				}
			}
			return out;
		}

		// ------------------------------------------------------------ flows

		private List<Flow> buildFlows() {
			List<Flow> flows = new ArrayList<>();
			List<ScenarioDocument.FlowSpec> specs = doc.flows() == null ? List.of() : doc.flows();
			if (specs.isEmpty() && (doc.timeline() == null
					|| doc.timeline().stream().noneMatch(t -> t != null && t.flow() != null))) {
				problems.error("/flows", "a scenario sends at least one flow (in flows or in its timeline)");
			}
			for (int i = 0; i < specs.size(); i++) {
				budget.check();
				ScenarioDocument.FlowSpec f = specs.get(i);
				String at = "/flows/" + i;
				if (f.continues() != null) {
					problems.error(at + "/continues",
							"continues is for a flow of the timeline (the next packet of an earlier" + " connection)");
					continue;
				}
				resolveFlow(at, f, i, flows);
			}
			return flows;
		}

		/** Flow ids seen so far (flows and timeline entries share one id space). */
		private final Map<String, String> seenIds = new HashMap<>();

		/**
		 * One flow spec resolved against this cluster: one flow, or two (the DNS query
		 * first) for a name.
		 */
		private void resolveFlow(String at, ScenarioDocument.FlowSpec f, int i, List<Flow> flows) {
			{
				String id = f.id() == null ? "flow" + (i + 1) : f.id();
				if (seenIds.put(id, at) != null) {
					problems.error(at + "/id", "two flows have the id " + id);
				}
				String from = resolveSource(at + "/from", f.from());
				// (only a cloud's Internet reaches the nodes at their external addresses)
				fromOutside = cloud && from != null && from.startsWith("host/");
				if (from != null && f.to() != null && isDnsName(f.to())) {
					// the pod resolves the name first: a DNS query to the cluster DNS
					// Service, then the connection
					Endpoint dnsServer = clusterDns(at + "/to");
					String fqdn = fqdn(from, f.to().replaceFirst(":\\d+$", ""));
					ClusterServices.ServiceAddress target = serviceForName(at + "/to", fqdn);
					if (dnsServer == null || target == null) {
						return;
					}
					dnsRecords.put(fqdn, List.of(target.clusterIp().toString()));
					String baseLabel = f.label() != null ? f.label() : f.from() + " → " + f.to();
					flows.add(new Flow(id + "-dns", "resolve " + fqdn + " (DNS query to kube-dns)", from, f.container(),
							null, 0, dnsServer.ip(), 53, Protocol.UDP,
							new Payload.Dns(0x1000 + i, fqdn, "A", List.of()), 64, false, true));
					int port = f.to().matches(".*:\\d+$") ? Integer.parseInt(f.to().replaceFirst(".*:", "")) : 0;
					if (port == 0) {
						problems.error(at + "/to", "'" + f.to() + "' needs a port, e.g. '" + f.to() + ":80'");
						return;
					}
					Protocol p = f.protocol() == null ? Protocol.TCP : protocol(at + "/protocol", f.protocol());
					if (p == null) {
						return;
					}
					if (f.http() != null) {
						problems.warning(at + "/http",
								"http is not carried on a flow to a DNS name (the connection after the"
										+ " lookup carries size bytes): the request line and headers are ignored");
					}
					flows.add(new Flow(id, baseLabel, from, f.container(), null, f.srcPort() == null ? 0 : f.srcPort(),
							target.clusterIp(), port, p, new Payload.Bytes(f.size() == null ? 0 : f.size()),
							f.ttl() == null ? 64 : f.ttl(), f.dontFragment() == null || f.dontFragment(),
							f.reply() == null || f.reply()));
					return;
				}
				Endpoint to = resolveTarget(at + "/to", f.to());
				Protocol proto = f.protocol() == null ? Protocol.TCP : protocol(at + "/protocol", f.protocol());
				if (from == null || to == null || proto == null) {
					return;
				}
				if (proto != Protocol.ICMP && to.port() == 0) {
					problems.error(at + "/to", "'" + f.to() + "' needs a port, e.g. '" + f.to() + ":80'");
					return;
				}
				int size = f.size() == null ? 0 : f.size();
				if (size < 0 || size > 65000) {
					problems.error(at + "/size", "size is the payload in bytes, 0..65000");
					return;
				}
				String label = f.label() != null ? f.label() : f.from() + " → " + f.to();
				if (f.container() != null && !containers.getOrDefault(from, List.of()).contains(f.container())) {
					problems.error(at + "/container", "pod " + from + " has no container '" + f.container() + "'"
							+ Problems.didYouMean(f.container(), containers.getOrDefault(from, List.of())));
					return;
				}
				Payload payload = new Payload.Bytes(size);
				if (f.http() != null) {
					if (proto != Protocol.TCP) {
						problems.error(at + "/http", "an HTTP request needs protocol TCP");
						return;
					}
					if (f.size() != null) {
						problems.warning(at + "/size",
								"size is ignored: the HTTP request (request line and headers) is the" + " payload");
					}
					Map<String, String> headers = new LinkedHashMap<>();
					if (f.http().headers() != null) {
						headers.putAll(f.http().headers());
					}
					payload = new Payload.Http((f.http().method() == null ? "GET" : f.http().method()) + " "
							+ (f.http().path() == null ? "/" : f.http().path()) + " HTTP/1.1", headers);
				}
				flows.add(new Flow(id, label, from, f.container(), null, f.srcPort() == null ? 0 : f.srcPort(), to.ip(),
						to.port(), proto, payload, f.ttl() == null ? 64 : f.ttl(),
						f.dontFragment() == null || f.dontFragment(), f.reply() == null || f.reply()));
			}
		}

		private record Endpoint(Ip ip, int port) {
		}

		private final Map<String, List<String>> dnsRecords = new java.util.TreeMap<>();

		/**
		 * {@code dns/<service>[:port]} or a cluster DNS name
		 * ({@code name.ns.svc.cluster.local[:port]}).
		 */
		private static boolean isDnsName(String to) {
			String host = to.replaceFirst(":\\d+$", "");
			return host.startsWith("dns/") || host.endsWith(".svc.cluster.local");
		}

		/**
		 * The name the resolver asks first: with ndots 5 a short name gets the pod's own
		 * search domain.
		 */
		private String fqdn(String fromNs, String host) {
			if (host.startsWith("dns/")) {
				String name = host.substring(4);
				String ns = fromNs.contains("/") && !fromNs.startsWith("host/")
						? fromNs.substring(0, fromNs.indexOf('/')) : "default";
				return name.endsWith(".svc.cluster.local") ? name : name + "." + ns + ".svc.cluster.local";
			}
			return host;
		}

		private ClusterServices.ServiceAddress serviceForName(String at, String fqdn) {
			String[] parts = fqdn.split("\\.");
			if (parts.length != 5) {
				problems.error(at, "'" + fqdn
						+ "' is not a Service name: write <service>.<namespace>.svc.cluster.local or dns/<service>");
				return null;
			}
			ClusterServices.ServiceAddress sa = services == null ? null
					: services.byName().get(parts[1] + "/" + parts[0]);
			if (sa == null) {
				problems.error(at, "no Service " + parts[1] + "/" + parts[0] + " for the name " + fqdn + Problems
					.didYouMean(parts[1] + "/" + parts[0], services == null ? List.of() : services.byName().keySet()));
			}
			return sa;
		}

		/**
		 * The cluster DNS Service (kube-system/kube-dns), which every pod's resolv.conf
		 * names.
		 */
		private Endpoint clusterDns(String at) {
			ClusterServices.ServiceAddress dns = services == null ? null
					: services.byName().get("kube-system/kube-dns");
			if (dns == null || dns.ports().stream().noneMatch(sp -> sp.port() == 53 && sp.protocol() == Protocol.UDP)) {
				problems.error(at,
						"resolving a name needs the kube-dns Service in kube-system with port 53/UDP (and CoreDNS pods behind it)");
				return null;
			}
			return new Endpoint(dns.clusterIp(), 53);
		}

		private String resolveSource(String at, String from) {
			if (from == null) {
				problems.error(at, "every flow says where it starts: a pod name, node/<name> or host/<name>");
				return null;
			}
			String pod = findPod(from);
			if (pod != null) {
				return pod;
			}
			if (from.startsWith("node/") && nodeIps.containsKey(from.substring(5))) {
				return from.substring(5);
			}
			if (from.startsWith("host/") && hostIps.containsKey(from.substring(5))) {
				return from;
			}
			if (nodeIps.containsKey(from)) {
				return from;
			}
			if (OutsideHosts.BARE.matcher(from.trim()).matches()) {
				return addressSource(at, from.trim());
			}
			if (ambiguous(at, from) || refusedRef(from)) {
				return null;
			}
			List<String> known = new ArrayList<>();
			podNs.keySet().forEach(k -> known.add(k.startsWith("default/") ? k.substring(8) : k));
			nodeIps.keySet().forEach(n -> known.add("node/" + n));
			hostIps.keySet().forEach(n -> known.add("host/" + n));
			problems.error(at, "unknown source '" + from + "'" + Problems.didYouMean(from, known));
			return null;
		}

		/**
		 * A bare address as the sender: the pod, node or host that has it (an outside
		 * host made on the fly has the addresses no one else has), else an error saying
		 * which of the cluster's ranges it is in.
		 */
		private String addressSource(String at, String text) {
			Ip ip = ip(at, text);
			if (ip == null || outside == null) {
				// (no outside hosts: the cluster itself was refused, its error says why)
				return null;
			}
			for (Map.Entry<String, Ip> e : podIps.entrySet()) {
				if (e.getValue().equals(ip)) {
					return e.getKey();
				}
			}
			for (Map.Entry<String, Ip> e : nodeIps.entrySet()) {
				if (e.getValue().equals(ip)) {
					return e.getKey();
				}
			}
			for (Map.Entry<String, Ip> e : hostIps.entrySet()) {
				if (e.getValue().equals(ip)) {
					return "host/" + e.getKey();
				}
			}
			if (outside.refused(ip)) {
				return null;
			}
			String why = outside.clash(ip);
			problems.error(at,
					"no pod, node or host has " + ip + ", and no outside host can be made there: "
							+ (why == null ? "it is not a host address" : why)
							+ ". A bare address starts an outside host only outside the cluster's ranges");
			return null;
		}

		/**
		 * Pods of that name in several namespaces: "ambiguous" with every candidate
		 * (reported; true).
		 */
		private boolean ambiguous(String at, String ref) {
			if (ref.contains("/") && !ref.startsWith("pod/")) {
				return false;
			}
			String r = ref.startsWith("pod/") ? ref.substring(4) : ref;
			List<String> matches = podNs.keySet().stream().filter(k -> k.endsWith("/" + r)).toList();
			if (matches.size() < 2 || podNs.containsKey("default/" + r)) {
				return false;
			}
			problems.error(at, "ambiguous: '" + r + "' is a pod in " + matches.size() + " namespaces: "
					+ String.join(", ", matches) + " (write one of them)");
			return true;
		}

		/**
		 * A reference to a node, pod or host whose definition was refused (its own error
		 * says why).
		 */
		private boolean refusedRef(String ref) {
			if (ref.startsWith("host/")) {
				return refused.contains("host:" + ref.substring(5));
			}
			if (ref.startsWith("node/")) {
				return refused.contains("node:" + ref.substring(5));
			}
			String r = ref.startsWith("pod/") ? ref.substring(4) : ref;
			if (refusedWorkloads.stream()
				.anyMatch(prefix -> r.contains("/") ? r.startsWith(prefix)
						: r.startsWith(prefix.substring(prefix.indexOf('/') + 1)))) {
				// a pod a refused workload manifest would have made
				return true;
			}
			if (r.contains("/")) {
				return refused.contains("pod:" + r);
			}
			return refused.contains("pod:default/" + r) || refused.contains("node:" + r)
					|| refused.stream().anyMatch(k -> k.startsWith("pod:") && k.endsWith("/" + r));
		}

		private String findPod(String ref) {
			String r = ref.startsWith("pod/") ? ref.substring(4) : ref;
			String key = r.contains("/") ? r : "default/" + r;
			if (podNs.containsKey(key)) {
				return key;
			}
			String match = null;
			for (String k : podNs.keySet()) {
				if (k.endsWith("/" + r)) {
					if (match != null) {
						return null;
					}
					match = k;
				}
			}
			return match;
		}

		private Endpoint resolveTarget(String at, String to) {
			if (to == null) {
				problems.error(at, "every flow needs a destination: pod:port, node/<name>:port or an IP:port");
				return null;
			}
			Matcher m = TARGET.matcher(to.trim());
			if (!m.matches()) {
				problems.error(at,
						"'" + to + "' is not a destination: write pod2:8080, node/node1:10250 or 10.244.1.3:8080");
				return null;
			}
			String name = m.group(2);
			int port = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
			if (port > 65535) {
				problems.error(at, "port " + port + " is above 65535");
				return null;
			}
			if (m.group(3) != null && port == 0) {
				// its own mistake, reported even when the pod it names was refused (one
				// error per mistake, not zero)
				problems.error(at, "port 0 is not a port a packet can be sent to: ports run from 1 to 65535");
				return null;
			}
			if (name.equals("localhost")) {
				return new Endpoint(Ip.parse("127.0.0.1"), port);
			}
			if (to.startsWith("service/")) {
				String ref = name.substring("service/".length());
				String key = ref.contains("/") ? ref : "default/" + ref;
				ClusterServices.ServiceAddress sa = services == null ? null : services.byName().get(key);
				if (sa == null) {
					problems.error(at, "unknown service '" + ref + "'"
							+ Problems.didYouMean(key, services == null ? List.of() : services.byName().keySet()));
					return null;
				}
				if (sa.ports().stream().noneMatch(sp -> sp.port() == port)) {
					problems.error(at, "service " + key + " has no port " + port + " (ports: "
							+ sa.ports().stream().map(sp -> Integer.toString(sp.port())).toList() + ")");
					return null;
				}
				return new Endpoint(sa.clusterIp(), port);
			}
			if ("host".equals(m.group(1))) {
				if (hostIps.containsKey(name)) {
					return new Endpoint(hostIps.get(name), port);
				}
				if (!refused.contains("host:" + name)) {
					problems.error(at, "unknown host '" + name + "'" + Problems.didYouMean(name, hostIps.keySet()));
				}
				return null;
			}
			if (name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
				Ip ip = ip(at, name);
				return ip == null ? null : new Endpoint(ip, port);
			}
			String pod = "node".equals(m.group(1)) ? null : findPod(name);
			if (pod != null) {
				return new Endpoint(podIps.get(pod), port);
			}
			if (nodeIps.containsKey(name)) {
				// from outside the cluster a node is only reachable at its external (1:1
				// NAT) address
				return new Endpoint(fromOutside ? externalIps.get(name) : nodeIps.get(name), port);
			}
			if (("node".equals(m.group(1)) ? refused.contains("node:" + name)
					: ambiguous(at, name) || refusedRef(name))) {
				return null;
			}
			List<String> known = new ArrayList<>();
			podNs.keySet().forEach(k -> known.add(k.startsWith("default/") ? k.substring(8) : k));
			known.addAll(nodeIps.keySet());
			problems.error(at, "unknown destination '" + name + "'" + Problems.didYouMean(name, known));
			return null;
		}

		// ------------------------------------------------------------ values

		private Ip ip(String at, String text) {
			try {
				return Ip.parse(text);
			}
			catch (IllegalArgumentException ex) {
				problems.error(at, ex.getMessage());
				return null;
			}
		}

		private Cidr cidr(String at, String text) {
			try {
				return Cidr.parse(text);
			}
			catch (IllegalArgumentException ex) {
				problems.error(at, ex.getMessage());
				return null;
			}
		}

		private Protocol protocol(String at, String text) {
			if (text == null) {
				return Protocol.TCP;
			}
			try {
				return Protocol.parse(text);
			}
			catch (IllegalArgumentException ex) {
				problems.error(at, "protocol must be TCP, UDP, SCTP or ICMP, was '" + text + "'");
				return null;
			}
		}

		/**
		 * A node's name cut to fit an interface name ({@code port-…}, {@code vm-…}: at
		 * most 15 characters). A longer name keeps its first five characters and gets
		 * five hex digits of its hash, so that names sharing a prefix
		 * ({@code kind-worker}, {@code kind-worker2}) still get distinct ports.
		 */
		private static String shortName(String node) {
			return node.length() <= 10 ? node : node.substring(0, 5) + String.format("%05x", node.hashCode() & 0xfffff);
		}

		private record PodPlan(String key, String name, String namespace, String node, Ip ip, List<Listener> listeners,
				Map<String, Integer> namedPorts, Map<String, String> labels, boolean ready, boolean terminating) {
		}

	}

	static String lower(String s) {
		return s.toLowerCase(Locale.ROOT);
	}

	/**
	 * The timeline: applies each change to the pod list, builds the cluster again from it
	 * (so every Service's endpoints and every node's rules follow), and records what the
	 * control plane did in between.
	 */
	private static final class Timeline {

		private final Builder root;

		private final Problems problems;

		private Builder current;

		private final List<ScenarioDocument.PodSpec> pods = new ArrayList<>();

		private final List<ScenarioDocument.NodeSpec> nodes = new ArrayList<>();

		/** Pods deleted with a grace period and still running ({@code ns/name}). */
		private final java.util.Set<String> terminating = new java.util.HashSet<>();

		/**
		 * host-local's last reserved address per node (it hands out the next one,
		 * wrapping around).
		 */
		private final Map<String, Ip> lastReserved = new HashMap<>();

		/** Flow specs by id (what a continuing packet copies). */
		private final Map<String, ScenarioDocument.FlowSpec> flowSpecs = new HashMap<>();

		private final List<dev.packetwalk.engine.Event> events = new ArrayList<>();

		private int flowCount;

		/** Resolved flows by id (where a continuing packet goes). */
		private final Map<String, Flow> sentFlows = new HashMap<>();

		Timeline(Builder root, List<Flow> flows) {
			this.root = root;
			this.problems = root.problems;
			this.current = root;
			flows.forEach(f -> sentFlows.putIfAbsent(f.id(), f));
		}

		List<dev.packetwalk.engine.Event> build() {
			ScenarioDocument doc = root.doc;
			nodes.addAll(doc.cluster().nodes());
			for (ScenarioDocument.PodSpec p : root.allPods) {
				Ip ip = root.podIps.get(key(p));
				pods.add(withIp(p, ip, p.ready()));
				Ip last = lastReserved.get(p.node());
				if (last == null || ip.compareTo(last) > 0) {
					lastReserved.put(p.node(), ip);
				}
			}
			List<ScenarioDocument.FlowSpec> flows = doc.flows() == null ? List.of() : doc.flows();
			for (int i = 0; i < flows.size(); i++) {
				flowSpecs.put(flows.get(i).id() == null ? "flow" + (i + 1) : flows.get(i).id(), flows.get(i));
			}
			flowCount = flows.size();
			List<ScenarioDocument.TimelineSpec> specs = doc.timeline();
			for (int i = 0; i < specs.size(); i++) {
				String at = "/timeline/" + i;
				ScenarioDocument.TimelineSpec t = specs.get(i);
				int set = t == null ? 0
						: (t.create() != null ? 1 : 0) + (t.ready() != null ? 1 : 0) + (t.delete() != null ? 1 : 0)
								+ (t.scale() != null ? 1 : 0) + (t.addNode() != null ? 1 : 0)
								+ (t.flow() != null ? 1 : 0) + (t.pause() != null ? 1 : 0)
								+ (t.terminate() != null ? 1 : 0) + (t.removeNode() != null ? 1 : 0);
				if (set != 1) {
					problems.error(at, "a timeline entry is exactly one of create, ready, terminate, delete, scale,"
							+ " addNode, removeNode, flow or wait");
					continue;
				}
				String id = "change" + (i + 1);
				if (t.pause() != null) {
					wait(at + "/wait", id, t.pause());
				}
				else if (t.flow() != null) {
					flow(at + "/flow", t.flow());
				}
				else if (t.create() != null) {
					create(at + "/create", id, t.create());
				}
				else if (t.ready() != null) {
					ready(at + "/ready", id, t.ready());
				}
				else if (t.delete() != null) {
					delete(at + "/delete", id, t.delete());
				}
				else if (t.terminate() != null) {
					terminate(at + "/terminate", id, t.terminate());
				}
				else if (t.removeNode() != null) {
					removeNode(at + "/removeNode", id, t.removeNode());
				}
				else if (t.addNode() != null) {
					addNode(at + "/addNode", id, t.addNode());
				}
				else {
					scale(at + "/scale", id, t.scale());
				}
				if (problems.hasErrors()) {
					return List.of();
				}
			}
			// the cluster DNS answers every name any flow looked up
			Map<String, List<String>> dns = new java.util.TreeMap<>(root.dnsRecords);
			return events.stream()
				.map(e -> e instanceof dev.packetwalk.engine.Event.Change c
						? new dev.packetwalk.engine.Event.Change(c.id(), c.label(),
								new dev.packetwalk.engine.Event.State(c.state().topology(), dns, c.state().policies(),
										c.state().ipvs()),
								c.hops(), c.goneEndpoints(), c.unplugged())
						: e)
				.toList();
		}

		private void wait(String at, String id, String text) {
			if (!text.matches("[0-9]{1,7}[smh]")) {
				problems.error(at, "wait is a duration such as 30s, 5m or 3h, not '" + text + "'");
				return;
			}
			long n = Long.parseLong(text.substring(0, text.length() - 1));
			long unit = switch (text.charAt(text.length() - 1)) {
				case 'm' -> 60;
				case 'h' -> 3600;
				default -> 1;
			};
			events.add(new dev.packetwalk.engine.Event.Wait(id, n * unit));
		}

		private void flow(String at, ScenarioDocument.FlowSpec f) {
			ScenarioDocument.FlowSpec spec = f;
			if (f.continues() != null) {
				ScenarioDocument.FlowSpec earlier = flowSpecs.get(f.continues());
				if (earlier == null) {
					problems.error(at + "/continues", "no earlier flow has the id '" + f.continues() + "'"
							+ Problems.didYouMean(f.continues(), flowSpecs.keySet()));
					return;
				}
				if (f.from() != null || f.to() != null || f.protocol() != null || f.srcPort() != null) {
					problems.error(at + "/continues", "a continuing packet uses the connection of " + f.continues()
							+ ": leave out from, to, protocol and srcPort");
					return;
				}
				if (Builder.isDnsName(earlier.to())) {
					problems.error(at + "/continues",
							"flow " + f.continues() + " connects to a name; continue a flow that"
									+ " connects to an address, a pod or a service");
					return;
				}
				// the connection goes where it went, also when the pod it named is gone
				Flow was = sentFlows.get(f.continues());
				String to = was != null && namesGonePod(earlier.to()) ? was.dst() + ":" + was.dstPort() : earlier.to();
				spec = new ScenarioDocument.FlowSpec(f.id(),
						f.label() != null ? f.label()
								: (earlier.label() != null ? earlier.label() : earlier.from() + " → " + earlier.to())
										+ " (next packet)",
						earlier.from(), f.container() != null ? f.container() : earlier.container(), to,
						earlier.protocol(), null, f.ttl(), f.size(), f.dontFragment(), f.reply(), f.http(), null);
			}
			else if (f.from() == null || f.to() == null) {
				problems.error(at, "a flow needs from and to (or continues: <an earlier flow's id>)");
				return;
			}
			flowCount++;
			String id = spec.id() == null ? "flow" + flowCount : spec.id();
			current.seenIds.putAll(root.seenIds);
			List<Flow> out = new ArrayList<>();
			int before = problems.all().size();
			ScenarioDocument.FlowSpec resolved = withId(spec, id);
			int index = flowCount - 1;
			current.problemsTo(problems, () -> current.resolveFlow(at, resolved, index, out));
			if (problems.all().size() > before) {
				return;
			}
			root.seenIds.putAll(current.seenIds);
			root.dnsRecords.putAll(current.dnsRecords);
			flowSpecs.put(id, resolved);
			for (Flow fl : out) {
				sentFlows.putIfAbsent(fl.id(), fl);
				events.add(new dev.packetwalk.engine.Event.Send(fl, fl.id().equals(id) ? f.continues() : null));
			}
		}

		/**
		 * Does a flow's {@code to} name a pod ({@code pod:port}, {@code ns/pod:port})
		 * that no longer exists?
		 */
		private boolean namesGonePod(String to) {
			int colon = to.lastIndexOf(':');
			String name = colon < 0 ? to : to.substring(0, colon);
			if (name.equals("localhost") || name.matches("[0-9.]+") || name.startsWith("service/")
					|| name.startsWith("node/") || name.startsWith("host/") || name.startsWith("dns/")) {
				return false;
			}
			return find(name) < 0;
		}

		private static ScenarioDocument.FlowSpec withId(ScenarioDocument.FlowSpec f, String id) {
			return new ScenarioDocument.FlowSpec(id, f.label(), f.from(), f.container(), f.to(), f.protocol(),
					f.srcPort(), f.ttl(), f.size(), f.dontFragment(), f.reply(), f.http(), null);
		}

		private void create(String at, String id, ScenarioDocument.PodSpec p) {
			if (p.name() == null || !ID.matcher(p.name()).matches()) {
				problems.error(at + "/name", "the new pod needs a name of lower-case letters, digits and dashes");
				return;
			}
			if (find(key(p)) >= 0) {
				problems.error(at + "/name", "a pod named " + key(p) + " already exists");
				return;
			}
			if (p.node() == null || !current.nodeIps.containsKey(p.node())) {
				problems.error(at + "/node", p.node() == null ? "the new pod needs a node"
						: "unknown node '" + p.node() + "'" + Problems.didYouMean(p.node(), current.nodeIps.keySet()));
				return;
			}
			Ip ip = p.ip() == null ? allocate(at, p.node()) : ip(at + "/ip", p.ip());
			if (ip == null) {
				return;
			}
			Ip last = lastReserved.get(p.node());
			pods.add(withIp(p, ip, p.ready() != null && p.ready()));
			lastReserved.put(p.node(), ip);
			Builder next = rebuild(at, "/cluster/pods/" + (pods.size() - 1));
			if (next == null) {
				return;
			}
			List<Step> steps = new ArrayList<>(ControlPlane.cniAdd(podNet(next, key(p), last)));
			steps.addAll(controlSteps(current, next));
			change(id, "create pod " + p.name() + " on " + p.node(), next, steps, List.of(), List.of());
		}

		/**
		 * A node joins: kubelet registers it and it gets its pod CIDR; with flannel,
		 * flanneld on every other node writes what reaches the new node's subnet (ARP,
		 * FDB, then the route, in flanneld's order).
		 */
		private void addNode(String at, String id, ScenarioDocument.NodeSpec n) {
			if (n.name() == null || !ID.matcher(n.name()).matches()) {
				problems.error(at + "/name", "the new node needs a name of lower-case letters, digits and dashes");
				return;
			}
			if (current.nodeIps.containsKey(n.name())) {
				problems.error(at + "/name", "a node named " + n.name() + " already exists");
				return;
			}
			nodes.add(freeDefaults(n));
			Builder next = rebuild(at, "/cluster/nodes/" + (nodes.size() - 1));
			if (next == null) {
				return;
			}
			List<Step> steps = new ArrayList<>();
			Namespace joined = namespace(next, n.name());
			List<String> created = new ArrayList<>();
			created.add(joined.id());
			for (Namespace ns : next.namespaces) {
				Namespace was = namespace(current, ns.id());
				if (was != null && ns.kind() != Namespace.Kind.NODE) {
					// the underlay gains a port for the node (a switch port, the VPC's
					// link)
					ns.devices()
						.stream()
						.filter(d -> was.devices().stream().noneMatch(o -> o.name().equals(d.name())))
						.forEach(d -> created.add(ns.id() + "/" + d.name()));
				}
			}
			Cidr cidr = next.nodeCidr(n.name());
			steps.add(new Step.NodeSync(new Place(n.name(), n.name(), null), null,
					n.name() + " joins: kubelet registers"
							+ " the Node, kube-controller-manager's node IPAM gives it the pod CIDR " + cidr
							+ ", and its pod network"
							+ " is set up (the bridge, and with flannel, flanneld's lease and flannel.1).",
					n.name(), "kubelet", joined.effectiveRoutes().stream().map(r -> "+ ip route: " + r.text()).toList(),
					created, List.of()));
			steps.addAll(underlayRoutes(next, n.name(), cidr, true));
			for (Namespace ns : next.namespaces) {
				if (ns.kind() != Namespace.Kind.NODE || ns.id().equals(n.name())) {
					continue;
				}
				List<String> diff = nodeEntriesDiff(ns);
				if (diff.isEmpty()) {
					continue;
				}
				steps.add(new Step.NodeSync(new Place(ns.node(), ns.id(), null), null,
						"flanneld on " + ns.id() + " sees " + n.name()
								+ "'s subnet lease and writes what reaches it through flannel.1: the ARP entry"
								+ " for the remote VTEP, the FDB entry that sends its MAC to " + n.name()
								+ "'s address, then the" + " route for " + cidr + ".",
						ns.id(), "flanneld", diff, List.of(), List.of()));
			}
			steps.addAll(controlSteps(current, next));
			change(id, "node " + n.name() + " joins", next, steps, List.of(), List.of());
		}

		/**
		 * A joining node's defaults that a node kept after an earlier {@code removeNode}
		 * already has (the defaults count by position: node IPAM and the addresses give
		 * the next free one instead): its pod CIDR, its address in its network and its
		 * external address, each set to the first free one from its default on.
		 */
		private ScenarioDocument.NodeSpec freeDefaults(ScenarioDocument.NodeSpec n) {
			int i = nodes.size();
			String podCidr = n.podCIDR();
			if (podCidr == null) {
				java.util.Set<Cidr> used = new java.util.HashSet<>(current.podCidrs.values());
				int x = i + 1;
				while (x < 255 && used.contains(Cidr.parse("10.244." + x + ".0/24"))) {
					x++;
				}
				podCidr = x == i + 1 ? null : "10.244." + x + ".0/24";
			}
			String internal = n.internalIP();
			Cidr subnet = current.doc.cluster().cloud() != null
					&& "gcp".equals(current.doc.cluster().cloud().provider())
							? current.nodeSubnets.values().iterator().next() : current.segments
								.get(n.segment() == null ? current.segments.keySet().iterator().next() : n.segment());
			if (internal == null && subnet != null) {
				long index = current.nodeSubnets.values().stream().filter(subnet::equals).count() + 1;
				int k = (int) index;
				while (k < 250 && current.nodeIps.containsValue(subnet.nth(1 + k))) {
					k++;
				}
				internal = k == index ? null : subnet.nth(1 + k).toString();
			}
			String external = n.externalIP();
			if (external == null) {
				int k = i;
				while (k < 240 && current.externalIps.containsValue(Ip.parse("198.51.100." + (10 + k)))) {
					k++;
				}
				external = k == i ? null : "198.51.100." + (10 + k);
			}
			return new ScenarioDocument.NodeSpec(n.name(), internal, external, podCidr, n.segment(), n.ipForward(),
					n.canIpForward(), n.uplink(), n.mtu());
		}

		/**
		 * A node leaves ({@code kubectl delete node}, or the machine is gone and the Node
		 * object deleted): the pod garbage collector deletes the pods bound to it (no CNI
		 * DEL runs: the node is not there to run it), the EndpointSlice controller drops
		 * their endpoints and kube-proxy on every other node rewrites its rules; with
		 * flannel, flanneld on every other node sees the subnet lease go and deletes the
		 * ARP, FDB and route entries it wrote for it (flanneld's order).
		 */
		private void removeNode(String at, String id, String name) {
			int k = -1;
			for (int i = 0; i < nodes.size(); i++) {
				if (name.equals(nodes.get(i).name())) {
					k = i;
				}
			}
			if (k < 0) {
				problems.error(at, "unknown node '" + name + "'" + Problems.didYouMean(name, current.nodeIps.keySet()));
				return;
			}
			if (nodes.size() == 1) {
				problems.error(at, "node " + name + " is the cluster's last node");
				return;
			}
			List<ScenarioDocument.PodSpec> gone = pods.stream().filter(p -> name.equals(p.node())).toList();
			Namespace leaving = namespace(current, name);
			nodes.remove(k);
			for (int i = k; i < nodes.size(); i++) {
				// the nodes after it keep what they were given (the defaults count by
				// position)
				ScenarioDocument.NodeSpec n = nodes.get(i);
				nodes.set(i,
						new ScenarioDocument.NodeSpec(n.name(), current.nodeIps.get(n.name()).toString(),
								current.externalIps.get(n.name()).toString(), current.podCidrs.get(n.name()).toString(),
								n.segment(), n.ipForward(), n.canIpForward(), n.uplink(), n.mtu()));
			}
			pods.removeAll(gone);
			gone.forEach(p -> terminating.remove(key(p)));
			Builder next = rebuild(at, null);
			if (next == null) {
				return;
			}
			List<String> removed = new ArrayList<>();
			removed.add(name);
			gone.forEach(p -> removed.add(key(p)));
			for (Namespace ns : current.namespaces) {
				Namespace now = namespace(next, ns.id());
				if (now != null && ns.kind() != Namespace.Kind.NODE) {
					// the underlay loses its port for the node
					ns.devices()
						.stream()
						.filter(d -> now.devices().stream().noneMatch(o -> o.name().equals(d.name())))
						.forEach(d -> removed.add(ns.id() + "/" + d.name()));
				}
			}
			List<Step> steps = new ArrayList<>();
			steps.add(new Step.NodeSync(new Place(name, name, null), null, name
					+ " leaves: its Node object is deleted. The pod garbage collector deletes the pods bound to it"
					+ (gone.isEmpty() ? " (none)"
							: " (" + String.join(", ", gone.stream().map(ScenarioDocument.PodSpec::name).toList())
									+ ")")
					+ "; no CNI DEL runs, the node is not there to run it. kube-controller-manager's node IPAM"
					+ " releases its pod CIDR " + current.nodeCidr(name) + ".", name, "kube-controller-manager",
					leaving.effectiveRoutes().stream().map(r -> "- ip route: " + r.text()).toList(), List.of(),
					removed));
			Cidr cidr = current.nodeCidr(name);
			steps.addAll(underlayRoutes(next, name, cidr, false));
			for (Namespace ns : next.namespaces) {
				if (ns.kind() != Namespace.Kind.NODE) {
					continue;
				}
				List<String> diff = nodeEntriesDiff(ns);
				if (diff.isEmpty()) {
					continue;
				}
				steps.add(new Step.NodeSync(new Place(ns.node(), ns.id(), null), null,
						"flanneld on " + ns.id() + " sees " + name
								+ "'s subnet lease go and deletes what reached it through flannel.1: the ARP entry"
								+ " for its VTEP, the FDB entry that sent its MAC to " + name + "'s address, and the"
								+ " route for " + cidr + ". A packet for " + cidr + " now follows the node's other"
								+ " routes.",
						ns.id(), "flanneld", diff, List.of(), List.of()));
			}
			steps.addAll(controlSteps(current, next));
			List<Ip> goneEndpoints = gone.stream().map(p -> Ip.parse(p.ip())).toList();
			change(id, "node " + name + " leaves", next, steps, goneEndpoints, List.of());
		}

		/**
		 * A pod is deleted with a grace period: it keeps running (its network stays)
		 * until a later {@code delete}, but its endpoint is
		 * {@code ready: false, serving: true,
		 * terminating: true}. kube-proxy sends new connections to it only when no ready
		 * endpoint is left for the traffic policy (CategorizeEndpoints); open connections
		 * keep their conntrack entry and still reach it.
		 */
		private void terminate(String at, String id, String pod) {
			int k = find(pod);
			if (k < 0) {
				problems.error(at, "unknown pod '" + pod + "'" + Problems.didYouMean(pod, names()));
				return;
			}
			ScenarioDocument.PodSpec p = pods.get(k);
			if (!terminating.add(key(p))) {
				problems.error(at, "pod " + pod + " is already terminating");
				return;
			}
			Builder next = rebuild(at, null);
			if (next == null) {
				return;
			}
			change(id, "pod " + p.name() + " is terminating", next, controlSteps(current, next), List.of(), List.of());
		}

		/**
		 * What flanneld changes on a node that stays: its neighbour, FDB and route
		 * entries in the next state against the current one, as {@code "+ "} /
		 * {@code "- "} lines (no {@code @@} headings).
		 */
		private List<String> nodeEntriesDiff(Namespace ns) {
			return changedLines(nodeEntries(namespace(current, ns.id())), nodeEntries(ns));
		}

		/**
		 * The lines that go ({@code "- "}) and come ({@code "+ "}), no {@code @@}
		 * headings.
		 */
		private static List<String> changedLines(List<String> was, List<String> now) {
			return ControlPlane.diff(was, now, false).stream().filter(l -> !l.startsWith("@@")).toList();
		}

		/** The state's namespace of that id, or null. */
		private static Namespace namespace(Builder state, String id) {
			return state.namespaces.stream().filter(o -> o.id().equals(id)).findFirst().orElse(null);
		}

		private static List<String> routeEntries(Namespace ns) {
			return ns.effectiveRoutes().stream().map(r -> "ip route: " + r.text()).toList();
		}

		/**
		 * The underlay's routes that follow a node that joins or leaves: a GCP-style
		 * VPC's route to the node's pod CIDR (next hop: its instance), which the route
		 * controller (kube-controller-manager's, or the cloud-controller-manager's, with
		 * {@code --configure-cloud-routes}) creates for a Node with a pod CIDR and
		 * deletes once the Node is gone, with the instance's own route that comes and
		 * goes with its VM; or the nodes' gateway router's static route to it (kubenet
		 * without a cloud). One {@code node-sync} step per router whose routes change.
		 */
		private List<Step> underlayRoutes(Builder next, String node, Cidr cidr, boolean joins) {
			List<Step> out = new ArrayList<>();
			for (Namespace ns : next.namespaces) {
				if (!ns.id().equals(Builder.VPC) && !ns.id().equals(Builder.ROUTER)) {
					continue; // (the Internet's routes to external addresses are not the
								// cluster's)
				}
				Namespace was = current.namespaces.stream()
					.filter(o -> o.id().equals(ns.id()))
					.findFirst()
					.orElse(null);
				if (was == null) {
					continue;
				}
				List<String> diff = ControlPlane
					.diff(was.effectiveRoutes().stream().map(r -> "ip route: " + r.text()).toList(),
							ns.effectiveRoutes().stream().map(r -> "ip route: " + r.text()).toList(), false)
					.stream()
					.filter(l -> !l.startsWith("@@"))
					.toList();
				if (diff.isEmpty()) {
					continue;
				}
				boolean vpc = ns.id().equals(Builder.VPC);
				String narration = vpc ? (joins
						? "The route controller (kube-controller-manager's, --configure-cloud-routes) sees " + node
								+ "'s pod CIDR " + cidr + " and creates a VPC route for it with " + node
								+ "'s instance as the next hop (GCE's route " + "<cluster>-<node UID>); the instance's"
								+ " own route came with its VM. From now on the VPC delivers packets for " + cidr
								+ " to " + node + "."
						: "The route controller (kube-controller-manager's, --configure-cloud-routes) sees that the"
								+ " Node " + node + " is gone and deletes the VPC route for its pod CIDR " + cidr
								+ " (next hop: " + node + "'s instance); the instance's own route goes with its VM."
								+ " A packet for " + cidr + " now meets no route but the VPC's default one.")
						: (joins ? capitalized(ns.label().startsWith("the ") ? ns.label() : "the " + ns.label())
								+ " gets a static route for " + node + "'s pod CIDR " + cidr + " via " + node
								+ " (kubenet needs the network to route each node's pod CIDR to it: here the"
								+ " router's operator; in a cloud, its route controller)."
								: capitalized(ns.label().startsWith("the ") ? ns.label() : "the " + ns.label())
										+ " loses its static route for " + node + "'s pod CIDR " + cidr + " (" + node
										+ " is gone; in a cloud, the route controller deletes it).");
				out.add(new Step.NodeSync(new Place(ns.node(), ns.id(), null), null, narration, node,
						vpc ? "route-controller" : "router", diff, List.of(), List.of()));
			}
			return out;
		}

		private static String capitalized(String s) {
			return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
		}

		/**
		 * A node's neighbour, FDB and route entries, in flanneld's order of writing them.
		 */
		private static List<String> nodeEntries(Namespace ns) {
			List<String> out = new ArrayList<>();
			ns.neighbors().forEach(nb -> out.add("ip neigh: " + nb.text()));
			ns.devices().forEach(d -> {
				if (d instanceof Device.Vxlan v) {
					v.fdb()
						.forEach(f -> out.add(
								"bridge fdb: " + f.mac() + " dev " + v.name() + " dst " + f.dst() + " self permanent"));
				}
			});
			ns.effectiveRoutes().forEach(r -> out.add("ip route: " + r.text()));
			return out;
		}

		private void ready(String at, String id, String pod) {
			int k = find(pod);
			if (k < 0) {
				problems.error(at, "unknown pod '" + pod + "'" + Problems.didYouMean(pod, names()));
				return;
			}
			ScenarioDocument.PodSpec p = pods.get(k);
			if (p.ready() == null || p.ready()) {
				problems.error(at, "pod " + pod + " is already Ready");
				return;
			}
			pods.set(k, withIp(p, Ip.parse(p.ip()), true));
			Builder next = rebuild(at, null);
			if (next == null) {
				return;
			}
			change(id, "pod " + p.name() + " becomes Ready", next, controlSteps(current, next), List.of(), List.of());
		}

		private void delete(String at, String id, String pod) {
			int k = find(pod);
			if (k < 0) {
				problems.error(at, "unknown pod '" + pod + "'" + Problems.didYouMean(pod, names()));
				return;
			}
			deletePods(at, id, List.of(k), "delete pod " + pods.get(k).name());
		}

		private void deletePods(String at, String id, List<Integer> indexes, String label) {
			List<ScenarioDocument.PodSpec> gone = indexes.stream().map(pods::get).toList();
			List<ControlPlane.PodNet> nets = gone.stream().map(p -> podNet(current, key(p), null)).toList();
			pods.removeAll(gone);
			gone.forEach(p -> terminating.remove(key(p)));
			Builder next = rebuild(at, null);
			if (next == null) {
				return;
			}
			List<Step> steps = new ArrayList<>(controlSteps(current, next));
			List<Ip> goneEndpoints = new ArrayList<>();
			List<String> unplugged = new ArrayList<>();
			for (ControlPlane.PodNet n : nets) {
				steps.addAll(ControlPlane.cniDel(n));
				goneEndpoints.add(n.ip());
				unplugged.add(n.node() + "/" + n.bridge() + "/" + n.veth());
			}
			change(id, label, next, steps, goneEndpoints, unplugged);
		}

		private void scale(String at, String id, ScenarioDocument.ScaleSpec s) {
			if (s.selector() == null || s.selector().isEmpty() || s.replicas() == null || s.replicas() < 0) {
				problems.error(at, "scale needs a selector (matchLabels) and a number of replicas");
				return;
			}
			String ns = s.namespace() == null ? "default" : s.namespace();
			List<Integer> matching = new ArrayList<>();
			for (int k = 0; k < pods.size(); k++) {
				ScenarioDocument.PodSpec p = pods.get(k);
				Map<String, String> labels = p.labels() == null ? Map.of() : p.labels();
				if (ns.equals(p.namespace() == null ? "default" : p.namespace()) && s.selector()
					.entrySet()
					.stream()
					.allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
					matching.add(k);
				}
			}
			if (matching.isEmpty()) {
				problems.error(at + "/selector", "no pod in namespace " + ns + " matches " + s.selector()
						+ ": scaling copies the first matching pod");
				return;
			}
			int have = matching.size();
			String what = "scale " + s.selector().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()
					+ " from " + have + " to " + s.replicas();
			if (s.replicas() < have) {
				deletePods(at, id, matching.subList(s.replicas(), have).reversed(), what);
				return;
			}
			if (s.replicas() == have) {
				problems.error(at + "/replicas", "the selector already matches " + have + " pods");
				return;
			}
			ScenarioDocument.PodSpec template = pods.get(matching.getFirst());
			String base = template.name().replaceFirst("-[0-9]+$", "");
			List<String> created = new ArrayList<>();
			Map<String, Ip> lastBefore = new HashMap<>();
			for (int n = 1; created.size() < s.replicas() - have; n++) {
				String name = base + "-" + n;
				if (find(ns + "/" + name) >= 0) {
					continue;
				}
				String node = leastLoaded(s.selector(), ns);
				Ip ip = allocate(at, node);
				if (ip == null) {
					return;
				}
				lastBefore.put(ns + "/" + name, lastReserved.get(node));
				lastReserved.put(node, ip);
				pods.add(new ScenarioDocument.PodSpec(name, template.namespace(), node, ip.toString(),
						template.labels(), template.containers(), true));
				created.add(ns + "/" + name);
			}
			Builder next = rebuild(at, null);
			if (next == null) {
				return;
			}
			List<Step> steps = new ArrayList<>();
			for (String key : created) {
				steps.addAll(ControlPlane.cniAdd(podNet(next, key, lastBefore.get(key))));
			}
			steps.addAll(controlSteps(current, next));
			change(id, what, next, steps, List.of(), List.of());
		}

		/**
		 * The node with the fewest pods the selector matches (the first such, in node
		 * order): a spreading scheduler.
		 */
		private String leastLoaded(Map<String, String> selector, String ns) {
			String best = null;
			long fewest = Long.MAX_VALUE;
			for (String node : current.nodeIps.keySet()) {
				long n = pods.stream()
					.filter(p -> node.equals(p.node()) && ns.equals(p.namespace() == null ? "default" : p.namespace())
							&& p.labels() != null
							&& selector.entrySet()
								.stream()
								.allMatch(e -> e.getValue().equals(p.labels().get(e.getKey()))))
					.count();
				if (n < fewest) {
					fewest = n;
					best = node;
				}
			}
			return best;
		}

		/**
		 * host-local: the next free address after the last one reserved on the node,
		 * wrapping to .2.
		 */
		private Ip allocate(String at, String node) {
			Cidr range = current.nodeCidr(node);
			java.util.Set<Ip> used = new java.util.HashSet<>();
			pods.forEach(p -> {
				if (node.equals(p.node())) {
					used.add(Ip.parse(p.ip()));
				}
			});
			Ip last = lastReserved.getOrDefault(node, range.nth(1));
			long size = range.size();
			long start = Integer.toUnsignedLong(last.value()) - Integer.toUnsignedLong(range.network().value());
			for (long k = 1; k < size; k++) {
				long off = (start + k) % size;
				if (off < 2 || off == size - 1) {
					continue;
				}
				Ip ip = range.nth((int) off);
				if (!used.contains(ip)) {
					return ip;
				}
			}
			problems.error(at, "node " + node + "'s pod CIDR " + range + " has no free address left");
			return null;
		}

		/**
		 * The cluster built again from the pod list; its errors belong to this timeline
		 * entry, and so do the warnings about the pod or node the entry adds
		 * ({@code added}: its place in the rebuilt cluster, e.g.
		 * {@code /cluster/nodes/2}), reported at the entry's field (an addNode's
		 * {@code uplink}, a created pod's {@code hostPort}). Warnings about the rest of
		 * the cluster were reported when it was first built.
		 */
		private Builder rebuild(String at, String added) {
			Problems scratch = new Problems("timeline", (YamlLocator) null);
			Builder b = new Builder(root.doc.withNodesAndPods(List.copyOf(nodes), List.copyOf(pods)), scratch,
					root.source, root.yamlMapper, root.limits, root.budget);
			b.terminating = java.util.Set.copyOf(terminating);
			b.buildCluster(b.doc.cluster());
			String mine = added == null ? null : Problems.displayPath(added);
			for (ScenarioProblem pr : scratch.all()) {
				if (pr.severity() == ScenarioProblem.Severity.ERROR) {
					problems.error(at, pr.message());
				}
				else if (mine != null && (pr.path().equals(mine) || pr.path().startsWith(mine + "."))) {
					// cluster.nodes[2].uplink → /timeline/4/addNode/uplink
					String rest = pr.path()
						.substring(mine.length())
						.replace("[", "/")
						.replace("]", "")
						.replace(".", "/");
					problems.warning(at + rest, pr.message());
				}
			}
			return problems.hasErrors() ? null : b;
		}

		private void change(String id, String label, Builder next, List<Step> steps, List<Ip> goneEndpoints,
				List<String> unplugged) {
			if (steps.isEmpty()) {
				steps = List.of(new Step.EndpointsUpdate(ControlPlane.CONTROL_PLANE, null,
						"No Service selects the pod: no" + " EndpointSlice and no rule changes.", "", "", List.of(),
						List.of()));
			}
			events
				.add(new dev.packetwalk.engine.Event.Change(id, label,
						new dev.packetwalk.engine.Event.State(new Topology(next.namespaces), Map.of(),
								next.policyEngine, next.ipvsStates),
						ControlPlane.hops(steps), goneEndpoints, unplugged));
			current = next;
		}

		/**
		 * The EndpointSlice rewrites and every node's kube-proxy sync between two cluster
		 * states (changed ones only).
		 */
		private static List<Step> controlSteps(Builder before, Builder after) {
			List<Step> out = new ArrayList<>();
			Map<Ip, String> namesBefore = podNames(before);
			Map<Ip, String> namesAfter = podNames(after);
			for (dev.packetwalk.kubeproxy.KubeService svc : after.services.services()) {
				dev.packetwalk.kubeproxy.ServiceRef ref = svc.ref();
				List<dev.packetwalk.kubeproxy.Endpoint> was = before.services.endpoints().getOrDefault(ref, List.of());
				List<dev.packetwalk.kubeproxy.Endpoint> now = after.services.endpoints().getOrDefault(ref, List.of());
				List<String> diff = ControlPlane.diff(ControlPlane.sliceYaml(svc, was, namesBefore),
						ControlPlane.sliceYaml(svc, now, namesAfter), true);
				if (diff.stream().allMatch(l -> l.startsWith("  "))) {
					continue;
				}
				List<String> ready = now.stream()
					.filter(dev.packetwalk.kubeproxy.Endpoint::ready)
					.map(e -> e.ip().toString())
					.toList();
				out.add(new Step.EndpointsUpdate(ControlPlane.CONTROL_PLANE, null,
						"The EndpointSlice controller" + " (kube-controller-manager) rewrites "
								+ ControlPlane.sliceName(svc) + ", the slice of Service " + ref.namespace() + "/"
								+ ref.name() + ": " + ready.size() + " ready endpoint" + (ready.size() == 1 ? "" : "s")
								+ (ready.isEmpty() ? "" : " (" + String.join(", ", ready) + ")")
								+ ". Every node's kube-proxy watches it.",
						ref.namespace() + "/" + ref.name(), ControlPlane.sliceName(svc), diff, ready));
			}
			for (Namespace ns : after.namespaces) {
				if (ns.kind() != Namespace.Kind.NODE) {
					continue;
				}
				Namespace old = before.namespaces.stream().filter(n -> n.id().equals(ns.id())).findFirst().orElse(null);
				List<String> a = old == null ? List.of() : lines(old.iptables());
				List<String> diff = new ArrayList<>(ControlPlane.diff(a, lines(ns.iptables()), false));
				dev.packetwalk.kubeproxy.IpvsState ipvsBefore = before.ipvsStates.get(ns.id());
				dev.packetwalk.kubeproxy.IpvsState ipvsAfter = after.ipvsStates.get(ns.id());
				boolean ipvs = ipvsAfter != null;
				if (ipvs) {
					// the ipsets (ipset restore lines) and the virtual servers (ipvsadm
					// -Ln)
					diff.addAll(ControlPlane.diff(ipvsBefore == null ? List.of() : lines(ipvsBefore.ipsetRestoreText()),
							lines(ipvsAfter.ipsetRestoreText()), false));
					diff.addAll(
							ControlPlane.ipvsadmDiff(ipvsBefore == null ? List.of() : lines(ipvsBefore.ipvsadmList()),
									lines(ipvsAfter.ipvsadmList())));
				}
				boolean nft = !ns.nftables().isBlank();
				if (nft) {
					diff.addAll(ControlPlane.diff(old == null ? List.of() : lines(old.nftables()), lines(ns.nftables()),
							false));
				}
				if (diff.isEmpty()) {
					continue;
				}
				long added = diff.stream().filter(l -> l.startsWith("+ ")).count();
				long removed = diff.stream().filter(l -> l.startsWith("- ")).count();
				List<String> ladder = ipvs || nft ? List.of() : ControlPlane.ladders(ns.iptables());
				String mode = ipvs ? "ipvs" : nft ? "nftables" : "iptables";
				out.add(new Step.ProxySync(new Place(ns.node(), ns.id(), null), null, "kube-proxy on " + ns.id()
						+ " sees the change and rewrites the node's rules in one "
						+ (ipvs ? "sync (ipset restore, ipvsadm and iptables-restore)"
								: nft ? "nft -f transaction" : "iptables-restore")
						+ ": " + added + " line" + (added == 1 ? "" : "s") + " added, " + removed
						+ " removed. It is not in the data path: packets never pass through kube-proxy, only through the rules it"
						+ " writes.", ns.id(), mode, diff, ladder, List.of()));
			}
			return out;
		}

		private static Map<Ip, String> podNames(Builder b) {
			Map<Ip, String> out = new HashMap<>();
			b.podIps.forEach((key, ip) -> out.put(ip, key.substring(key.indexOf('/') + 1)));
			return out;
		}

		private static List<String> lines(String text) {
			return text == null || text.isBlank() ? List.of() : List.of(text.split("\n"));
		}

		/** A pod's network as CNI sees it in a built cluster. */
		private ControlPlane.PodNet podNet(Builder b, String key, Ip lastReservedBefore) {
			Namespace pod = b.namespaces.stream().filter(n -> n.id().equals(key)).findFirst().orElseThrow();
			Device eth0 = pod.devices().stream().filter(d -> d.name().equals("eth0")).findFirst().orElseThrow();
			Cidr addr = eth0.addresses().getFirst();
			String network = b.doc.cluster().network() == null ? PodNetwork.ALL.getFirst().name()
					: b.doc.cluster().network();
			String bridge = PodNetwork.named(network).orElseThrow().bridge();
			Cidr range = b.nodeCidr(pod.node());
			String hairpinMode = b.doc.cluster().hairpinMode();
			boolean hairpin = hairpinMode == null ? !"docker".equals(network) : "hairpin-veth".equals(hairpinMode);
			return new ControlPlane.PodNet(key, pod.label(), pod.node(), bridge, Mac.vethName(key), addr.address(),
					range, eth0.mtu(), network, lastReservedBefore == null ? range.nth(1) : lastReservedBefore,
					hairpin);
		}

		private int find(String pod) {
			for (int k = 0; k < pods.size(); k++) {
				if (key(pods.get(k)).equals(pod) || (!pod.contains("/") && pods.get(k).name().equals(pod))) {
					return k;
				}
			}
			return -1;
		}

		private List<String> names() {
			return pods.stream().map(ScenarioDocument.PodSpec::name).toList();
		}

		private Ip ip(String at, String text) {
			try {
				return Ip.parse(text);
			}
			catch (IllegalArgumentException ex) {
				problems.error(at, "'" + text + "' is not an IPv4 address");
				return null;
			}
		}

		private static String key(ScenarioDocument.PodSpec p) {
			return (p.namespace() == null ? "default" : p.namespace()) + "/" + p.name();
		}

		private static ScenarioDocument.PodSpec withIp(ScenarioDocument.PodSpec p, Ip ip, Boolean ready) {
			return new ScenarioDocument.PodSpec(p.name(), p.namespace(), p.node(), ip.toString(), p.labels(),
					p.containers(), ready);
		}

	}

}

package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube-proxy iptables mode ({@code pkg/proxy/iptables/proxier.go}, v1.31+ era): the
 * {@code iptables-restore} input it writes for one node, rule for rule and argument for
 * argument in kube-proxy's own order (not iptables-save's).
 *
 * <p>
 * Model choices, all deterministic:
 * <ul>
 * <li>Services are processed in list order, ports in declared order (upstream walks a Go
 * map; its tests sort).</li>
 * <li>The mark is spelled as upstream's unit tests do ({@code 0x4000}), see
 * {@link ProxyConfig#masqueradeMark()}.</li>
 * <li>The jumps kube-proxy installs with {@code iptables -I} (Prepend) are emitted as
 * rules of the built-in chains, which are declared {@code ACCEPT}, so the document loads
 * on its own. kubelet's {@code KUBE-FIREWALL} jump is assumed to exist first (kubelet
 * starts before kube-proxy), so it ends up last in INPUT and OUTPUT.</li>
 * <li>The canary chains ({@code KUBE-PROXY-CANARY}) and stale-chain deletion ({@code -X})
 * are not emitted; IPv4 only; {@code --nodeport-addresses} is "all" (the
 * {@code --dst-type LOCAL} form of the nodeports rule).</li>
 * </ul>
 */
public final class IptablesProxier {

	/**
	 * More endpoints than this in total: "large cluster mode", per-endpoint comments are
	 * dropped.
	 */
	public static final int LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

	public static final String KUBE_SERVICES = "KUBE-SERVICES";

	public static final String KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";

	public static final String KUBE_NODEPORTS = "KUBE-NODEPORTS";

	public static final String KUBE_POSTROUTING = "KUBE-POSTROUTING";

	public static final String KUBE_MARK_MASQ = "KUBE-MARK-MASQ";

	public static final String KUBE_FORWARD = "KUBE-FORWARD";

	public static final String KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";

	public static final String KUBE_FIREWALL = "KUBE-FIREWALL";

	static final String LOCALHOST_NODEPORT_NFACCT = "localhost_nps_accepted_pkts";
	static final String CT_INVALID_NFACCT = "ct_state_invalid_dropped_pkts";

	static final List<String> FILTER_BUILTINS = List.of("INPUT", "FORWARD", "OUTPUT");
	static final List<String> NAT_BUILTINS = List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING");

	/**
	 * {@code iptablesJumpChains} in upstream order: table, from (built-in), to, comment,
	 * extra args.
	 */
	private record Jump(String table, String from, String to, String comment, String extra) {
	}

	private static final String NEW = "-m conntrack --ctstate NEW";

	private static final List<Jump> JUMPS = List
		.of(new Jump("filter", "INPUT", KUBE_EXTERNAL_SERVICES, "kubernetes externally-visible service portals", NEW),
				new Jump("filter", "FORWARD", KUBE_EXTERNAL_SERVICES, "kubernetes externally-visible service portals",
						NEW),
				new Jump("filter", "INPUT", KUBE_NODEPORTS, "kubernetes health check service ports", ""),
				new Jump("filter", "FORWARD", KUBE_SERVICES, "kubernetes service portals", NEW),
				new Jump("filter", "OUTPUT", KUBE_SERVICES, "kubernetes service portals", NEW),
				new Jump("filter", "FORWARD", KUBE_FORWARD, "kubernetes forwarding rules", ""),
				new Jump("filter", "INPUT", KUBE_PROXY_FIREWALL, "kubernetes load balancer firewall", NEW),
				new Jump("filter", "OUTPUT", KUBE_PROXY_FIREWALL, "kubernetes load balancer firewall", NEW),
				new Jump("filter", "FORWARD", KUBE_PROXY_FIREWALL, "kubernetes load balancer firewall", NEW),
				new Jump("nat", "OUTPUT", KUBE_SERVICES, "kubernetes service portals", ""),
				new Jump("nat", "PREROUTING", KUBE_SERVICES, "kubernetes service portals", ""),
				new Jump("nat", "POSTROUTING", KUBE_POSTROUTING, "kubernetes postrouting rules", ""));

	/** kubelet's duplicates ({@code iptablesKubeletJumpChains}): no comment. */
	private static final List<Jump> KUBELET_JUMPS = List.of(new Jump("filter", "INPUT", KUBE_FIREWALL, "", ""),
			new Jump("filter", "OUTPUT", KUBE_FIREWALL, "", ""));

	private IptablesProxier() {
	}

	/**
	 * Go {@code fmt.Sprintf("%0.10f", 1.0/float64(n))}: Go rounds the exact binary value
	 * half-to-even, so this uses {@link BigDecimal} of the double (locale-free) rather
	 * than {@code String.format}, which rounds half-up.
	 */
	public static String probability(int n) {
		if (n < 1) {
			throw new IllegalArgumentException("probability(n) needs n >= 1 endpoints, was " + n);
		}
		if (n < PROBABILITIES.length) {
			String p = PROBABILITIES[n];
			if (p == null) {
				// a benign race: two threads may both compute the same immutable string
				p = new BigDecimal(1.0 / n).setScale(10, RoundingMode.HALF_EVEN).toPlainString();
				PROBABILITIES[n] = p;
			}
			return p;
		}
		return new BigDecimal(1.0 / n).setScale(10, RoundingMode.HALF_EVEN).toPlainString();
	}

	/**
	 * {@link #probability} by endpoint count, written once per count (every Service
	 * writes one per endpoint).
	 */
	private static final String[] PROBABILITIES = new String[1024];

	/** The full iptables-restore input for this node. */
	public static IptablesRestore generate(List<KubeService> services, Map<ServiceRef, List<Endpoint>> endpoints,
			ProxyConfig config) {
		return generate(services, endpoints, config, PARALLEL_PORTS);
	}

	/**
	 * {@link #generate}, writing on all cores when there are at least
	 * {@code parallelPorts} service ports.
	 */
	static IptablesRestore generate(List<KubeService> services, Map<ServiceRef, List<Endpoint>> endpoints,
			ProxyConfig config, int parallelPorts) {
		return new Writer(config, parallelPorts).write(services, endpoints == null ? Map.of() : endpoints);
	}

	/**
	 * Rules kube-proxy writes (filter + nat, without the constant built-in chain jumps).
	 */
	public static int countRules(List<KubeService> services, Map<ServiceRef, List<Endpoint>> endpoints,
			ProxyConfig config) {
		return generate(services, endpoints, config).kubeProxyRuleCount();
	}

	/**
	 * Quotes a comment the way kube-proxy does: multi-word comments in double quotes,
	 * single words bare.
	 */
	static String comment(String text) {
		return text.contains(" ") ? "\"" + text + "\"" : text;
	}

	/**
	 * Clusters with at least this many service ports have their rules written on all
	 * cores ({@code servicePorts}).
	 */
	static final int PARALLEL_PORTS = 2_000;

	/**
	 * One service port to write, with the endpoints kube-proxy resolved for it on this
	 * node.
	 */
	private record PortJob(KubeService svc, ServicePort port, List<ResolvedEndpoint> endpoints) {
	}

	private static final class Writer {

		private final ProxyConfig config;

		private final String mark;

		private final List<String> filterChains = new ArrayList<>();

		private final List<String> filterRules = new ArrayList<>();

		private final List<String> natChains = new ArrayList<>();

		private final List<String> natRules = new ArrayList<>();

		private boolean largeClusterMode;

		/** Service ports from which {@link #servicePorts} writes on all cores. */
		private final int parallelPorts;

		Writer(ProxyConfig config, int parallelPorts) {
			this.parallelPorts = parallelPorts;
			if (config == null) {
				throw new IllegalArgumentException("kube-proxy needs a ProxyConfig");
			}
			this.config = config;
			this.mark = config.masqueradeMark();
		}

		IptablesRestore write(List<KubeService> services, Map<ServiceRef, List<Endpoint>> endpoints) {
			filterChains.addAll(
					List.of(KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL));
			natChains.addAll(List.of(KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ));

			nat("-A", KUBE_POSTROUTING, "-m mark ! --mark", mark + "/" + mark, "-j RETURN");
			nat("-A", KUBE_POSTROUTING, "-j MARK --xor-mark", mark);
			nat("-A", KUBE_POSTROUTING, "-m comment --comment", comment("kubernetes service traffic requiring SNAT"),
					"-j MASQUERADE" + (config.randomFully() ? " --random-fully" : ""));
			nat("-A", KUBE_MARK_MASQ, "-j MARK --or-mark", mark);

			if (config.localhostNodePorts()) {
				filterChains.add(KUBE_FIREWALL);
				filter("-A", KUBE_FIREWALL, "-m comment --comment", comment("block incoming localnet connections"),
						"-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP");
			}

			List<KubeService> svcs = services == null ? List.of() : services;
			List<PortJob> jobs = new ArrayList<>();
			int totalEndpoints = 0;
			for (KubeService svc : svcs) {
				for (ServicePort port : svc.ports()) {
					List<ResolvedEndpoint> eps = EndpointSelection.resolve(port, endpoints.get(svc.ref()),
							config.nodeName());
					totalEndpoints += eps.size();
					jobs.add(new PortJob(svc, port, eps));
				}
			}
			largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
			servicePorts(jobs);

			// Tail call to the nodeports chain: must be the last rule in KUBE-SERVICES.
			nat("-A", KUBE_SERVICES, "-m comment --comment",
					comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain"),
					"-m addrtype --dst-type LOCAL" + (config.localhostNodePorts() ? "" : " ! -d 127.0.0.0/8"), "-j",
					KUBE_NODEPORTS);

			if (!config.conntrackTcpBeLiberal()) {
				filter("-A", KUBE_FORWARD, "-m conntrack --ctstate INVALID"
						+ (config.nfacct() ? " -m nfacct --nfacct-name " + CT_INVALID_NFACCT : ""), "-j DROP");
			}
			filter("-A", KUBE_FORWARD, "-m comment --comment", comment("kubernetes forwarding rules"), "-m mark --mark",
					mark + "/" + mark, "-j ACCEPT");
			filter("-A", KUBE_FORWARD, "-m comment --comment", comment("kubernetes forwarding conntrack rule"),
					"-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");

			List<String> filterJumps = builtinJumps("filter", config.localhostNodePorts());
			List<String> natJumps = builtinJumps("nat", false);
			return new IptablesRestore(List.of(
					new IptablesRestore.Table("filter", FILTER_BUILTINS, filterChains, filterJumps, filterRules),
					new IptablesRestore.Table("nat", NAT_BUILTINS, natChains, natJumps, natRules)));
		}

		/**
		 * Jumps per built-in chain: kubelet's first (it ran first), kube-proxy's
		 * prepended in front of them.
		 */
		private static List<String> builtinJumps(String table, boolean withKubeletFirewall) {
			List<String> builtins = table.equals("filter") ? FILTER_BUILTINS : NAT_BUILTINS;
			List<String> out = new ArrayList<>();
			for (String chain : builtins) {
				List<String> inChain = new ArrayList<>();
				if (withKubeletFirewall) {
					KUBELET_JUMPS.stream()
						.filter(j -> j.table().equals(table) && j.from().equals(chain))
						.forEach(j -> inChain.add(jumpRule(j)));
				}
				for (Jump j : JUMPS) {
					if (j.table().equals(table) && j.from().equals(chain)) {
						inChain.addFirst(jumpRule(j)); // EnsureRule(Prepend, ...)
					}
				}
				out.addAll(inChain);
			}
			return out;
		}

		private static String jumpRule(Jump j) {
			StringBuilder sb = new StringBuilder("-A ").append(j.from());
			if (!j.extra().isEmpty()) {
				sb.append(' ').append(j.extra());
			}
			if (!j.comment().isEmpty()) {
				sb.append(" -m comment --comment ").append(comment(j.comment()));
			}
			return sb.append(" -j ").append(j.to()).toString();
		}

		/**
		 * The rules of every service port, in order. With thousands of ports the ports
		 * are split into slices written on all cores, each by its own writer, and the
		 * slices' chains and rules appended in slice order: the same document, since a
		 * port's rules depend only on the port, its endpoints and the configuration.
		 */
		private void servicePorts(List<PortJob> jobs) {
			if (jobs.size() < parallelPorts) {
				jobs.forEach(j -> servicePort(j.svc(), j.port(), j.endpoints()));
				return;
			}
			int slices = 16;
			int per = (jobs.size() + slices - 1) / slices;
			List<Writer> parts = java.util.stream.IntStream.range(0, slices).parallel().mapToObj(k -> {
				Writer part = new Writer(config, Integer.MAX_VALUE);
				part.largeClusterMode = largeClusterMode;
				for (PortJob j : jobs.subList(Math.min(jobs.size(), k * per), Math.min(jobs.size(), (k + 1) * per))) {
					part.servicePort(j.svc(), j.port(), j.endpoints());
				}
				return part;
			}).toList();
			for (Writer part : parts) {
				filterChains.addAll(part.filterChains);
				filterRules.addAll(part.filterRules);
				natChains.addAll(part.natChains);
				natRules.addAll(part.natRules);
			}
		}

		private void servicePort(KubeService svc, ServicePort port, List<ResolvedEndpoint> endpoints) {
			ServicePortName spn = svc.portName(port);
			String s = spn.toString();
			String p = port.protocol().lower();
			String proto = "-m " + p + " -p " + p;
			String dport = "--dport " + port.port();

			EndpointSelection.Categorized cat = EndpointSelection.categorize(svc, port, endpoints);
			boolean hasEndpoints = cat.hasAny();

			TrafficChains tc = TrafficChains.of(svc, port, cat, KubeProxyHash.svcChain(spn, port.protocol()),
					KubeProxyHash.svlChain(spn, port.protocol()));
			String clusterPolicyChain = tc.clusterPolicyChain();
			boolean usesClusterPolicyChain = tc.usesClusterPolicyChain();
			String localPolicyChain = tc.localPolicyChain();
			boolean usesLocalPolicyChain = tc.usesLocalPolicyChain();
			String internalTrafficChain = tc.internalTrafficChain();
			boolean hasInternalEndpoints = tc.hasInternalEndpoints();
			String externalPolicyChain = tc.externalPolicyChain();
			boolean hasExternalEndpoints = tc.hasExternalEndpoints();
			String externalTrafficChain = KubeProxyHash.extChain(spn, port.protocol());
			boolean usesExternalTrafficChain = hasEndpoints && svc.externallyAccessible(port);

			String fwChain = KubeProxyHash.fwChain(spn, port.protocol());
			boolean usesFwChain = hasEndpoints && !svc.loadBalancerIps().isEmpty()
					&& !svc.loadBalancerSourceRanges().isEmpty();
			String loadBalancerTrafficChain = usesFwChain ? fwChain : externalTrafficChain;

			String internalFilterTarget = null;
			String internalFilterComment = null;
			String externalFilterTarget = null;
			String externalFilterComment = null;
			if (!hasEndpoints) {
				internalFilterTarget = "REJECT";
				internalFilterComment = comment(s + " has no endpoints");
				externalFilterTarget = "REJECT";
				externalFilterComment = internalFilterComment;
			}
			else {
				if (!hasInternalEndpoints) {
					internalFilterTarget = "DROP";
					internalFilterComment = comment(s + " has no local endpoints");
				}
				if (!hasExternalEndpoints) {
					externalFilterTarget = "DROP";
					externalFilterComment = comment(s + " has no local endpoints");
				}
			}

			// Capture the clusterIP.
			if (hasInternalEndpoints) {
				nat("-A", KUBE_SERVICES, "-m comment --comment", comment(s + " cluster IP"), proto, "-d",
						svc.clusterIp().toString(), dport, "-j", internalTrafficChain);
			}
			else {
				filter("-A", KUBE_SERVICES, "-m comment --comment", internalFilterComment, proto, "-d",
						svc.clusterIp().toString(), dport, "-j", internalFilterTarget);
			}

			// Capture externalIPs.
			for (Ip externalIp : svc.externalIps()) {
				if (hasEndpoints) {
					nat("-A", KUBE_SERVICES, "-m comment --comment", comment(s + " external IP"), proto, "-d",
							externalIp.toString(), dport, "-j", externalTrafficChain);
				}
				if (!hasExternalEndpoints) {
					filter("-A", KUBE_EXTERNAL_SERVICES, "-m comment --comment", externalFilterComment, proto, "-d",
							externalIp.toString(), dport, "-j", externalFilterTarget);
				}
			}

			// Capture load-balancer ingress.
			for (Ip lbIp : svc.loadBalancerIps()) {
				if (hasEndpoints) {
					nat("-A", KUBE_SERVICES, "-m comment --comment", comment(s + " loadbalancer IP"), proto, "-d",
							lbIp.toString(), dport, "-j", loadBalancerTrafficChain);
				}
				if (usesFwChain) {
					filter("-A", KUBE_PROXY_FIREWALL, "-m comment --comment",
							comment(s + " traffic not accepted by " + fwChain), proto, "-d", lbIp.toString(), dport,
							"-j DROP");
				}
			}
			if (!hasExternalEndpoints) {
				for (Ip lbIp : svc.loadBalancerIps()) {
					filter("-A", KUBE_EXTERNAL_SERVICES, "-m comment --comment", externalFilterComment, proto, "-d",
							lbIp.toString(), dport, "-j", externalFilterTarget);
				}
			}

			// Capture node ports.
			if (port.nodePort() != 0) {
				if (hasEndpoints) {
					if (config.localhostNodePorts() && config.nfacct()) {
						nat("-A", KUBE_NODEPORTS, "-m comment --comment", comment(s), proto, "-d 127.0.0.0/8",
								"--dport " + port.nodePort(), "-m nfacct --nfacct-name", LOCALHOST_NODEPORT_NFACCT,
								"-j", externalTrafficChain);
					}
					nat("-A", KUBE_NODEPORTS, "-m comment --comment", comment(s), proto, "--dport " + port.nodePort(),
							"-j", externalTrafficChain);
				}
				if (!hasExternalEndpoints) {
					filter("-A", KUBE_EXTERNAL_SERVICES, "-m comment --comment", externalFilterComment,
							"-m addrtype --dst-type LOCAL", proto, "--dport " + port.nodePort(), "-j",
							externalFilterTarget);
				}
			}

			// Health check node port: always accepted, local endpoints or not.
			if (svc.healthCheckNodePort() != 0) {
				filter("-A", KUBE_NODEPORTS, "-m comment --comment", comment(s + " health check node port"),
						"-m tcp -p tcp --dport " + svc.healthCheckNodePort(), "-j ACCEPT");
			}

			// Internal traffic: masquerade off-cluster sources (or everything with
			// --masquerade-all).
			if (hasInternalEndpoints) {
				String match = String.join(" ", "-m comment --comment", comment(s + " cluster IP"), proto, "-d",
						svc.clusterIp().toString(), dport);
				if (config.masqueradeAll()) {
					nat("-A", internalTrafficChain, match, "-j", KUBE_MARK_MASQ);
				}
				else if (config.hasLocalDetector()) {
					nat("-A", internalTrafficChain, match, config.localDetector().ifNotLocal(), "-j", KUBE_MARK_MASQ);
				}
			}

			// External traffic.
			if (usesExternalTrafficChain) {
				natChains.add(externalTrafficChain);
				if (!svc.externalPolicyLocal(port)) {
					nat("-A", externalTrafficChain, "-m comment --comment",
							comment("masquerade traffic for " + s + " external destinations"), "-j", KUBE_MARK_MASQ);
				}
				else {
					if (config.hasLocalDetector()) {
						nat("-A", externalTrafficChain, "-m comment --comment",
								comment("pod traffic for " + s + " external destinations"),
								config.localDetector().ifLocal(), "-j", clusterPolicyChain);
					}
					nat("-A", externalTrafficChain, "-m comment --comment",
							comment("masquerade LOCAL traffic for " + s + " external destinations"),
							"-m addrtype --src-type LOCAL -j", KUBE_MARK_MASQ);
					nat("-A", externalTrafficChain, "-m comment --comment",
							comment("route LOCAL traffic for " + s + " external destinations"),
							"-m addrtype --src-type LOCAL -j", clusterPolicyChain);
				}
				if (hasExternalEndpoints) {
					nat("-A", externalTrafficChain, "-j", externalPolicyChain);
				}
			}

			// Firewall chain for loadBalancerSourceRanges.
			if (usesFwChain) {
				natChains.add(fwChain);
				String head = "-m comment --comment " + comment(s + " loadbalancer IP");
				boolean allowFromNode = false;
				for (Cidr range : svc.loadBalancerSourceRanges()) {
					nat("-A", fwChain, head, "-s", range.toString(), "-j", externalTrafficChain);
					allowFromNode |= config.nodeIps().stream().anyMatch(range::contains);
				}
				if (allowFromNode) {
					for (Ip lbIp : svc.loadBalancerIps()) {
						nat("-A", fwChain, head, "-s", lbIp.toString(), "-j", externalTrafficChain);
					}
				}
				nat("-A", fwChain, "-m comment --comment",
						comment("other traffic to " + s + " will be dropped by KUBE-PROXY-FIREWALL"));
			}

			if (usesClusterPolicyChain) {
				natChains.add(clusterPolicyChain);
				serviceToEndpointRules(svc, spn, port, clusterPolicyChain, cat.cluster());
			}
			if (usesLocalPolicyChain) {
				natChains.add(localPolicyChain);
				serviceToEndpointRules(svc, spn, port, localPolicyChain, cat.local());
			}

			// Per-endpoint chains.
			for (ResolvedEndpoint ep : cat.allReachable()) {
				String sep = KubeProxyHash.sepChain(spn, port.protocol(), ep.toString());
				natChains.add(sep);
				String head = "-A " + sep + serviceComment(s);
				nat(head, "-s", ep.ip().toString(), "-j", KUBE_MARK_MASQ);
				nat(head + (svc.clientIpAffinity() ? " -m recent --name " + sep + " --set" : ""), proto,
						"-j DNAT --to-destination", ep.toString());
			}
		}

		/**
		 * {@code writeServiceToEndpointRules}: affinity checks first, then the
		 * probability cascade.
		 */
		private void serviceToEndpointRules(KubeService svc, ServicePortName spn, ServicePort port, String chain,
				List<ResolvedEndpoint> eps) {
			String s = spn.toString();
			if (svc.clientIpAffinity()) {
				for (ResolvedEndpoint ep : eps) {
					String sep = KubeProxyHash.sepChain(spn, port.protocol(), ep.toString());
					nat("-A " + chain + serviceComment(s + " -> " + ep), "-m recent --name", sep, "--rcheck --seconds",
							Integer.toString(svc.affinityTimeoutSeconds()), "--reap -j", sep);
				}
			}
			int n = eps.size();
			for (int i = 0; i < n; i++) {
				ResolvedEndpoint ep = eps.get(i);
				String sep = KubeProxyHash.sepChain(spn, port.protocol(), ep.toString());
				String head = "-A " + chain + serviceComment(s + " -> " + ep);
				if (i < n - 1) {
					nat(head, "-m statistic --mode random --probability", probability(n - i), "-j", sep);
				}
				else {
					nat(head, "-j", sep);
				}
			}
		}

		/** {@code appendServiceCommentLocked}: nothing in large-cluster mode. */
		private String serviceComment(String text) {
			return largeClusterMode ? "" : " -m comment --comment " + comment(text);
		}

		private void nat(String... parts) {
			natRules.add(String.join(" ", parts));
		}

		private void filter(String... parts) {
			filterRules.add(String.join(" ", parts));
		}

	}

}

package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * kube-proxy IPVS mode ({@code pkg/proxy/ipvs/proxier.go}, {@code ipset.go}): VIPs bound
 * on {@code kube-ipvs0}, the ipsets, the constant iptables rules that match them, and the
 * IPVS virtual services. Model only: no kernel here has IPVS. IPv4 only; node addresses
 * come from {@link ProxyConfig#nodeIps()} (upstream lists every local address except
 * those on kube-ipvs0). SCTP Service ports are virtual servers of protocol SCTP and
 * members {@code ip,sctp:port} of the hash:ip,port sets; their node ports go to
 * KUBE-NODE-PORT-SCTP-HASH as {@code nodeIP,sctp:nodePort}, one per node address.
 */
public final class IpvsProxier {

	public static final String DUMMY_DEVICE = "kube-ipvs0";

	public static final String DEFAULT_SCHEDULER = "rr";

	public static final String KUBE_LOOP_BACK = "KUBE-LOOP-BACK";

	public static final String KUBE_CLUSTER_IP = "KUBE-CLUSTER-IP";

	public static final String KUBE_EXTERNAL_IP = "KUBE-EXTERNAL-IP";

	public static final String KUBE_EXTERNAL_IP_LOCAL = "KUBE-EXTERNAL-IP-LOCAL";

	public static final String KUBE_LOAD_BALANCER = "KUBE-LOAD-BALANCER";

	public static final String KUBE_LOAD_BALANCER_FW = "KUBE-LOAD-BALANCER-FW";

	public static final String KUBE_LOAD_BALANCER_LOCAL = "KUBE-LOAD-BALANCER-LOCAL";

	public static final String KUBE_LOAD_BALANCER_SOURCE_IP = "KUBE-LOAD-BALANCER-SOURCE-IP";

	public static final String KUBE_LOAD_BALANCER_SOURCE_CIDR = "KUBE-LOAD-BALANCER-SOURCE-CIDR";

	public static final String KUBE_NODE_PORT_TCP = "KUBE-NODE-PORT-TCP";

	public static final String KUBE_NODE_PORT_LOCAL_TCP = "KUBE-NODE-PORT-LOCAL-TCP";

	public static final String KUBE_NODE_PORT_UDP = "KUBE-NODE-PORT-UDP";

	public static final String KUBE_NODE_PORT_LOCAL_UDP = "KUBE-NODE-PORT-LOCAL-UDP";

	public static final String KUBE_NODE_PORT_SCTP = "KUBE-NODE-PORT-SCTP-HASH";

	public static final String KUBE_NODE_PORT_LOCAL_SCTP = "KUBE-NODE-PORT-LOCAL-SCTP-HASH";

	public static final String KUBE_HEALTH_CHECK_NODE_PORT = "KUBE-HEALTH-CHECK-NODE-PORT";

	public static final String KUBE_IPVS_IPS = "KUBE-IPVS-IPS";

	// iptables chains of IPVS mode
	public static final String KUBE_SERVICES = "KUBE-SERVICES";

	public static final String KUBE_POSTROUTING = "KUBE-POSTROUTING";

	public static final String KUBE_NODE_PORT = "KUBE-NODE-PORT";

	public static final String KUBE_LOAD_BALANCER_CHAIN = "KUBE-LOAD-BALANCER";

	public static final String KUBE_MARK_MASQ = "KUBE-MARK-MASQ";

	public static final String KUBE_FORWARD = "KUBE-FORWARD";

	public static final String KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";

	public static final String KUBE_SOURCE_RANGES_FIREWALL = "KUBE-SOURCE-RANGES-FIREWALL";

	public static final String KUBE_IPVS_FILTER = "KUBE-IPVS-FILTER";

	public static final String KUBE_IPVS_OUT_FILTER = "KUBE-IPVS-OUT-FILTER";

	private record SetInfo(String name, String type, String comment) {
	}

	/** {@code ipsetInfo}, in upstream order. */
	private static final List<SetInfo> SETS = List.of(
			new SetInfo(KUBE_LOOP_BACK, IpSet.HASH_IP_PORT_IP,
					"Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
			new SetInfo(KUBE_CLUSTER_IP, IpSet.HASH_IP_PORT,
					"Kubernetes service cluster ip + port for masquerade purpose"),
			new SetInfo(KUBE_EXTERNAL_IP, IpSet.HASH_IP_PORT,
					"Kubernetes service external ip + port for masquerade and filter purpose"),
			new SetInfo(KUBE_EXTERNAL_IP_LOCAL, IpSet.HASH_IP_PORT,
					"Kubernetes service external ip + port with externalTrafficPolicy=local"),
			new SetInfo(KUBE_LOAD_BALANCER, IpSet.HASH_IP_PORT, "Kubernetes service lb portal"),
			new SetInfo(KUBE_LOAD_BALANCER_FW, IpSet.HASH_IP_PORT,
					"Kubernetes service load balancer ip + port for load balancer with sourceRange"),
			new SetInfo(KUBE_LOAD_BALANCER_LOCAL, IpSet.HASH_IP_PORT,
					"Kubernetes service load balancer ip + port with externalTrafficPolicy=local"),
			new SetInfo(KUBE_LOAD_BALANCER_SOURCE_IP, IpSet.HASH_IP_PORT_IP,
					"Kubernetes service load balancer ip + port + source IP for packet filter purpose"),
			new SetInfo(KUBE_LOAD_BALANCER_SOURCE_CIDR, IpSet.HASH_IP_PORT_NET,
					"Kubernetes service load balancer ip + port + source cidr for packet filter purpose"),
			new SetInfo(KUBE_NODE_PORT_TCP, IpSet.BITMAP_PORT, "Kubernetes nodeport TCP port for masquerade purpose"),
			new SetInfo(KUBE_NODE_PORT_LOCAL_TCP, IpSet.BITMAP_PORT,
					"Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
			new SetInfo(KUBE_NODE_PORT_UDP, IpSet.BITMAP_PORT, "Kubernetes nodeport UDP port for masquerade purpose"),
			new SetInfo(KUBE_NODE_PORT_LOCAL_UDP, IpSet.BITMAP_PORT,
					"Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
			new SetInfo(KUBE_NODE_PORT_SCTP, IpSet.HASH_IP_PORT,
					"Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"),
			new SetInfo(KUBE_NODE_PORT_LOCAL_SCTP, IpSet.HASH_IP_PORT,
					"Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"),
			new SetInfo(KUBE_HEALTH_CHECK_NODE_PORT, IpSet.BITMAP_PORT, "Kubernetes health check node port"),
			new SetInfo(KUBE_IPVS_IPS, IpSet.HASH_IP, "Addresses on the ipvs interface"));

	/**
	 * {@code ipsetWithIptablesChain}: set, table, from chain, target, match type,
	 * protocol match.
	 */
	private record SetRule(String set, String table, String from, String to, String matchType, String protocol) {
	}

	private static final List<SetRule> SET_RULES = List.of(
			new SetRule(KUBE_LOOP_BACK, "nat", KUBE_POSTROUTING, "MASQUERADE", "dst,dst,src", ""),
			new SetRule(KUBE_LOAD_BALANCER, "nat", KUBE_SERVICES, KUBE_LOAD_BALANCER_CHAIN, "dst,dst", ""),
			new SetRule(KUBE_LOAD_BALANCER_LOCAL, "nat", KUBE_LOAD_BALANCER_CHAIN, "RETURN", "dst,dst", ""),
			new SetRule(KUBE_NODE_PORT_LOCAL_TCP, "nat", KUBE_NODE_PORT, "RETURN", "dst", "tcp"),
			new SetRule(KUBE_NODE_PORT_TCP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst", "tcp"),
			new SetRule(KUBE_NODE_PORT_LOCAL_UDP, "nat", KUBE_NODE_PORT, "RETURN", "dst", "udp"),
			new SetRule(KUBE_NODE_PORT_UDP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst", "udp"),
			new SetRule(KUBE_NODE_PORT_LOCAL_SCTP, "nat", KUBE_NODE_PORT, "RETURN", "dst,dst", "sctp"),
			new SetRule(KUBE_NODE_PORT_SCTP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst,dst", "sctp"),
			new SetRule(KUBE_LOAD_BALANCER_FW, "filter", KUBE_PROXY_FIREWALL, KUBE_SOURCE_RANGES_FIREWALL, "dst,dst",
					""),
			new SetRule(KUBE_LOAD_BALANCER_SOURCE_CIDR, "filter", KUBE_SOURCE_RANGES_FIREWALL, "RETURN", "dst,dst,src",
					""),
			new SetRule(KUBE_LOAD_BALANCER_SOURCE_IP, "filter", KUBE_SOURCE_RANGES_FIREWALL, "RETURN", "dst,dst,src",
					""));

	/**
	 * {@code iptablesJumpChain} of IPVS mode: table, from, to, comment (no conntrack
	 * match here).
	 */
	private static final List<String[]> JUMPS = List.of(
			new String[] { "nat", "OUTPUT", KUBE_SERVICES, "kubernetes service portals" },
			new String[] { "nat", "PREROUTING", KUBE_SERVICES, "kubernetes service portals" },
			new String[] { "nat", "POSTROUTING", KUBE_POSTROUTING, "kubernetes postrouting rules" },
			new String[] { "filter", "FORWARD", KUBE_FORWARD, "kubernetes forwarding rules" },
			new String[] { "filter", "INPUT", KUBE_NODE_PORT, "kubernetes health check rules" },
			new String[] { "filter", "INPUT", KUBE_PROXY_FIREWALL, "kube-proxy firewall rules" },
			new String[] { "filter", "FORWARD", KUBE_PROXY_FIREWALL, "kube-proxy firewall rules" },
			new String[] { "filter", "INPUT", KUBE_IPVS_FILTER, "kubernetes ipvs access filter" },
			new String[] { "filter", "OUTPUT", KUBE_IPVS_OUT_FILTER, "kubernetes ipvs access filter" });

	private IpvsProxier() {
	}

	public static IpvsState generate(List<KubeService> services, Map<ServiceRef, List<Endpoint>> endpoints,
			ProxyConfig config) {
		return generate(services, endpoints, config, DEFAULT_SCHEDULER);
	}

	public static IpvsState generate(List<KubeService> services, Map<ServiceRef, List<Endpoint>> endpoints,
			ProxyConfig config, String scheduler) {
		if (config == null) {
			throw new IllegalArgumentException("kube-proxy needs a ProxyConfig");
		}
		String sched = scheduler == null || scheduler.isBlank() ? DEFAULT_SCHEDULER : scheduler;
		Map<String, TreeSet<String>> entries = new LinkedHashMap<>();
		SETS.forEach(s -> entries.put(s.name(), new TreeSet<>()));
		TreeSet<Ip> bound = new TreeSet<>();
		Map<String, IpvsVirtualServer> virtualServers = new LinkedHashMap<>();
		List<String> lbNoNodeAccess = new ArrayList<>();
		List<Ip> nodeIps = config.nodeIps().stream().filter(ip -> !ip.isLoopback()).toList();

		for (KubeService svc : services == null ? List.<KubeService>of() : services) {
			List<Endpoint> svcEndpoints = endpoints == null ? List.of() : endpoints.getOrDefault(svc.ref(), List.of());
			for (ServicePort port : svc.ports()) {
				String proto = port.protocol().lower();
				List<ResolvedEndpoint> resolved = EndpointSelection.resolve(port, svcEndpoints, config.nodeName());
				EndpointSelection.Categorized cat = EndpointSelection.categorize(svc, port, resolved);
				int persistence = svc.affinityTimeoutSeconds();

				for (ResolvedEndpoint ep : resolved) {
					if (ep.local()) {
						entries.get(KUBE_LOOP_BACK).add(ep.ip() + "," + proto + ":" + ep.port() + "," + ep.ip());
					}
				}

				entries.get(KUBE_CLUSTER_IP).add(svc.clusterIp() + "," + proto + ":" + port.port());
				addVirtualServer(virtualServers, port.protocol(), svc.clusterIp(), port.port(), sched, persistence,
						realServers(cat, svc.internalPolicyLocal()));
				bound.add(svc.clusterIp());

				boolean extLocal = svc.externalPolicyLocal(port);
				for (Ip externalIp : svc.externalIps()) {
					entries.get(extLocal ? KUBE_EXTERNAL_IP_LOCAL : KUBE_EXTERNAL_IP)
						.add(externalIp + "," + proto + ":" + port.port());
					addVirtualServer(virtualServers, port.protocol(), externalIp, port.port(), sched, persistence,
							realServers(cat, extLocal));
					if (!nodeIps.contains(externalIp)) {
						bound.add(externalIp);
					}
				}

				for (Ip lbIp : svc.loadBalancerIps()) {
					String entry = lbIp + "," + proto + ":" + port.port();
					entries.get(KUBE_LOAD_BALANCER).add(entry);
					if (extLocal) {
						entries.get(KUBE_LOAD_BALANCER_LOCAL).add(entry);
					}
					if (!svc.loadBalancerSourceRanges().isEmpty()) {
						entries.get(KUBE_LOAD_BALANCER_FW).add(entry);
						boolean allowFromNode = false;
						for (Cidr range : svc.loadBalancerSourceRanges()) {
							entries.get(KUBE_LOAD_BALANCER_SOURCE_CIDR).add(entry + "," + range);
							allowFromNode |= nodeIps.stream().anyMatch(range::contains);
						}
						if (allowFromNode) {
							entries.get(KUBE_LOAD_BALANCER_SOURCE_IP).add(entry + "," + lbIp);
						}
						else {
							lbNoNodeAccess.add("-A " + KUBE_IPVS_OUT_FILTER + " -s " + lbIp + " -m ipvs --vaddr " + lbIp
									+ " --vproto " + proto + " --vport " + port.port() + " -j DROP");
						}
					}
					addVirtualServer(virtualServers, port.protocol(), lbIp, port.port(), sched, persistence,
							realServers(cat, extLocal));
					if (!nodeIps.contains(lbIp)) {
						bound.add(lbIp);
					}
				}

				if (port.nodePort() != 0 && !nodeIps.isEmpty()) {
					// TCP and UDP node ports are bitmap:port members (no address);
					// bitmap:port matches TCP and UDP packets only (ip_set_get_ip_port),
					// so
					// SCTP's sets are hash:ip,port with one member per node address
					List<String> members = port.protocol() == Protocol.SCTP
							? nodeIps.stream().map(ip -> ip + ",sctp:" + port.nodePort()).toList()
							: List.of(Integer.toString(port.nodePort()));
					String[] sets = switch (port.protocol()) {
						case TCP -> new String[] { KUBE_NODE_PORT_TCP, KUBE_NODE_PORT_LOCAL_TCP };
						case UDP -> new String[] { KUBE_NODE_PORT_UDP, KUBE_NODE_PORT_LOCAL_UDP };
						case SCTP -> new String[] { KUBE_NODE_PORT_SCTP, KUBE_NODE_PORT_LOCAL_SCTP };
						case ICMP -> throw new IllegalStateException("service ports are TCP, UDP or SCTP");
					};
					entries.get(sets[0]).addAll(members);
					if (extLocal) {
						entries.get(sets[1]).addAll(members);
					}
					for (Ip nodeIp : nodeIps) {
						addVirtualServer(virtualServers, port.protocol(), nodeIp, port.nodePort(), sched, persistence,
								realServers(cat, extLocal));
					}
				}

				if (svc.healthCheckNodePort() != 0) {
					entries.get(KUBE_HEALTH_CHECK_NODE_PORT).add(Integer.toString(svc.healthCheckNodePort()));
				}
			}
		}
		bound.forEach(ip -> entries.get(KUBE_IPVS_IPS).add(ip.toString()));

		List<IpSet> ipsets = SETS.stream()
			.map(s -> new IpSet(s.name(), s.type(), s.comment(), entries.get(s.name())))
			.toList();
		IptablesRestore iptables = iptablesRules(ipsets, lbNoNodeAccess, config);
		return new IpvsState(DUMMY_DEVICE, bound, ipsets, iptables, List.copyOf(virtualServers.values()));
	}

	/**
	 * {@code syncEndpoint}: local endpoints when asked for and present, else the cluster
	 * endpoints (PR #97081).
	 */
	private static List<IpvsRealServer> realServers(EndpointSelection.Categorized cat, boolean onlyNodeLocal) {
		List<ResolvedEndpoint> eps = onlyNodeLocal && !cat.local().isEmpty() ? cat.local() : cat.cluster();
		return eps.stream().map(e -> IpvsRealServer.masq(e.ip(), e.port())).toList();
	}

	private static void addVirtualServer(Map<String, IpvsVirtualServer> map, Protocol protocol, Ip address, int port,
			String scheduler, int persistence, List<IpvsRealServer> realServers) {
		IpvsVirtualServer vs = new IpvsVirtualServer(protocol, address, port, scheduler, persistence, realServers);
		// Two service ports claiming the same VIP:port/proto: the later sync wins, as
		// IPVS has one entry per key.
		map.put(vs.toString(), vs);
	}

	/**
	 * {@code writeIptablesRules} + {@code createAndLinkKubeChain}: nat first, then
	 * filter.
	 */
	private static IptablesRestore iptablesRules(List<IpSet> ipsets, List<String> lbNoNodeAccess, ProxyConfig config) {
		Map<String, IpSet> byName = new LinkedHashMap<>();
		ipsets.forEach(s -> byName.put(s.name(), s));
		String mark = config.masqueradeMark();
		List<String> nat = new ArrayList<>();
		List<String> filter = new ArrayList<>();

		nat.add("-A " + KUBE_SERVICES + " -s 127.0.0.0/8 -j RETURN");
		for (SetRule r : SET_RULES) {
			IpSet set = byName.get(r.set());
			if (set.isEmpty()) {
				continue;
			}
			String rule = "-A " + r.from() + (r.protocol().isEmpty() ? "" : " -p " + r.protocol())
					+ " -m comment --comment " + set.quotedComment() + " -m set --match-set " + set.name() + " "
					+ r.matchType() + " -j " + r.to();
			(r.table().equals("filter") ? filter : nat).add(rule);
		}
		IpSet clusterIp = byName.get(KUBE_CLUSTER_IP);
		if (!clusterIp.isEmpty()) {
			String head = "-A " + KUBE_SERVICES + " -m comment --comment " + clusterIp.quotedComment()
					+ " -m set --match-set " + clusterIp.name();
			if (config.masqueradeAll()) {
				nat.add(head + " dst,dst -j " + KUBE_MARK_MASQ);
			}
			else if (config.hasLocalDetector()) {
				nat.add(head + " dst,dst " + config.localDetector().ifNotLocal() + " -j " + KUBE_MARK_MASQ);
			}
			else {
				// No detector: masquerade node-originated traffic whose source is a VIP
				// on kube-ipvs0.
				nat.add(head + " src,dst -j " + KUBE_MARK_MASQ);
			}
		}
		IpSet ext = byName.get(KUBE_EXTERNAL_IP);
		if (!ext.isEmpty()) {
			String head = "-A " + KUBE_SERVICES + " -m comment --comment " + ext.quotedComment()
					+ " -m set --match-set " + ext.name() + " dst,dst";
			nat.add(head + " -j " + KUBE_MARK_MASQ);
			externalIpRules(nat, head);
		}
		IpSet extLocal = byName.get(KUBE_EXTERNAL_IP_LOCAL);
		if (!extLocal.isEmpty()) {
			externalIpRules(nat, "-A " + KUBE_SERVICES + " -m comment --comment " + extLocal.quotedComment()
					+ " -m set --match-set " + extLocal.name() + " dst,dst");
		}
		nat.add("-A " + KUBE_SERVICES + " -m addrtype --dst-type LOCAL -j " + KUBE_NODE_PORT);
		nat.add("-A " + KUBE_LOAD_BALANCER_CHAIN + " -j " + KUBE_MARK_MASQ);
		filter.add("-A " + KUBE_SOURCE_RANGES_FIREWALL + " -j DROP");
		filter.addAll(lbNoNodeAccess);
		for (String s : List.of(KUBE_CLUSTER_IP, KUBE_LOAD_BALANCER)) {
			IpSet set = byName.get(s);
			if (!set.isEmpty()) {
				nat.add("-A " + KUBE_SERVICES + " -m set --match-set " + set.name() + " "
						+ (set.type().equals(IpSet.BITMAP_PORT) ? "dst" : "dst,dst") + " -j ACCEPT");
			}
		}
		filter.add("-A " + KUBE_FORWARD + " -m comment --comment \"kubernetes forwarding rules\" -m mark --mark " + mark
				+ "/" + mark + " -j ACCEPT");
		filter.add("-A " + KUBE_FORWARD + " -m comment --comment \"kubernetes forwarding conntrack rule\""
				+ " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
		IpSet hc = byName.get(KUBE_HEALTH_CHECK_NODE_PORT);
		filter.add("-A " + KUBE_NODE_PORT + " -m comment --comment " + hc.quotedComment() + " -m set --match-set "
				+ hc.name() + " dst -j ACCEPT");
		for (String s : List.of(KUBE_LOAD_BALANCER, KUBE_CLUSTER_IP, KUBE_EXTERNAL_IP, KUBE_EXTERNAL_IP_LOCAL)) {
			filter.add("-A " + KUBE_IPVS_FILTER + " -m set --match-set " + s + " dst,dst -j RETURN");
		}
		filter.add("-A " + KUBE_IPVS_FILTER + " -m set --match-set " + KUBE_HEALTH_CHECK_NODE_PORT + " dst -j RETURN");
		filter.add("-A " + KUBE_IPVS_FILTER + " -m conntrack --ctstate NEW -m set --match-set " + KUBE_IPVS_IPS
				+ " dst -j REJECT");
		nat.add("-A " + KUBE_POSTROUTING + " -m mark ! --mark " + mark + "/" + mark + " -j RETURN");
		nat.add("-A " + KUBE_POSTROUTING + " -j MARK --xor-mark " + mark);
		nat.add("-A " + KUBE_POSTROUTING + " -m comment --comment \"kubernetes service traffic requiring SNAT\""
				+ " -j MASQUERADE" + (config.randomFully() ? " --random-fully" : ""));
		nat.add("-A " + KUBE_MARK_MASQ + " -j MARK --or-mark " + mark);

		return new IptablesRestore(
				List.of(new IptablesRestore.Table("nat", IptablesProxier.NAT_BUILTINS,
						List.of(KUBE_SERVICES, KUBE_POSTROUTING, KUBE_NODE_PORT, KUBE_LOAD_BALANCER_CHAIN,
								KUBE_MARK_MASQ),
						jumps("nat"), nat),
						new IptablesRestore.Table("filter", IptablesProxier.FILTER_BUILTINS,
								List.of(KUBE_FORWARD, KUBE_NODE_PORT, KUBE_PROXY_FIREWALL, KUBE_SOURCE_RANGES_FIREWALL,
										KUBE_IPVS_FILTER, KUBE_IPVS_OUT_FILTER),
								jumps("filter"), filter)));
	}

	private static void externalIpRules(List<String> nat, String head) {
		nat.add(head + " -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT");
		nat.add(head + " -m addrtype --dst-type LOCAL -j ACCEPT");
	}

	/** Prepended jumps: per built-in chain, the last one ensured comes first. */
	private static List<String> jumps(String table) {
		List<String> builtins = table.equals("nat") ? IptablesProxier.NAT_BUILTINS : IptablesProxier.FILTER_BUILTINS;
		List<String> out = new ArrayList<>();
		for (String chain : builtins) {
			List<String> inChain = new ArrayList<>();
			for (String[] j : JUMPS) {
				if (j[0].equals(table) && j[1].equals(chain)) {
					inChain.addFirst(
							"-A " + chain + " -m comment --comment " + IptablesProxier.comment(j[3]) + " -j " + j[2]);
				}
			}
			out.addAll(inChain);
		}
		return out;
	}

}

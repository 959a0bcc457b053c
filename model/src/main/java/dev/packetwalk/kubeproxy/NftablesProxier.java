package dev.packetwalk.kubeproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;

/**
 * kube-proxy nftables mode ({@code pkg/proxy/nftables/proxier.go}, v1.33 era): the
 * {@code nft -f} transaction it writes for one node, in knftables' one-object-a-line form
 * ({@code add table / set / map / chain / rule / element}), with upstream's names:
 * {@code table ip kube-proxy}, the base chains {@code filter-prerouting-pre-dnat}
 * (filter, prerouting, -110), {@code filter-output-pre-dnat} (filter, output, -110),
 * {@code filter-forward} / {@code filter-input} / {@code filter-output} (filter, 0),
 * {@code nat-prerouting} / {@code nat-output} (nat, dstnat -100), {@code nat-postrouting}
 * (nat, srcnat +100); the {@code service-ips} and {@code service-nodeports} verdict maps;
 * {@code service-<hash>-ns/name/proto/port}, {@code external-…}, {@code local-…},
 * {@code firewall-…}, {@code endpoint-<hash>-…__ip/port} chains and {@code affinity-…}
 * sets ({@link KubeProxyHash#nftChainName}).
 *
 * <p>
 * Model choices, deterministic: Services in list order, ports in declared order; the
 * objects are grouped so that every chain and set exists before a rule or element names
 * it (upstream's transaction interleaves them; nft accepts both, and
 * {@code nft list ruleset} is the same); the mark is {@code 0x4000} as in upstream's
 * tests; IPv4 only; a fresh sync (no flush/delete of earlier objects).
 */
public final class NftablesProxier {

	public static final String TABLE = "kube-proxy";

	private static final String ADD = "add ";

	private static final String T = " ip " + TABLE + " ";

	/**
	 * @param clusterCidr the local-traffic detector (ClusterCIDR), or null for none
	 * @param serviceCidr the service CIDR ({@code cluster-ips-check} drops traffic to
	 * unallocated addresses in it), or null
	 * @param nodePortIps {@code --nodeport-addresses}: the addresses NodePorts accept
	 * traffic on (the nftables mode's default is the node's primary address), or null for
	 * every local address
	 */
	public record Settings(ProxyConfig config, Cidr serviceCidr, List<Ip> nodePortIps) {
		public Settings {
			if (config == null) {
				throw new IllegalArgumentException("kube-proxy needs a ProxyConfig");
			}
			nodePortIps = nodePortIps == null ? null : List.copyOf(nodePortIps);
		}
	}

	private NftablesProxier() {
	}

	/** The transaction for this node. */
	public static String generate(List<KubeService> services, Map<ServiceRef, List<Endpoint>> endpoints, Settings s) {
		return new Writer(s).write(services == null ? List.of() : services, endpoints == null ? Map.of() : endpoints);
	}

	private static final class Writer {

		private final Settings s;

		private final String mark;

		private final List<String> head = new ArrayList<>();

		private final List<String> chains = new ArrayList<>();

		private final List<String> rules = new ArrayList<>();

		private final List<String> elements = new ArrayList<>();

		private final java.util.Set<String> created = new java.util.HashSet<>();

		Writer(Settings s) {
			this.s = s;
			this.mark = s.config().masqueradeMark();
		}

		private void chain(String name, String spec) {
			if (created.add(name)) {
				chains.add(ADD + "chain" + T + name + (spec == null ? "" : " { " + spec + " ; }"));
			}
		}

		private void rule(String chain, String rule) {
			rules.add(ADD + "rule" + T + chain + " " + rule);
		}

		private void rule(String chain, String rule, String comment) {
			rule(chain, rule + " comment \"" + comment + "\"");
		}

		private void element(String set, String key, String comment, String verdict) {
			elements
				.add(ADD + "element" + T + set + " { " + key + (comment == null ? "" : " comment \"" + comment + "\"")
						+ (verdict == null ? "" : " : " + verdict) + " }");
		}

		String write(List<KubeService> services, Map<ServiceRef, List<Endpoint>> endpoints) {
			setup();
			for (KubeService svc : services) {
				for (ServicePort port : svc.ports()) {
					servicePort(svc, port,
							EndpointSelection.resolve(port, endpoints.get(svc.ref()), s.config().nodeName()));
				}
			}
			StringBuilder sb = new StringBuilder();
			for (List<String> part : List.of(head, chains, rules, elements)) {
				for (String line : part) {
					sb.append(line).append('\n');
				}
			}
			return sb.toString();
		}

		/** {@code setupNFTables}. */
		private void setup() {
			boolean matchAll = s.nodePortIps() == null;
			head.add(ADD + "table" + T.stripTrailing() + " { comment \"rules for kube-proxy\" ; }");
			head.add(ADD + "set" + T + "cluster-ips { type ipv4_addr ; comment \"Active ClusterIPs\" ; }");
			if (!matchAll) {
				head.add(ADD + "set" + T
						+ "nodeport-ips { type ipv4_addr ; comment \"IPs that accept NodePort traffic\" ; }");
			}
			head.add(ADD + "map" + T + "firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ;"
					+ " comment \"destinations that are subject to LoadBalancerSourceRanges\" ; }");
			head.add(ADD + "map" + T + "no-endpoint-nodeports { type inet_proto . inet_service : verdict ;"
					+ " comment \"vmap to drop or reject packets to service nodeports with no endpoints\" ; }");
			head.add(ADD + "map" + T + "no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ;"
					+ " comment \"vmap to drop or reject packets to services with no endpoints\" ; }");
			head.add(ADD + "map" + T + "service-ips { type ipv4_addr . inet_proto . inet_service : verdict ;"
					+ " comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }");
			head.add(ADD + "map" + T + "service-nodeports { type inet_proto . inet_service : verdict ;"
					+ " comment \"NodePort traffic\" ; }");

			// base chains (nftablesBaseChains)
			chain("filter-prerouting-pre-dnat", "type filter hook prerouting priority -110");
			chain("filter-output-pre-dnat", "type filter hook output priority -110");
			chain("filter-forward", "type filter hook forward priority 0");
			chain("filter-input", "type filter hook input priority 0");
			chain("filter-output", "type filter hook output priority 0");
			chain("nat-prerouting", "type nat hook prerouting priority -100");
			chain("nat-output", "type nat hook output priority -100");
			chain("nat-postrouting", "type nat hook postrouting priority 100");

			// nftablesJumpChains, in upstream order
			String[][] jumps = { { "nodeport-endpoints-check", "filter-input", "ct state new" },
					{ "service-endpoints-check", "filter-input", "ct state new" },
					{ "service-endpoints-check", "filter-forward", "ct state new" },
					{ "service-endpoints-check", "filter-output", "ct state new" },
					{ "firewall-check", "filter-prerouting-pre-dnat", "ct state new" },
					{ "firewall-check", "filter-output-pre-dnat", "ct state new" }, { "services", "nat-output", "" },
					{ "services", "nat-prerouting", "" }, { "masquerading", "nat-postrouting", "" },
					{ "cluster-ips-check", "filter-forward", "ct state new" },
					{ "cluster-ips-check", "filter-output", "ct state new" } };
			for (String[] j : jumps) {
				chain(j[0], null);
				rule(j[1], (j[2].isEmpty() ? "" : j[2] + " ") + "jump " + j[0]);
			}
			for (String c : List.of("services", "cluster-ips-check", "masquerading", "mark-for-masquerade")) {
				chain(c, null);
			}
			rule("mark-for-masquerade", "mark set mark or " + mark);
			rule("masquerading", "mark and " + mark + " == 0 return");
			rule("masquerading", "mark set mark xor " + mark);
			rule("masquerading", "masquerade fully-random");

			rule("cluster-ips-check", "ip daddr @cluster-ips reject", "Reject traffic to invalid ports of ClusterIPs");
			if (s.serviceCidr() != null) {
				rule("cluster-ips-check", "ip daddr { " + s.serviceCidr().asNetwork() + " } drop",
						"Drop traffic to unallocated ClusterIPs");
			}
			if (!matchAll) {
				for (Ip ip : s.nodePortIps()) {
					if (!ip.isLoopback()) {
						element("nodeport-ips", ip.toString(), null, null);
					}
				}
			}
			chain("reject-chain", "comment \"helper for @no-endpoint-services / @no-endpoint-nodeports\"");
			rule("reject-chain", "reject");
			rule("service-endpoints-check", "ip daddr . meta l4proto . th dport vmap @no-endpoint-services");
			String nodePortDst = matchAll ? "ip daddr != 127.0.0.0/8" : "ip daddr @nodeport-ips";
			rule("nodeport-endpoints-check", nodePortDst + " meta l4proto . th dport vmap @no-endpoint-nodeports");
			rule("firewall-check", "ip daddr . meta l4proto . th dport vmap @firewall-ips");
			rule("services", "ip daddr . meta l4proto . th dport vmap @service-ips");
			rule("services", (matchAll ? "fib daddr type local " : "") + nodePortDst
					+ " meta l4proto . th dport vmap @service-nodeports");
		}

		private void servicePort(KubeService svc, ServicePort port, List<ResolvedEndpoint> endpoints) {
			ServicePortName spn = svc.portName(port);
			String protocol = port.protocol().lower();
			String base = spn.service().namespace() + "/" + spn.service().name() + "/" + protocol + "/" + spn.port();
			String svcPortNameString = spn.toString();
			ProxyConfig config = s.config();

			EndpointSelection.Categorized cat = EndpointSelection.categorize(svc, port, endpoints);
			boolean hasEndpoints = cat.hasAny();

			for (ResolvedEndpoint ep : cat.allReachable()) {
				chain(endpointChain(base, ep), null);
			}
			TrafficChains tc = TrafficChains.of(svc, port, cat, KubeProxyHash.nftChainName("service-", base),
					KubeProxyHash.nftChainName("local-", base));
			String clusterPolicyChain = tc.clusterPolicyChain();
			boolean usesClusterPolicyChain = tc.usesClusterPolicyChain();
			if (usesClusterPolicyChain) {
				chain(clusterPolicyChain, null);
			}
			String localPolicyChain = tc.localPolicyChain();
			boolean usesLocalPolicyChain = tc.usesLocalPolicyChain();
			if (usesLocalPolicyChain) {
				chain(localPolicyChain, null);
			}
			String internalTrafficChain = tc.internalTrafficChain();
			boolean hasInternalEndpoints = tc.hasInternalEndpoints();
			String externalPolicyChain = tc.externalPolicyChain();
			boolean hasExternalEndpoints = tc.hasExternalEndpoints();
			String externalTrafficChain = KubeProxyHash.nftChainName("external-", base);
			boolean usesExternalTrafficChain = hasEndpoints && svc.externallyAccessible(port);
			if (usesExternalTrafficChain) {
				chain(externalTrafficChain, null);
			}
			String internalVerdict = null;
			String externalVerdict = null;
			if (!hasEndpoints) {
				internalVerdict = "goto reject-chain";
				externalVerdict = "goto reject-chain";
			}
			else {
				if (!hasInternalEndpoints) {
					internalVerdict = "drop";
				}
				if (!hasExternalEndpoints) {
					externalVerdict = "drop";
				}
			}
			String dport = protocol + " . " + port.port();
			element("cluster-ips", svc.clusterIp().toString(), null, null);
			if (hasInternalEndpoints) {
				element("service-ips", svc.clusterIp() + " . " + dport, null, "goto " + internalTrafficChain);
			}
			else {
				element("no-endpoint-services", svc.clusterIp() + " . " + dport, svcPortNameString, internalVerdict);
			}
			for (Ip ip : svc.externalIps()) {
				if (hasEndpoints) {
					element("service-ips", ip + " . " + dport, null, "goto " + externalTrafficChain);
				}
				if (!hasExternalEndpoints) {
					element("no-endpoint-services", ip + " . " + dport, svcPortNameString, externalVerdict);
				}
			}
			boolean usesFwChain = !svc.loadBalancerIps().isEmpty() && !svc.loadBalancerSourceRanges().isEmpty();
			String fwChain = KubeProxyHash.nftChainName("firewall-", base);
			if (usesFwChain) {
				chain(fwChain, null);
			}
			for (Ip lb : svc.loadBalancerIps()) {
				if (hasEndpoints) {
					element("service-ips", lb + " . " + dport, null, "goto " + externalTrafficChain);
				}
				if (usesFwChain) {
					element("firewall-ips", lb + " . " + dport, null, "goto " + fwChain);
				}
			}
			if (!hasExternalEndpoints) {
				for (Ip lb : svc.loadBalancerIps()) {
					element("no-endpoint-services", lb + " . " + dport, svcPortNameString, externalVerdict);
				}
			}
			if (port.nodePort() != 0) {
				if (hasEndpoints) {
					element("service-nodeports", protocol + " . " + port.nodePort(), null,
							"goto " + externalTrafficChain);
				}
				if (!hasExternalEndpoints) {
					element("no-endpoint-nodeports", protocol + " . " + port.nodePort(), svcPortNameString,
							externalVerdict);
				}
			}

			if (hasInternalEndpoints) {
				String match = "ip daddr " + svc.clusterIp() + " " + protocol + " dport " + port.port();
				if (config.masqueradeAll()) {
					rule(internalTrafficChain, match + " jump mark-for-masquerade");
				}
				else if (config.hasLocalDetector()) {
					rule(internalTrafficChain, "ip daddr " + svc.clusterIp() + " "
							+ config.localDetector().ifNotLocalNft() + " jump mark-for-masquerade");
				}
			}
			if (usesExternalTrafficChain) {
				if (!svc.externalPolicyLocal(port)) {
					rule(externalTrafficChain, "jump mark-for-masquerade");
				}
				else {
					if (config.hasLocalDetector()) {
						rule(externalTrafficChain, config.localDetector().ifLocalNft() + " goto " + clusterPolicyChain,
								"short-circuit pod traffic");
					}
					rule(externalTrafficChain, "fib saddr type local jump mark-for-masquerade",
							"masquerade local traffic");
					rule(externalTrafficChain, "fib saddr type local goto " + clusterPolicyChain,
							"short-circuit local traffic");
				}
				if (hasExternalEndpoints) {
					rule(externalTrafficChain, "goto " + externalPolicyChain);
				}
			}
			if (usesFwChain) {
				List<String> sources = new ArrayList<>();
				boolean allowFromNode = false;
				for (Cidr c : svc.loadBalancerSourceRanges()) {
					sources.add(c.asNetwork().toString());
					for (Ip nodeIp : config.nodeIps()) {
						allowFromNode |= c.contains(nodeIp);
					}
				}
				if (allowFromNode) {
					for (Ip lb : svc.loadBalancerIps()) {
						sources.add(lb.toString());
					}
				}
				rule(fwChain, "ip saddr != { " + String.join(" , ", sources) + " } drop");
			}
			if (svc.clientIpAffinity()) {
				for (ResolvedEndpoint ep : cat.allReachable()) {
					chains.add(ADD + "set" + T + affinitySet(base, ep)
							+ " { type ipv4_addr ; flags dynamic,timeout ; timeout " + svc.affinityTimeoutSeconds()
							+ "s ; }");
				}
			}
			if (usesClusterPolicyChain) {
				serviceToEndpoints(svc, base, clusterPolicyChain, cat.cluster());
			}
			if (usesLocalPolicyChain) {
				serviceToEndpoints(svc, base, localPolicyChain, cat.local());
			}
			for (ResolvedEndpoint ep : cat.allReachable()) {
				String c = endpointChain(base, ep);
				rule(c, "ip saddr " + ep.ip() + " jump mark-for-masquerade");
				if (svc.clientIpAffinity()) {
					rule(c, "update @" + affinitySet(base, ep) + " { ip saddr }");
				}
				rule(c, "meta l4proto " + protocol + " dnat to " + ep.ip() + ":" + ep.port());
			}
		}

		private void serviceToEndpoints(KubeService svc, String base, String svcChain, List<ResolvedEndpoint> eps) {
			if (svc.clientIpAffinity()) {
				for (ResolvedEndpoint ep : eps) {
					rule(svcChain, "ip saddr @" + affinitySet(base, ep) + " goto " + endpointChain(base, ep));
				}
			}
			StringBuilder el = new StringBuilder();
			for (int i = 0; i < eps.size(); i++) {
				el.append(i == 0 ? "" : " , ").append(i).append(" : goto ").append(endpointChain(base, eps.get(i)));
			}
			rule(svcChain, "numgen random mod " + eps.size() + " vmap { " + el + " }");
		}

		private static String endpointBase(String base, ResolvedEndpoint ep) {
			return base + "__" + ep.ip() + "/" + ep.port();
		}

		static String endpointChain(String base, ResolvedEndpoint ep) {
			return KubeProxyHash.nftChainName("endpoint-", endpointBase(base, ep));
		}

		static String affinitySet(String base, ResolvedEndpoint ep) {
			return KubeProxyHash.nftChainName("affinity-", endpointBase(base, ep));
		}

	}

}

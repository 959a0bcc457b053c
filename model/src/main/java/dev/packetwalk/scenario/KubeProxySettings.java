package dev.packetwalk.scenario;

import java.util.List;

import dev.packetwalk.kubeproxy.IpvsProxier;
import dev.packetwalk.kubeproxy.LocalDetector;
import dev.packetwalk.kubeproxy.ProxyConfig;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;

/**
 * {@code cluster.kubeProxy}, read and checked: the {@code KubeProxyConfiguration} fields
 * that change the rules kube-proxy writes. A field the chosen mode does not read is
 * reported as a warning naming it, never silently dropped.
 *
 * @param detectLocalMode {@code ClusterCIDR} (the default: {@code --cluster-cidr}, here
 * {@code cluster.podCIDR}), {@code NodeCIDR} (each node's pod CIDR),
 * {@code BridgeInterface}, {@code InterfaceNamePrefix}
 * @param bridgeInterface {@code detectLocal.bridgeInterface} (BridgeInterface mode)
 * @param interfaceNamePrefix {@code detectLocal.interfaceNamePrefix} (InterfaceNamePrefix
 * mode)
 * @param masqueradeAll {@code iptables.masqueradeAll} ({@code nftables.masqueradeAll} in
 * nftables mode)
 * @param masqueradeBit {@code iptables.masqueradeBit} ({@code nftables.masqueradeBit} in
 * nftables mode)
 * @param localhostNodePorts {@code iptables.localhostNodePorts} (always false in nftables
 * mode, which has no localhost NodePorts)
 * @param scheduler {@code ipvs.scheduler}
 */
record KubeProxySettings(String detectLocalMode, String bridgeInterface, String interfaceNamePrefix,
		boolean masqueradeAll, int masqueradeBit, boolean localhostNodePorts, String scheduler) {

	static final List<String> DETECT_LOCAL_MODES = List.of("ClusterCIDR", "NodeCIDR", "BridgeInterface",
			"InterfaceNamePrefix");

	static final KubeProxySettings DEFAULTS = new KubeProxySettings("ClusterCIDR", null, null, false,
			ProxyConfig.DEFAULT_MASQUERADE_BIT, true, IpvsProxier.DEFAULT_SCHEDULER);

	/** kube-proxy's configuration for one node. */
	ProxyConfig config(String node, Ip nodeIp, Cidr clusterCidr, Cidr nodePodCidr) {
		LocalDetector detector = switch (detectLocalMode) {
			case "NodeCIDR" -> new LocalDetector.ByCidr(nodePodCidr);
			case "BridgeInterface" -> new LocalDetector.ByBridgeInterface(bridgeInterface);
			case "InterfaceNamePrefix" -> new LocalDetector.ByInterfaceNamePrefix(interfaceNamePrefix);
			default -> clusterCidr == null ? new LocalDetector.None() : new LocalDetector.ByCidr(clusterCidr);
		};
		return ProxyConfig.defaults(node, null, nodeIp)
			.withLocalDetector(detector)
			.withMasqueradeAll(masqueradeAll)
			.withMasqueradeBit(masqueradeBit)
			.withLocalhostNodePorts(localhostNodePorts);
	}

	/**
	 * Reads {@code cluster.kubeProxy}; problems go to {@code problems} at their field.
	 * @param proxyMode the cluster's proxy mode name ({@code iptables}, {@code ipvs},
	 * {@code none})
	 * @param runsKubeProxy whether the pod network runs kube-proxy at all
	 * @param bridge the pod network's bridge (named in the hint when BridgeInterface
	 * lacks its device)
	 */
	static KubeProxySettings read(ScenarioDocument.KubeProxy kp, String proxyMode, boolean runsKubeProxy, String bridge,
			Problems problems) {
		if (kp == null) {
			return DEFAULTS;
		}
		String at = "/cluster/kubeProxy";
		if (!runsKubeProxy || "none".equals(proxyMode)) {
			problems.warning(at,
					"kubeProxy is ignored: "
							+ (runsKubeProxy ? "proxyMode is none" : "this network runs no" + " kube-proxy")
							+ ", so nothing reads these settings");
			return DEFAULTS;
		}
		boolean ipvs = "ipvs".equals(proxyMode);
		String mode = kp.detectLocalMode() == null ? "ClusterCIDR" : kp.detectLocalMode();
		if (!DETECT_LOCAL_MODES.contains(mode)) {
			problems.error(at + "/detectLocalMode", "detectLocalMode must be ClusterCIDR, NodeCIDR, BridgeInterface or"
					+ " InterfaceNamePrefix, was '" + mode + "'" + Problems.didYouMean(mode, DETECT_LOCAL_MODES));
			mode = "ClusterCIDR";
		}
		String bridgeIf = kp.detectLocal() == null ? null : kp.detectLocal().bridgeInterface();
		String prefix = kp.detectLocal() == null ? null : kp.detectLocal().interfaceNamePrefix();
		if (mode.equals("BridgeInterface") && (bridgeIf == null || bridgeIf.isEmpty())) {
			problems.error(at + "/detectLocalMode", "detectLocalMode BridgeInterface needs detectLocal.bridgeInterface"
					+ " (this cluster's pod bridge is " + bridge + ")");
			mode = "ClusterCIDR";
		}
		if (mode.equals("InterfaceNamePrefix") && (prefix == null || prefix.isEmpty())) {
			problems.error(at + "/detectLocalMode", "detectLocalMode InterfaceNamePrefix needs"
					+ " detectLocal.interfaceNamePrefix (the pods' host-side devices here are named veth...)");
			mode = "ClusterCIDR";
		}
		if (bridgeIf != null && !mode.equals("BridgeInterface")) {
			problems.warning(at + "/detectLocal/bridgeInterface", "detectLocal.bridgeInterface is only read with"
					+ " detectLocalMode BridgeInterface; with " + mode + " it is ignored");
		}
		if (prefix != null && !mode.equals("InterfaceNamePrefix")) {
			problems.warning(at + "/detectLocal/interfaceNamePrefix",
					"detectLocal.interfaceNamePrefix is only read with" + " detectLocalMode InterfaceNamePrefix; with "
							+ mode + " it is ignored");
		}
		for (String name : new String[] { bridgeIf, prefix }) {
			if (name != null && (name.isEmpty() || name.length() > 15)) {
				problems.error(at + "/detectLocal", "a device name is 1..15 characters, was '" + name + "'");
				mode = "ClusterCIDR";
			}
		}
		var ipt = kp.iptables();
		var nft = kp.nftables();
		boolean nftables = "nftables".equals(proxyMode);
		// upstream's v1alpha1 conversion reads masqueradeAll (and the proxier its bit)
		// from the nftables block in nftables mode, from the iptables block otherwise
		if (nftables && ipt != null) {
			for (String f : new String[] { "masqueradeAll", "masqueradeBit" }) {
				if (f.equals("masqueradeAll") ? ipt.masqueradeAll() != null : ipt.masqueradeBit() != null) {
					problems.warning(at + "/iptables/" + f, "iptables." + f + " is not read in nftables mode;"
							+ " kube-proxy's nftables mode reads nftables." + f + " instead");
				}
			}
		}
		if (!nftables && nft != null) {
			for (String f : new String[] { "masqueradeAll", "masqueradeBit" }) {
				if (f.equals("masqueradeAll") ? nft.masqueradeAll() != null : nft.masqueradeBit() != null) {
					problems.warning(at + "/nftables/" + f, "nftables." + f + " is read by the nftables mode only;"
							+ " proxyMode " + proxyMode + " reads iptables." + f);
				}
			}
		}
		Boolean masqAllField = nftables ? (nft == null ? null : nft.masqueradeAll())
				: (ipt == null ? null : ipt.masqueradeAll());
		Integer bitField = nftables ? (nft == null ? null : nft.masqueradeBit())
				: (ipt == null ? null : ipt.masqueradeBit());
		String block = nftables ? "nftables" : "iptables";
		boolean masqAll = Boolean.TRUE.equals(masqAllField);
		int bit = bitField == null ? ProxyConfig.DEFAULT_MASQUERADE_BIT : bitField;
		if (bit < 0 || bit > 31) {
			problems.error(at + "/" + block + "/masqueradeBit", "masqueradeBit must be 0..31, was " + bit);
			bit = ProxyConfig.DEFAULT_MASQUERADE_BIT;
		}
		boolean localhostNodePorts = ipt == null || ipt.localhostNodePorts() == null || ipt.localhostNodePorts();
		if (ipvs && ipt != null && ipt.localhostNodePorts() != null) {
			problems.warning(at + "/iptables/localhostNodePorts",
					"iptables.localhostNodePorts is read by the iptables" + " mode only; the IPVS mode ignores it");
		}
		if (nftables && ipt != null && ipt.localhostNodePorts() != null) {
			// KubeProxyConfiguration: "localhost NodePorts are never allowed with other
			// proxy modes"; the nftables proxier has no such option
			problems.warning(at + "/iptables/localhostNodePorts",
					"iptables.localhostNodePorts is read by the iptables mode only; nftables mode never accepts"
							+ " NodePorts on 127.0.0.1 (its NodePort rules match 'ip daddr != 127.0.0.0/8' or"
							+ " @nodeport-ips), whatever this says");
		}
		if (nftables) {
			localhostNodePorts = false;
		}
		String scheduler = kp.ipvs() == null || kp.ipvs().scheduler() == null ? IpvsProxier.DEFAULT_SCHEDULER
				: kp.ipvs().scheduler();
		if (kp.ipvs() != null && kp.ipvs().scheduler() != null) {
			if (!ipvs) {
				problems.warning(at + "/ipvs/scheduler",
						"ipvs.scheduler is read by the IPVS mode only; proxyMode " + proxyMode + " ignores it");
			}
			else if (!List.of("rr", "lc", "sh").contains(scheduler)) {
				problems.error(at + "/ipvs/scheduler",
						"ipvs.scheduler must be rr, lc or sh (the schedulers the model" + " runs), was '" + scheduler
								+ "'" + Problems.didYouMean(scheduler, List.of("rr", "lc", "sh")));
				scheduler = IpvsProxier.DEFAULT_SCHEDULER;
			}
		}
		return new KubeProxySettings(mode, bridgeIf, prefix, masqAll, bit, localhostNodePorts, scheduler);
	}

}

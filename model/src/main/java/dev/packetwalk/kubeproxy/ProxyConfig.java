package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;

import java.util.List;

/**
 * The kube-proxy settings that change the rules it writes.
 *
 * @param localDetector the local-traffic detector ({@code --detect-local-mode}:
 * ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix);
 * {@link LocalDetector.None} means no detector, so no "masquerade off-cluster traffic"
 * rules
 * @param masqueradeAll {@code --masquerade-all}
 * @param masqueradeBit {@code --iptables-masquerade-bit}, default 14 (KP-DEFAULTS)
 * @param randomFully whether iptables supports {@code --random-fully} (then it is
 * appended to MASQUERADE)
 * @param nodeName this node's name; endpoints with this nodeName are local
 * @param nodeIps this node's addresses (used by IPVS for NodePort virtual servers and by
 * loadBalancerSourceRanges for the allow-from-node rule)
 * @param localhostNodePorts {@code --iptables-localhost-nodeports}, default true
 * @param nfacct whether nfacct counters exist (they add {@code -m nfacct} matches, as in
 * upstream's unit tests); default false
 * @param conntrackTcpBeLiberal {@code nf_conntrack_tcp_be_liberal != 0}: then no INVALID
 * drop rule; default false
 */
public record ProxyConfig(LocalDetector localDetector, boolean masqueradeAll, int masqueradeBit, boolean randomFully,
		String nodeName, List<Ip> nodeIps, boolean localhostNodePorts, boolean nfacct, boolean conntrackTcpBeLiberal) {

	public static final int DEFAULT_MASQUERADE_BIT = 14;

	public ProxyConfig {
		if (masqueradeBit < 0 || masqueradeBit > 31) {
			throw new IllegalArgumentException(
					"masqueradeBit must be 0..31 (KubeProxyConfiguration validation), was " + masqueradeBit);
		}
		if (nodeName == null || nodeName.isBlank()) {
			throw new IllegalArgumentException("kube-proxy needs its node name (--hostname-override / node name)");
		}
		nodeIps = List.copyOf(nodeIps == null ? List.of() : nodeIps);
		if (localDetector == null) {
			localDetector = new LocalDetector.None();
		}
	}

	/**
	 * Defaults: bit 14, random-fully, localhost node ports, no nfacct, no masquerade-all.
	 */
	public static ProxyConfig defaults(String nodeName, Cidr clusterCidr, Ip... nodeIps) {
		return new ProxyConfig(clusterCidr == null ? new LocalDetector.None() : new LocalDetector.ByCidr(clusterCidr),
				false, DEFAULT_MASQUERADE_BIT, true, nodeName, List.of(nodeIps), true, false, false);
	}

	/** The mark as upstream's unit tests spell it, e.g. {@code 0x4000}. */
	public String masqueradeMark() {
		return "0x" + Integer.toHexString(1 << masqueradeBit);
	}

	/**
	 * The mark as real kube-proxy formats it: Go {@code %#08x}, where the width counts
	 * digits only, giving {@code 0x00004000}.
	 */
	public String goFormattedMasqueradeMark() {
		return String.format(java.util.Locale.ROOT, "0x%08x", 1 << masqueradeBit);
	}

	public boolean hasLocalDetector() {
		return localDetector.implemented();
	}

	public ProxyConfig withLocalDetector(LocalDetector d) {
		return new ProxyConfig(d, masqueradeAll, masqueradeBit, randomFully, nodeName, nodeIps, localhostNodePorts,
				nfacct, conntrackTcpBeLiberal);
	}

	public ProxyConfig withMasqueradeBit(int bit) {
		return new ProxyConfig(localDetector, masqueradeAll, bit, randomFully, nodeName, nodeIps, localhostNodePorts,
				nfacct, conntrackTcpBeLiberal);
	}

	public ProxyConfig withMasqueradeAll(boolean v) {
		return new ProxyConfig(localDetector, v, masqueradeBit, randomFully, nodeName, nodeIps, localhostNodePorts,
				nfacct, conntrackTcpBeLiberal);
	}

	public ProxyConfig withRandomFully(boolean v) {
		return new ProxyConfig(localDetector, masqueradeAll, masqueradeBit, v, nodeName, nodeIps, localhostNodePorts,
				nfacct, conntrackTcpBeLiberal);
	}

	public ProxyConfig withLocalhostNodePorts(boolean v) {
		return new ProxyConfig(localDetector, masqueradeAll, masqueradeBit, randomFully, nodeName, nodeIps, v, nfacct,
				conntrackTcpBeLiberal);
	}

	public ProxyConfig withNfacct(boolean v) {
		return new ProxyConfig(localDetector, masqueradeAll, masqueradeBit, randomFully, nodeName, nodeIps,
				localhostNodePorts, v, conntrackTcpBeLiberal);
	}

	public ProxyConfig withConntrackTcpBeLiberal(boolean v) {
		return new ProxyConfig(localDetector, masqueradeAll, masqueradeBit, randomFully, nodeName, nodeIps,
				localhostNodePorts, nfacct, v);
	}

}

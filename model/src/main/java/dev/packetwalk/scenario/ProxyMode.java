package dev.packetwalk.scenario;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.packetwalk.kubeproxy.IpvsState;
import dev.packetwalk.kubeproxy.ProxyConfig;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.topology.Device;

/**
 * kube-proxy's mode ({@code cluster.proxyMode}): what it writes on every node for the
 * cluster's Services. A new mode (nftables, ...) is a new record here, listed in
 * {@link #ALL} and in the schema's enum.
 */
sealed interface ProxyMode permits ProxyMode.Iptables, ProxyMode.Ipvs, ProxyMode.Nftables, ProxyMode.None {

	/**
	 * Every mode, in the order the scenario format lists them; the first is the default.
	 */
	List<ProxyMode> ALL = List.of(new Iptables(), new Ipvs(), new Nftables(), new None());

	/** The name in {@code cluster.proxyMode}. */
	String name();

	/** Does this mode write rules per Service (so the scenario's rule limit applies)? */
	default boolean writesServiceRules() {
		return true;
	}

	/**
	 * The node's iptables rules (iptables-restore text); a mode may add devices and IPVS
	 * state to the node.
	 */
	String nodeRules(NodeProxy node);

	/**
	 * The node's nftables rules ({@code nft -f} transaction text), or empty for a mode
	 * that writes none.
	 */
	default String nodeNftables(NodeProxy node) {
		return "";
	}

	static Optional<ProxyMode> named(String name) {
		return ALL.stream().filter(m -> m.name().equals(name)).findFirst();
	}

	static List<String> names() {
		return ALL.stream().map(ProxyMode::name).toList();
	}

	/**
	 * One node as kube-proxy sees it.
	 *
	 * @param services the cluster's Services and endpoints
	 * @param node the node's name
	 * @param nodeIp its address
	 * @param clusterCidr the cluster's pod network ({@code --cluster-cidr})
	 * @param nonMasqueradeCidrs ip-masq-agent's list, or null without it
	 * @param devices the node's devices, to add to
	 * @param ipvs IPVS state per node, to add to
	 * @param kubeProxy {@code cluster.kubeProxy}
	 * @param podCidr the node's pod CIDR (detectLocalMode NodeCIDR)
	 */
	record NodeProxy(ClusterServices services, String node, Ip nodeIp, Cidr clusterCidr, List<Cidr> nonMasqueradeCidrs,
			List<Device> devices, Map<String, IpvsState> ipvs, KubeProxySettings kubeProxy, Cidr podCidr) {

		/** kube-proxy's configuration on this node. */
		ProxyConfig config() {
			return kubeProxy.config(node, nodeIp, clusterCidr, podCidr);
		}
	}

	/** iptables mode: kube-proxy's KUBE-SERVICES / KUBE-SVC-* / KUBE-SEP-* chains. */
	record Iptables() implements ProxyMode {

		@Override
		public String name() {
			return "iptables";
		}

		@Override
		public String nodeRules(NodeProxy n) {
			return n.services().iptablesFor(n.config(), n.nonMasqueradeCidrs());
		}

	}

	/**
	 * IPVS mode: every service IP on the kube-ipvs0 dummy device, a fixed set of
	 * ipset-matching iptables rules, and IPVS virtual servers.
	 */
	record Ipvs() implements ProxyMode {

		@Override
		public String name() {
			return "ipvs";
		}

		@Override
		public String nodeRules(NodeProxy n) {
			IpvsState st = n.services().ipvsFor(n.config(), n.kubeProxy().scheduler());
			List<Cidr> vips = st.boundAddresses().stream().map(Cidr::host).toList();
			n.devices()
				.add(new Device.Dummy(st.dummyDevice(), Mac.derive(n.node() + "/" + st.dummyDevice()), 1500, vips,
						null));
			n.ipvs().put(n.node(), st);
			return st.iptables().text();
		}

	}

	/**
	 * nftables mode: kube-proxy's {@code table ip kube-proxy} (service-ips /
	 * service-nodeports verdict maps, numgen endpoint choice); no iptables rules of its
	 * own (ip-masq-agent's, when configured, stay in iptables).
	 */
	record Nftables() implements ProxyMode {

		@Override
		public String name() {
			return "nftables";
		}

		@Override
		public String nodeRules(NodeProxy n) {
			return n.services().ipMasqAgentOnly(n.nonMasqueradeCidrs());
		}

		@Override
		public String nodeNftables(NodeProxy n) {
			return n.services().nftablesFor(n.config());
		}

	}

	/** No kube-proxy: Services have no datapath. */
	record None() implements ProxyMode {

		@Override
		public String name() {
			return "none";
		}

		@Override
		public boolean writesServiceRules() {
			return false;
		}

		@Override
		public String nodeRules(NodeProxy n) {
			return "";
		}

	}

}

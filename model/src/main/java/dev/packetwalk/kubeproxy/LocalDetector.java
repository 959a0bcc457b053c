package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Cidr;

/**
 * kube-proxy's local-traffic detector ({@code --detect-local-mode},
 * {@code pkg/proxy/util/localdetector.go}): the match that says "this packet comes from a
 * pod of this cluster (or node)". kube-proxy writes {@link #ifNotLocal()} into the rule
 * that masquerades off-cluster traffic to a cluster IP, and {@link #ifLocal()} into the
 * rule that lets pods reach an {@code externalTrafficPolicy: Local} Service's external
 * addresses through the cluster chain.
 */
public sealed interface LocalDetector permits LocalDetector.ByCidr, LocalDetector.ByBridgeInterface,
		LocalDetector.ByInterfaceNamePrefix, LocalDetector.None {

	/**
	 * The iptables match for "from a local pod", e.g. {@code -s 10.244.0.0/16}; empty for
	 * {@link None}.
	 */
	String ifLocal();

	/** The negated match, e.g. {@code ! -s 10.244.0.0/16}; empty for {@link None}. */
	String ifNotLocal();

	/**
	 * The nftables match for "from a local pod" ({@code IfLocalNFT}), e.g.
	 * {@code ip saddr 10.244.0.0/16} or {@code iifname cni0}; empty for {@link None}.
	 */
	String ifLocalNft();

	/**
	 * The negated nftables match ({@code IfNotLocalNFT}), e.g.
	 * {@code ip saddr != 10.244.0.0/16} or {@code iifname != veth*}; empty for
	 * {@link None}.
	 */
	String ifNotLocalNft();

	/** {@code IsImplemented()}: false for {@link None}, which writes neither rule. */
	default boolean implemented() {
		return !(this instanceof None);
	}

	/**
	 * {@code ClusterCIDR} (the cluster's pod network, {@code --cluster-cidr}) or
	 * {@code NodeCIDR} (the node's {@code spec.podCIDR}): {@code NewDetectLocalByCIDR}.
	 */
	record ByCidr(Cidr cidr) implements LocalDetector {
		public ByCidr {
			if (cidr == null) {
				throw new IllegalArgumentException("detect-local by CIDR needs a CIDR");
			}
		}

		@Override
		public String ifLocal() {
			return "-s " + cidr.asNetwork();
		}

		@Override
		public String ifNotLocal() {
			return "! -s " + cidr.asNetwork();
		}

		@Override
		public String ifLocalNft() {
			return "ip saddr " + cidr.asNetwork();
		}

		@Override
		public String ifNotLocalNft() {
			return "ip saddr != " + cidr.asNetwork();
		}
	}

	/**
	 * {@code BridgeInterface}: packets that came in by the pods' bridge
	 * ({@code NewDetectLocalByBridgeInterface}).
	 */
	record ByBridgeInterface(String bridgeInterface) implements LocalDetector {
		public ByBridgeInterface {
			requireName("bridgeInterface", bridgeInterface);
		}

		@Override
		public String ifLocal() {
			return "-i " + bridgeInterface;
		}

		@Override
		public String ifNotLocal() {
			return "! -i " + bridgeInterface;
		}

		@Override
		public String ifLocalNft() {
			return "iifname " + bridgeInterface;
		}

		@Override
		public String ifNotLocalNft() {
			return "iifname != " + bridgeInterface;
		}
	}

	/**
	 * {@code InterfaceNamePrefix}: packets that came in by a device whose name starts
	 * with the prefix, the pods' veths ({@code NewDetectLocalByInterfaceNamePrefix}: the
	 * prefix followed by iptables' {@code +} wildcard).
	 */
	record ByInterfaceNamePrefix(String interfaceNamePrefix) implements LocalDetector {
		public ByInterfaceNamePrefix {
			requireName("interfaceNamePrefix", interfaceNamePrefix);
		}

		@Override
		public String ifLocal() {
			return "-i " + interfaceNamePrefix + "+";
		}

		@Override
		public String ifNotLocal() {
			return "! -i " + interfaceNamePrefix + "+";
		}

		/** nft's wildcard is {@code *} where iptables' is {@code +}. */
		@Override
		public String ifLocalNft() {
			return "iifname " + interfaceNamePrefix + "*";
		}

		@Override
		public String ifNotLocalNft() {
			return "iifname != " + interfaceNamePrefix + "*";
		}
	}

	/** No detector ({@code --cluster-cidr} unset): kube-proxy writes neither rule. */
	record None() implements LocalDetector {
		@Override
		public String ifLocal() {
			return "";
		}

		@Override
		public String ifNotLocal() {
			return "";
		}

		@Override
		public String ifLocalNft() {
			return "";
		}

		@Override
		public String ifNotLocalNft() {
			return "";
		}
	}

	private static void requireName(String what, String name) {
		if (name == null || name.isEmpty() || name.length() > 15) {
			throw new IllegalArgumentException(
					"detectLocal." + what + " must be a device name of 1..15 characters, was '" + name + "'");
		}
	}

}

package dev.packetwalk.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.topology.Route;

/**
 * A cluster's pod network ({@code cluster.network}): the bridge a node's pods hang off,
 * and what the network plugin adds on every node so that pods reach the other nodes' pods
 * (a tunnel device, routes, neighbour entries). A new datapath (Calico IPIP, ...) is a
 * new record here, listed in {@link #ALL} and in the schema's enum.
 */
sealed interface PodNetwork
		permits PodNetwork.Kubenet, PodNetwork.FlannelVxlan, PodNetwork.FlannelHostGw, PodNetwork.Docker {

	/**
	 * Every pod network, in the order the scenario format lists them; the first is the
	 * default.
	 */
	List<PodNetwork> ALL = List.of(new Kubenet(), new FlannelVxlan(), new FlannelHostGw(), new Docker());

	/** The name in {@code cluster.network}. */
	String name();

	/** The bridge whose ports are the pods' host-side veths. */
	String bridge();

	/** The pods' MTU when the scenario does not set {@code podMTU}. */
	default int defaultPodMtu() {
		return 1500;
	}

	/**
	 * Are the nodes' pod CIDRs slices of one cluster network (so they must not overlap)?
	 * A Docker host's bridge network is its own, unrouted 172.17.0.0/16.
	 */
	default boolean slicesOneNetwork() {
		return true;
	}

	/**
	 * Devices, routes and neighbour entries the plugin adds on a node, beyond its uplink
	 * and the pod bridge.
	 */
	default void addToNode(NodeDatapath node) {
	}

	/**
	 * Are the pods' bridge ports in hairpin mode unless the scenario says otherwise? On
	 * for the kubenet and flannel bridges (the CNI bridge plugin's
	 * {@code hairpinMode: true}, kubelet's {@code --hairpin-mode=hairpin-veth}).
	 */
	default boolean defaultHairpin() {
		return true;
	}

	/** Does kube-proxy run on the nodes (and its {@link ProxyMode} write their rules)? */
	default boolean runsKubeProxy() {
		return true;
	}

	/**
	 * The rules the network's own daemon writes on a node instead of kube-proxy's
	 * (dockerd's), or empty when kube-proxy's {@link ProxyMode} writes the node's rules.
	 */
	default Optional<String> ownRules(Cidr podCidr, List<PublishedPort> published) {
		return Optional.empty();
	}

	static Optional<PodNetwork> named(String name) {
		return ALL.stream().filter(n -> n.name().equals(name)).findFirst();
	}

	static List<String> names() {
		return ALL.stream().map(PodNetwork::name).toList();
	}

	/**
	 * One node as the pod network sees it while it is built.
	 *
	 * @param node the node's name
	 * @param nodeCidrs every node's pod CIDR, in scenario order
	 * @param nodeIps every node's address on the underlay
	 * @param segment this node's L2 segment (or its cloud subnet)
	 * @param problems where a plugin reports what it cannot set up
	 * @param devices the node's devices, to add to
	 * @param routes the node's main table, to add to
	 * @param neighbors the node's permanent neighbour entries, to add to
	 */
	record NodeDatapath(String node, Map<String, Cidr> nodeCidrs, Map<String, Ip> nodeIps, Cidr segment,
			Problems problems, List<Device> devices, List<Route> routes, List<Neighbor> neighbors) {
	}

	/** A container port published on the host ({@code hostPort}). */
	record PublishedPort(String protocol, int hostPort, Ip ip, int containerPort) {
	}

	/**
	 * kubenet: the {@code cbr0} bridge; routes to the other nodes' pods are the cloud's
	 * or the router's business.
	 */
	record Kubenet() implements PodNetwork {

		@Override
		public String name() {
			return "kubenet";
		}

		@Override
		public String bridge() {
			return "cbr0";
		}

	}

	/**
	 * flanneld's VXLAN backend: the CNI bridge {@code cni0}, and {@code flannel.1} (VNI
	 * 1, UDP 8472, MTU uplink - 50, address {@code <subnet>.0/32}) with, for every other
	 * node, one route, one permanent ARP entry and one FDB entry.
	 */
	record FlannelVxlan() implements PodNetwork {

		@Override
		public String name() {
			return "flannel-vxlan";
		}

		@Override
		public String bridge() {
			return "cni0";
		}

		/**
		 * flannel's CNI config gives pods the overlay MTU (uplink 1500 - 50 VXLAN bytes).
		 */
		@Override
		public int defaultPodMtu() {
			return 1450;
		}

		@Override
		public void addToNode(NodeDatapath n) {
			List<Device.FdbEntry> fdb = new ArrayList<>();
			for (Map.Entry<String, Cidr> other : n.nodeCidrs().entrySet()) {
				if (other.getKey().equals(n.node())) {
					continue;
				}
				Cidr remote = other.getValue().asNetwork();
				Mac vtep = Mac.derive(other.getKey() + "/flannel.1");
				n.routes().add(new Route(remote, remote.network(), "flannel.1", true, null, null, 0));
				n.neighbors().add(new Neighbor(remote.network(), "flannel.1", vtep));
				fdb.add(new Device.FdbEntry(vtep, n.nodeIps().get(other.getKey())));
			}
			n.devices()
				.add(new Device.Vxlan("flannel.1", Mac.derive(n.node() + "/flannel.1"), 1500 - 50,
						List.of(new Cidr(n.nodeCidrs().get(n.node()).network(), 32)), null, 1, 8472,
						n.nodeIps().get(n.node()), "eth0", fdb));
		}

	}

	/**
	 * flanneld's host-gw backend: the CNI bridge {@code cni0}, and every other node's pod
	 * subnet via that node's address, which must be on this node's own L2 segment (the
	 * kernel refuses a gateway that is not on-link, and flanneld logs the failure).
	 */
	record FlannelHostGw() implements PodNetwork {

		@Override
		public String name() {
			return "flannel-host-gw";
		}

		@Override
		public String bridge() {
			return "cni0";
		}

		@Override
		public void addToNode(NodeDatapath n) {
			for (Map.Entry<String, Cidr> other : n.nodeCidrs().entrySet()) {
				if (other.getKey().equals(n.node())) {
					continue;
				}
				Ip gw = n.nodeIps().get(other.getKey());
				if (!n.segment().contains(gw)) {
					n.problems()
						.warning("/cluster/nodes",
								"flannel host-gw on " + n.node() + " cannot add the route "
										+ other.getValue().asNetwork() + " via " + gw + ": that gateway is not on "
										+ n.node() + "'s L2 segment " + n.segment().asNetwork()
										+ " (host-gw needs every node on one L2 network)."
										+ " Packets for those pods follow the default route instead.");
					continue;
				}
				n.routes().add(new Route(other.getValue().asNetwork(), gw, "eth0", false, null, null, 0));
			}
		}

	}

	/**
	 * Docker's default bridge {@code docker0} on each host, with dockerd's rules:
	 * published ports are DNATed from any local address (the DOCKER chain), and
	 * containers' outbound traffic is masqueraded to the host's address.
	 */
	record Docker() implements PodNetwork {

		@Override
		public String name() {
			return "docker";
		}

		@Override
		public String bridge() {
			return "docker0";
		}

		@Override
		public boolean slicesOneNetwork() {
			return false;
		}

		/**
		 * dockerd leaves docker0's ports without hairpin (it sets the flag only with
		 * userland-proxy off).
		 */
		@Override
		public boolean defaultHairpin() {
			return false;
		}

		@Override
		public boolean runsKubeProxy() {
			return false;
		}

		@Override
		public Optional<String> ownRules(Cidr subnet, List<PublishedPort> published) {
			StringBuilder nat = new StringBuilder(
					"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
							+ ":POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
							+ "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
							+ "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER\n"
							+ "-A POSTROUTING -s " + subnet.asNetwork() + " ! -o docker0 -j MASQUERADE\n"
							+ "-A DOCKER -i docker0 -j RETURN\n");
			StringBuilder filter = new StringBuilder(
					"*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n" + ":DOCKER - [0:0]\n"
							+ "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
							+ "-A FORWARD -o docker0 -j DOCKER\n" + "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n"
							+ "-A FORWARD -i docker0 -o docker0 -j ACCEPT\n");
			for (PublishedPort p : published) {
				nat.append("-A DOCKER ! -i docker0 -p ")
					.append(p.protocol())
					.append(" -m ")
					.append(p.protocol())
					.append(" --dport ")
					.append(p.hostPort())
					.append(" -j DNAT --to-destination ")
					.append(p.ip())
					.append(':')
					.append(p.containerPort())
					.append('\n');
				filter.append("-A DOCKER -d ")
					.append(p.ip())
					.append("/32 ! -i docker0 -o docker0 -p ")
					.append(p.protocol())
					.append(" -m ")
					.append(p.protocol())
					.append(" --dport ")
					.append(p.containerPort())
					.append(" -j ACCEPT\n");
			}
			return Optional.of(nat + "COMMIT\n" + filter + "COMMIT\n");
		}

	}

}

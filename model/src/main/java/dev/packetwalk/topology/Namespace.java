package dev.packetwalk.topology;

import java.util.List;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;

/**
 * A network namespace: its own devices, addresses, routes, neighbours, netfilter rules
 * and sysctls.
 *
 * @param id unique id, e.g. {@code node1} for a node's root namespace or
 * {@code node1/pod1} for a pod
 * @param node the node (or outside element) the namespace belongs to; for a root
 * namespace its own id
 * @param kind what the namespace stands for
 * @param label what the learner calls it ({@code pod1}, {@code node1 (root netns)})
 * @param devices devices in creation order
 * @param routes the main routing table, without the connected routes the kernel adds for
 * addresses
 * @param neighbors permanent neighbour entries
 * @param iptables the netfilter rules in {@code iptables-restore} form (empty: no rules,
 * no conntrack)
 * @param ipForward {@code net.ipv4.ip_forward}
 * @param bridgeNfCallIptables {@code net.bridge.bridge-nf-call-iptables}: bridged IPv4
 * traffic traverses iptables
 * @param listeners sockets listening here
 * @param nftables nftables rules as the {@code nft -f} transaction that loads them
 * (kube-proxy's nftables mode; empty: none). Its base chains run interleaved with the
 * iptables tables, by priority.
 */
public record Namespace(String id, String node, Kind kind, String label, List<Device> devices, List<Route> routes,
		List<Neighbor> neighbors, String iptables, boolean ipForward, boolean bridgeNfCallIptables,
		List<Listener> listeners, String nftables) {

	/** A namespace without nftables rules. */
	public Namespace(String id, String node, Kind kind, String label, List<Device> devices, List<Route> routes,
			List<Neighbor> neighbors, String iptables, boolean ipForward, boolean bridgeNfCallIptables,
			List<Listener> listeners) {
		this(id, node, kind, label, devices, routes, neighbors, iptables, ipForward, bridgeNfCallIptables, listeners,
				"");
	}

	public enum Kind {

		/** A Kubernetes node's root namespace. */
		NODE,
		/**
		 * A pod's namespace (held by the pause container, shared by all its containers).
		 */
		POD,
		/** A host outside the cluster (an internet server, an external client). */
		HOST,
		/** A cloud network element that routes (the VPC, a network load balancer). */
		ROUTER,
		/** An L2 segment (a switch) joining node uplinks. */
		SWITCH

	}

	public Namespace {
		if (id == null || id.isBlank() || node == null || kind == null) {
			throw new IllegalArgumentException("a namespace has an id, a node and a kind");
		}
		devices = List.copyOf(devices);
		routes = List.copyOf(routes);
		neighbors = List.copyOf(neighbors);
		listeners = List.copyOf(listeners);
		iptables = iptables == null ? "" : iptables;
		nftables = nftables == null ? "" : nftables;
		java.util.Set<String> names = new java.util.HashSet<>();
		for (Device d : devices) {
			if (!names.add(d.name())) {
				throw new IllegalArgumentException("namespace " + id + " has two devices named " + d.name());
			}
		}
		for (Route r : routes) {
			if (r.isMultipath()) {
				for (Route.Nexthop h : r.multipath()) {
					if (!names.contains(h.dev())) {
						throw new IllegalArgumentException("route '" + r.text() + "' in namespace " + id
								+ " uses device " + h.dev() + ", which does not exist there");
					}
				}
			}
			if (!names.contains(r.dev())) {
				throw new IllegalArgumentException("route '" + r.text() + "' in namespace " + id + " uses device "
						+ r.dev() + ", which does not exist there");
			}
		}
		for (Neighbor n : neighbors) {
			if (!names.contains(n.dev())) {
				throw new IllegalArgumentException("neighbour entry for " + n.ip() + " in namespace " + id
						+ " uses device " + n.dev() + ", which does not exist there");
			}
		}
	}

	public Device device(String name) {
		for (Device d : devices) {
			if (d.name().equals(name)) {
				return d;
			}
		}
		return null;
	}

	/** Does the namespace own this address on any device (the kernel's local table)? */
	public boolean isLocal(Ip ip) {
		if (ip.isLoopback() && device("lo") != null) {
			return true;
		}
		for (Device d : devices) {
			if (d.owns(ip)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The routes the kernel adds for the addresses (proto kernel scope link), then the
	 * configured ones.
	 */
	public List<Route> effectiveRoutes() {
		List<Route> all = new java.util.ArrayList<>();
		for (Device d : devices) {
			if (d instanceof Device.Loopback) {
				continue;
			}
			for (Cidr c : d.addresses()) {
				if (c.prefix() < 32) {
					all.add(Route.connected(c.asNetwork(), d.name(), c.address()));
				}
			}
		}
		all.addAll(routes);
		return all;
	}

	/**
	 * The first address on the device (the source the kernel picks for packets it
	 * originates there).
	 */
	public Ip primaryAddress(String dev) {
		Device d = device(dev);
		if (d == null || d.addresses().isEmpty()) {
			return null;
		}
		return d.addresses().getFirst().address();
	}

}

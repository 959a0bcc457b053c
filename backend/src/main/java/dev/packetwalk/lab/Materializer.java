package dev.packetwalk.lab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.topology.Route;
import dev.packetwalk.topology.Topology;

/**
 * Turns a model topology into the commands that build it in network namespaces. Pure (the
 * plan is unit-tested without root); {@link KernelLab} runs it. Every command is confined
 * to a lab namespace (see {@link Safety}).
 * <p>
 * Order: namespaces (lo up, IPv6 off so no router solicitations or DAD pollute captures,
 * the model's sysctls); then bridges and dummies; veth pairs and physical links (a NIC
 * cabled to a switch port is a veth pair too), each created once with both ends placed
 * straight into their namespaces; VXLAN devices (their underlay exists by then); MACs,
 * MTUs, bridge ports, addresses, links up; the model's routes (not the connected ones the
 * kernel adds itself); permanent neighbours; VXLAN FDB entries; finally the namespace's
 * iptables-restore text and nftables transaction ({@code nft -f -}), loaded as is.
 */
public final class Materializer {

	private static final Set<String> KNOWN_PROTOS = Set.of("kernel", "boot", "static", "dhcp", "ra", "redirect", "bird",
			"zebra", "gated", "xorp", "ntk", "mrt", "babel", "bgp", "isis", "ospf", "rip", "eigrp");

	private Materializer() {
	}

	public static List<Cmd> plan(Topology topology, LabNames names) {
		names.assign(topology.namespaces().stream().map(Namespace::id).toList());
		List<Cmd> out = new ArrayList<>();
		for (Namespace ns : topology.namespaces()) {
			out.addAll(namespace(ns, names.ns(ns.id())));
		}
		// devices without a peer first
		for (Namespace ns : topology.namespaces()) {
			String n = names.ns(ns.id());
			for (Device d : ns.devices()) {
				Cmd c = standalone(n, d);
				if (c != null) {
					out.add(c);
				}
			}
		}
		// links: each pair once
		Set<String> created = new HashSet<>();
		for (Namespace ns : topology.namespaces()) {
			for (Device d : ns.devices()) {
				Device.Endpoint peer = Device.peerOf(d);
				if (peer == null || created.contains(ns.id() + "\0" + d.name())) {
					continue;
				}
				created.add(ns.id() + "\0" + d.name());
				created.add(peer.namespace() + "\0" + peer.device());
				out.add(link(names.ns(ns.id()), d.name(), names.ns(peer.namespace()), peer.device()));
			}
		}
		for (Namespace ns : topology.namespaces()) {
			String n = names.ns(ns.id());
			for (Device d : ns.devices()) {
				if (d instanceof Device.Vxlan vx) {
					out.add(vxlan(n, vx));
				}
			}
		}
		// link attributes, ports, addresses, up
		for (Namespace ns : topology.namespaces()) {
			String n = names.ns(ns.id());
			for (Device d : ns.devices()) {
				out.addAll(attributes(n, d));
			}
			for (Device d : ns.devices()) {
				if (!(d instanceof Device.Loopback)) {
					out.add(up(n, d.name()));
				}
			}
		}
		for (Namespace ns : topology.namespaces()) {
			String n = names.ns(ns.id());
			for (Route r : ns.routes()) {
				out.add(route(n, r));
			}
			for (Neighbor nb : ns.neighbors()) {
				out.add(neighbor(n, nb));
			}
			for (Device d : ns.devices()) {
				if (d instanceof Device.Vxlan vx) {
					for (Device.FdbEntry e : vx.fdb()) {
						out.add(fdb(n, vx, e, "append"));
					}
				}
			}
		}
		for (Namespace ns : topology.namespaces()) {
			if (!ns.iptables().isBlank()) {
				out.add(iptablesRestore(names.ns(ns.id()), ns.iptables()));
			}
			if (!ns.nftables().isBlank()) {
				// kube-proxy's nftables mode: the same transaction kube-proxy hands nft
				out.add(nft(names.ns(ns.id()), ns.nftables()));
			}
		}
		return out;
	}

	/** A new namespace: lo up, IPv6 off, the model's sysctls. */
	static List<Cmd> namespace(Namespace ns, String n) {
		List<Cmd> out = new ArrayList<>();
		out.add(Cmd.of("ip", "netns", "add", n));
		out.add(Cmd.of("ip", "-n", n, "link", "set", "dev", "lo", "up"));
		out.add(sysctl(n, "net.ipv6.conf.all.disable_ipv6", "1").orTolerate());
		out.add(sysctl(n, "net.ipv6.conf.default.disable_ipv6", "1").orTolerate());
		out.add(sysctl(n, "net.ipv4.ip_forward", ns.ipForward() ? "1" : "0"));
		// per-namespace since Linux 5.3; absent without br_netfilter, which only
		// matters when the model wants it on
		Cmd brnf = sysctl(n, "net.bridge.bridge-nf-call-iptables", ns.bridgeNfCallIptables() ? "1" : "0");
		out.add(ns.bridgeNfCallIptables() ? brnf : brnf.orTolerate());
		if (ns.routes().stream().anyMatch(Route::isMultipath)) {
			// ECMP by a hash of addresses and ports, as the model's multipath routes
			// say
			out.add(sysctl(n, "net.ipv4.fib_multipath_hash_policy", "1"));
		}
		return out;
	}

	/** A device that is created on its own (a bridge, a dummy), or null. */
	static Cmd standalone(String n, Device d) {
		return switch (d) {
			case Device.Bridge b -> Cmd.of("ip", "-n", n, "link", "add", b.name(), "type", "bridge");
			case Device.Dummy du -> Cmd.of("ip", "-n", n, "link", "add", du.name(), "type", "dummy");
			// every namespace has lo
			case Device.Loopback l -> null;
			// created with its peer
			case Device.Veth v -> null;
			// a cable is a veth pair in the lab, created with its peer
			case Device.Physical p -> null;
			// created after the links: its underlay device must exist
			case Device.Vxlan x -> null;
		};
	}

	/**
	 * A veth pair made in namespace {@code a} with its peer placed straight into
	 * {@code b}.
	 */
	static Cmd link(String a, String dev, String b, String peer) {
		return Cmd.of("ip", "-n", a, "link", "add", dev, "type", "veth", "peer", "name", peer, "netns", b);
	}

	static Cmd vxlan(String n, Device.Vxlan vx) {
		List<String> argv = new ArrayList<>(List.of("ip", "-n", n, "link", "add", vx.name(), "type", "vxlan", "id",
				Integer.toString(vx.vni()), "dstport", Integer.toString(vx.port())));
		if (vx.local() != null) {
			argv.addAll(List.of("local", vx.local().toString()));
		}
		if (vx.underlay() != null) {
			argv.addAll(List.of("dev", vx.underlay()));
		}
		argv.add("nolearning");
		return new Cmd(argv, null, false);
	}

	/** The model's MAC, MTU, bridge port (and hairpin flag) and addresses of a device. */
	static List<Cmd> attributes(String n, Device d) {
		List<Cmd> out = new ArrayList<>();
		if (d instanceof Device.Loopback) {
			for (Cidr c : d.addresses()) {
				if (!c.toString().equals("127.0.0.1/8")) {
					out.add(Cmd.of("ip", "-n", n, "addr", "replace", c.toString(), "dev", d.name()));
				}
			}
			return out;
		}
		out.add(Cmd.of("ip", "-n", n, "link", "set", "dev", d.name(), "address", d.mac().toString()));
		out.add(Cmd.of("ip", "-n", n, "link", "set", "dev", d.name(), "mtu", Integer.toString(d.mtu())));
		out.addAll(port(n, d));
		for (Cidr c : d.addresses()) {
			out.add(Cmd.of("ip", "-n", n, "addr", "add", c.toString(), "dev", d.name()));
		}
		return out;
	}

	/** A bridge port: its master, and the port's hairpin flag. */
	static List<Cmd> port(String n, Device d) {
		if (d.master() == null) {
			return List.of();
		}
		List<Cmd> out = new ArrayList<>();
		out.add(Cmd.of("ip", "-n", n, "link", "set", "dev", d.name(), "master", d.master()));
		if (d instanceof Device.Veth v && v.hairpin()) {
			// the bridge port's hairpin flag (what kubelet's hairpin-veth mode and the
			// bridge plugin set)
			out.add(Cmd.of("ip", "-n", n, "link", "set", "dev", d.name(), "type", "bridge_slave", "hairpin", "on"));
		}
		return out;
	}

	static Cmd up(String n, String dev) {
		return Cmd.of("ip", "-n", n, "link", "set", "dev", dev, "up");
	}

	static Cmd neighbor(String n, Neighbor nb) {
		return Cmd.of("ip", "-n", n, "neigh", "replace", nb.ip().toString(), "lladdr", nb.mac().toString(), "dev",
				nb.dev(), "nud", "permanent");
	}

	/** {@code bridge fdb append|del} of a VXLAN device's permanent entry. */
	static Cmd fdb(String n, Device.Vxlan vx, Device.FdbEntry e, String verb) {
		return Cmd.of("bridge", "-n", n, "fdb", verb, e.mac().toString(), "dev", vx.name(), "dst", e.dst().toString(),
				"self", "permanent");
	}

	static Cmd iptablesRestore(String n, String text) {
		return Cmd.of("ip", "netns", "exec", n, "iptables-restore").withStdin(text.endsWith("\n") ? text : text + "\n");
	}

	static Cmd nft(String n, String text) {
		return Cmd.of("ip", "netns", "exec", n, "nft", "-f", "-").withStdin(text.endsWith("\n") ? text : text + "\n");
	}

	static Cmd sysctl(String ns, String key, String value) {
		return Cmd.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", key + "=" + value);
	}

	static Cmd route(String ns, Route r) {
		return route(ns, r, "add");
	}

	/** {@code ip route add|del} of a model route. */
	static Cmd route(String ns, Route r, String verb) {
		List<String> argv = new ArrayList<>(
				List.of("ip", "-n", ns, "route", verb, r.isDefault() ? "default" : r.dst().toString()));
		if (r.isMultipath()) {
			if (r.proto() != null && KNOWN_PROTOS.contains(r.proto())) {
				argv.addAll(List.of("proto", r.proto()));
			}
			// a next hop the model marks dead (failed health check) is not offered to the
			// kernel at all
			for (Route.Nexthop h : r.multipath()) {
				if (!h.dead()) {
					argv.addAll(List.of("nexthop", "via", h.via().toString(), "dev", h.dev(), "weight", "1"));
				}
			}
			return new Cmd(argv, null, false);
		}
		if (r.via() != null) {
			argv.addAll(List.of("via", r.via().toString()));
		}
		argv.addAll(List.of("dev", r.dev()));
		if (r.proto() != null && KNOWN_PROTOS.contains(r.proto())) {
			argv.addAll(List.of("proto", r.proto()));
		}
		if (r.src() != null) {
			argv.addAll(List.of("src", r.src().toString()));
		}
		if (r.metric() != 0) {
			argv.addAll(List.of("metric", Integer.toString(r.metric())));
		}
		if (r.onlink()) {
			argv.add("onlink");
		}
		return new Cmd(argv, null, false);
	}

	/**
	 * Deleting the namespaces removes every device, route, rule and conntrack entry in
	 * them.
	 */
	public static List<Cmd> teardown(LabNames names) {
		List<Cmd> out = new ArrayList<>();
		for (String n : names.all().values()) {
			out.add(Cmd.of("ip", "netns", "del", n).orTolerate());
		}
		return out;
	}

}

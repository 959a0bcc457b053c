package dev.packetwalk.lab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.packetwalk.engine.Event;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.topology.Route;
import dev.packetwalk.topology.Topology;

/**
 * Turns one change of a scenario's timeline into the commands that make the lab's
 * namespaces what the model's cluster is after it. Pure (unit-tested without root);
 * {@link KernelLab} runs the plan between two packets, so every later packet meets the
 * changed kernel state, and open sockets, conntrack entries, learned bridge ports and
 * neighbour caches carry over exactly as they would on a node.
 * <p>
 * In the order the components do it:
 * <ol>
 * <li><b>CNI DEL</b> of a deleted pod: {@code ip link del eth0} in its namespace (the
 * bridge plugin's unplug; the host end goes with it), then, after the lab has stopped the
 * pod's processes, {@code ip netns del} (the runtime's teardown);</li>
 * <li><b>CNI ADD</b> of a created pod, in the bridge plugin's order: the sandbox's
 * namespace, the veth pair made inside it ({@code eth0} and the host end), the host end
 * moved to the node, attached to the bridge (with its hairpin flag), the address, up, the
 * default route;</li>
 * <li>a joining node and everything else new: namespaces, devices and cables as
 * {@link Materializer} builds them;</li>
 * <li>what changed in the namespaces that stay: addresses, bridge ports, routes,
 * permanent neighbours and VXLAN FDB entries (what flanneld writes for a new node's
 * subnet), sysctls;</li>
 * <li><b>kube-proxy's sync</b>: a node whose rules changed gets its new
 * {@code iptables-save} text with {@code iptables-restore}, or its new nftables
 * transaction with {@code nft -f} (the old kube-proxy tables deleted in the same
 * transaction);</li>
 * <li>kube-proxy's <b>UDP conntrack cleanup</b>: on every node with proxy rules,
 * {@code conntrack -D -p udp --dst-nat <endpoint>} for each endpoint that went away.</li>
 * </ol>
 */
public final class ChangePlanner {

	private ChangePlanner() {
	}

	/**
	 * The commands of one change.
	 *
	 * @param unplug run first: the deleted pods' interfaces removed (CNI DEL)
	 * @param gone model namespaces that disappear: the lab stops the processes it runs in
	 * them, then runs {@code teardown}
	 * @param teardown {@code ip netns del} of every namespace in {@code gone}
	 * @param apply everything else, in order
	 * @param conntrack kube-proxy's conntrack deletions, one per node and endpoint (their
	 * output says how many entries went)
	 * @param created model namespaces that are new (the lab starts their listeners)
	 */
	public record Plan(List<Cmd> unplug, List<String> gone, List<Cmd> teardown, List<Cmd> apply,
			List<ConntrackDelete> conntrack, List<String> created) {

		public Plan {
			unplug = List.copyOf(unplug);
			gone = List.copyOf(gone);
			teardown = List.copyOf(teardown);
			apply = List.copyOf(apply);
			conntrack = List.copyOf(conntrack);
			created = List.copyOf(created);
		}

		/** Every command, in the order they run. */
		public List<Cmd> all() {
			List<Cmd> out = new ArrayList<>(unplug);
			out.addAll(teardown);
			out.addAll(apply);
			conntrack.forEach(c -> out.add(c.cmd()));
			return out;
		}

	}

	/** kube-proxy deleting a gone UDP endpoint's conntrack entries on one node. */
	public record ConntrackDelete(String node, Ip endpoint, Cmd cmd) {
	}

	public static Plan plan(Topology before, Event.Change change, LabNames names) {
		Topology after = change.state().topology();
		Map<String, Namespace> was = byId(before);
		Map<String, Namespace> now = byId(after);
		names.assign(after.namespaces().stream().map(Namespace::id).toList());

		List<Cmd> unplug = new ArrayList<>();
		List<String> gone = new ArrayList<>();
		List<Cmd> teardown = new ArrayList<>();
		for (Namespace ns : before.namespaces()) {
			if (now.containsKey(ns.id())) {
				continue;
			}
			gone.add(ns.id());
			for (Device d : ns.devices()) {
				Device.Endpoint peer = Device.peerOf(d);
				if (peer != null && now.containsKey(peer.namespace())) {
					// CNI DEL: the bridge plugin deletes the pod's interface; its peer
					// on the node goes with it
					unplug.add(Cmd.of("ip", "-n", names.ns(ns.id()), "link", "del", "dev", d.name()));
				}
			}
			teardown.add(Cmd.of("ip", "netns", "del", names.ns(ns.id())));
		}

		List<Cmd> apply = new ArrayList<>();
		List<String> created = new ArrayList<>();
		for (Namespace ns : after.namespaces()) {
			if (!was.containsKey(ns.id())) {
				created.add(ns.id());
				apply.addAll(Materializer.namespace(ns, names.ns(ns.id())));
			}
		}
		// devices that are new: a device of a new namespace, or a new name in an old
		// one
		Map<String, List<Device>> added = new LinkedHashMap<>();
		for (Namespace ns : after.namespaces()) {
			Namespace old = was.get(ns.id());
			List<Device> fresh = new ArrayList<>();
			for (Device d : ns.devices()) {
				if (old == null ? !(d instanceof Device.Loopback) : device(old, d.name()) == null) {
					fresh.add(d);
				}
			}
			added.put(ns.id(), fresh);
		}
		// removed devices of namespaces that stay (their peer did not go with a gone
		// namespace)
		for (Namespace ns : before.namespaces()) {
			Namespace stays = now.get(ns.id());
			if (stays == null) {
				continue;
			}
			for (Device d : ns.devices()) {
				Device.Endpoint peer = Device.peerOf(d);
				boolean goesWithPeer = peer != null && !now.containsKey(peer.namespace());
				boolean goesWithPair = peer != null && now.containsKey(peer.namespace())
						&& device(now.get(peer.namespace()), peer.device()) == null
						&& ns.id().compareTo(peer.namespace()) > 0;
				if (device(stays, d.name()) == null && !goesWithPeer && !goesWithPair) {
					apply.add(Cmd.of("ip", "-n", names.ns(ns.id()), "link", "del", "dev", d.name()));
				}
			}
		}
		for (Namespace ns : after.namespaces()) {
			for (Device d : added.get(ns.id())) {
				Cmd c = Materializer.standalone(names.ns(ns.id()), d);
				if (c != null) {
					apply.add(c);
				}
			}
		}
		Set<String> linked = new HashSet<>();
		for (Namespace ns : after.namespaces()) {
			for (Device d : added.get(ns.id())) {
				Device.Endpoint peer = Device.peerOf(d);
				if (peer == null || !linked.add(ns.id() + "\0" + d.name())) {
					continue;
				}
				linked.add(peer.namespace() + "\0" + peer.device());
				String n = names.ns(ns.id());
				String p = names.ns(peer.namespace());
				if (ns.kind() == Namespace.Kind.POD && !was.containsKey(ns.id())) {
					// CNI ADD (bridge plugin): the pair is made inside the sandbox, then
					// the host end is moved to the node
					apply.add(Cmd.of("ip", "-n", n, "link", "add", d.name(), "type", "veth", "peer", "name",
							peer.device()));
					apply.add(Cmd.of("ip", "-n", n, "link", "set", "dev", peer.device(), "netns", p));
				}
				else {
					apply.add(Materializer.link(n, d.name(), p, peer.device()));
				}
			}
		}
		for (Namespace ns : after.namespaces()) {
			for (Device d : added.get(ns.id())) {
				if (d instanceof Device.Vxlan vx) {
					apply.add(Materializer.vxlan(names.ns(ns.id()), vx));
				}
			}
		}
		// the node's side first (the host end attached to the bridge), then the pod's
		// (address, up, route)
		List<Namespace> order = new ArrayList<>(after.namespaces());
		order.sort(java.util.Comparator.comparing(ns -> ns.kind() == Namespace.Kind.POD && !was.containsKey(ns.id())));
		for (Namespace ns : order) {
			String n = names.ns(ns.id());
			Namespace old = was.get(ns.id());
			for (Device d : ns.devices()) {
				Device o = old == null ? null : device(old, d.name());
				if (added.get(ns.id()).contains(d)) {
					apply.addAll(Materializer.attributes(n, d));
					continue;
				}
				if (o == null) {
					continue;
				}
				apply.addAll(changed(n, o, d));
			}
			for (Device d : added.get(ns.id())) {
				apply.add(Materializer.up(n, d.name()));
			}
			apply.addAll(state(n, old, ns));
		}
		for (Namespace ns : after.namespaces()) {
			apply.addAll(rules(names.ns(ns.id()), was.get(ns.id()), ns));
		}

		List<ConntrackDelete> conntrack = new ArrayList<>();
		for (Ip ep : change.goneEndpoints()) {
			for (Namespace ns : after.namespaces()) {
				if (ns.kind() == Namespace.Kind.NODE && (!ns.iptables().isBlank() || !ns.nftables().isBlank())) {
					// kube-proxy's cleanup of a UDP endpoint that went away (exit 1 when
					// there was none)
					conntrack.add(
							new ConntrackDelete(ns.id(), ep, Cmd
								.of("ip", "netns", "exec", names.ns(ns.id()), "conntrack", "-D", "-p", "udp",
										"--dst-nat", ep.toString())
								.orTolerate()));
				}
			}
		}
		return new Plan(unplug, gone, teardown, apply, conntrack, created);
	}

	/** What changed on a device that stays: MTU, MAC, bridge port, addresses. */
	private static List<Cmd> changed(String n, Device o, Device d) {
		List<Cmd> out = new ArrayList<>();
		if (d instanceof Device.Loopback) {
			return out;
		}
		if (!o.mac().equals(d.mac())) {
			out.add(Cmd.of("ip", "-n", n, "link", "set", "dev", d.name(), "address", d.mac().toString()));
		}
		if (o.mtu() != d.mtu()) {
			out.add(Cmd.of("ip", "-n", n, "link", "set", "dev", d.name(), "mtu", Integer.toString(d.mtu())));
		}
		if (!Objects.equals(o.master(), d.master())) {
			out.add(d.master() == null ? Cmd.of("ip", "-n", n, "link", "set", "dev", d.name(), "nomaster")
					: Materializer.port(n, d).getFirst());
		}
		for (Cidr c : o.addresses()) {
			if (!d.addresses().contains(c)) {
				out.add(Cmd.of("ip", "-n", n, "addr", "del", c.toString(), "dev", d.name()));
			}
		}
		for (Cidr c : d.addresses()) {
			if (!o.addresses().contains(c)) {
				out.add(Cmd.of("ip", "-n", n, "addr", "add", c.toString(), "dev", d.name()));
			}
		}
		return out;
	}

	/**
	 * Sysctls, routes, permanent neighbours and VXLAN FDB entries that differ (all of
	 * them for a new namespace).
	 */
	private static List<Cmd> state(String n, Namespace old, Namespace ns) {
		List<Cmd> out = new ArrayList<>();
		if (old != null && old.ipForward() != ns.ipForward()) {
			out.add(Materializer.sysctl(n, "net.ipv4.ip_forward", ns.ipForward() ? "1" : "0"));
		}
		if (old != null && old.bridgeNfCallIptables() != ns.bridgeNfCallIptables()) {
			out.add(Materializer.sysctl(n, "net.bridge.bridge-nf-call-iptables",
					ns.bridgeNfCallIptables() ? "1" : "0"));
		}
		List<Route> oldRoutes = old == null ? List.of() : old.routes();
		for (Route r : oldRoutes) {
			if (!ns.routes().contains(r)) {
				out.add(Materializer.route(n, r, "del").orTolerate());
			}
		}
		for (Route r : ns.routes()) {
			if (!oldRoutes.contains(r)) {
				out.add(Materializer.route(n, r));
			}
		}
		List<Neighbor> oldNeighbors = old == null ? List.of() : old.neighbors();
		for (Neighbor nb : oldNeighbors) {
			if (!ns.neighbors().contains(nb)) {
				out.add(Cmd.of("ip", "-n", n, "neigh", "del", nb.ip().toString(), "dev", nb.dev()).orTolerate());
			}
		}
		for (Neighbor nb : ns.neighbors()) {
			if (!oldNeighbors.contains(nb)) {
				out.add(Materializer.neighbor(n, nb));
			}
		}
		for (Device d : ns.devices()) {
			if (!(d instanceof Device.Vxlan vx)) {
				continue;
			}
			List<Device.FdbEntry> oldFdb = old != null && device(old, vx.name()) instanceof Device.Vxlan ov ? ov.fdb()
					: List.of();
			for (Device.FdbEntry e : oldFdb) {
				if (!vx.fdb().contains(e)) {
					out.add(Materializer.fdb(n, vx, e, "del").orTolerate());
				}
			}
			for (Device.FdbEntry e : vx.fdb()) {
				if (!oldFdb.contains(e)) {
					out.add(Materializer.fdb(n, vx, e, "append"));
				}
			}
		}
		return out;
	}

	/**
	 * kube-proxy's sync on a node whose rules changed: the whole new iptables text (every
	 * table in it replaced at once, conntrack untouched), or the new nftables transaction
	 * with the previous kube-proxy tables deleted first, in one {@code nft -f}.
	 */
	private static List<Cmd> rules(String n, Namespace old, Namespace ns) {
		List<Cmd> out = new ArrayList<>();
		String oldIpt = old == null ? "" : old.iptables();
		if (!ns.iptables().equals(oldIpt)) {
			if (!ns.iptables().isBlank()) {
				out.add(Materializer.iptablesRestore(n, ns.iptables()));
			}
			else {
				// every table the node had, emptied
				StringBuilder empty = new StringBuilder();
				oldIpt.lines().filter(l -> l.startsWith("*")).forEach(l -> empty.append(l).append("\nCOMMIT\n"));
				out.add(Materializer.iptablesRestore(n, empty.toString()));
			}
		}
		String oldNft = old == null ? "" : old.nftables();
		if (!ns.nftables().equals(oldNft)) {
			StringBuilder tx = new StringBuilder();
			oldNft.lines()
				.filter(l -> l.startsWith("add table "))
				.map(l -> l.substring("add table ".length()).replaceAll("\\s*\\{.*$", "").trim())
				.distinct()
				.forEach(t -> tx.append("delete table ").append(t).append('\n'));
			tx.append(ns.nftables());
			if (!tx.isEmpty()) {
				out.add(Materializer.nft(n, tx.toString()));
			}
		}
		return out;
	}

	private static Map<String, Namespace> byId(Topology t) {
		Map<String, Namespace> m = new LinkedHashMap<>();
		t.namespaces().forEach(ns -> m.put(ns.id(), ns));
		return m;
	}

	private static Device device(Namespace ns, String name) {
		for (Device d : ns.devices()) {
			if (d.name().equals(name)) {
				return d;
			}
		}
		return null;
	}

}

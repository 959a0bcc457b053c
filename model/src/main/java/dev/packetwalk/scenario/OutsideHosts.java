package dev.packetwalk.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.topology.Listener;

/**
 * Machines outside the cluster: the ones {@code cluster.hosts} declares and the ones a
 * flow makes on the fly by naming a bare address ({@code from: 172.17.0.5}, or
 * {@code to: 10.0.0.5:5978} when nothing in the cluster has that address). Any IPv4
 * unicast address the cluster does not use is allowed; where a host sits follows from its
 * address:
 * <ul>
 * <li>inside a node segment (no cloud network): plugged into that segment's switch, the
 * segment's {@code .1} as its gateway, like the nodes;</li>
 * <li>elsewhere, without a cloud: behind the router that is the nodes' gateway (the
 * {@code .1} of every segment), on a port of its own;</li>
 * <li>with {@code cloud.provider: gcp}: on the Internet, behind the VPC's edge.</li>
 * </ul>
 * An address inside one of the cluster's ranges (pod CIDRs, the service CIDR, node
 * addresses, the VPC, load-balancer and external IPs) is refused, naming both the address
 * and the range with the line that sets it.
 */
final class OutsideHosts {

	/** A bare IPv4 address, as a flow's {@code from}. */
	static final Pattern BARE = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

	/** A bare address with an optional port, as a flow's {@code to}. */
	private static final Pattern BARE_TARGET = Pattern
		.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(?::(\\d+))?");

	private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	/**
	 * An address range the cluster uses.
	 *
	 * @param cidr the range (a /32 for one address)
	 * @param what what it is, for the error ("node1's pod CIDR")
	 * @param pointer where the file sets it, null when it is a default, empty when the
	 * file does not set it at all (loopback, the router's address)
	 */
	record Range(Cidr cidr, String what, String pointer) {
	}

	/**
	 * One outside host.
	 *
	 * @param name what flows call it ({@code host/<name>}); an on-the-fly host is named
	 * by its address
	 * @param segment the node segment it is plugged into, or null: behind the router (the
	 * Internet with a cloud network)
	 * @param gateway its default gateway: the segment's {@code .1}, or the address of the
	 * router's port toward it
	 * @param port the device on the switch or router its {@code eth0} is cabled to
	 * @param pointer where the file declares it, or null for an on-the-fly host
	 */
	record Host(String name, Ip ip, String label, List<Listener> listen, String segment, Ip gateway, String port,
			String pointer) {

		String id() {
			return "host/" + name;
		}

		boolean onTheFly() {
			return pointer == null;
		}
	}

	/** Addresses no host can have, whatever the cluster. */
	private static final List<Range> SPECIAL = List.of(
			new Range(Cidr.parse("0.0.0.0/8"), "'this network' (not a host address)", ""),
			new Range(Cidr.parse("127.0.0.0/8"), "the loopback range", ""),
			new Range(Cidr.parse("224.0.0.0/4"), "the multicast range", ""),
			new Range(Cidr.parse("240.0.0.0/4"), "the reserved range (with the broadcast address)", ""));

	private final List<Range> taken = new ArrayList<>();

	private final Problems problems;

	private final Map<String, Cidr> segments;

	private final List<Host> hosts = new ArrayList<>();

	/** Names of declared hosts whose definition was refused. */
	private final Set<String> refusedNames = new HashSet<>();

	/**
	 * Addresses of refused hosts (declared or on the fly): flows that name them are not
	 * reported again.
	 */
	private final Set<Ip> refusedAddresses = new HashSet<>();

	/**
	 * @param taken the cluster's ranges, most specific first
	 * @param segments the node segments (empty with a cloud network)
	 */
	OutsideHosts(List<Range> taken, Map<String, Cidr> segments, Problems problems) {
		this.taken.addAll(taken);
		this.taken.addAll(SPECIAL);
		this.segments = segments;
		this.problems = problems;
	}

	List<Host> hosts() {
		return hosts;
	}

	boolean refused(String name) {
		return refusedNames.contains(name);
	}

	boolean refused(Ip ip) {
		return refusedAddresses.contains(ip);
	}

	/**
	 * Why no outside host can have this address ("it is inside node1's pod CIDR
	 * 10.244.1.0/24 (cluster.nodes[0].podCIDR, line 9)"), or null.
	 */
	String clash(Ip ip) {
		Range r = covering(ip);
		if (r != null) {
			boolean one = r.cidr().prefix() == 32;
			String where = r.pointer() == null ? " (the default)" : r.pointer().isEmpty() ? ""
					: " (" + Problems.displayPath(r.pointer()) + ", line " + problems.line(r.pointer()) + ")";
			return (one ? "it is " + r.what() : "it is inside " + r.what() + " " + r.cidr().asNetwork()) + where;
		}
		for (Map.Entry<String, Cidr> s : segments.entrySet()) {
			Cidr seg = s.getValue();
			if (seg.prefix() <= 30 && (ip.equals(seg.network()) || ip.equals(seg.broadcast()))) {
				return "it is segment " + s.getKey() + "'s " + (ip.equals(seg.network()) ? "network" : "broadcast")
						+ " address (" + seg + ")";
			}
		}
		return null;
	}

	/** The first cluster range that covers an address, or null. */
	private Range covering(Ip ip) {
		for (Range r : taken) {
			if (r.cidr().contains(ip)) {
				return r;
			}
		}
		return null;
	}

	/** Is the address a segment's network or broadcast address? */
	private boolean segmentEdge(Ip ip) {
		return segments.values()
			.stream()
			.anyMatch(seg -> seg.prefix() <= 30 && (ip.equals(seg.network()) || ip.equals(seg.broadcast())));
	}

	/**
	 * Places the declared hosts and the ones flows make on the fly.
	 * @param declared {@code cluster.hosts}
	 * @param flows every flow of the file ({@code flows} and the timeline's), for bare
	 * addresses
	 * @param owned addresses a pod or node has (a bare address there means that pod or
	 * node)
	 * @param cloud whether the nodes sit in a cloud network (hosts are then on the
	 * Internet)
	 * @param nodeIps the nodes' addresses, by name, with where each is written
	 */
	void place(List<ScenarioDocument.HostSpec> declared, List<ScenarioDocument.FlowSpec> flows, Set<Ip> owned,
			boolean cloud, Map<String, Range> nodeIps) {
		List<Host> placed = new ArrayList<>();
		Map<Ip, String> byAddress = new LinkedHashMap<>();
		for (int i = 0; i < declared.size(); i++) {
			ScenarioDocument.HostSpec h = declared.get(i);
			String at = "/cluster/hosts/" + i;
			if (h.name() == null || !NAME.matcher(h.name()).matches() || h.name().length() > 12) {
				problems.error(at + "/name",
						"every host needs a short name (lower-case letters, digits, dashes; at most 12)");
				refuse(h);
				continue;
			}
			if (h.ip() == null) {
				problems.error(at + "/ip", "host " + h.name() + " needs an ip");
				refuse(h);
				continue;
			}
			Ip ip;
			try {
				ip = Ip.parse(h.ip());
			}
			catch (IllegalArgumentException ex) {
				problems.error(at + "/ip", ex.getMessage());
				refuse(h);
				continue;
			}
			String why = clash(ip);
			if (why == null && byAddress.containsKey(ip)) {
				why = "it is host " + byAddress.get(ip) + "'s already";
			}
			if (why != null) {
				problems.error(at + "/ip",
						"host " + h.name() + " cannot have the address " + ip + ": " + why
								+ ". An outside host needs an address the cluster does not use (pod CIDRs, the service"
								+ " CIDR, node addresses, the VPC)");
				refuse(h);
				if (!byAddress.containsKey(ip)) {
					refusedAddresses.add(ip);
				}
				continue;
			}
			byAddress.put(ip, h.name());
			placed.add(new Host(h.name(), ip, h.label() == null ? h.name() : h.label(), listeners(at, h.listen()),
					segmentOf(ip), null, "h-" + h.name(), at));
		}
		declared.forEach(h -> {
			try {
				if (h.ip() != null) {
					byAddress.putIfAbsent(Ip.parse(h.ip()), h.name());
				}
			}
			catch (IllegalArgumentException ex) {
				// reported above
			}
		});
		Map<Ip, List<Listener>> fly = onTheFly(flows, owned, byAddress.keySet());
		fly.forEach((ip, listen) -> placed
			.add(new Host(ip.toString(), ip, "outside host " + ip, listen, segmentOf(ip), null, portName(ip), null)));
		routerAddresses(placed, cloud, nodeIps);
		Set<Ip> used = new HashSet<>();
		placed.forEach(h -> used.add(h.ip()));
		for (Host h : placed) {
			if (refused(h.ip())) {
				continue;
			}
			Ip gw = h.segment() != null ? segments.get(h.segment()).nth(1) : gateway(h.ip(), used);
			hosts.add(new Host(h.name(), h.ip(), h.label(), h.listen(), h.segment(), gw, h.port(), h.pointer()));
		}
	}

	private void refuse(ScenarioDocument.HostSpec h) {
		if (h.name() != null) {
			refusedNames.add(h.name());
		}
	}

	/**
	 * Without a cloud, a host outside every segment is reached through the router, which
	 * takes the {@code .1} of every segment (the nodes' default gateway): a host or a
	 * node there is refused, as are the hosts behind the router when a node has it.
	 */
	private void routerAddresses(List<Host> placed, boolean cloud, Map<String, Range> nodeIps) {
		if (cloud || !needsRouter(placed)) {
			return;
		}
		for (Map.Entry<String, Cidr> s : segments.entrySet()) {
			Ip first = s.getValue().nth(1);
			Range router = new Range(Cidr.host(first), "the router's address on segment " + s.getKey()
					+ " (the nodes' gateway, which outside hosts sit behind)", "");
			taken.add(0, router);
			for (Host h : placed) {
				if (h.ip().equals(first)) {
					refusedAddresses.add(first);
					if (!h.onTheFly()) {
						refusedNames.add(h.name());
						problems.error(h.pointer() + "/ip",
								"host " + h.name() + " cannot have the address " + first + ": it is " + router.what());
					}
				}
			}
			for (Map.Entry<String, Range> n : nodeIps.entrySet()) {
				if (!n.getValue().cidr().address().equals(first)) {
					continue;
				}
				Range node = n.getValue();
				problems.error(node.pointer() == null ? "/cluster/nodes" : node.pointer(), "node " + n.getKey()
						+ " has " + first + ", segment " + s.getKey() + "'s first address, which the router that"
						+ " outside hosts sit behind takes (the nodes' default gateway): give the node another address");
				placed.stream().filter(h -> h.segment() == null).forEach(h -> {
					refusedAddresses.add(h.ip());
					if (!h.onTheFly()) {
						refusedNames.add(h.name());
					}
				});
			}
		}
	}

	/**
	 * Is there a router between the node segments (several segments, or hosts outside
	 * every segment)?
	 */
	boolean needsRouter(List<Host> placed) {
		return segments.size() > 1 || placed.stream().anyMatch(h -> h.segment() == null);
	}

	/** The segment an address is in, or null. */
	private String segmentOf(Ip ip) {
		for (Map.Entry<String, Cidr> s : segments.entrySet()) {
			if (s.getValue().contains(ip)) {
				return s.getKey();
			}
		}
		return null;
	}

	/**
	 * The address of the router's port toward a host behind it: {@code .1} of the host's
	 * /24 ({@code .254} when the host is {@code .1}), else the first address there no
	 * host and no cluster range has.
	 */
	private Ip gateway(Ip ip, Set<Ip> used) {
		Cidr net = new Cidr(ip, 24).asNetwork();
		List<Ip> candidates = new ArrayList<>(List.of(net.nth(1), net.nth(254)));
		for (int k = 2; k < 254; k++) {
			candidates.add(net.nth(k));
		}
		for (Ip gw : candidates) {
			if (!used.contains(gw) && covering(gw) == null && segmentOf(gw) == null) {
				return gw;
			}
		}
		return net.nth(1).equals(ip) ? net.nth(254) : net.nth(1);
	}

	/**
	 * The router's port toward an on-the-fly host: {@code h-} and its address when that
	 * fits an interface name (15 characters), else {@code h-} and the address in hex
	 * (upper case, so it never meets a declared host's {@code h-<name>}).
	 */
	static String portName(Ip ip) {
		String dotted = "h-" + ip;
		return dotted.length() <= 15 ? dotted : "h-" + String.format(Locale.ROOT, "%08X", ip.value());
	}

	/**
	 * Bare addresses of flows that nothing has (no pod, node or declared host) and no
	 * cluster range covers: each becomes a host, listening on every port a flow sends to
	 * it.
	 */
	private Map<Ip, List<Listener>> onTheFly(List<ScenarioDocument.FlowSpec> flows, Set<Ip> owned, Set<Ip> declared) {
		Map<Ip, List<Listener>> out = new LinkedHashMap<>();
		for (ScenarioDocument.FlowSpec f : flows) {
			if (f == null) {
				continue;
			}
			Ip from = f.from() == null ? null : bare(f.from().trim(), BARE);
			if (from != null && free(from, owned, declared)) {
				out.putIfAbsent(from, new ArrayList<>());
			}
			Matcher m = f.to() == null ? null : BARE_TARGET.matcher(f.to().trim());
			Ip to = m != null && m.matches() ? bare(m.group(1), BARE) : null;
			if (to == null || !free(to, owned, declared)) {
				continue;
			}
			List<Listener> listen = out.computeIfAbsent(to, k -> new ArrayList<>());
			Protocol proto = protocol(f.protocol());
			if (m.group(2) != null && proto != null && proto != Protocol.ICMP) {
				try {
					Listener l = new Listener(proto, Integer.parseInt(m.group(2)), "the server");
					if (!listen.contains(l)) {
						listen.add(l);
					}
				}
				catch (IllegalArgumentException ex) {
					// port 0 or above 65535: the flow's own error
				}
			}
		}
		return out;
	}

	private boolean free(Ip ip, Set<Ip> owned, Set<Ip> declared) {
		return !owned.contains(ip) && !declared.contains(ip) && covering(ip) == null && !segmentEdge(ip);
	}

	private static Ip bare(String text, Pattern p) {
		if (!p.matcher(text).matches()) {
			return null;
		}
		try {
			return Ip.parse(text);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static Protocol protocol(String text) {
		if (text == null) {
			return Protocol.TCP;
		}
		try {
			return Protocol.parse(text);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private List<Listener> listeners(String at, List<String> listen) {
		List<Listener> out = new ArrayList<>();
		if (listen == null) {
			return out;
		}
		for (int j = 0; j < listen.size(); j++) {
			String l = listen.get(j);
			String[] parts = l.split("/");
			try {
				out.add(new Listener(Protocol.parse(parts[0]), Integer.parseInt(parts[1]), "the server"));
			}
			catch (RuntimeException ex) {
				problems.error(at + "/listen/" + j, "'" + l + "' is not a listener: write tcp/80 or udp/53");
			}
		}
		return out;
	}

}

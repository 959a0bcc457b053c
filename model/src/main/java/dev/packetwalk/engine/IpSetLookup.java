package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.packetwalk.kubeproxy.IpSet;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.netfilter.IpSetDirection;
import dev.packetwalk.netfilter.IpSets;
import dev.packetwalk.packet.Packet;

/**
 * kube-proxy's ipsets as {@code -m set --match-set NAME dirs} sees them: the element is
 * built from the packet along the directions ({@code dst,dst} = destination address and
 * destination protocol:port) in the set's type, then looked up in the members as
 * {@code ipset list} prints them. A {@code net} dimension ({@code hash:ip,port,net}, as
 * KUBE-LOAD-BALANCER-SOURCE-CIDR with {@code dst,dst,src}) holds prefixes: the packet's
 * address matches a member whose prefix contains it. As in the kernel
 * ({@code ip_set_test}), fewer directions than the set has dimensions never match, and a
 * bitmap:port set matches TCP and UDP packets only; a hash set's {@code port} is
 * {@code tcp:}, {@code udp:} or {@code sctp:} and the packet's port.
 */
final class IpSetLookup implements IpSets {

	private final Map<String, IpSet> sets = new TreeMap<>();

	private final Map<String, Set<String>> members = new TreeMap<>();

	/**
	 * For a set whose last dimension is {@code net}: the members' leading parts
	 * ({@code ip,proto:port}) to their prefixes.
	 */
	private final Map<String, Map<String, List<Cidr>>> nets = new TreeMap<>();

	IpSetLookup(List<IpSet> ipsets) {
		for (IpSet s : ipsets) {
			sets.put(s.name(), s);
			members.put(s.name(), new HashSet<>(s.entries()));
			if (s.type().endsWith(",net")) {
				Map<String, List<Cidr>> byHead = new HashMap<>();
				for (String e : s.entries()) {
					int comma = e.lastIndexOf(',');
					byHead.computeIfAbsent(e.substring(0, comma), k -> new ArrayList<>())
						.add(Cidr.parse(e.substring(comma + 1)));
				}
				nets.put(s.name(), byHead);
			}
		}
	}

	@Override
	public boolean test(String setName, List<IpSetDirection> directions, Packet p) {
		IpSet set = sets.get(setName);
		if (set == null) {
			throw new IllegalStateException("ipset " + setName + " does not exist");
		}
		String proto = p.ip().protocol().name().toLowerCase(Locale.ROOT);
		String[] parts = set.type().substring(set.type().indexOf(':') + 1).split(",");
		if (directions.size() < parts.length) {
			return false;
		}
		if (set.type().equals(IpSet.BITMAP_PORT) && p.ip().protocol() != Protocol.TCP
				&& p.ip().protocol() != Protocol.UDP) {
			// bitmap:port takes the port of TCP and UDP packets only
			// (ip_set_get_ip_port): why kube-proxy keeps SCTP node ports in hash:ip,port
			return false;
		}
		StringBuilder element = new StringBuilder();
		Ip netAddress = null;
		for (int i = 0; i < parts.length; i++) {
			boolean src = directions.get(i) == IpSetDirection.SRC;
			if (parts[i].equals("net")) {
				netAddress = src ? p.src() : p.dst();
				continue;
			}
			String piece = switch (parts[i]) {
				case "ip" -> (src ? p.src() : p.dst()).toString();
				case "port" ->
					set.type().startsWith("bitmap") ? Integer.toString(src ? p.l4().srcPort() : p.l4().dstPort())
							: proto + ":" + (src ? p.l4().srcPort() : p.l4().dstPort());
				default -> throw new IllegalStateException("ipset type " + set.type() + " is not modelled");
			};
			if (element.length() > 0) {
				element.append(',');
			}
			element.append(piece);
		}
		if (netAddress != null) {
			Ip address = netAddress;
			List<Cidr> prefixes = nets.get(setName).getOrDefault(element.toString(), List.of());
			return prefixes.stream().anyMatch(c -> c.contains(address));
		}
		return members.get(setName).contains(element.toString());
	}

}

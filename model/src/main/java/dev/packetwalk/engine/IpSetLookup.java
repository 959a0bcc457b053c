package dev.packetwalk.engine;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.packetwalk.kubeproxy.IpSet;
import dev.packetwalk.netfilter.IpSetDirection;
import dev.packetwalk.netfilter.IpSets;
import dev.packetwalk.packet.Packet;

/**
 * kube-proxy's ipsets as {@code -m set --match-set NAME dirs} sees them: the element is
 * built from the packet along the directions ({@code dst,dst} = destination address and
 * destination protocol:port) in the set's type, then looked up in the members exactly as
 * {@code ipset list} prints them.
 */
final class IpSetLookup implements IpSets {

	private final Map<String, IpSet> sets = new TreeMap<>();

	private final Map<String, Set<String>> members = new TreeMap<>();

	IpSetLookup(List<IpSet> ipsets) {
		for (IpSet s : ipsets) {
			sets.put(s.name(), s);
			members.put(s.name(), new HashSet<>(s.entries()));
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
		StringBuilder element = new StringBuilder();
		for (int i = 0; i < parts.length && i < directions.size(); i++) {
			boolean src = directions.get(i) == IpSetDirection.SRC;
			String piece = switch (parts[i]) {
				case "ip", "net" -> (src ? p.src() : p.dst()).toString();
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
		return members.get(setName).contains(element.toString());
	}

}

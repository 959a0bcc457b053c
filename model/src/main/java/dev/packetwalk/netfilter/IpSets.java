package dev.packetwalk.netfilter;

import java.util.List;

import dev.packetwalk.packet.Packet;

/**
 * The ipsets {@code -m set --match-set} consults. The set knows its type (hash:ip,port,
 * hash:ip,port,ip, …) and so how to build its element from the packet along the given
 * directions ({@code dst,dst} = destination address and destination port with protocol).
 */
@FunctionalInterface
public interface IpSets {

	/**
	 * No ipsets at all: consulting one is an error, as loading such a rule would be in
	 * iptables.
	 */
	IpSets NONE = (name, directions, packet) -> {
		throw new IllegalStateException("ipset " + name + " does not exist (no ipsets were given to the evaluation)");
	};

	/**
	 * Whether the set holds the packet's element. Throws {@link IllegalStateException}
	 * for an unknown set name.
	 */
	boolean test(String setName, List<IpSetDirection> directions, Packet packet);

}

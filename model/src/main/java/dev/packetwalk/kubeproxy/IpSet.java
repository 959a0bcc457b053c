package dev.packetwalk.kubeproxy;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One ipset kube-proxy's IPVS mode keeps ({@code pkg/proxy/ipvs/ipset.go}), with members
 * spelled as {@code ipset} prints them: {@code hash:ip,port} {@code 10.96.0.1,tcp:443};
 * {@code hash:ip,port,ip} {@code 10.244.1.5,tcp:80,10.244.1.5}; {@code hash:ip,port,net}
 * {@code 5.6.7.8,tcp:80,203.0.113.0/25}; {@code bitmap:port} {@code 30080};
 * {@code hash:ip} {@code 10.96.0.1}.
 */
public record IpSet(String name, String type, String comment, SortedSet<String> entries) {

	public static final String HASH_IP_PORT = "hash:ip,port";

	public static final String HASH_IP_PORT_IP = "hash:ip,port,ip";

	public static final String HASH_IP_PORT_NET = "hash:ip,port,net";

	public static final String BITMAP_PORT = "bitmap:port";

	public static final String HASH_IP = "hash:ip";

	private static final List<String> TYPES = List.of(HASH_IP_PORT, HASH_IP_PORT_IP, HASH_IP_PORT_NET, BITMAP_PORT,
			HASH_IP);

	/** ipset names are at most 31 characters. */
	public static final int MAX_NAME_LENGTH = 31;

	public IpSet {
		if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
			throw new IllegalArgumentException(
					"ipset name must be 1.." + MAX_NAME_LENGTH + " characters, was '" + name + "'");
		}
		if (!TYPES.contains(type)) {
			throw new IllegalArgumentException("ipset " + name + ": unknown set type " + type);
		}
		entries = new TreeSet<>(entries == null ? List.of() : entries);
		int expectedParts = switch (type) {
			case HASH_IP, BITMAP_PORT -> 1;
			case HASH_IP_PORT -> 2;
			default -> 3;
		};
		for (String e : entries) {
			if (e.split(",").length != expectedParts) {
				throw new IllegalArgumentException(
						"ipset " + name + " (" + type + "): entry '" + e + "' has the wrong shape");
			}
		}
		entries = java.util.Collections.unmodifiableSortedSet(entries);
	}

	public boolean isEmpty() {
		return entries.isEmpty();
	}

	/**
	 * The {@code -m comment --comment} text kube-proxy puts on rules matching this set
	 * (always quoted).
	 */
	public String quotedComment() {
		return "\"" + comment + "\"";
	}

}

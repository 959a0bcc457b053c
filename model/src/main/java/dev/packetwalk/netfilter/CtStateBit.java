package dev.packetwalk.netfilter;

import java.util.Locale;

/**
 * The states {@code -m conntrack --ctstate} can test, in the order libxt_conntrack prints
 * them. SNAT and DNAT are not states but status bits of the connection (its original
 * direction was source/destination-NATed); a packet carries one of the first five plus
 * any of the two.
 */
public enum CtStateBit {

	INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED, SNAT, DNAT;

	public static CtStateBit parse(String text) {
		for (CtStateBit b : values()) {
			if (b.name().equals(text.toUpperCase(Locale.ROOT))) {
				return b;
			}
		}
		throw new IllegalArgumentException(
				"bad ctstate '" + text + "' (expected INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED, SNAT or DNAT)");
	}

}

package dev.packetwalk.netfilter;

import java.util.Locale;

/**
 * One dimension of {@code -m set --match-set NAME dst,dst}: take the element from the
 * source or destination.
 */
public enum IpSetDirection {

	SRC, DST;

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static IpSetDirection parse(String text) {
		return switch (text) {
			case "src" -> SRC;
			case "dst" -> DST;
			default -> throw new IllegalArgumentException("ipset flag '" + text + "' is neither src nor dst");
		};
	}

}

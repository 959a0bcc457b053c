package dev.packetwalk.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An IPv4 address. Stored as an int for cheap comparisons in the datapath; printed in
 * dotted quad.
 */
public record Ip(int value) implements Comparable<Ip> {

	public static final Ip ANY = new Ip(0);

	/**
	 * Parses a dotted-quad IPv4 address; throws {@link IllegalArgumentException} naming
	 * the bad text.
	 */
	@JsonCreator
	public static Ip parse(String text) {
		if (text == null) {
			throw new IllegalArgumentException("IPv4 address is missing");
		}
		String t = text.trim();
		int dots = 0;
		for (int i = 0; i < t.length(); i++) {
			if (t.charAt(i) == '.') {
				dots++;
			}
		}
		if (dots != 3) {
			throw new IllegalArgumentException(
					"'" + text + "' is not an IPv4 address (expected four dot-separated numbers)");
		}
		int v = 0;
		int start = 0;
		for (int part = 0; part < 4; part++) {
			int end = part < 3 ? t.indexOf('.', start) : t.length();
			int octet = 0;
			boolean number = end > start && end - start <= 3;
			for (int i = start; i < end && number; i++) {
				char c = t.charAt(i);
				number = c >= '0' && c <= '9';
				octet = octet * 10 + (c - '0');
			}
			if (!number) {
				throw new IllegalArgumentException("'" + text + "' is not an IPv4 address ('" + t.substring(start, end)
						+ "' is not a number 0-255)");
			}
			if (octet > 255) {
				throw new IllegalArgumentException(
						"'" + text + "' is not an IPv4 address (" + octet + " is above 255)");
			}
			v = (v << 8) | octet;
			start = end + 1;
		}
		return new Ip(v);
	}

	public static Ip of(int a, int b, int c, int d) {
		return new Ip((a << 24) | (b << 16) | (c << 8) | d);
	}

	public Ip plus(int n) {
		return new Ip(value + n);
	}

	public int octet(int i) {
		return (value >>> (24 - 8 * i)) & 0xff;
	}

	public boolean isLoopback() {
		return octet(0) == 127;
	}

	@Override
	public int compareTo(Ip o) {
		return Integer.compareUnsigned(value, o.value);
	}

	@JsonValue
	@Override
	public String toString() {
		return octet(0) + "." + octet(1) + "." + octet(2) + "." + octet(3);
	}

}

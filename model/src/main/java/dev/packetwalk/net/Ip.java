package dev.packetwalk.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An IPv4 address. Stored as an int for cheap comparisons in the datapath; printed in dotted quad.
 */
public record Ip(int value) implements Comparable<Ip> {

	public static final Ip ANY = new Ip(0);

	/** Parses a dotted-quad IPv4 address; throws {@link IllegalArgumentException} naming the bad text. */
	@JsonCreator
	public static Ip parse(String text) {
		if (text == null) {
			throw new IllegalArgumentException("IPv4 address is missing");
		}
		String[] parts = text.trim().split("\\.", -1);
		if (parts.length != 4) {
			throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (expected four dot-separated numbers)");
		}
		int v = 0;
		for (String p : parts) {
			if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
				throw new IllegalArgumentException("'" + text + "' is not an IPv4 address ('" + p + "' is not a number 0-255)");
			}
			int octet = Integer.parseInt(p);
			if (octet > 255) {
				throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (" + octet + " is above 255)");
			}
			v = (v << 8) | octet;
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

package dev.packetwalk.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An IPv4 prefix such as {@code 10.244.1.0/24}. The address keeps the host bits it was
 * written with (an interface address {@code 10.244.1.1/24} is a Cidr too);
 * {@link #network()} drops them.
 */
public record Cidr(Ip address, int prefix) {

	public Cidr {
		if (address == null) {
			throw new IllegalArgumentException("CIDR needs an address");
		}
		if (prefix < 0 || prefix > 32) {
			throw new IllegalArgumentException("CIDR prefix length must be 0..32, was " + prefix);
		}
	}

	/** Parses {@code a.b.c.d/n}; a bare address means /32. */
	@JsonCreator
	public static Cidr parse(String text) {
		if (text == null) {
			throw new IllegalArgumentException("CIDR is missing");
		}
		int slash = text.indexOf('/');
		if (slash < 0) {
			return new Cidr(Ip.parse(text), 32);
		}
		String len = text.substring(slash + 1).trim();
		if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException(
					"'" + text + "' is not a CIDR (prefix length '" + len + "' is not 0-32)");
		}
		int n = Integer.parseInt(len);
		if (n > 32) {
			throw new IllegalArgumentException("'" + text + "' is not a CIDR (prefix length " + n + " is above 32)");
		}
		return new Cidr(Ip.parse(text.substring(0, slash)), n);
	}

	public static Cidr host(Ip ip) {
		return new Cidr(ip, 32);
	}

	public int mask() {
		return prefix == 0 ? 0 : -1 << (32 - prefix);
	}

	public Ip network() {
		return new Ip(address.value() & mask());
	}

	public Ip broadcast() {
		return new Ip(address.value() | ~mask());
	}

	public boolean contains(Ip ip) {
		return (ip.value() & mask()) == (address.value() & mask());
	}

	public boolean contains(Cidr other) {
		return other.prefix >= prefix && contains(other.address);
	}

	/** The n-th address of the network (0 = the network address itself). */
	public Ip nth(int n) {
		return network().plus(n);
	}

	public long size() {
		return 1L << (32 - prefix);
	}

	/** Network form, e.g. {@code 10.244.1.0/24}. */
	public Cidr asNetwork() {
		return new Cidr(network(), prefix);
	}

	@JsonValue
	@Override
	public String toString() {
		return address + "/" + prefix;
	}

}

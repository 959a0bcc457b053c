package dev.packetwalk.packet;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;

/** The IPv4 header fields the model reads and rewrites (20 bytes, no options). */
public record Ipv4(Ip src, Ip dst, Protocol protocol, int ttl, boolean dontFragment) {

	public static final int HEADER_BYTES = 20;

	public static final int DEFAULT_TTL = 64;

	public Ipv4 {
		if (src == null || dst == null || protocol == null) {
			throw new IllegalArgumentException("IPv4 header needs src, dst and protocol");
		}
		if (ttl < 0 || ttl > 255) {
			throw new IllegalArgumentException("IPv4 TTL must be 0..255, was " + ttl);
		}
	}

	public Ipv4 withSrc(Ip ip) {
		return new Ipv4(ip, dst, protocol, ttl, dontFragment);
	}

	public Ipv4 withDst(Ip ip) {
		return new Ipv4(src, ip, protocol, ttl, dontFragment);
	}

	public Ipv4 withTtl(int t) {
		return new Ipv4(src, dst, protocol, t, dontFragment);
	}

}

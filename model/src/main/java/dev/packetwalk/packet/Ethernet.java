package dev.packetwalk.packet;

import dev.packetwalk.net.Mac;

/** The Ethernet header: 14 bytes on the wire. */
public record Ethernet(Mac src, Mac dst) {

	public static final int HEADER_BYTES = 14;

	public Ethernet {
		if (src == null || dst == null) {
			throw new IllegalArgumentException("Ethernet header needs both MAC addresses");
		}
	}

}

package dev.packetwalk.topology;

import dev.packetwalk.net.Protocol;

/** A socket listening in a namespace ({@code ss -ltn}): any local address, one port. */
public record Listener(Protocol protocol, int port, String process) {

	public Listener {
		if (protocol == null || port < 1 || port > 65535) {
			throw new IllegalArgumentException("a listener has a protocol and a port 1..65535");
		}
	}

}

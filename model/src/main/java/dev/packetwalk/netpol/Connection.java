package dev.packetwalk.netpol;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;

/**
 * A connection as policy sees it: after Service DNAT (the destination is the backend pod
 * and its target port), before any masquerade of the source. For ICMP the port is 0.
 */
public record Connection(ConnectionEnd source, ConnectionEnd destination, Protocol protocol, int port) {

	public Connection {
		if (source == null || destination == null || protocol == null) {
			throw new IllegalArgumentException("a connection needs a source, a destination and a protocol");
		}
		switch (protocol) {
			case TCP, UDP, SCTP -> {
				if (port < 1 || port > 65535) {
					throw new IllegalArgumentException((protocol == Protocol.SCTP ? "an " : "a ") + protocol
							+ " connection needs a destination port 1..65535, was " + port);
				}
			}
			case ICMP -> {
				if (port != 0) {
					throw new IllegalArgumentException("an ICMP connection has no port (use 0), was " + port);
				}
			}
		}
	}

	public static Connection tcp(PolicyPod from, PolicyPod to, int port) {
		return new Connection(new ConnectionEnd.Pod(from), new ConnectionEnd.Pod(to), Protocol.TCP, port);
	}

	public static Connection udp(PolicyPod from, PolicyPod to, int port) {
		return new Connection(new ConnectionEnd.Pod(from), new ConnectionEnd.Pod(to), Protocol.UDP, port);
	}

	public static Connection of(ConnectionEnd from, ConnectionEnd to, Protocol protocol, int port) {
		return new Connection(from, to, protocol, port);
	}

	/** {@code 80/TCP} or {@code ICMP}. */
	public String portText() {
		return protocol == Protocol.ICMP ? "ICMP" : port + "/" + protocol;
	}

	@Override
	public String toString() {
		return source + " -> " + destination + " " + portText();
	}

}

package dev.packetwalk.netpol;

import dev.packetwalk.net.Protocol;

/** A container port number with its protocol, the target of a named port. */
public record PortProto(int port, Protocol protocol) {

	public PortProto {
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("a container port must be 1..65535, was " + port);
		}
		if (protocol == null || protocol == Protocol.ICMP) {
			throw new IllegalArgumentException("a container port needs protocol TCP, UDP or SCTP, was " + protocol);
		}
	}

	public static PortProto tcp(int port) {
		return new PortProto(port, Protocol.TCP);
	}

	public static PortProto udp(int port) {
		return new PortProto(port, Protocol.UDP);
	}

	public static PortProto sctp(int port) {
		return new PortProto(port, Protocol.SCTP);
	}

	@Override
	public String toString() {
		return port + "/" + protocol;
	}

}

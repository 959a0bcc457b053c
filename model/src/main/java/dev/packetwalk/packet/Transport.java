package dev.packetwalk.packet;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The layer-4 header. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "proto")
@JsonSubTypes({ @JsonSubTypes.Type(value = Transport.Tcp.class, name = "tcp"),
		@JsonSubTypes.Type(value = Transport.Udp.class, name = "udp"),
		@JsonSubTypes.Type(value = Transport.Icmp.class, name = "icmp") })
public sealed interface Transport permits Transport.Tcp, Transport.Udp, Transport.Icmp {

	int headerBytes();

	/** Source port, or the ICMP identifier. */
	int srcPort();

	/** Destination port, or the ICMP identifier. */
	int dstPort();

	Transport withPorts(int src, int dst);

	static void checkPort(String what, int port) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException(what + " must be 0..65535, was " + port);
		}
	}

	/**
	 * TCP, with its flags written the way tcpdump prints them: {@code S}, {@code S.},
	 * {@code .}, {@code P.}, {@code R}.
	 */
	record Tcp(int srcPort, int dstPort, String flags) implements Transport {
		public Tcp {
			checkPort("TCP source port", srcPort);
			checkPort("TCP destination port", dstPort);
			if (flags == null || flags.isEmpty()) {
				throw new IllegalArgumentException("TCP segment needs flags");
			}
		}

		@Override
		public int headerBytes() {
			return 20;
		}

		@Override
		public Transport withPorts(int src, int dst) {
			return new Tcp(src, dst, flags);
		}

		@com.fasterxml.jackson.annotation.JsonIgnore
		public boolean isSyn() {
			return flags.equals("S");
		}
	}

	record Udp(int srcPort, int dstPort) implements Transport {
		public Udp {
			checkPort("UDP source port", srcPort);
			checkPort("UDP destination port", dstPort);
		}

		@Override
		public int headerBytes() {
			return 8;
		}

		@Override
		public Transport withPorts(int src, int dst) {
			return new Udp(src, dst);
		}
	}

	/**
	 * ICMP. Echo uses the identifier as both "ports" (as conntrack does); errors carry a
	 * description of the packet they quote.
	 */
	record Icmp(int icmpType, int code, int id, String quoted) implements Transport {

		public static final int ECHO_REPLY = 0;

		public static final int DEST_UNREACHABLE = 3;

		public static final int ECHO_REQUEST = 8;

		public static final int TIME_EXCEEDED = 11;

		@Override
		public int headerBytes() {
			return 8;
		}

		@Override
		public int srcPort() {
			return id;
		}

		@Override
		public int dstPort() {
			return id;
		}

		@Override
		public Transport withPorts(int src, int dst) {
			return new Icmp(icmpType, code, src, quoted);
		}
	}

}

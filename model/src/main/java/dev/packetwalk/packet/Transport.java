package dev.packetwalk.packet;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The layer-4 header. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "proto")
@JsonSubTypes({ @JsonSubTypes.Type(value = Transport.Tcp.class, name = "tcp"),
		@JsonSubTypes.Type(value = Transport.Udp.class, name = "udp"),
		@JsonSubTypes.Type(value = Transport.Icmp.class, name = "icmp"),
		@JsonSubTypes.Type(value = Transport.Sctp.class, name = "sctp") })
public sealed interface Transport permits Transport.Tcp, Transport.Udp, Transport.Icmp, Transport.Sctp {

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

	/**
	 * SCTP (RFC 9260): the common header's ports and verification tag, and the packet's
	 * one chunk, named as tcpdump names it ({@code INIT}, {@code INIT ACK},
	 * {@code COOKIE ECHO}, {@code COOKIE ACK}, {@code DATA}, {@code SACK}, ...).
	 *
	 * @param srcPort the source port
	 * @param dstPort the destination port
	 * @param vtag the verification tag (0..2^32-1): 0 in an INIT, else the receiver's
	 * Initiate Tag
	 * @param chunk the chunk's type
	 * @param initTag the Initiate Tag an INIT or INIT ACK carries (never 0); 0 in every
	 * other chunk
	 */
	record Sctp(int srcPort, int dstPort, long vtag, String chunk, long initTag) implements Transport {

		public static final String INIT = "INIT";

		public static final String INIT_ACK = "INIT ACK";

		public static final String COOKIE_ECHO = "COOKIE ECHO";

		public static final String COOKIE_ACK = "COOKIE ACK";

		public static final String DATA = "DATA";

		public static final String SACK = "SACK";

		public static final String ABORT = "ABORT";

		public static final String SHUTDOWN = "SHUTDOWN";

		public static final String SHUTDOWN_ACK = "SHUTDOWN ACK";

		public static final String SHUTDOWN_COMPLETE = "SHUTDOWN COMPLETE";

		public static final String HEARTBEAT = "HEARTBEAT";

		public static final String HEARTBEAT_ACK = "HEARTBEAT ACK";

		/** The chunk types the model writes, each with its length in bytes as written. */
		private static final java.util.Map<String, Integer> CHUNK_BYTES = java.util.Map.ofEntries(
				java.util.Map.entry(INIT, 20), java.util.Map.entry(INIT_ACK, 20 + 24),
				java.util.Map.entry(COOKIE_ECHO, 4 + 24), java.util.Map.entry(COOKIE_ACK, 4),
				java.util.Map.entry(DATA, 16), java.util.Map.entry(SACK, 16), java.util.Map.entry(ABORT, 4),
				java.util.Map.entry(SHUTDOWN, 8), java.util.Map.entry(SHUTDOWN_ACK, 4),
				java.util.Map.entry(SHUTDOWN_COMPLETE, 4), java.util.Map.entry(HEARTBEAT, 4 + 12),
				java.util.Map.entry(HEARTBEAT_ACK, 4 + 12));

		public Sctp {
			checkPort("SCTP source port", srcPort);
			checkPort("SCTP destination port", dstPort);
			if (chunk == null || !CHUNK_BYTES.containsKey(chunk)) {
				throw new IllegalArgumentException(
						"SCTP chunk must be one of " + new java.util.TreeSet<>(CHUNK_BYTES.keySet()) + ", was "
								+ (chunk == null ? "none" : "'" + chunk + "'"));
			}
			checkTag("SCTP verification tag", vtag);
			checkTag("SCTP Initiate Tag", initTag);
			boolean init = chunk.equals(INIT) || chunk.equals(INIT_ACK);
			if (chunk.equals(INIT) && vtag != 0) {
				throw new IllegalArgumentException("an SCTP INIT carries verification tag 0, was " + vtag);
			}
			if (init && initTag == 0) {
				throw new IllegalArgumentException("an SCTP " + chunk + " carries a non-zero Initiate Tag");
			}
			if (!init && initTag != 0) {
				throw new IllegalArgumentException(
						"only INIT and INIT ACK carry an Initiate Tag; " + chunk + " had " + initTag);
			}
		}

		private static void checkTag(String what, long tag) {
			if (tag < 0 || tag > 0xFFFF_FFFFL) {
				throw new IllegalArgumentException(what + " must be 0..2^32-1, was " + tag);
			}
		}

		/** The common header (12 bytes) and the chunk as the model writes it. */
		@Override
		public int headerBytes() {
			return 12 + CHUNK_BYTES.get(chunk);
		}

		@Override
		public Transport withPorts(int src, int dst) {
			return new Sctp(src, dst, vtag, chunk, initTag);
		}

		/** The association's first chunk (conntrack's NEW). */
		@com.fasterxml.jackson.annotation.JsonIgnore
		public boolean isInit() {
			return chunk.equals(INIT);
		}

	}

}

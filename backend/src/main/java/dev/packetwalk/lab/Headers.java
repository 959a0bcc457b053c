package dev.packetwalk.lab;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Transport;

/**
 * The header fields the lab compares for one packet at one observation point, as tcpdump
 * would show them.
 *
 * @param srcMac Ethernet source, or null when the model has no Ethernet header there (not
 * compared then)
 * @param dstMac Ethernet destination, or null (not compared)
 * @param flags TCP flags in tcpdump notation ({@code S}, {@code S.}, {@code R.}),
 * {@code icmp T/C} for ICMP, empty for UDP, the (first) chunk's type as tcpdump names it
 * for SCTP ({@code INIT}, {@code INIT ACK}, {@code COOKIE ECHO}, {@code ABORT})
 * @param tags SCTP's verification and initiate tags, or null (not SCTP): carried for the
 * consistency check (an INIT ACK's vtag is its INIT's initiate tag), never compared as
 * values and not printed (each side draws its own at random)
 */
public record Headers(Mac srcMac, Mac dstMac, Ip src, Ip dst, Protocol protocol, int srcPort, int dstPort, String flags,
		int ttl, SctpTags tags) {

	public Headers {
		if (src == null || dst == null || protocol == null) {
			throw new IllegalArgumentException("headers need the IP addresses and the protocol");
		}
		flags = flags == null ? "" : flags;
	}

	/** Headers without SCTP tags (TCP, UDP, ICMP). */
	public Headers(Mac srcMac, Mac dstMac, Ip src, Ip dst, Protocol protocol, int srcPort, int dstPort, String flags,
			int ttl) {
		this(srcMac, dstMac, src, dst, protocol, srcPort, dstPort, flags, ttl, null);
	}

	/**
	 * The tags of an SCTP packet.
	 *
	 * @param vtag the common header's verification tag (0 on an INIT)
	 * @param initTag the Initiate Tag an INIT or INIT ACK carries, 0 for any other chunk
	 */
	public record SctpTags(long vtag, long initTag) {

		public SctpTags {
			if (vtag < 0 || vtag > 0xffffffffL || initTag < 0 || initTag > 0xffffffffL) {
				throw new IllegalArgumentException(
						"SCTP tags are 32-bit unsigned: vtag " + vtag + ", initTag " + initTag);
			}
		}

	}

	/** The outermost headers of a model packet. */
	public static Headers of(Packet p) {
		Mac s = p.eth() == null ? null : p.eth().src();
		Mac d = p.eth() == null ? null : p.eth().dst();
		String flags = switch (p.l4()) {
			case Transport.Tcp t -> t.flags();
			case Transport.Udp u -> "";
			case Transport.Icmp i -> "icmp " + i.icmpType() + "/" + i.code();
			case Transport.Sctp c -> c.chunk();
		};
		SctpTags tags = p.l4() instanceof Transport.Sctp c ? new SctpTags(c.vtag(), c.initTag()) : null;
		return new Headers(s, d, p.src(), p.dst(), p.ip().protocol(), p.l4().srcPort(), p.l4().dstPort(), flags,
				p.ip().ttl(), tags);
	}

	public Headers withPorts(int sport, int dport) {
		return new Headers(srcMac, dstMac, src, dst, protocol, sport, dport, flags, ttl, tags);
	}

	/**
	 * The same headers without SCTP tags: what the comparison looks at (the tags' values
	 * are each side's random draw).
	 */
	public Headers withoutTags() {
		return tags == null ? this
				: new Headers(srcMac, dstMac, src, dst, protocol, srcPort, dstPort, flags, ttl, null);
	}

	public Headers withDstPort(int dport) {
		return withPorts(srcPort, dport);
	}

	public Headers withDstMac(Mac mac) {
		return new Headers(srcMac, mac, src, dst, protocol, srcPort, dstPort, flags, ttl, tags);
	}

	/**
	 * {@code 62:8b:..:52 > 86:75:..:63, 10.244.1.2.60086 > 10.244.1.3.8080: tcp [S] ttl 64},
	 * like tcpdump -e ({@code sctp [INIT]} for SCTP; its tags are not printed).
	 */
	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder();
		if (srcMac != null || dstMac != null) {
			sb.append(srcMac == null ? "?" : srcMac).append(" > ").append(dstMac == null ? "?" : dstMac).append(", ");
		}
		sb.append(src);
		if (protocol != Protocol.ICMP) {
			sb.append('.').append(srcPort);
		}
		sb.append(" > ").append(dst);
		if (protocol != Protocol.ICMP) {
			sb.append('.').append(dstPort);
		}
		sb.append(": ").append(protocol.lower());
		if (protocol == Protocol.TCP || protocol == Protocol.SCTP) {
			sb.append(" [").append(flags).append(']');
		}
		else if (protocol == Protocol.ICMP) {
			sb.append(' ').append(flags.replace("icmp ", "type/code ")).append(" id ").append(srcPort);
		}
		sb.append(" ttl ").append(ttl);
		return sb.toString();
	}

}

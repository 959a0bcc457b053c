package dev.packetwalk.packet;

import dev.packetwalk.net.Ip;

/**
 * A packet as it is at one point of its walk. Immutable: every rewrite makes a new one.
 *
 * @param eth the Ethernet header, or null while the packet is still an IP datagram inside
 * a namespace's stack
 * @param ip the IPv4 header
 * @param l4 the transport header
 * @param payload what it carries
 * @param vxlan the VXLAN header when this is an encapsulating packet (then {@code l4} is
 * UDP and {@code inner} is set)
 * @param inner the encapsulated frame, untouched while it crosses the tunnel
 * @param mark the skb mark ({@code skb->mark}): kernel metadata, never on the wire;
 * cleared when the packet crosses into another network namespace
 */
public record Packet(Ethernet eth, Ipv4 ip, Transport l4, Payload payload, Vxlan vxlan, Packet inner, int mark) {

	public Packet {
		if (ip == null || l4 == null || payload == null) {
			throw new IllegalArgumentException("a packet needs an IP header, a transport header and a payload");
		}
		if ((vxlan == null) != (inner == null)) {
			throw new IllegalArgumentException("a VXLAN header and an inner frame go together");
		}
		if (vxlan != null && !(l4 instanceof Transport.Udp)) {
			throw new IllegalArgumentException("VXLAN travels over UDP");
		}
		if (inner != null && inner.eth == null) {
			throw new IllegalArgumentException("the inner packet of a VXLAN frame is an Ethernet frame");
		}
	}

	public static Packet of(Ipv4 ip, Transport l4, Payload payload) {
		return new Packet(null, ip, l4, payload, null, null, 0);
	}

	/** Bytes of the IP datagram (what the MTU limits). */
	@com.fasterxml.jackson.annotation.JsonProperty("length")
	public int ipLength() {
		int body = vxlan != null ? Vxlan.HEADER_BYTES + Ethernet.HEADER_BYTES + inner.ipLength() : payload.bytes();
		return Ipv4.HEADER_BYTES + l4.headerBytes() + body;
	}

	public Ip src() {
		return ip.src();
	}

	public Ip dst() {
		return ip.dst();
	}

	public boolean encapsulated() {
		return vxlan != null;
	}

	public Packet withEth(Ethernet e) {
		return new Packet(e, ip, l4, payload, vxlan, inner, mark);
	}

	public Packet withIp(Ipv4 i) {
		return new Packet(eth, i, l4, payload, vxlan, inner, mark);
	}

	public Packet withL4(Transport t) {
		return new Packet(eth, ip, t, payload, vxlan, inner, mark);
	}

	public Packet withMark(int m) {
		return new Packet(eth, ip, l4, payload, vxlan, inner, m);
	}

	public Packet withPayload(Payload p) {
		return new Packet(eth, ip, l4, p, vxlan, inner, mark);
	}

	/** src:sport &gt; dst:dport, as tcpdump shows it. */
	public String summary() {
		return ip.src() + ":" + l4.srcPort() + " > " + ip.dst() + ":" + l4.dstPort() + " " + ip.protocol().lower();
	}

}

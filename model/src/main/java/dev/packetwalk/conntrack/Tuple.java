package dev.packetwalk.conntrack;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Packet;

/** A connection-tracking tuple: protocol, source and destination address and port. */
public record Tuple(Protocol protocol, Ip src, int sport, Ip dst, int dport) {

	public static Tuple of(Packet p) {
		return new Tuple(p.ip().protocol(), p.src(), p.l4().srcPort(), p.dst(), p.l4().dstPort());
	}

	public Tuple inverse() {
		return new Tuple(protocol, dst, dport, src, sport);
	}

	/** {@code src=... dst=... sport=... dport=...} as {@code conntrack -L} prints it. */
	public String text() {
		return "src=" + src + " dst=" + dst + " sport=" + sport + " dport=" + dport;
	}

}

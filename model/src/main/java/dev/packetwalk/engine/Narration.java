package dev.packetwalk.engine;

import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.topology.Namespace;

/**
 * The words the walker's steps share: how a packet, a TCP segment and a delivery are
 * described.
 */
final class Narration {

	private Narration() {
	}

	static String describe(Packet p) {
		String what = switch (p.l4()) {
			case Transport.Tcp t -> "a TCP " + tcpName(t.flags());
			case Transport.Udp u -> p.vxlan() != null ? "a VXLAN-in-UDP datagram" : "a UDP datagram";
			case Transport.Icmp i ->
				i.icmpType() == Transport.Icmp.ECHO_REQUEST ? "an ICMP echo request" : "an ICMP message";
			case Transport.Sctp s -> "an SCTP " + s.chunk() + " (vtag " + s.vtag()
					+ (s.initTag() != 0 ? ", init tag " + s.initTag() : "") + ")";
		};
		String http = p.payload() instanceof Payload.Http h
				? " (" + h.startLine()
						+ (h.headers().isEmpty() ? "" : ", " + String.join(", ",
								h.headers().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()))
						+ ")"
				: "";
		String dns = p.payload() instanceof Payload.Dns d ? (d.answers().isEmpty()
				? " (DNS query: " + d.qtype() + "? " + d.question() + ")"
				: " (DNS answer: " + d.question() + " " + d.qtype() + " " + String.join(", ", d.answers()) + ")") : "";
		return what + " " + p.src() + ":" + p.l4().srcPort() + " → " + p.dst() + ":" + p.l4().dstPort() + dns + http;
	}

	static String capitalize(String s) {
		return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
	}

	static String tcpName(String flags) {
		return switch (flags) {
			case "S" -> "SYN";
			case "S." -> "SYN-ACK";
			case "." -> "ACK";
			case "P." -> "PSH-ACK";
			case "R" -> "RST";
			default -> "segment [" + flags + "]";
		};
	}

	static String delivery(Namespace ns, Packet p, String process) {
		return "Delivered: " + process + " in " + ns.label() + " is listening on " + p.ip().protocol().lower()
				+ " port " + p.l4().dstPort() + " and receives the packet from " + p.src() + ":" + p.l4().srcPort()
				+ ".";
	}

}

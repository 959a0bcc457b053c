package dev.packetwalk.net;

import java.util.Locale;

/** IP protocols the model carries. */
public enum Protocol {

	TCP(6), UDP(17), ICMP(1), SCTP(132);

	private final int number;

	Protocol(int number) {
		this.number = number;
	}

	public int number() {
		return number;
	}

	/** Lower-case name as iptables and kube-proxy print it ({@code tcp}). */
	public String lower() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static Protocol parse(String text) {
		for (Protocol p : values()) {
			if (p.name().equalsIgnoreCase(text)) {
				return p;
			}
		}
		throw new IllegalArgumentException("unknown protocol '" + text + "' (expected tcp, udp, sctp or icmp)");
	}

}

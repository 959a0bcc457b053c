package dev.packetwalk.netpol;

import dev.packetwalk.net.Protocol;

/**
 * The protocols a NetworkPolicyPort may name, each matching connections of its own
 * protocol only (a TCP rule never opens SCTP on the same port, nor the other way); ICMP
 * cannot be named (NetworkPolicy is L4-only).
 */
public enum PolicyProtocol {

	TCP, UDP, SCTP;

	/**
	 * Parses the API spelling ({@code TCP}, {@code UDP}, {@code SCTP}: upper case, as the
	 * API server requires).
	 */
	public static PolicyProtocol parse(String text) {
		for (PolicyProtocol p : values()) {
			if (p.name().equals(text)) {
				return p;
			}
		}
		throw new IllegalArgumentException("unsupported protocol '" + text + "' (expected TCP, UDP or SCTP)");
	}

	public boolean matches(Protocol protocol) {
		return switch (this) {
			case TCP -> protocol == Protocol.TCP;
			case UDP -> protocol == Protocol.UDP;
			case SCTP -> protocol == Protocol.SCTP;
		};
	}

}

package dev.packetwalk.lab;

/** How the lab's sending socket fared. */
public enum ClientOutcome {

	/**
	 * TCP: the handshake completed (the SYN-ACK came back). SCTP: the association is up
	 * (INIT ACK, then COOKIE ACK came back) and its DATA chunk was acknowledged (SACK).
	 */
	CONNECTED,
	/** UDP / ICMP: the echo came back. */
	ECHOED,
	/**
	 * ECONNREFUSED: a TCP RST, an SCTP ABORT, or ICMP port unreachable on a connected
	 * socket.
	 */
	REFUSED,
	/** ENETUNREACH / EHOSTUNREACH. */
	UNREACHABLE,
	/** TCP, SCTP: no answer before the timeout. */
	TIMEOUT,
	/** UDP / ICMP: no echo before the timeout. */
	NO_ECHO,
	/** The client could not even run (bind failed...): always a failure. */
	ERROR;

	static ClientOutcome parse(String text) {
		String t = text == null ? "" : text.trim();
		int sp = t.indexOf(' ');
		String word = sp < 0 ? t : t.substring(0, sp);
		try {
			return valueOf(word.toUpperCase(java.util.Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return ERROR;
		}
	}

}

package dev.packetwalk.netpol;

/**
 * Whether replies of a connection pass: exactly when the connection itself was allowed.
 */
public record ReplyVerdict(Connection original, boolean allowed, String summary) {

	public ReplyVerdict {
		if (original == null || summary == null) {
			throw new IllegalArgumentException("a reply verdict needs the original connection and a summary");
		}
	}

}

package dev.packetwalk.netfilter;

/**
 * iptables-save/iptables-restore text the model refuses: unknown or unsupported syntax,
 * or something iptables-restore itself would refuse. Carries the 1-based line and the
 * offending token.
 */
public final class IptablesParseException extends RuntimeException {

	private final int line;

	private final String token;

	private final String reason;

	public IptablesParseException(int line, String token, String reason) {
		super("line " + line + ": " + reason + (token == null || token.isEmpty() ? "" : " (at '" + token + "')"));
		this.line = line;
		this.token = token;
		this.reason = reason;
	}

	public int line() {
		return line;
	}

	/**
	 * The token the problem was found at, or the whole line when no single token is to
	 * blame.
	 */
	public String token() {
		return token;
	}

	/** The message without the line prefix. */
	public String reason() {
		return reason;
	}

}

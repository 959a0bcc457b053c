package dev.packetwalk.netpol;

/**
 * The answer for one connection: allowed only when the source's egress AND the
 * destination's ingress allow it.
 */
public record Verdict(Connection connection, DirectionVerdict egress, DirectionVerdict ingress) {

	public Verdict {
		if (connection == null || egress == null || ingress == null) {
			throw new IllegalArgumentException("a verdict needs the connection and both directions");
		}
		if (egress.direction() != Direction.EGRESS || ingress.direction() != Direction.INGRESS) {
			throw new IllegalArgumentException(
					"a verdict holds the egress verdict first and the ingress verdict second");
		}
	}

	public boolean allowed() {
		return egress.allowed() && ingress.allowed();
	}

	/** The direction that denied (egress first), or null when allowed. */
	public DirectionVerdict denyingDirection() {
		return !egress.allowed() ? egress : !ingress.allowed() ? ingress : null;
	}

	/** One line: {@code x/a -> x/b 80/TCP: denied (ingress to x/b: denied, ...)}. */
	public String summary() {
		if (allowed()) {
			return connection + ": allowed";
		}
		return connection + ": denied (" + denyingDirection().summary() + ")";
	}

	/** Three lines: the connection and its outcome, then egress, then ingress. */
	public String explain() {
		return connection + ": " + (allowed() ? "allowed" : "denied") + "\n  " + egress.summary() + "\n  "
				+ ingress.summary();
	}

	@Override
	public String toString() {
		return summary();
	}

}

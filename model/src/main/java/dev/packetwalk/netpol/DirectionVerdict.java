package dev.packetwalk.netpol;

import java.util.List;

/**
 * The decision for one direction: egress is judged on the source, ingress on the
 * destination. {@code isolatedBy} names every policy (as {@code ns/name}) that selects
 * the subject pod for this direction, in the engine's order.
 */
public record DirectionVerdict(Direction direction, ConnectionEnd subject, ConnectionEnd peer, String portText,
		List<String> isolatedBy, Decision decision) {

	public DirectionVerdict {
		if (direction == null || subject == null || peer == null || portText == null || decision == null) {
			throw new IllegalArgumentException("a direction verdict needs direction, subject, peer, port and decision");
		}
		isolatedBy = List.copyOf(isolatedBy == null ? List.of() : isolatedBy);
		boolean claimsIsolation = switch (decision) {
			case Decision.NotApplicable n -> false;
			case Decision.NotIsolated n -> false;
			case Decision.AllowedByRule a -> true;
			case Decision.Exempt e -> !isolatedBy.isEmpty();
			case Decision.Denied d -> true;
		};
		if (claimsIsolation != !isolatedBy.isEmpty()) {
			throw new IllegalArgumentException("isolatedBy must be non-empty exactly when the pod is isolated for "
					+ direction.field() + " (decision " + decision + ", isolatedBy " + isolatedBy + ")");
		}
	}

	public boolean allowed() {
		return decision.allowed();
	}

	public boolean isolated() {
		return !isolatedBy.isEmpty();
	}

	/**
	 * One line for a trace step, e.g.
	 * {@code ingress to x/b: allowed by policy x/allow-a, ingress rule 0, ...}.
	 */
	public String summary() {
		String head = switch (direction) {
			case INGRESS -> "ingress to " + subject;
			case EGRESS -> "egress from " + subject;
		};
		String peerRole = direction == Direction.INGRESS ? "from " + peer : "to " + peer;
		return head + ": " + switch (decision) {
			case Decision.NotApplicable n -> "not judged, " + n.reason();
			case Decision.NotIsolated n -> "allowed, no NetworkPolicy selects " + subject + " for " + direction.field();
			case Decision.AllowedByRule a -> "allowed by " + a.match().describe();
			case Decision.Exempt e -> "allowed, " + e.detail();
			case Decision.Denied d -> "denied, " + subject + " is isolated for " + direction.field() + " by "
					+ String.join(", ", isolatedBy) + " and no rule allows " + peerRole + " on " + portText
					+ d.closest()
						.map(c -> "; closest: " + c.describe())
						.orElse("; these policies have no " + direction.field() + " rules");
		};
	}

	@Override
	public String toString() {
		return summary();
	}

}

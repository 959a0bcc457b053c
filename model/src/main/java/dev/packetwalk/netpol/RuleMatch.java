package dev.packetwalk.netpol;

/**
 * Which rule allowed a connection: policy, rule index, peer index ({@code -1} when the
 * rule has no peers, i.e. matches all) and port index ({@code -1} when the rule has no
 * ports, i.e. matches all), with their texts.
 */
public record RuleMatch(String policy, Direction direction, int rule, int peer, String peerText, int port,
		String portText) {

	public RuleMatch {
		if (policy == null || direction == null || peerText == null || portText == null) {
			throw new IllegalArgumentException("a rule match needs policy, direction, peer and port texts");
		}
		if (rule < 0 || peer < -1 || port < -1) {
			throw new IllegalArgumentException(
					"rule index must be >= 0 and peer/port indexes >= -1 (-1 = the list is empty)");
		}
	}

	/**
	 * e.g.
	 * {@code policy x/allow-be-from-fe, ingress rule 0, from[0] podSelector role=fe, port 6379/TCP}.
	 */
	public String describe() {
		String peerPart = peer < 0 ? direction.peersField() + " any peer (no " + direction.peersField() + ")"
				: direction.peersField() + "[" + peer + "] " + peerText;
		String portPart = port < 0 ? "any port (no ports)" : "ports[" + port + "] " + portText;
		return "policy " + policy + ", " + direction.field() + " rule " + rule + ", " + peerPart + ", " + portPart;
	}

	@Override
	public String toString() {
		return describe();
	}

}

package dev.packetwalk.netpol;

/**
 * The two directions a pod can be isolated in; each has its own rules and its own
 * isolation.
 */
public enum Direction {

	INGRESS("Ingress", "ingress", "from"), EGRESS("Egress", "egress", "to");

	private final String policyType;

	private final String field;

	private final String peersField;

	Direction(String policyType, String field, String peersField) {
		this.policyType = policyType;
		this.field = field;
		this.peersField = peersField;
	}

	/** The {@code spec.policyTypes} value: {@code Ingress} or {@code Egress}. */
	public String policyType() {
		return policyType;
	}

	/** The rule list field: {@code ingress} or {@code egress}. */
	public String field() {
		return field;
	}

	/** The peer list field of a rule: {@code from} or {@code to}. */
	public String peersField() {
		return peersField;
	}

	/** Parses a {@code policyTypes} value, exactly as the API spells it. */
	public static Direction ofPolicyType(String text) {
		for (Direction d : values()) {
			if (d.policyType.equals(text)) {
				return d;
			}
		}
		throw new IllegalArgumentException("unknown policyTypes value '" + text + "' (expected Ingress or Egress)");
	}

}

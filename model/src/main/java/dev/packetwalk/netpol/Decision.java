package dev.packetwalk.netpol;

import java.util.Optional;

/**
 * What one direction (egress of the source, ingress of the destination) decided, and on
 * what grounds.
 */
public sealed interface Decision {

	/** That end is not a pod, so no policy can restrict this direction. */
	record NotApplicable(String reason) implements Decision {
	}

	/** No policy selects the pod with this policy type: the direction is unrestricted. */
	record NotIsolated() implements Decision {
	}

	/** A rule of an isolating policy allows it. */
	record AllowedByRule(RuleMatch match) implements Decision {

		public AllowedByRule {
			if (match == null) {
				throw new IllegalArgumentException("an allowing decision names its rule");
			}
		}

	}

	/** Allowed whatever the policies say. */
	record Exempt(Exemption exemption, String detail) implements Decision {

		public Exempt {
			if (exemption == null || detail == null) {
				throw new IllegalArgumentException("an exemption needs a kind and a detail");
			}
		}

	}

	/**
	 * The pod is isolated and no rule allows the peer/port; {@code closest} explains the
	 * nearest rule, if any.
	 */
	record Denied(Optional<NearMiss> closest) implements Decision {

		public Denied {
			closest = closest == null ? Optional.empty() : closest;
		}

	}

	/** Traffic no policy can block. */
	enum Exemption {

		/** Ingress from the destination pod's own node (NP-API). */
		OWN_NODE,
		/** A pod talking to itself (NP-DOC: "a pod cannot block access to itself"). */
		LOOPBACK

	}

	default boolean allowed() {
		return switch (this) {
			case NotApplicable n -> true;
			case NotIsolated n -> true;
			case AllowedByRule a -> true;
			case Exempt e -> true;
			case Denied d -> false;
		};
	}

}

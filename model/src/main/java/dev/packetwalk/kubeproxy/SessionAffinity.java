package dev.packetwalk.kubeproxy;

/** {@code spec.sessionAffinity}: none, or ClientIP with a stickiness timeout. */
public sealed interface SessionAffinity {

	/** ClientIPConfig API doc: "Default value is 10800 (for 3 hours)". */
	int DEFAULT_TIMEOUT_SECONDS = 10800;

	/** ClientIPConfig API validation: the timeout must be in 1..86400. */
	int MAX_TIMEOUT_SECONDS = 86400;

	SessionAffinity NONE = new None();

	static SessionAffinity clientIp() {
		return new ClientIp(DEFAULT_TIMEOUT_SECONDS);
	}

	static SessionAffinity clientIp(int timeoutSeconds) {
		return new ClientIp(timeoutSeconds);
	}

	record None() implements SessionAffinity {
	}

	record ClientIp(int timeoutSeconds) implements SessionAffinity {

		public ClientIp {
			if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
				throw new IllegalArgumentException("sessionAffinityConfig.clientIP.timeoutSeconds must be 1.."
						+ MAX_TIMEOUT_SECONDS + ", was " + timeoutSeconds);
			}
		}

	}

}

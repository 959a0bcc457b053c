package dev.packetwalk.web;

import java.time.Duration;

/** Compiling and tracing a posted scenario took longer than {@code packetwalk.limits.max-request-time}. */
class TooExpensiveException extends RuntimeException {

	TooExpensiveException(Duration limit) {
		super("The scenario took longer than " + limit.toMillis() + " ms to compile and trace (setting "
				+ "packetwalk.limits.max-request-time); make it smaller.");
	}

}

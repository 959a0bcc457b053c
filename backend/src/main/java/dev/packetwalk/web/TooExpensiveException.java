package dev.packetwalk.web;

import java.time.Duration;

/**
 * The work of one request took longer than {@code packetwalk.limits.max-request-time}: it
 * was stopped.
 */
class TooExpensiveException extends RuntimeException {

	TooExpensiveException(Duration limit) {
		super("The request took longer than " + limit.toMillis() + " ms to compile and trace (setting "
				+ "packetwalk.limits.max-request-time) and was stopped; make the scenario smaller or ask for less.");
	}

}

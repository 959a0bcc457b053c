package dev.packetwalk.web;

/** A request body is larger than {@code packetwalk.limits.max-body-size}. */
class BodyTooLargeException extends RuntimeException {

	BodyTooLargeException(long limit) {
		super("The scenario is larger than " + limit + " bytes (setting packetwalk.limits.max-body-size).");
	}

}

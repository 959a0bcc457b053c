package dev.packetwalk.web;

/** A request body is larger than {@code packetwalk.limits.max-body-size}. */
class BodyTooLargeException extends RuntimeException {

	BodyTooLargeException(long limit) {
		this(limit, "The scenario", "packetwalk.limits.max-body-size");
	}

	BodyTooLargeException(long limit, String what, String setting) {
		super(what + " is larger than " + limit + " bytes (setting " + setting + ").");
	}

}

package dev.packetwalk.web;

/** A request body is larger than {@code packetwalk.limits.max-body-size}. */
class BodyTooLargeException extends RuntimeException {

	private final String title;

	BodyTooLargeException(long limit) {
		this(limit, "The scenario", "packetwalk.limits.max-body-size");
	}

	BodyTooLargeException(long limit, String what, String setting) {
		this(limit, what, setting, "Scenario too large");
	}

	BodyTooLargeException(long limit, String what, String setting, String title) {
		super(what + " is larger than " + limit + " bytes (setting " + setting + ").");
		this.title = title;
	}

	/** The problem's title. */
	String title() {
		return title;
	}

}

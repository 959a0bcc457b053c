package dev.packetwalk.web;

/**
 * The trace's JSON is larger than {@code packetwalk.limits.max-trace-size}: 422, nothing
 * of it sent.
 */
class TraceTooLargeException extends RuntimeException {

	TraceTooLargeException(long maxBytes) {
		super("The trace would be larger than " + maxBytes
				+ " bytes (setting packetwalk.limits.max-trace-size); trace fewer"
				+ " flows, or shorten long labels, paths and headers (an alias repeats its whole text).");
	}

}

package dev.packetwalk.web;

import java.time.Duration;

/**
 * 503 with {@code Retry-After} ({@link WorkLanes}): every thread of a work lane is busy
 * and its queue is full, or the request waited in the queue for its whole
 * {@code max-request-time} and its work never started.
 */
class TooBusyException extends RuntimeException {

	TooBusyException(String lane) {
		super("The server is busy with other " + what(lane)
				+ " (settings packetwalk.limits.max-concurrent-work and max-queued-work); try again in a moment.");
	}

	TooBusyException(String lane, Duration waited) {
		super("The server was busy with other " + what(lane) + " for " + waited.toMillis()
				+ " ms (setting packetwalk.limits.max-request-time) and did not start this one; try again in a moment.");
	}

	private static String what(String lane) {
		return "posted".equals(lane) ? "posted scenarios" : "requests";
	}

}

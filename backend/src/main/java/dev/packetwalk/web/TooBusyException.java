package dev.packetwalk.web;

/** Every thread of a work lane is busy and its queue is full: 503 with {@code Retry-After} ({@link WorkLanes}). */
class TooBusyException extends RuntimeException {

	TooBusyException(String lane) {
		super("The server is busy with other " + ("posted".equals(lane) ? "posted scenarios" : "requests")
				+ " (settings packetwalk.limits.max-concurrent-work and max-queued-work); try again in a moment.");
	}

}

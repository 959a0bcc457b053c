package dev.packetwalk.web.live;

/** A bound on sessions or followers is reached. */
class LiveLimitException extends RuntimeException {

	LiveLimitException(String message) {
		super(message);
	}

}

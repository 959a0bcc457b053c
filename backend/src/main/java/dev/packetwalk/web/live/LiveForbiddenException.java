package dev.packetwalk.web.live;

/** The caller is not the session's presenter. */
class LiveForbiddenException extends RuntimeException {

	LiveForbiddenException(String message) {
		super(message);
	}

}

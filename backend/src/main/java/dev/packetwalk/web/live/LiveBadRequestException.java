package dev.packetwalk.web.live;

/** The presenter's view names something that does not exist. */
class LiveBadRequestException extends RuntimeException {

	LiveBadRequestException(String message) {
		super(message);
	}

}

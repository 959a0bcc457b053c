package dev.packetwalk.web.live;

/** No open session has this code (never existed, ended, or timed out). */
class LiveSessionNotFoundException extends RuntimeException {

	private final String code;

	LiveSessionNotFoundException(String code) {
		super("No live session with code '" + code + "': it ended, timed out, or never existed.");
		this.code = code;
	}

	String code() {
		return code;
	}

}

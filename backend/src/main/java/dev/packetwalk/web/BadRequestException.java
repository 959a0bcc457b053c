package dev.packetwalk.web;

/** A request parameter is out of its documented range. */
class BadRequestException extends RuntimeException {

	BadRequestException(String message) {
		super(message);
	}

}

package dev.packetwalk.web;

import org.springframework.http.HttpStatus;

/**
 * A save into the scenarios directory that did not happen, with its status and a reason
 * safe to show.
 */
class SaveRefusedException extends RuntimeException {

	private final HttpStatus status;

	SaveRefusedException(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	HttpStatus status() {
		return status;
	}

}

package dev.packetwalk.web;

import org.springframework.http.HttpStatus;

/**
 * A query parameter is missing, malformed, out of range or names nothing: the problem
 * names the parameter.
 */
class ParameterException extends RuntimeException {

	private final String parameter;

	private final HttpStatus status;

	ParameterException(HttpStatus status, String parameter, String message) {
		super(message);
		this.status = status;
		this.parameter = parameter;
	}

	static ParameterException bad(String parameter, String message) {
		return new ParameterException(HttpStatus.BAD_REQUEST, parameter, message);
	}

	String parameter() {
		return parameter;
	}

	HttpStatus status() {
		return status;
	}

}

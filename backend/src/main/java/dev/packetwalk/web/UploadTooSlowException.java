package dev.packetwalk.web;

/**
 * A request body arrives too slowly ({@link UploadLimits}): 408, at once, whatever is
 * still on its way.
 */
class UploadTooSlowException extends RuntimeException {

	UploadTooSlowException(String message) {
		super(message);
	}

}

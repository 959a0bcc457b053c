package dev.packetwalk.web;

/** A request body that should be UTF-8 text is not. */
class NotUtf8Exception extends RuntimeException {

	private final int offset;

	NotUtf8Exception(int offset) {
		super("The scenario is not valid UTF-8: the bytes at offset " + offset
				+ " do not decode. Save the file as UTF-8 and send it again.");
		this.offset = offset;
	}

	int offset() {
		return offset;
	}

}

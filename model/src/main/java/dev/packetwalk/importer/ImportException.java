package dev.packetwalk.importer;

/**
 * A dump that cannot be imported at all (it is not YAML or JSON, it is too large, it has
 * no node); the message names the file and, for syntax errors, the line and column. It
 * never quotes the input: a dump may hold Secrets.
 */
public final class ImportException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ImportException(String message) {
		super(message);
	}

}

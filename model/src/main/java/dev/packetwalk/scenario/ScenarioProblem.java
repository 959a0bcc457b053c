package dev.packetwalk.scenario;

/**
 * One thing wrong with a scenario file, with its place: the file, the line and column
 * (1-based; 0 when unknown), the path inside the document ({@code flows[1].to}) and a
 * message that says what is wrong and how to fix it.
 */
public record ScenarioProblem(String file, int line, int column, String path, String message, Severity severity) {

	public enum Severity {

		ERROR, WARNING

	}

	@Override
	public String toString() {
		return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": "
				+ (path.isEmpty() ? "" : path + ": ") + message;
	}

}

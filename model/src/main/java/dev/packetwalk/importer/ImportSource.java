package dev.packetwalk.importer;

/**
 * One input of the import: the text of a file (or of what was pasted) and the name its
 * problems are reported under.
 *
 * @param name a file name, or {@code pasted} for the page
 * @param text YAML (one or several documents, a {@code kind: List}) or JSON, as
 * {@code kubectl get -o yaml|json} prints it
 */
public record ImportSource(String name, String text) {

	public ImportSource {
		if (name == null || text == null) {
			throw new IllegalArgumentException("an import source needs a name and a text");
		}
	}

}

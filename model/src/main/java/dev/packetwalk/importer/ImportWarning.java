package dev.packetwalk.importer;

/**
 * Something of a dump that the import could not carry over as it is: what it did instead,
 * or what to add.
 *
 * @param object the Kubernetes object, as {@code Kind namespace/name} (or
 * {@code Kind name} for cluster-scoped ones), or the file for problems of a whole
 * document
 * @param field the field of that object, as a path such as {@code spec.podCIDRs[1]}
 * (empty when the whole object is meant)
 * @param message what was done, and what to add to get more
 */
public record ImportWarning(String object, String field, String message) {

	public ImportWarning {
		if (object == null || field == null || message == null) {
			throw new IllegalArgumentException("an import warning needs an object, a field and a message");
		}
	}

	@Override
	public String toString() {
		return field.isEmpty() ? object + ": " + message : object + ": " + field + ": " + message;
	}

}

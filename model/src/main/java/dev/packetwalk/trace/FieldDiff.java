package dev.packetwalk.trace;

/** One rewritten field: the old value struck through, the new one beside it. */
public record FieldDiff(Field field, String before, String after) {

	public FieldDiff {
		if (field == null || before == null || after == null) {
			throw new IllegalArgumentException("a field diff names the field and both values");
		}
		if (before.equals(after)) {
			throw new IllegalArgumentException(
					"a field diff must change the value (" + field + " stays " + before + ")");
		}
	}

}

package dev.packetwalk.scenario;

import java.util.Locale;

/**
 * The YAML reader's complaints in the author's words: "line 11: this line is indented
 * more than the key above it …" instead of "mapping values are not allowed here" or
 * "expected &lt;block end&gt;, but found '&lt;block mapping start&gt;'". Most come from
 * indentation, so the sentence compares the line with the one above it.
 */
final class YamlErrors {

	private YamlErrors() {
	}

	/**
	 * The sentence for the reader's {@code problem} (and its {@code context}) at a
	 * 1-based line of {@code text}.
	 */
	static String explain(String text, int line, String context, String problem) {
		String[] lines = text.split("\n", -1);
		String here = line >= 1 && line <= lines.length ? lines[line - 1] : "";
		int above = previousContentLine(lines, line - 1);
		String aboveText = above >= 1 ? lines[above - 1] : null;
		String p = problem == null ? "" : problem.toLowerCase(Locale.ROOT);
		String c = context == null ? "" : context.toLowerCase(Locale.ROOT);
		String where = "line " + line + ": ";
		if (p.contains("'\\t'") || p.contains("\\t") || here.startsWith("\t") || here.matches("^ *\t.*")) {
			return where + "this line is indented with a tab: YAML indents with spaces only";
		}
		if (p.contains("mapping values are not allowed")) {
			if (aboveText != null && indent(here) > indent(aboveText)) {
				return where + "this line is indented more than the key above it (" + keyOf(aboveText) + " on line "
						+ above + ", " + spaces(indent(aboveText))
						+ "), so YAML reads it as the rest of that key's value: indent it by "
						+ spaces(indent(aboveText)) + " like " + keyOf(aboveText)
						+ ", or more only under a key that ends with ':'";
			}
			return where + "a second ':' where a value was expected: put a value that contains ': ' in quotes";
		}
		if (p.contains("expected <block end>") || p.contains("did not find expected key")
				|| p.contains("did not find expected '-'")) {
			if (aboveText != null && indent(here) < indent(aboveText)) {
				return where + "this line is indented less than the line above it (" + spaces(indent(here)) + " here, "
						+ spaces(indent(aboveText)) + " on line " + above
						+ "), but not as little as a key it could follow: "
						+ "line it up with the keys of the mapping it belongs to";
			}
			if (aboveText != null && indent(here) > indent(aboveText) && !aboveText.stripTrailing().endsWith(":")) {
				return where + "this line is indented more than the line above it (" + spaces(indent(here)) + " here, "
						+ spaces(indent(aboveText)) + " on line " + above
						+ "), which is not a key that opens a block: indent it like line " + above;
			}
			if (c.contains("sequence") || p.contains("'-'")) {
				return where
						+ "a list item ('- …') and a key are mixed at the same indentation: a list's items all start with '- '";
			}
			return where
					+ "this line does not fit the indentation of the lines around it: keys of one mapping start in the same column";
		}
		if (p.contains("could not find expected ':'")) {
			return where + "a key needs ':' and a space after it (key: value)";
		}
		if (p.contains("end of stream") && (c.contains("quoted") || p.contains("quoted"))) {
			return where + "a quote is opened and never closed";
		}
		if (c.contains("quoted")) {
			return where + "a quoted value is not closed properly: close the quote, or quote the whole value";
		}
		if (c.contains("flow mapping") || c.contains("flow sequence") || p.contains("',' or '}'")
				|| p.contains("',' or ']'")) {
			return where + "a {…} or […] is not closed, or its entries are not separated by ', '";
		}
		if (p.contains("stream end") || p.contains("end of stream") || p.contains("end of the stream")) {
			return where + "the file ends before a {…}, […] or quoted value is closed";
		}
		if (p.contains("cannot start any token")) {
			return where + "this character cannot start a value: put the value in quotes";
		}
		if (p.contains("anchor") || p.contains("alias")) {
			return where + "an anchor (&name) or alias (*name) is not written right: use letters, digits, '-' and '_'";
		}
		return where
				+ "YAML cannot read this line: check its indentation (spaces, keys of one mapping in the same column), "
				+ "its ':' and its quotes";
	}

	private static int previousContentLine(String[] lines, int from) {
		for (int i = from; i >= 1; i--) {
			String l = lines[i - 1];
			if (!l.isBlank() && !l.stripLeading().startsWith("#")) {
				return i;
			}
		}
		return 0;
	}

	/**
	 * Indentation up to the key (a "- " item marker counts as indentation, as it does for
	 * the key after it).
	 */
	static int indent(String line) {
		int i = 0;
		while (i < line.length() && (line.charAt(i) == ' '
				|| (line.charAt(i) == '-' && i + 1 < line.length() && line.charAt(i + 1) == ' '))) {
			i++;
		}
		return i;
	}

	private static String keyOf(String line) {
		String s = line.strip().replaceFirst("^(- )+", "");
		int colon = s.indexOf(':');
		return "'" + (colon > 0 ? s.substring(0, colon) : s) + "'";
	}

	private static String spaces(int n) {
		return n + (n == 1 ? " space" : " spaces");
	}

}

package dev.packetwalk.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the problems of one file, each placed at the line of the value it is about.
 */
final class Problems {

	private final String file;

	/**
	 * Where values are written; made on first use (most files have nothing to report).
	 */
	private java.util.function.Supplier<YamlLocator> locatorSource;

	private YamlLocator locator;

	private final List<ScenarioProblem> list = new ArrayList<>();

	/**
	 * Pointers the schema already complained about: the compiler's own error there would
	 * say the same again.
	 */
	private final Set<String> covered = new HashSet<>();

	/** Where the schema's errors are. */
	private final List<String> schemaPointers = new ArrayList<>();

	Problems(String file, YamlLocator locator) {
		this.file = file;
		this.locator = locator;
	}

	/** With a locator made only when the first problem needs a position. */
	Problems(String file, java.util.function.Supplier<YamlLocator> locator) {
		this.file = file;
		this.locatorSource = locator;
	}

	private YamlLocator locator() {
		if (locator == null && locatorSource != null) {
			locator = locatorSource.get();
			locatorSource = null;
		}
		return locator;
	}

	void error(String pointer, String message) {
		add(pointer, message, ScenarioProblem.Severity.ERROR);
	}

	void warning(String pointer, String message) {
		add(pointer, message, ScenarioProblem.Severity.WARNING);
	}

	/**
	 * A schema violation; {@code atKey} places it at the mapping key (an unknown
	 * property) rather than the value. Later errors of the compiler at any of the
	 * {@code covers} pointers are dropped as redundant.
	 */
	void schemaError(String pointer, String message, boolean atKey, Collection<String> covers) {
		YamlLocator locator = locator();
		YamlLocator.Position pos = locator == null ? new YamlLocator.Position(0, 0)
				: atKey ? locator.keyAt(pointer) : locator.at(pointer);
		list.add(new ScenarioProblem(file, pos.line(), pos.column(), displayPath(pointer), message,
				ScenarioProblem.Severity.ERROR));
		covered.addAll(covers);
		schemaPointers.add(pointer);
	}

	/**
	 * Whether the schema rejected something at {@code pointer} or inside it (its values
	 * may be defaults now).
	 */
	boolean schemaRejectedWithin(String pointer) {
		return schemaPointers.stream().anyMatch(p -> p.equals(pointer) || p.startsWith(pointer + "/"));
	}

	void add(String pointer, String message, ScenarioProblem.Severity severity) {
		if (severity == ScenarioProblem.Severity.ERROR && covered.contains(pointer)) {
			return;
		}
		YamlLocator locator = locator();
		YamlLocator.Position pos = locator == null ? new YamlLocator.Position(0, 0) : locator.at(pointer);
		list.add(new ScenarioProblem(file, pos.line(), pos.column(), displayPath(pointer), message, severity));
	}

	void addAt(int line, int column, String pointer, String message) {
		list.add(
				new ScenarioProblem(file, line, column, displayPath(pointer), message, ScenarioProblem.Severity.ERROR));
	}

	/**
	 * The line a value is written on (or its nearest written ancestor's), 0 without a
	 * file to point into.
	 */
	int line(String pointer) {
		YamlLocator locator = locator();
		return locator == null ? 0 : locator.at(pointer).line();
	}

	/** How many errors so far. */
	long errorCount() {
		return list.stream().filter(p -> p.severity() == ScenarioProblem.Severity.ERROR).count();
	}

	boolean hasErrors() {
		return list.stream().anyMatch(p -> p.severity() == ScenarioProblem.Severity.ERROR);
	}

	/** Every problem, in the order of the file. */
	List<ScenarioProblem> all() {
		return list.stream()
			.sorted(Comparator.comparingInt(ScenarioProblem::line).thenComparingInt(ScenarioProblem::column))
			.toList();
	}

	/** {@code /flows/1/to} → {@code flows[1].to} */
	static String displayPath(String pointer) {
		StringBuilder sb = new StringBuilder();
		for (String part : pointer.split("/")) {
			if (part.isEmpty()) {
				continue;
			}
			String name = part.replace("~1", "/").replace("~0", "~");
			if (name.chars().allMatch(Character::isDigit)) {
				sb.append('[').append(name).append(']');
			}
			else {
				if (!sb.isEmpty()) {
					sb.append('.');
				}
				sb.append(name);
			}
		}
		return sb.toString();
	}

	/**
	 * " (did you mean 'node1'?)" when one candidate is close to what was written, else
	 * "".
	 */
	static String didYouMean(String written, Collection<String> candidates) {
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String c : candidates) {
			int d = distance(written, c);
			if (d < bestDistance) {
				bestDistance = d;
				best = c;
			}
		}
		if (best != null && bestDistance <= Math.max(2, written.length() / 3)) {
			return " (did you mean '" + best + "'?)";
		}
		return candidates.isEmpty() ? "" : " (known: " + String.join(", ", candidates.stream().limit(12).toList())
				+ (candidates.size() > 12 ? ", …" : "") + ")";
	}

	/** Levenshtein edit distance. */
	static int distance(String a, String b) {
		int[] prev = new int[b.length() + 1];
		int[] cur = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			prev[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			cur[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
				cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
			}
			int[] t = prev;
			prev = cur;
			cur = t;
		}
		return prev[b.length()];
	}

}

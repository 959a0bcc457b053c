package dev.packetwalk.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compiled label selector: every {@code matchLabels} pair AND every
 * {@code matchExpressions} requirement must hold. The empty selector {@code {}} matches
 * everything.
 */
public record Selector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

	public static final Selector ALL = new Selector(Map.of(), List.of());

	public Selector {
		matchLabels = Map.copyOf(matchLabels == null ? Map.of() : matchLabels);
		matchExpressions = List.copyOf(matchExpressions == null ? List.of() : matchExpressions);
	}

	public static Selector labels(Map<String, String> labels) {
		return new Selector(labels, List.of());
	}

	public boolean matchesAll() {
		return matchLabels.isEmpty() && matchExpressions.isEmpty();
	}

	public boolean matches(Map<String, String> labels) {
		for (var e : matchLabels.entrySet()) {
			if (!e.getValue().equals(labels.get(e.getKey()))) {
				return false;
			}
		}
		for (Requirement r : matchExpressions) {
			if (!r.matches(labels)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The first part of the selector that the labels fail, in selector syntax; empty when
	 * they match.
	 */
	public String firstFailure(Map<String, String> labels) {
		for (var e : new TreeMap<>(matchLabels).entrySet()) {
			if (!e.getValue().equals(labels.get(e.getKey()))) {
				return e.getKey() + "=" + e.getValue();
			}
		}
		for (Requirement r : matchExpressions) {
			if (!r.matches(labels)) {
				return r.toString();
			}
		}
		return "";
	}

	/**
	 * kubectl-style text: {@code role=fe,env in (a,b),!legacy}; {@code {}} for the empty
	 * selector.
	 */
	@Override
	public String toString() {
		if (matchesAll()) {
			return "{}";
		}
		List<String> parts = new ArrayList<>();
		new TreeMap<>(matchLabels).forEach((k, v) -> parts.add(k + "=" + v));
		matchExpressions.forEach(r -> parts.add(r.toString()));
		return String.join(",", parts);
	}

	/** The four set-based operators of {@code matchExpressions}. */
	public enum Operator {

		IN("In"), NOT_IN("NotIn"), EXISTS("Exists"), DOES_NOT_EXIST("DoesNotExist");

		private final String apiName;

		Operator(String apiName) {
			this.apiName = apiName;
		}

		public String apiName() {
			return apiName;
		}

		public boolean takesValues() {
			return switch (this) {
				case IN, NOT_IN -> true;
				case EXISTS, DOES_NOT_EXIST -> false;
			};
		}

		/** Parses the API spelling; throws naming the valid operators. */
		public static Operator parse(String text) {
			for (Operator o : values()) {
				if (o.apiName.equals(text)) {
					return o;
				}
			}
			throw new IllegalArgumentException("operator '" + text
					+ "' is not a valid label selector operator (expected In, NotIn, Exists or DoesNotExist)");
		}

	}

	/**
	 * One {@code matchExpressions} entry. In and NotIn need at least one value; Exists
	 * and DoesNotExist take none. NotIn also matches labels that lack the key, as in
	 * Kubernetes.
	 */
	public record Requirement(String key, Operator operator, List<String> values) {

		public Requirement {
			if (key == null || key.isEmpty()) {
				throw new IllegalArgumentException("a matchExpressions entry needs a key");
			}
			if (operator == null) {
				throw new IllegalArgumentException("a matchExpressions entry needs an operator");
			}
			values = List.copyOf(values == null ? List.of() : values);
			if (operator.takesValues() && values.isEmpty()) {
				throw new IllegalArgumentException(
						"values must be non-empty when operator is " + operator.apiName() + " (key " + key + ")");
			}
			if (!operator.takesValues() && !values.isEmpty()) {
				throw new IllegalArgumentException(
						"values must be empty when operator is " + operator.apiName() + " (key " + key + ")");
			}
		}

		public boolean matches(Map<String, String> labels) {
			String v = labels.get(key);
			return switch (operator) {
				case IN -> v != null && values.contains(v);
				case NOT_IN -> v == null || !values.contains(v);
				case EXISTS -> v != null;
				case DOES_NOT_EXIST -> v == null;
			};
		}

		@Override
		public String toString() {
			return switch (operator) {
				case IN -> key + " in (" + String.join(",", values) + ")";
				case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
				case EXISTS -> key;
				case DOES_NOT_EXIST -> "!" + key;
			};
		}

	}

}

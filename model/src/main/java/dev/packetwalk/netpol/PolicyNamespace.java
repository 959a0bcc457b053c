package dev.packetwalk.netpol;

import java.util.Map;
import java.util.TreeMap;

/**
 * A namespace as namespaceSelectors see it. It always carries
 * {@code kubernetes.io/metadata.name=<name>}, as the API server sets it; the constructor
 * adds the label when it is missing.
 */
public record PolicyNamespace(String name, Map<String, String> labels) {

	public static final String NAME_LABEL = "kubernetes.io/metadata.name";

	public PolicyNamespace {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a namespace needs a name");
		}
		Map<String, String> copy = new TreeMap<>(labels == null ? Map.of() : labels);
		String given = copy.putIfAbsent(NAME_LABEL, name);
		if (given != null && !given.equals(name)) {
			throw new IllegalArgumentException("namespace " + name + ": label " + NAME_LABEL
					+ " must equal the namespace name, was '" + given + "'");
		}
		labels = Map.copyOf(copy);
	}

	public static PolicyNamespace of(String name, Map<String, String> labels) {
		return new PolicyNamespace(name, labels);
	}

	public static PolicyNamespace of(String name) {
		return new PolicyNamespace(name, Map.of());
	}

}

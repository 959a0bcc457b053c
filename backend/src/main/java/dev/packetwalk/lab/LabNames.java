package dev.packetwalk.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Safe kernel names for one lab run. Every namespace the run creates is called
 * {@code pwlab-<pid>-<run>-<i>-<hint>}, where the hint is a sanitised, shortened model id
 * (for humans poking with {@code --keep}); nothing outside that prefix is ever created or
 * deleted. Devices keep the model's exact names (they live inside the lab's namespaces).
 */
public final class LabNames {

	/** Every lab namespace starts with this. */
	public static final String ROOT_PREFIX = "pwlab-";

	private static final AtomicInteger RUNS = new AtomicInteger();

	private final String prefix;

	private final Map<String, String> byModelId = new LinkedHashMap<>();

	public LabNames(String prefix) {
		if (!prefix.startsWith(ROOT_PREFIX) || !prefix.endsWith("-")) {
			throw new IllegalArgumentException("a lab prefix starts with " + ROOT_PREFIX + " and ends with '-'");
		}
		this.prefix = prefix;
	}

	/** A fresh prefix for this process: {@code pwlab-<pid>-<n>-}. */
	public static LabNames fresh() {
		return new LabNames(ROOT_PREFIX + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + "-");
	}

	public String prefix() {
		return prefix;
	}

	/** Assigns names to the model namespaces, in order. */
	public LabNames assign(List<String> modelIds) {
		for (String id : modelIds) {
			if (!byModelId.containsKey(id)) {
				byModelId.put(id, prefix + byModelId.size() + "-" + hint(id));
			}
		}
		return this;
	}

	public String ns(String modelId) {
		String n = byModelId.get(modelId);
		if (n == null) {
			throw new IllegalArgumentException("no lab namespace for model namespace " + modelId);
		}
		return n;
	}

	public Map<String, String> all() {
		return java.util.Collections.unmodifiableMap(byModelId);
	}

	public boolean owns(String kernelNs) {
		return kernelNs != null && kernelNs.startsWith(prefix) && byModelId.containsValue(kernelNs);
	}

	static String hint(String id) {
		String last = id.contains("/") ? id.substring(id.lastIndexOf('/') + 1) : id;
		String s = last.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		return s.isEmpty() ? "ns" : s.length() > 12 ? s.substring(0, 12) : s;
	}

	/** The pid encoded in a lab namespace name ({@code pwlab-<pid>-...}), or -1. */
	static long pidOf(String kernelNs) {
		if (!kernelNs.startsWith(ROOT_PREFIX)) {
			return -1;
		}
		String rest = kernelNs.substring(ROOT_PREFIX.length());
		int dash = rest.indexOf('-');
		try {
			return Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}

package dev.packetwalk.importer;

/**
 * How to import.
 *
 * @param name the scenario's {@code metadata.name} (lower-case letters, digits and
 * dashes)
 * @param from the flow's sender in the scenario's forms ({@code ns/pod},
 * {@code node/name}, {@code host/name}); null: chosen by the import (a Ready pod that is
 * not an endpoint of the chosen Service)
 * @param to the flow's destination in the scenario's forms ({@code service/ns/name:port},
 * {@code ns/pod:port}, …); null: the first Service port with a Ready endpoint, outside
 * {@code kube-system} if there is one
 * @param protocol the flow's protocol; null: the destination's (a Service port's
 * protocol), else TCP
 * @param maxCodePoints the largest input, in characters, summed over all sources
 */
public record ImportOptions(String name, String from, String to, String protocol, int maxCodePoints) {

	/**
	 * The default largest input: 64 Mi characters (a dump of 2,000 pods with
	 * managedFields is about 12 MB).
	 */
	public static final int DEFAULT_MAX_CODE_POINTS = 64 * 1024 * 1024;

	public static final ImportOptions DEFAULTS = new ImportOptions("my-cluster", null, null, null,
			DEFAULT_MAX_CODE_POINTS);

	public ImportOptions {
		if (name == null || !name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
			throw new IllegalArgumentException(
					"the scenario name must be lower-case letters, digits and dashes (at most 63), was '" + name + "'");
		}
		if (maxCodePoints < 1) {
			throw new IllegalArgumentException("maxCodePoints must be positive");
		}
		from = blankToNull(from);
		to = blankToNull(to);
		protocol = blankToNull(protocol);
	}

	public ImportOptions withFlow(String from, String to, String protocol) {
		return new ImportOptions(name, from, to, protocol, maxCodePoints);
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s.trim();
	}

}

package dev.packetwalk.kubeproxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper mirroring upstream's {@code sortIPTablesRules} (proxier_test.go): tables by
 * name; chains KUBE-NODEPORTS, KUBE-SERVICES, then other KUBE-* alphabetically, then the
 * rest; rules grouped by chain; KUBE-NODEPORTS and KUBE-SERVICES rules stably sorted by
 * the service name in their comment (the nodeports tail rule stays last). Built-in chains
 * and their jump rules can be dropped, because upstream's restore input does not contain
 * them.
 */
final class UpstreamSort {

	private UpstreamSort() {
	}

	static String sort(String restoreText, boolean dropBuiltins) {
		Map<String, Map<String, List<String>>> tables = new LinkedHashMap<>();
		Map<String, List<String>> current = null;
		for (String line : restoreText.split("\n")) {
			if (line.isBlank() || line.equals("COMMIT")) {
				continue;
			}
			if (line.startsWith("*")) {
				current = new LinkedHashMap<>();
				tables.put(line.substring(1), current);
			}
			else if (line.startsWith(":")) {
				String chain = line.substring(1, line.indexOf(' '));
				boolean builtin = !line.contains(" - [0:0]");
				if (!(dropBuiltins && builtin)) {
					current.put(chain, new ArrayList<>());
				}
			}
			else {
				String chain = IptablesRestore.chainOf(line);
				if (current.containsKey(chain)) {
					current.get(chain).add(line);
				}
			}
		}
		StringBuilder sb = new StringBuilder();
		tables.keySet().stream().sorted().forEach(tableName -> {
			Map<String, List<String>> chains = tables.get(tableName);
			List<String> names = new ArrayList<>(chains.keySet());
			names.sort(Comparator.comparingInt(UpstreamSort::rank).thenComparing(Comparator.naturalOrder()));
			for (String chain : List.of("KUBE-NODEPORTS", "KUBE-SERVICES")) {
				if (chains.containsKey(chain)) {
					chains.get(chain)
						.sort(Comparator.comparingInt((String r) -> r.contains("must be the last rule") ? 1 : 0)
							.thenComparing(UpstreamSort::serviceName,
									Comparator.nullsFirst(Comparator.naturalOrder())));
				}
			}
			sb.append('*').append(tableName).append('\n');
			names.forEach(n -> sb.append(':').append(n).append(" - [0:0]\n"));
			names.forEach(n -> chains.get(n).forEach(r -> sb.append(r).append('\n')));
			sb.append("COMMIT\n");
		});
		return sb.toString();
	}

	private static int rank(String chain) {
		if (chain.equals("KUBE-NODEPORTS")) {
			return 0;
		}
		if (chain.equals("KUBE-SERVICES")) {
			return 1;
		}
		return chain.startsWith("KUBE-") ? 2 : 3;
	}

	/**
	 * The comment's value up to the first space or colon, as upstream's
	 * orderByCommentServiceName.
	 */
	private static String serviceName(String rule) {
		int i = rule.indexOf("--comment ");
		if (i < 0) {
			return null;
		}
		String rest = rule.substring(i + "--comment ".length());
		String value = rest.startsWith("\"") ? rest.substring(1, rest.indexOf('"', 1)) : rest.split(" ")[0];
		int cut = -1;
		for (int k = 0; k < value.length(); k++) {
			if (value.charAt(k) == ' ' || value.charAt(k) == ':') {
				cut = k;
				break;
			}
		}
		return cut < 0 ? value : value.substring(0, cut);
	}

}

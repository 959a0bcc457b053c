package dev.packetwalk.rulesdiff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.packetwalk.engine.Scenario;
import dev.packetwalk.topology.Namespace;

/**
 * What kube-proxy (iptables mode) should have written on a node, by the model, against
 * what the node's {@code iptables-save} shows: only kube-proxy's rules (chains
 * {@code KUBE-*} and the jumps to them), normalised (packet counters, {@code -c}
 * prefixes, blank space, the order of chains and tables), and grouped by Service port:
 * the endpoints each side sends to, and the rules one side has and the other lacks.
 */
public final class RulesDiff {

	/** One Service port whose rules differ. */
	public record ServiceDiff(String service, List<String> modelEndpoints, List<String> nodeEndpoints, String message,
			List<String> missingOnNode, List<String> extraOnNode) {
	}

	/**
	 * @param services the Service ports whose rules differ, by name
	 * ({@code ns/name:port})
	 * @param otherMissing kube-proxy rules of the model the node lacks that belong to no
	 * Service port
	 * @param otherExtra the node's kube-proxy rules the model does not write that belong
	 * to no Service port
	 * @param compared how many kube-proxy rules the node has
	 * @param same nothing differs
	 */
	public record Result(String node, List<ServiceDiff> services, List<String> otherMissing, List<String> otherExtra,
			int compared, boolean same) {

		public Result {
			if (same != (services.isEmpty() && otherMissing.isEmpty() && otherExtra.isEmpty())) {
				throw new IllegalArgumentException("same must say whether anything differs");
			}
		}

	}

	private static final Pattern COUNTERS = Pattern.compile("^\\[\\d+:\\d+\\]\\s*");

	private static final Pattern COMMENT = Pattern.compile("--comment (\"[^\"]*\"|\\S+)");

	private static final Pattern JUMP = Pattern.compile("-j (KUBE-(?:SVC|SVL|EXT|FW)-[A-Z0-9]+)");

	private static final Pattern SEP_JUMP = Pattern.compile("-j (KUBE-SEP-[A-Z0-9]+)");

	private static final Pattern DNAT = Pattern.compile("--to-destination (\\S+)");

	private RulesDiff() {
	}

	/**
	 * The model's iptables-save text for a node, or an exception naming the nodes there
	 * are.
	 */
	public static String modelRules(Scenario scenario, String node) {
		List<String> nodes = new ArrayList<>();
		for (Namespace ns : scenario.topology().namespaces()) {
			if (ns.kind() == Namespace.Kind.NODE) {
				if (ns.node().equals(node)) {
					return ns.iptables();
				}
				nodes.add(ns.node());
			}
		}
		throw new IllegalArgumentException(
				"no node '" + node + "' in the scenario (nodes: " + String.join(", ", nodes) + ")");
	}

	/**
	 * Compares. {@code podsByIp} names the pods behind endpoint addresses
	 * ({@code 10.244.1.5} → {@code shop/cart-7
	 * (Ready)}) for the messages.
	 */
	public static Result diff(String node, String model, String onNode, Map<String, String> podsByIp) {
		Rules m = Rules.parse(model);
		Rules n = Rules.parse(onNode);
		Set<String> missing = new LinkedHashSet<>(m.all);
		missing.removeAll(n.all);
		Set<String> extra = new LinkedHashSet<>(n.all);
		extra.removeAll(m.all);
		Map<String, List<String>> missingBy = new TreeMap<>();
		Map<String, List<String>> extraBy = new TreeMap<>();
		List<String> otherMissing = new ArrayList<>();
		List<String> otherExtra = new ArrayList<>();
		for (String r : missing) {
			String s = m.serviceOf(r);
			(s == null ? otherMissing : missingBy.computeIfAbsent(s, k -> new ArrayList<>())).add(r);
		}
		for (String r : extra) {
			String s = n.serviceOf(r);
			(s == null ? otherExtra : extraBy.computeIfAbsent(s, k -> new ArrayList<>())).add(r);
		}
		Set<String> services = new java.util.TreeSet<>(missingBy.keySet());
		services.addAll(extraBy.keySet());
		List<ServiceDiff> out = new ArrayList<>();
		for (String s : services) {
			List<String> me = m.endpoints(s);
			List<String> ne = n.endpoints(s);
			out.add(new ServiceDiff(s, me, ne, message(s, me, ne, podsByIp), missingBy.getOrDefault(s, List.of()),
					extraBy.getOrDefault(s, List.of())));
		}
		return new Result(node, out, otherMissing, otherExtra, n.all.size(),
				out.isEmpty() && otherMissing.isEmpty() && otherExtra.isEmpty());
	}

	private static String message(String service, List<String> model, List<String> node, Map<String, String> pods) {
		StringBuilder b = new StringBuilder("Service ").append(service).append(": ");
		if (model.size() != node.size() || !new LinkedHashSet<>(model).equals(new LinkedHashSet<>(node))) {
			b.append("node has ")
				.append(node.size())
				.append(" endpoint")
				.append(node.size() == 1 ? "" : "s")
				.append(", the model expects ")
				.append(model.size());
			List<String> notes = new ArrayList<>();
			for (String ep : model) {
				if (!node.contains(ep)) {
					notes.add(who(ep, pods) + " is missing on the node");
				}
			}
			for (String ep : node) {
				if (!model.contains(ep)) {
					notes.add(who(ep, pods) + " is stale (not a Ready endpoint in the model)");
				}
			}
			if (!notes.isEmpty()) {
				b.append(" (").append(String.join("; ", notes)).append(')');
			}
			return b.toString();
		}
		return b.append("the same ").append(model.size()).append(" endpoints, but the rules differ").toString();
	}

	private static String who(String endpoint, Map<String, String> pods) {
		String ip = endpoint.contains(":") ? endpoint.substring(0, endpoint.indexOf(':')) : endpoint;
		String pod = pods.get(ip);
		return pod == null ? endpoint : "pod " + pod + " (" + endpoint + ")";
	}

	/** kube-proxy's rules of one text, normalised. */
	private static final class Rules {

		/** "table: rule", in the text's order. */
		final Set<String> all = new LinkedHashSet<>();

		/**
		 * KUBE-SVC-… (and -SVL, -EXT, -FW) chain → Service port name, from the
		 * KUBE-SERVICES / NODEPORTS rules.
		 */
		final Map<String, String> chainService = new LinkedHashMap<>();

		/** KUBE-SEP chain → its DNAT destination. */
		final Map<String, String> sepDestination = new LinkedHashMap<>();

		/** Service chain → its endpoint chains, in order. */
		final Map<String, Set<String>> chainSeps = new LinkedHashMap<>();

		/** KUBE-SEP chain → the Service port name from its comment. */
		final Map<String, String> sepService = new LinkedHashMap<>();

		static Rules parse(String text) {
			Rules r = new Rules();
			String table = "";
			for (String raw : text.split("\n")) {
				String line = COUNTERS.matcher(raw.strip()).replaceFirst("").replaceAll("\\s+", " ");
				if (line.startsWith("*")) {
					table = line.substring(1);
					continue;
				}
				if (!line.startsWith("-A ")) {
					continue;
				}
				if (line.contains(" -c ")) {
					line = line.replaceFirst(" -c \\d+ \\d+", "");
				}
				String chain = line.split(" ")[1];
				boolean kube = chain.startsWith("KUBE-") || line.contains("-j KUBE-");
				if (!kube) {
					continue;
				}
				r.all.add(table + ": " + line);
				Matcher c = COMMENT.matcher(line);
				String comment = c.find() ? c.group(1).replace("\"", "") : "";
				String svcName = comment.isEmpty() ? null : comment.split(" ")[0];
				if (svcName != null && !svcName.contains("/")) {
					svcName = null;
				}
				Matcher j = JUMP.matcher(line);
				if (j.find() && svcName != null && !chain.startsWith("KUBE-SVC-")) {
					r.chainService.putIfAbsent(j.group(1), svcName);
				}
				Matcher s = SEP_JUMP.matcher(line);
				if (s.find()) {
					r.chainSeps.computeIfAbsent(chain, k -> new LinkedHashSet<>()).add(s.group(1));
				}
				if (chain.startsWith("KUBE-SEP-")) {
					Matcher d = DNAT.matcher(line);
					if (d.find()) {
						r.sepDestination.put(chain, d.group(1));
					}
					if (svcName != null) {
						r.sepService.putIfAbsent(chain, svcName);
					}
				}
			}
			return r;
		}

		/** The Service port a rule belongs to, or null. */
		String serviceOf(String rule) {
			String line = rule.substring(rule.indexOf(": ") + 2);
			String chain = line.split(" ")[1];
			if (chainService.containsKey(chain)) {
				return chainService.get(chain);
			}
			if (sepService.containsKey(chain)) {
				return sepService.get(chain);
			}
			Matcher j = JUMP.matcher(line);
			if (j.find() && chainService.containsKey(j.group(1))) {
				return chainService.get(j.group(1));
			}
			Matcher c = COMMENT.matcher(line);
			if (c.find()) {
				String name = c.group(1).replace("\"", "").split(" ")[0];
				return name.contains("/") ? name : null;
			}
			return null;
		}

		/** The DNAT destinations of a Service port's cluster chain (KUBE-SVC-…). */
		List<String> endpoints(String service) {
			Set<String> out = new LinkedHashSet<>();
			chainService.forEach((chain, s) -> {
				if (s.equals(service) && chain.startsWith("KUBE-SVC-")) {
					chainSeps.getOrDefault(chain, Set.of())
						.forEach(sep -> out.add(sepDestination.getOrDefault(sep, sep)));
				}
			});
			return new ArrayList<>(out);
		}

	}

}

package dev.packetwalk.kubeproxy;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@code iptables-restore} document: tables in order, each with its built-in chain
 * policies, its user chains, the jump rules in the built-in chains and the rules
 * kube-proxy writes.
 */
public record IptablesRestore(List<Table> tables) {

	public IptablesRestore {
		if (tables == null || tables.isEmpty()) {
			throw new IllegalArgumentException("an iptables-restore document needs at least one table");
		}
		tables = List.copyOf(tables);
	}

	/**
	 * One {@code *table ... COMMIT} block.
	 *
	 * @param builtinChains built-in chains, declared {@code :NAME ACCEPT [0:0]}
	 * @param chains user chains, declared {@code :NAME - [0:0]}
	 * @param builtinJumps rules in built-in chains (jumps into kube-proxy's chains)
	 * @param rules the rules kube-proxy writes with iptables-restore (each starting
	 * {@code -A CHAIN})
	 */
	public record Table(String name, List<String> builtinChains, List<String> chains, List<String> builtinJumps,
			List<String> rules) {

		public Table {
			if (name == null || name.isBlank()) {
				throw new IllegalArgumentException("iptables table needs a name");
			}
			builtinChains = List.copyOf(builtinChains);
			chains = List.copyOf(chains);
			builtinJumps = List.copyOf(builtinJumps);
			rules = List.copyOf(rules);
			java.util.Set<String> declared = new java.util.HashSet<>(builtinChains);
			declared.addAll(chains);
			if (declared.size() != builtinChains.size() + chains.size()
					&& new java.util.HashSet<>(chains).size() != chains.size()) {
				throw new IllegalArgumentException("table " + name + ": a chain may be declared only once");
			}
			for (String r : concat(builtinJumps, rules)) {
				String chain = chainOf(r);
				if (!declared.contains(chain)) {
					throw new IllegalArgumentException(
							"table " + name + ": rule appends to undeclared chain " + chain + ": " + r);
				}
			}
		}

		/** All rules (jumps included) of one chain, in order. */
		public List<String> rulesOf(String chain) {
			return concat(builtinJumps, rules).stream().filter(r -> chainOf(r).equals(chain)).toList();
		}

		public void appendTo(StringBuilder sb) {
			sb.append('*').append(name).append('\n');
			builtinChains.forEach(c -> sb.append(':').append(c).append(" ACCEPT [0:0]\n"));
			chains.forEach(c -> sb.append(':').append(c).append(" - [0:0]\n"));
			builtinJumps.forEach(r -> sb.append(r).append('\n'));
			rules.forEach(r -> sb.append(r).append('\n'));
			sb.append("COMMIT\n");
		}

	}

	static String chainOf(String rule) {
		if (!rule.startsWith("-A ")) {
			throw new IllegalArgumentException("rule must start with '-A CHAIN': " + rule);
		}
		int end = rule.indexOf(' ', 3);
		return end < 0 ? rule.substring(3) : rule.substring(3, end);
	}

	private static List<String> concat(List<String> a, List<String> b) {
		List<String> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	public Table table(String name) {
		return tables.stream()
			.filter(t -> t.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no table " + name));
	}

	/** The text fed to {@code iptables-restore}. */
	public String text() {
		// sized up front: kube-proxy's text for a large cluster runs to tens of megabytes
		long length = 0;
		for (Table t : tables) {
			length += t.name().length() + 9 + 20L * (t.builtinChains().size() + t.chains().size());
			for (String c : t.chains()) {
				length += c.length();
			}
			for (String r : t.builtinJumps()) {
				length += r.length() + 1;
			}
			for (String r : t.rules()) {
				length += r.length() + 1;
			}
		}
		StringBuilder sb = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 16, length));
		tables.forEach(t -> t.appendTo(sb));
		return sb.toString();
	}

	/**
	 * Rules kube-proxy itself writes (without built-in chain jumps), summed over tables.
	 */
	public int kubeProxyRuleCount() {
		return tables.stream().mapToInt(t -> t.rules().size()).sum();
	}

	/** Every rule in the document, built-in chain jumps included. */
	public int totalRuleCount() {
		return tables.stream().mapToInt(t -> t.rules().size() + t.builtinJumps().size()).sum();
	}

	@Override
	public String toString() {
		return text();
	}

}

package dev.packetwalk.netfilter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;

/**
 * An nftables ruleset, read from the {@code nft -f} transaction text kube-proxy's
 * nftables mode feeds {@code nft} ({@code add table / set / map / chain / rule / element}
 * lines, one object a line, as knftables writes them), and printed the way
 * {@code nft list ruleset} prints it. Immutable once parsed. Only the {@code ip} family
 * and the statement vocabulary of {@link NftStatement} are understood; anything else is
 * refused with its line.
 *
 * <p>
 * Base chains join a hook's program by priority ({@link #baseChains(Hook)}), interleaved
 * with the iptables tables of the same namespace, as the kernel orders
 * {@code nf_hook_ops}.
 */
public final class NftRuleset {

	/**
	 * A set ({@code cluster-ips}, {@code affinity-…}) or a verdict map
	 * ({@code service-ips}).
	 */
	public record NftSet(String name, String type, boolean map, List<String> flags, String timeout, String comment,
			List<Element> elements) {
		public NftSet {
			flags = List.copyOf(flags);
			elements = List.copyOf(elements);
		}
	}

	/**
	 * One element: its key as nft prints it ({@code 172.30.0.41 . tcp . 80}), the verdict
	 * of a map element (null in a set), and its comment.
	 */
	public record Element(String key, NftStatement.Verdict verdict, String comment) {
		/**
		 * The element as {@code nft list} prints it:
		 * {@code key [comment "…"] [: verdict]}.
		 */
		public String text() {
			return key + (comment == null ? "" : " comment \"" + comment + "\"")
					+ (verdict == null ? "" : " : " + verdict.text());
		}
	}

	/** A chain; a base chain has a type, hook and priority. */
	public record NftChain(String name, String type, Hook hook, int priority, String comment, List<NftRule> rules) {
		public NftChain {
			rules = List.copyOf(rules);
		}

		public boolean isBase() {
			return hook != null;
		}
	}

	/** One rule: its statements, its comment, and its text as kube-proxy wrote it. */
	public record NftRule(String chain, List<NftStatement> statements, String comment, String source) {
		public NftRule {
			statements = List.copyOf(statements);
		}

		/** The rule as {@code nft list ruleset} prints it. */
		public String text() {
			StringBuilder sb = new StringBuilder();
			for (NftStatement s : statements) {
				sb.append(sb.isEmpty() ? "" : " ").append(s.text());
			}
			if (comment != null) {
				sb.append(" comment \"").append(comment).append('"');
			}
			return sb.toString();
		}
	}

	/**
	 * A base chain of this ruleset at a hook, with its table's name
	 * ({@code ip kube-proxy}).
	 */
	public record BaseChain(String table, NftChain chain) {
	}

	private final String family;

	private final String table;

	private final String tableComment;

	private final Map<String, NftSet> sets;

	private final Map<String, NftChain> chains;

	private NftRuleset(String family, String table, String tableComment, Map<String, NftSet> sets,
			Map<String, NftChain> chains) {
		this.family = family;
		this.table = table;
		this.tableComment = tableComment;
		this.sets = sets;
		this.chains = chains;
	}

	/** {@code ip kube-proxy}. */
	public String tableName() {
		return family + " " + table;
	}

	public NftChain chain(String name) {
		NftChain c = chains.get(name);
		if (c == null) {
			throw new IllegalArgumentException("table " + tableName() + " has no chain " + name);
		}
		return c;
	}

	public List<NftChain> chains() {
		return List.copyOf(chains.values());
	}

	public NftSet set(String name) {
		NftSet s = sets.get(name);
		if (s == null) {
			throw new IllegalArgumentException("table " + tableName() + " has no set or map " + name);
		}
		return s;
	}

	public List<NftSet> sets() {
		return List.copyOf(sets.values());
	}

	/**
	 * The base chains registered at a hook, by priority (creation order among equals, as
	 * the kernel inserts them).
	 */
	public List<BaseChain> baseChains(Hook hook) {
		List<BaseChain> out = new ArrayList<>();
		for (NftChain c : chains.values()) {
			if (c.hook() == hook) {
				out.add(new BaseChain(tableName(), c));
			}
		}
		out.sort(Comparator.comparingInt(b -> b.chain().priority()));
		return out;
	}

	// ------------------------------------------------------------------ printing

	/**
	 * The ruleset as {@code nft list ruleset} (nft 1.0.6) prints it: sets and maps, then
	 * chains, in creation order.
	 */
	public String listRuleset() {
		StringBuilder sb = new StringBuilder();
		sb.append("table ").append(tableName()).append(" {\n");
		if (tableComment != null) {
			sb.append("\tcomment \"").append(tableComment).append("\"\n");
		}
		boolean first = true;
		for (NftSet s : sets.values()) {
			if (!first) {
				sb.append('\n');
			}
			first = false;
			sb.append('\t').append(s.map() ? "map " : "set ").append(s.name()).append(" {\n");
			sb.append("\t\ttype ").append(s.type()).append('\n');
			if (s.flags().contains("dynamic")) {
				sb.append("\t\tsize 65535\n");
			}
			if (!s.flags().isEmpty()) {
				sb.append("\t\tflags ").append(String.join(",", s.flags())).append('\n');
			}
			if (s.timeout() != null) {
				sb.append("\t\ttimeout ").append(duration(s.timeout())).append('\n');
			}
			if (s.comment() != null) {
				sb.append("\t\tcomment \"").append(s.comment()).append("\"\n");
			}
			if (!s.elements().isEmpty()) {
				List<Element> els = new ArrayList<>(s.elements());
				String[] keyTypes = s.type().split(":")[0].strip().split(" \\. ");
				els.sort(Comparator.comparing(e -> sortKey(keyTypes, e), NftRuleset::compareSortKeys));
				// nft's calculate_delim: a set of plain addresses prints two to a line,
				// anything else (concatenations, maps) one
				int perLine = !s.map() && keyTypes.length == 1 && keyTypes[0].equals("ipv4_addr") ? 2 : 1;
				sb.append("\t\telements = { ");
				for (int i = 0; i < els.size(); i++) {
					sb.append(i == 0 ? "" : i % perLine == 0 ? ",\n\t\t\t     " : ", ").append(els.get(i).text());
				}
				sb.append(" }\n");
			}
			sb.append("\t}\n");
		}
		for (NftChain c : chains.values()) {
			if (!first) {
				sb.append('\n');
			}
			first = false;
			sb.append("\tchain ").append(c.name()).append(" {\n");
			if (c.comment() != null) {
				sb.append("\t\tcomment \"").append(c.comment()).append("\"\n");
			}
			if (c.isBase()) {
				sb.append("\t\ttype ")
					.append(c.type())
					.append(" hook ")
					.append(c.hook().name().toLowerCase(java.util.Locale.ROOT))
					.append(" priority ")
					.append(priorityName(c.priority(), c.hook()))
					.append("; policy accept;\n");
			}
			for (NftRule r : c.rules()) {
				sb.append("\t\t").append(r.text()).append('\n');
			}
			sb.append("\t}\n");
		}
		sb.append("}\n");
		return sb.toString();
	}

	/**
	 * The order {@code nft list} prints a set's elements in (nft 1.0.6 sorts them when it
	 * reads them back from the kernel): a one-part key by its value (addresses
	 * numerically); a concatenation by its data as the kernel holds it, each part in a
	 * 4-byte register (an address in network order, a protocol number in the first byte,
	 * a port in the first two in network order), compared as one little-endian number,
	 * i.e. from the last byte back. So {@code service-ips} lists by port (low byte
	 * first), then protocol, then the address's last octet. Checked against
	 * {@code nft list ruleset} in a network namespace. A part nft's key type does not
	 * model here leaves the element sorted by its text.
	 */
	static byte[] sortKey(String[] keyTypes, Element e) {
		String[] parts = e.key().split(" \\. ");
		byte[] data = new byte[4 * parts.length];
		try {
			for (int i = 0; i < parts.length; i++) {
				int v = switch (keyTypes[i]) {
					case "ipv4_addr" -> Ip.parse(parts[i]).value();
					case "inet_proto" -> protocolNumber(parts[i]) << 24;
					case "inet_service" -> Integer.parseInt(parts[i]) << 16;
					default -> throw new IllegalArgumentException(keyTypes[i]);
				};
				data[4 * i] = (byte) (v >>> 24);
				data[4 * i + 1] = (byte) (v >>> 16);
				data[4 * i + 2] = (byte) (v >>> 8);
				data[4 * i + 3] = (byte) v;
			}
		}
		catch (IllegalArgumentException | ArrayIndexOutOfBoundsException notModelled) {
			return e.key().getBytes(java.nio.charset.StandardCharsets.UTF_8);
		}
		if (parts.length == 1) {
			// a one-part value compares as a number: its bytes most significant first
			byte[] reversed = new byte[4];
			int len = keyTypes[0].equals("ipv4_addr") ? 4 : keyTypes[0].equals("inet_service") ? 2 : 1;
			for (int i = 0; i < len; i++) {
				reversed[i] = data[len - 1 - i];
			}
			return reversed;
		}
		return data;
	}

	/** Compares two {@link #sortKey}s from the last byte back, unsigned. */
	static int compareSortKeys(byte[] a, byte[] b) {
		for (int i = Math.max(a.length, b.length) - 1; i >= 0; i--) {
			int x = i < a.length ? a[i] & 0xff : 0;
			int y = i < b.length ? b[i] & 0xff : 0;
			if (x != y) {
				return Integer.compare(x, y);
			}
		}
		return 0;
	}

	private static int protocolNumber(String name) {
		return switch (name) {
			case "icmp" -> 1;
			case "tcp" -> 6;
			case "udp" -> 17;
			case "sctp" -> 132;
			default -> Integer.parseInt(name);
		};
	}

	/**
	 * nft's symbolic priorities for the ip family (raw, mangle, dstnat, filter, security,
	 * srcnat), within ±10; nft 1.0.6 names dstnat only at prerouting and srcnat only at
	 * postrouting (kube-proxy's {@code nat-output} at -100 lists as
	 * {@code priority -100}, its {@code filter-output-post-dnat} at -110 as
	 * {@code priority -110}, checked in a network namespace).
	 */
	static String priorityName(int p, Hook hook) {
		String[] names = { "raw", "mangle", "dstnat", "filter", "security", "srcnat" };
		int[] values = { -300, -150, -100, 0, 50, 100 };
		for (int i = 0; i < names.length; i++) {
			if (names[i].equals("dstnat") && hook != Hook.PREROUTING
					|| names[i].equals("srcnat") && hook != Hook.POSTROUTING) {
				continue;
			}
			int off = p - values[i];
			if (off == 0) {
				return names[i];
			}
			if (Math.abs(off) <= 10) {
				return names[i] + (off < 0 ? " - " : " + ") + Math.abs(off);
			}
		}
		return Integer.toString(p);
	}

	/** {@code 10800s} → {@code 3h}, as nft prints a duration. */
	static String duration(String seconds) {
		long s = Long.parseLong(seconds.substring(0, seconds.length() - 1));
		StringBuilder sb = new StringBuilder();
		long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, r = s % 60;
		if (d > 0) {
			sb.append(d).append('d');
		}
		if (h > 0) {
			sb.append(h).append('h');
		}
		if (m > 0) {
			sb.append(m).append('m');
		}
		if (r > 0 || sb.isEmpty()) {
			sb.append(r).append('s');
		}
		return sb.toString();
	}

	// ------------------------------------------------------------------ parsing

	/**
	 * Parses an {@code nft -f} transaction of {@code add} lines (blank lines and
	 * {@code #} comments skipped). Throws {@link IllegalArgumentException} naming the
	 * line and what is not understood.
	 */
	public static NftRuleset parse(String text) {
		return new Parser().parse(text);
	}

	private static final class Parser {

		private String family;

		private String table;

		private String tableComment;

		private final Map<String, NftSet> sets = new LinkedHashMap<>();

		private final Map<String, NftChain> chains = new LinkedHashMap<>();

		private final Map<String, List<NftRule>> rules = new LinkedHashMap<>();

		private final Map<String, Map<String, Element>> elements = new LinkedHashMap<>();

		NftRuleset parse(String text) {
			String[] lines = text.split("\n", -1);
			for (int i = 0; i < lines.length; i++) {
				String line = lines[i].strip();
				if (line.isEmpty() || line.startsWith("#")) {
					continue;
				}
				try {
					line(line);
				}
				catch (IllegalArgumentException e) {
					throw new IllegalArgumentException("nft line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
				}
			}
			if (table == null) {
				throw new IllegalArgumentException("the nft transaction adds no table");
			}
			Map<String, NftSet> finalSets = new LinkedHashMap<>();
			for (NftSet s : sets.values()) {
				finalSets.put(s.name(), new NftSet(s.name(), s.type(), s.map(), s.flags(), s.timeout(), s.comment(),
						List.copyOf(elements.getOrDefault(s.name(), Map.of()).values())));
			}
			Map<String, NftChain> finalChains = new LinkedHashMap<>();
			for (NftChain c : chains.values()) {
				finalChains.put(c.name(), new NftChain(c.name(), c.type(), c.hook(), c.priority(), c.comment(),
						rules.getOrDefault(c.name(), List.of())));
			}
			// every chain a rule or a map element names must exist (nft refuses the
			// transaction otherwise)
			for (NftChain c : finalChains.values()) {
				for (NftRule r : c.rules()) {
					for (NftStatement s : r.statements()) {
						checkTargets(s, finalChains, finalSets, c.name());
					}
				}
			}
			for (NftSet s : finalSets.values()) {
				for (Element e : s.elements()) {
					if (e.verdict() != null && e.verdict().chain() != null
							&& !finalChains.containsKey(e.verdict().chain())) {
						throw new IllegalArgumentException("map " + s.name() + " element '" + e.text()
								+ "' names chain " + e.verdict().chain() + ", which does not exist");
					}
				}
			}
			return new NftRuleset(family, table, tableComment, finalSets, finalChains);
		}

		private static void checkTargets(NftStatement s, Map<String, NftChain> chains, Map<String, NftSet> sets,
				String where) {
			switch (s) {
				case NftStatement.Verdict v -> {
					if (v.chain() != null && !chains.containsKey(v.chain())) {
						throw new IllegalArgumentException(
								"chain " + where + ": " + v.text() + " names a chain that does not exist");
					}
				}
				case NftStatement.Numgen n -> n.verdicts().forEach(v -> checkTargets(v, chains, sets, where));
				case NftStatement.MapLookup m -> requireSet(sets, m.map(), where);
				case NftStatement.AddrInSet a -> requireSet(sets, a.set(), where);
				case NftStatement.UpdateSet u -> requireSet(sets, u.set(), where);
				case NftStatement.CtState c -> {
				}
				case NftStatement.IifName n -> {
				}
				case NftStatement.AddrMatch a -> {
				}
				case NftStatement.Fib f -> {
				}
				case NftStatement.L4Proto l -> {
				}
				case NftStatement.PortMatch p -> {
				}
				case NftStatement.MarkCheck m -> {
				}
				case NftStatement.MarkSet m -> {
				}
				case NftStatement.Dnat d -> {
				}
				case NftStatement.Masquerade m -> {
				}
			}
		}

		private static void requireSet(Map<String, NftSet> sets, String name, String where) {
			if (!sets.containsKey(name)) {
				throw new IllegalArgumentException(
						"chain " + where + " uses @" + name + ", which is not a set or map of the table");
			}
		}

		private void line(String line) {
			List<String> t = tokens(line);
			if (t.size() < 4 || !t.get(0).equals("add")) {
				throw new IllegalArgumentException("expected 'add table|set|map|chain|rule|element ip kube-proxy …'");
			}
			String what = t.get(1);
			String fam = t.get(2);
			if (!fam.equals("ip")) {
				throw new IllegalArgumentException("family '" + fam + "' is not modelled (only ip)");
			}
			String tbl = t.get(3);
			if (what.equals("table")) {
				if (table != null && !table.equals(tbl)) {
					throw new IllegalArgumentException(
							"a second table '" + tbl + "' is not modelled (one table per namespace)");
				}
				family = fam;
				table = tbl;
				Map<String, String> props = props(t, 4);
				tableComment = props.get("comment");
				return;
			}
			if (table == null || !table.equals(tbl)) {
				throw new IllegalArgumentException("table ip " + tbl + " has not been added");
			}
			if (t.size() < 5) {
				throw new IllegalArgumentException(what + " needs a name");
			}
			String name = t.get(4);
			switch (what) {
				case "set", "map" -> {
					Map<String, String> p = props(t, 5);
					if (!p.containsKey("type")) {
						throw new IllegalArgumentException(what + " " + name + " needs a type");
					}
					List<String> flags = p.containsKey("flags") ? List.of(p.get("flags").split(",")) : List.of();
					sets.putIfAbsent(name, new NftSet(name, p.get("type"), what.equals("map"), flags, p.get("timeout"),
							p.get("comment"), List.of()));
				}
				case "chain" -> {
					if (!NftChainNames.valid(name)) {
						throw new IllegalArgumentException("'" + name + "' is not a valid nft chain name");
					}
					Map<String, String> p = props(t, 5);
					Hook hook = null;
					int priority = 0;
					if (p.containsKey("hook")) {
						hook = hook(p.get("hook"));
						priority = Integer.parseInt(p.get("priority"));
						if (!"filter".equals(p.get("type")) && !"nat".equals(p.get("type"))) {
							throw new IllegalArgumentException(
									"chain type '" + p.get("type") + "' is not modelled (filter, nat)");
						}
					}
					chains.putIfAbsent(name,
							new NftChain(name, p.get("type"), hook, priority, p.get("comment"), List.of()));
				}
				case "rule" -> {
					if (!chains.containsKey(name)) {
						throw new IllegalArgumentException("chain " + name + " has not been added");
					}
					String source = line.substring(line.indexOf(name) + name.length()).strip();
					rules.computeIfAbsent(name, k -> new ArrayList<>()).add(rule(name, t.subList(5, t.size()), source));
				}
				case "element" -> {
					NftSet s = sets.get(name);
					if (s == null) {
						throw new IllegalArgumentException("set or map " + name + " has not been added");
					}
					Element e = element(s, t.subList(5, t.size()));
					Element same = elements.computeIfAbsent(name, k -> new LinkedHashMap<>()).putIfAbsent(e.key(), e);
					if (same != null && !java.util.Objects.equals(same.verdict(), e.verdict())) {
						// the kernel keeps one element per key: adding the same one again
						// is a no-op (kube-proxy adds a ClusterIP to cluster-ips once per
						// port), a different verdict for the key is refused
						throw new IllegalArgumentException("element " + e.key() + " is already in " + name
								+ " with another value (nft: File exists)");
					}
				}
				default -> throw new IllegalArgumentException("'add " + what + "' is not modelled");
			}
		}

		private static Hook hook(String h) {
			return switch (h) {
				case "prerouting" -> Hook.PREROUTING;
				case "input" -> Hook.INPUT;
				case "forward" -> Hook.FORWARD;
				case "output" -> Hook.OUTPUT;
				case "postrouting" -> Hook.POSTROUTING;
				default -> throw new IllegalArgumentException("unknown hook '" + h + "'");
			};
		}

		/**
		 * {@code { type ipv4_addr ; flags dynamic,timeout ; comment "…" ; }} → property
		 * map.
		 */
		private static Map<String, String> props(List<String> t, int from) {
			Map<String, String> m = new LinkedHashMap<>();
			if (from >= t.size()) {
				return m;
			}
			if (!t.get(from).equals("{") || !t.getLast().equals("}")) {
				throw new IllegalArgumentException("expected '{ … }' after the name");
			}
			List<String> cur = new ArrayList<>();
			for (String w : t.subList(from + 1, t.size() - 1)) {
				if (w.equals(";")) {
					prop(m, cur);
					cur.clear();
				}
				else {
					cur.add(w);
				}
			}
			prop(m, cur);
			return m;
		}

		private static void prop(Map<String, String> m, List<String> words) {
			if (words.isEmpty()) {
				return;
			}
			switch (words.getFirst()) {
				case "type" -> {
					if (words.contains("hook")) {
						// type filter hook prerouting priority -110
						if (words.size() != 6 || !words.get(2).equals("hook") || !words.get(4).equals("priority")) {
							throw new IllegalArgumentException("expected 'type T hook H priority P'");
						}
						m.put("type", words.get(1));
						m.put("hook", words.get(3));
						m.put("priority", words.get(5));
					}
					else {
						m.put("type", String.join(" ", words.subList(1, words.size())));
					}
				}
				case "flags", "timeout" -> m.put(words.getFirst(), String.join("", words.subList(1, words.size())));
				case "comment" -> m.put("comment", unquote(words.get(1)));
				default -> throw new IllegalArgumentException("property '" + words.getFirst() + "' is not modelled");
			}
		}

		private static Element element(NftSet s, List<String> t) {
			if (t.size() < 3 || !t.getFirst().equals("{") || !t.getLast().equals("}")) {
				throw new IllegalArgumentException("expected '{ key [comment \"…\"] [: verdict] }'");
			}
			List<String> body = t.subList(1, t.size() - 1);
			int colon = body.indexOf(":");
			List<String> keyPart = colon < 0 ? body : body.subList(0, colon);
			String comment = null;
			int c = keyPart.indexOf("comment");
			if (c >= 0) {
				comment = unquote(keyPart.get(c + 1));
				keyPart = keyPart.subList(0, c);
			}
			String key = String.join(" ", keyPart);
			int parts = s.type().split(":")[0].split(" \\. ").length;
			if (key.split(" \\. ").length != parts) {
				throw new IllegalArgumentException("key '" + key + "' does not fit type " + s.type());
			}
			NftStatement.Verdict v = null;
			if (s.map()) {
				if (colon < 0) {
					throw new IllegalArgumentException("a verdict map element needs ': verdict'");
				}
				v = NftStatement.Verdict.parse(String.join(" ", body.subList(colon + 1, body.size())));
			}
			else if (colon >= 0) {
				throw new IllegalArgumentException("a set element has no value");
			}
			return new Element(key, v, comment);
		}

		private static NftRule rule(String chain, List<String> t, String source) {
			List<NftStatement> out = new ArrayList<>();
			String comment = null;
			int i = 0;
			while (i < t.size()) {
				String w = t.get(i);
				switch (w) {
					case "iifname" -> {
						boolean neg = at(t, i + 1).equals("!=");
						int j = neg ? i + 2 : i + 1;
						out.add(new NftStatement.IifName(neg, unquote(at(t, j))));
						i = j + 1;
					}
					case "ct" -> {
						expect(t, i + 1, "state");
						out.add(new NftStatement.CtState(at(t, i + 2)));
						i += 3;
					}
					case "ip" -> {
						NftStatement.Side side = side(at(t, i + 1));
						String next = at(t, i + 2);
						if (next.equals(".")) {
							// ip daddr . meta l4proto . th dport vmap @map
							List<NftStatement.KeyPart> key = new ArrayList<>(List.of(NftStatement.KeyPart.DADDR));
							i = keyParts(t, i + 3, key);
							out.add(vmap(t, i, key));
							i += 2;
						}
						else if (next.startsWith("@")) {
							out.add(new NftStatement.AddrInSet(side, false, next.substring(1)));
							i += 3;
						}
						else {
							boolean neg = next.equals("!=");
							int j = neg ? i + 3 : i + 2;
							List<Cidr> values = new ArrayList<>();
							boolean braces = at(t, j).equals("{");
							if (braces) {
								j++;
								while (!at(t, j).equals("}")) {
									if (!t.get(j).equals(",")) {
										values.add(Cidr.parse(t.get(j)));
									}
									j++;
								}
								j++;
							}
							else {
								values.add(Cidr.parse(at(t, j)));
								j++;
							}
							values.sort(Comparator.comparing((Cidr x) -> Integer.toUnsignedLong(x.address().value())));
							// nft prints a one-element anonymous set as the bare value
							out.add(new NftStatement.AddrMatch(side, neg, values, values.size() > 1));
							i = j;
						}
					}
					case "meta" -> {
						expect(t, i + 1, "l4proto");
						String next = at(t, i + 2);
						if (next.equals(".")) {
							List<NftStatement.KeyPart> key = new ArrayList<>(List.of(NftStatement.KeyPart.L4PROTO));
							i = keyParts(t, i + 3, key);
							out.add(vmap(t, i, key));
							i += 2;
						}
						else {
							out.add(new NftStatement.L4Proto(Protocol.parse(next)));
							i += 3;
						}
					}
					case "tcp", "udp", "sctp" -> {
						String side = at(t, i + 1);
						if (!side.equals("sport")) {
							expect(t, i + 1, "dport");
						}
						out.add(new NftStatement.PortMatch(Protocol.parse(w), Integer.parseInt(at(t, i + 2)),
								side.equals("sport")));
						i += 3;
					}
					case "fib" -> {
						NftStatement.Side side = side(at(t, i + 1));
						expect(t, i + 2, "type");
						expect(t, i + 3, "local");
						out.add(new NftStatement.Fib(side));
						i += 4;
					}
					case "mark" -> {
						if (at(t, i + 1).equals("and")) {
							// mark and 0x4000 == 0
							int mask = hex(at(t, i + 2));
							expect(t, i + 3, "==");
							out.add(new NftStatement.MarkCheck(mask, hex(at(t, i + 4))));
							i += 5;
						}
						else {
							// mark set mark or|xor 0x4000
							expect(t, i + 1, "set");
							expect(t, i + 2, "mark");
							String op = at(t, i + 3);
							if (!op.equals("or") && !op.equals("xor")) {
								throw new IllegalArgumentException(
										"mark set mark '" + op + "' is not modelled (or, xor)");
							}
							out.add(new NftStatement.MarkSet(op.equals("xor"), hex(at(t, i + 4))));
							i += 5;
						}
					}
					case "numgen" -> {
						expect(t, i + 1, "random");
						expect(t, i + 2, "mod");
						int mod = Integer.parseInt(at(t, i + 3));
						expect(t, i + 4, "vmap");
						expect(t, i + 5, "{");
						int j = i + 6;
						List<NftStatement.Verdict> verdicts = new ArrayList<>();
						while (!at(t, j).equals("}")) {
							if (t.get(j).equals(",")) {
								j++;
								continue;
							}
							int n = Integer.parseInt(t.get(j));
							if (n != verdicts.size()) {
								throw new IllegalArgumentException(
										"numgen elements must be 0.." + (mod - 1) + " in order");
							}
							expect(t, j + 1, ":");
							verdicts.add(NftStatement.Verdict.parse(at(t, j + 2) + " " + at(t, j + 3)));
							j += 4;
						}
						out.add(new NftStatement.Numgen(mod, verdicts));
						i = j + 1;
					}
					case "update" -> {
						String set = at(t, i + 1);
						if (!set.startsWith("@")) {
							throw new IllegalArgumentException("update needs @set");
						}
						expect(t, i + 2, "{");
						expect(t, i + 3, "ip");
						NftStatement.Side side = side(at(t, i + 4));
						expect(t, i + 5, "}");
						out.add(new NftStatement.UpdateSet(set.substring(1), side));
						i += 6;
					}
					case "jump", "goto" -> {
						out.add(NftStatement.Verdict.parse(w + " " + at(t, i + 1)));
						i += 2;
					}
					case "accept", "drop", "return", "reject" -> {
						out.add(NftStatement.Verdict.parse(w));
						i++;
					}
					case "dnat" -> {
						expect(t, i + 1, "to");
						String to = at(t, i + 2);
						int colon = to.indexOf(':');
						out.add(colon < 0 ? new NftStatement.Dnat(Ip.parse(to), 0) : new NftStatement.Dnat(
								Ip.parse(to.substring(0, colon)), Integer.parseInt(to.substring(colon + 1))));
						i += 3;
					}
					case "masquerade" -> {
						boolean fully = i + 1 < t.size() && t.get(i + 1).equals("fully-random");
						out.add(new NftStatement.Masquerade(fully));
						i += fully ? 2 : 1;
					}
					case "comment" -> {
						comment = unquote(at(t, i + 1));
						i += 2;
					}
					default -> throw new IllegalArgumentException("statement '" + w + "' is not modelled");
				}
			}
			if (out.isEmpty()) {
				throw new IllegalArgumentException("a rule needs at least one statement");
			}
			return new NftRule(chain, out, comment, source);
		}

		/**
		 * Reads {@code part . part …} after the first part; returns the index of
		 * {@code vmap}.
		 */
		private static int keyParts(List<String> t, int i, List<NftStatement.KeyPart> key) {
			while (true) {
				String a = at(t, i);
				String b = at(t, i + 1);
				NftStatement.KeyPart p = switch (a + " " + b) {
					case "ip daddr" -> NftStatement.KeyPart.DADDR;
					case "meta l4proto" -> NftStatement.KeyPart.L4PROTO;
					case "th dport" -> NftStatement.KeyPart.TH_DPORT;
					default -> throw new IllegalArgumentException("key part '" + a + " " + b + "' is not modelled");
				};
				key.add(p);
				i += 2;
				if (!at(t, i).equals(".")) {
					return i;
				}
				i++;
			}
		}

		private static NftStatement vmap(List<String> t, int i, List<NftStatement.KeyPart> key) {
			expect(t, i, "vmap");
			String m = at(t, i + 1);
			if (!m.startsWith("@")) {
				throw new IllegalArgumentException("vmap needs @map");
			}
			return new NftStatement.MapLookup(key, m.substring(1));
		}

		private static NftStatement.Side side(String s) {
			return switch (s) {
				case "saddr" -> NftStatement.Side.SADDR;
				case "daddr" -> NftStatement.Side.DADDR;
				default -> throw new IllegalArgumentException("expected saddr or daddr, found '" + s + "'");
			};
		}

		private static int hex(String s) {
			return s.startsWith("0x") ? Integer.parseUnsignedInt(s.substring(2), 16) : Integer.parseInt(s);
		}

		private static String at(List<String> t, int i) {
			if (i >= t.size()) {
				throw new IllegalArgumentException("the rule ends too early");
			}
			return t.get(i);
		}

		private static void expect(List<String> t, int i, String word) {
			if (!at(t, i).equals(word)) {
				throw new IllegalArgumentException("expected '" + word + "', found '" + t.get(i) + "'");
			}
		}

		private static String unquote(String s) {
			return s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
		}

		/**
		 * Words, with quoted strings kept whole and {@code { } , ;} as their own tokens.
		 */
		static List<String> tokens(String line) {
			List<String> out = new ArrayList<>();
			StringBuilder cur = new StringBuilder();
			for (int i = 0; i < line.length(); i++) {
				char c = line.charAt(i);
				if (c == '"') {
					int end = line.indexOf('"', i + 1);
					if (end < 0) {
						throw new IllegalArgumentException("unterminated quoted string");
					}
					cur.append(line, i, end + 1);
					i = end;
				}
				else if (Character.isWhitespace(c)) {
					flush(out, cur);
				}
				else if (c == '{' || c == '}' || c == ',' || c == ';') {
					flush(out, cur);
					out.add(String.valueOf(c));
				}
				else {
					cur.append(c);
				}
			}
			flush(out, cur);
			return out;
		}

		private static void flush(List<String> out, StringBuilder cur) {
			if (!cur.isEmpty()) {
				out.add(cur.toString());
				cur.setLength(0);
			}
		}

	}

	/**
	 * nft chain names: a letter, underscore or dot first, then {@code [A-Za-z0-9_./-]},
	 * at most 256 characters.
	 */
	static final class NftChainNames {

		private NftChainNames() {
		}

		static boolean valid(String name) {
			if (name.isEmpty() || name.length() > 256) {
				return false;
			}
			char f = name.charAt(0);
			if (!(Character.isLetter(f) || f == '_' || f == '.')) {
				return false;
			}
			for (char c : name.toCharArray()) {
				if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '/' || c == '-'))) {
					return false;
				}
			}
			return true;
		}

	}

}

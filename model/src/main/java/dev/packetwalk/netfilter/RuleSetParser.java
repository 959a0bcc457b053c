package dev.packetwalk.netfilter;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;

/**
 * Reads iptables-save / iptables-restore text line by line, the way iptables-restore
 * (without --noflush) does: each {@code *table} section starts from an empty table and
 * takes effect at {@code COMMIT}.
 */
final class RuleSetParser {

	private final String[] lines;

	private final Map<Table, Map<String, Chain>> done = new EnumMap<>(Table.class);

	/** The table section being read, or null between sections. */
	private Section section;

	private int lineNo;

	RuleSetParser(String text) {
		this(text, PARALLEL_LINES);
	}

	/**
	 * A parser that reads rule lines ahead on all cores when the text has at least
	 * {@code parallelLines} lines.
	 */
	RuleSetParser(String text, int parallelLines) {
		if (text == null) {
			throw new IllegalArgumentException("no iptables text to parse");
		}
		this.lines = text.split("\n", -1);
		this.parallelLines = parallelLines;
	}

	private final int parallelLines;

	/** A parser for reading single rule lines of the same text ({@link #readAhead}). */
	private RuleSetParser(String[] lines) {
		this.lines = lines;
		this.parallelLines = Integer.MAX_VALUE;
	}

	/**
	 * Texts of at least this many lines have their rule lines read on all cores first
	 * ({@link #readAhead}).
	 */
	static final int PARALLEL_LINES = 20_000;

	/**
	 * An {@code -A} line read ahead of the sequential pass: its chain (null when
	 * splitting the line into words failed) and the rule, or the exception reading it
	 * threw (thrown by the sequential pass where it would have thrown it). The words
	 * themselves are not kept: a large text would hold millions of them at once.
	 */
	private record ReadAhead(String chain, Rule rule, RuntimeException failure) {
	}

	/**
	 * By line index, the {@code -A} lines read ahead; null when the text is small or the
	 * line was not read ahead.
	 */
	private ReadAhead[] readAhead;

	/**
	 * The declared chain names, each as one string, when rules are read ahead: the rules
	 * of a large text then hold those instead of a copy of the name per rule and per jump
	 * (hundreds of thousands of strings kept for good).
	 */
	private Map<String, String> chainNames = Map.of();

	/** The one copy of a chain name, when it was declared. */
	private String name(String chain) {
		String known = chainNames.get(chain);
		return known != null ? known : chain;
	}

	/**
	 * Reads every line that starts with {@code -A } into its rule, in parallel. Reading a
	 * rule depends only on its own line (which chains exist, where it goes and the
	 * whole-table checks are the sequential pass's business), so the result is the same
	 * as reading it in turn; a line that fails is failed again, with the same exception,
	 * when the sequential pass reaches it, so the first problem in line order is still
	 * the one reported.
	 */
	private void readAhead() {
		Map<String, String> names = new java.util.HashMap<>();
		for (String line : lines) {
			if (line.startsWith(":")) {
				int end = 1;
				while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != '\t') {
					end++;
				}
				String name = line.substring(1, end);
				names.putIfAbsent(name, name);
			}
		}
		chainNames = names;
		ReadAhead[] ahead = new ReadAhead[lines.length];
		int chunk = 2_048;
		java.util.stream.IntStream.range(0, (lines.length + chunk - 1) / chunk).parallel().forEach(c -> {
			RuleSetParser local = new RuleSetParser(lines);
			local.chainNames = names;
			for (int i = c * chunk; i < Math.min(lines.length, (c + 1) * chunk); i++) {
				String line = lines[i];
				if (!line.startsWith("-A ")) {
					continue;
				}
				if (line.endsWith("\r")) {
					line = line.substring(0, line.length() - 1);
				}
				local.lineNo = i + 1;
				List<String> tokens;
				try {
					tokens = local.tokenize(line);
				}
				catch (RuntimeException ex) {
					ahead[i] = new ReadAhead(null, null, ex);
					continue;
				}
				if (tokens.size() < 2) {
					continue;
				}
				try {
					ahead[i] = new ReadAhead(tokens.get(1),
							local.new RuleReader(tokens.get(1), tokens.subList(2, tokens.size())).read(), null);
				}
				catch (RuntimeException ex) {
					ahead[i] = new ReadAhead(tokens.get(1), null, ex);
				}
			}
		});
		readAhead = ahead;
	}

	/** One {@code *table ... COMMIT} section in the making. */
	private static final class Section {

		final Table table;

		final int startLine;

		final Map<String, Policy> policies = new LinkedHashMap<>();

		final Map<String, List<Rule>> rules = new LinkedHashMap<>();

		final Map<String, List<Integer>> ruleLines = new LinkedHashMap<>();

		Section(Table table, int startLine) {
			this.table = table;
			this.startLine = startLine;
			for (Hook h : table.builtinChains()) {
				policies.put(h.chainName(), Policy.ACCEPT);
				rules.put(h.chainName(), new ArrayList<>());
				ruleLines.put(h.chainName(), new ArrayList<>());
			}
		}

		boolean isUserChain(String name) {
			return rules.containsKey(name) && Hook.ofChainName(name) == null;
		}

	}

	RuleSet parse() {
		if (lines.length >= parallelLines) {
			readAhead();
		}
		for (int i = 0; i < lines.length; i++) {
			lineNo = i + 1;
			String line = lines[i];
			if (line.endsWith("\r")) {
				line = line.substring(0, line.length() - 1);
			}
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			if (line.startsWith("*")) {
				startTable(line.strip());
			}
			else if (line.startsWith(":")) {
				declareChain(line.strip());
			}
			else if (line.strip().equals("COMMIT")) {
				commit();
			}
			else if (readAhead != null && readAhead[i] != null) {
				ReadAhead ahead = readAhead[i];
				readAhead[i] = null;
				if (ahead.chain() == null) {
					throw ahead.failure();
				}
				String read = line;
				Section s = requireSection("-A");
				addRule(s, chainArg(s, List.of("-A", ahead.chain()), "-A"), () -> {
					List<String> tokens = tokenize(read);
					return tokens.subList(2, tokens.size());
				}, -1, ahead);
			}
			else {
				command(tokenize(line));
			}
		}
		if (section != null) {
			throw error("*" + section.table.label(), "COMMIT expected: table " + section.table + " (started at line "
					+ section.startLine + ") is not committed");
		}
		return RuleSet.build(done, true);
	}

	private IptablesParseException error(String token, String message) {
		return new IptablesParseException(lineNo, token, message);
	}

	private void startTable(String line) {
		if (section != null) {
			throw error(line, "COMMIT expected before a new table: table " + section.table + " is still open");
		}
		String name = line.substring(1);
		Table table;
		try {
			table = Table.parse(name);
		}
		catch (IllegalArgumentException ex) {
			throw error(name, ex.getMessage());
		}
		if (done.containsKey(table)) {
			throw error(line, "table " + table + " appears twice (a second section would flush the first)");
		}
		section = new Section(table, lineNo);
	}

	private Section requireSection(String token) {
		if (section == null) {
			throw error(token, "not inside a table: start one with *raw, *mangle, *nat or *filter");
		}
		return section;
	}

	private void declareChain(String line) {
		Section s = requireSection(line);
		String rest = line.substring(1);
		String[] parts = blankSeparated(rest).toArray(String[]::new);
		if (parts.length < 2 || parts.length > 3 || rest.startsWith(" ") || rest.startsWith("\t")) {
			throw error(line, "a chain declaration is ':NAME POLICY [packets:bytes]'");
		}
		String name = name(parts[0]);
		String policy = parts[1];
		if (parts.length == 3 && !COUNTERS.matcher(parts[2]).matches()) {
			throw error(parts[2], "bad counters: expected [packets:bytes]");
		}
		Hook hook = Hook.ofChainName(name);
		if (hook != null && s.table.hasChain(hook)) {
			switch (policy) {
				case "ACCEPT" -> s.policies.put(name, Policy.ACCEPT);
				case "DROP" -> s.policies.put(name, Policy.DROP);
				default -> throw error(policy, "built-in chain " + name + " needs policy ACCEPT or DROP");
			}
			return;
		}
		if (!policy.equals("-")) {
			throw error(policy, "user chain " + name + " cannot have a policy: write '-'");
		}
		newChain(s, name);
	}

	private static final java.util.regex.Pattern COUNTERS = java.util.regex.Pattern.compile("\\[\\d+:\\d+\\]");

	/**
	 * The words of a line without quotes: the runs of characters between blanks (spaces
	 * and tabs).
	 */
	private static List<String> blankSeparated(String line) {
		List<String> out = new ArrayList<>();
		int start = -1;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (c == ' ' || c == '\t') {
				if (start >= 0) {
					out.add(line.substring(start, i));
					start = -1;
				}
			}
			else if (start < 0) {
				start = i;
			}
		}
		if (start >= 0) {
			out.add(line.substring(start));
		}
		return out;
	}

	private void newChain(Section s, String name) {
		if (name.length() > Chain.MAX_NAME) {
			throw error(name, "chain name '" + name + "' too long (must be under " + (Chain.MAX_NAME + 1) + " chars)");
		}
		if (!Chain.isValidUserChainName(name)) {
			throw error(name, "invalid chain name: " + Chain.NAME_RULE);
		}
		// Declaring an existing chain again flushes it, as iptables-restore does.
		s.rules.put(name, new ArrayList<>());
		s.ruleLines.put(name, new ArrayList<>());
	}

	private void commit() {
		Section s = requireSection("COMMIT");
		Map<String, Chain> chains = new LinkedHashMap<>();
		for (Map.Entry<String, List<Rule>> e : s.rules.entrySet()) {
			String name = e.getKey();
			chains.put(name, new Chain(s.table, name, s.policies.get(name), e.getValue()));
		}
		TableCheck.Problem p = TableCheck.checkTable(s.table, ordered(s.table, chains));
		if (p != null) {
			int line = s.ruleLines.get(p.chain()).get(p.ruleIndex());
			throw new IptablesParseException(line, s.rules.get(p.chain()).get(p.ruleIndex()).save(), p.message());
		}
		done.put(s.table, chains);
		section = null;
	}

	private static Map<String, Chain> ordered(Table table, Map<String, Chain> chains) {
		Map<String, Chain> m = new LinkedHashMap<>();
		for (Hook h : table.builtinChains()) {
			m.put(h.chainName(), chains.get(h.chainName()));
		}
		m.putAll(chains);
		return m;
	}

	// ---------------------------------------------------------------- commands

	private void command(List<String> tokens) {
		Section s = requireSection(tokens.get(0));
		String cmd = tokens.get(0);
		switch (cmd) {
			case "-A", "--append" -> {
				String chain = chainArg(s, tokens, cmd);
				addRule(s, chain, () -> tokens.subList(2, tokens.size()), -1, null);
			}
			case "-I", "--insert" -> {
				String chain = chainArg(s, tokens, cmd);
				int from = 2;
				int pos = 1;
				if (tokens.size() > 2 && tokens.get(2).chars().allMatch(Character::isDigit)
						&& !tokens.get(2).isEmpty()) {
					pos = (int) (long) parse(tokens.get(2),
							() -> SaveFormat.parseDecimal(tokens.get(2), "rule number", 1_000_000));
					from = 3;
					if (pos < 1 || pos > s.rules.get(chain).size() + 1) {
						throw error(tokens.get(2), "Index of insertion too big: chain " + chain + " has "
								+ s.rules.get(chain).size() + " rules");
					}
				}
				int specFrom = from;
				addRule(s, chain, () -> tokens.subList(specFrom, tokens.size()), pos - 1, null);
			}
			case "-N", "--new-chain" -> {
				if (tokens.size() != 2) {
					throw error(cmd, "-N takes exactly one chain name");
				}
				if (s.rules.containsKey(tokens.get(1))) {
					throw error(tokens.get(1), "Chain already exists");
				}
				newChain(s, tokens.get(1));
			}
			case "-X", "--delete-chain" -> {
				if (tokens.size() != 2) {
					throw error(cmd, "-X takes exactly one chain name (deleting every chain is not supported)");
				}
				deleteChain(s, tokens.get(1));
			}
			default -> throw error(cmd, "unknown or unsupported command: the model reads -A, -I, -N and -X lines");
		}
	}

	private String chainArg(Section s, List<String> tokens, String cmd) {
		if (tokens.size() < 2) {
			throw error(cmd, cmd + " needs a chain name");
		}
		String chain = tokens.get(1);
		if (!s.rules.containsKey(chain)) {
			throw error(chain, "chain '" + chain + "' does not exist in table " + s.table + " (declare it with ':"
					+ chain + " - [0:0]' first)");
		}
		return chain;
	}

	private void deleteChain(Section s, String name) {
		if (!s.isUserChain(name)) {
			throw error(name, Hook.ofChainName(name) != null ? "built-in chains cannot be deleted"
					: "chain '" + name + "' does not exist in table " + s.table);
		}
		if (!s.rules.get(name).isEmpty()) {
			throw error(name, "chain " + name + " is not empty (Device or resource busy)");
		}
		for (List<Rule> rs : s.rules.values()) {
			for (Rule r : rs) {
				if (r.target() instanceof Target.Jump j && j.chain().equals(name)
						|| r.target() instanceof Target.Goto g && g.chain().equals(name)) {
					throw error(name,
							"chain " + name + " is still referenced by '" + r.save() + "' (Device or resource busy)");
				}
			}
		}
		s.rules.remove(name);
		s.ruleLines.remove(name);
	}

	/**
	 * Appends or inserts one rule; {@code spec} gives its words after the chain,
	 * {@code ahead} it read ahead or null.
	 */
	private void addRule(Section s, String chain, java.util.function.Supplier<List<String>> spec, int index,
			ReadAhead ahead) {
		if (ahead != null && ahead.failure() != null) {
			throw ahead.failure();
		}
		Rule rule = ahead != null ? ahead.rule() : new RuleReader(chain, spec.get()).read();
		String problem = TableCheck.checkRule(s.table, chain, rule, s::isUserChain);
		if (problem != null) {
			throw error(targetToken(spec.get()), problem);
		}
		List<Rule> rules = s.rules.get(chain);
		List<Integer> lineNos = s.ruleLines.get(chain);
		if (index < 0) {
			rules.add(rule);
			lineNos.add(lineNo);
		}
		else {
			rules.add(index, rule);
			lineNos.add(index, lineNo);
		}
	}

	private static String targetToken(List<String> spec) {
		for (int i = 0; i + 1 < spec.size(); i++) {
			if (spec.get(i).equals("-j") || spec.get(i).equals("-g") || spec.get(i).equals("--jump")
					|| spec.get(i).equals("--goto")) {
				return spec.get(i + 1);
			}
		}
		return String.join(" ", spec);
	}

	// ---------------------------------------------------------------- tokens

	/**
	 * Splits a line as iptables-restore's {@code add_param_to_argv} does: blanks separate
	 * words; a double quote opens a quoted part in which blanks are kept and a backslash
	 * takes the next character literally; the closing quote ends the word. Outside quotes
	 * a backslash is an ordinary character.
	 */
	List<String> tokenize(String line) {
		if (line.indexOf('"') < 0) {
			// no quotes: words are the runs between blanks (most rules; iptables-save
			// quotes only comments with blanks)
			return blankSeparated(line);
		}
		List<String> out = new ArrayList<>();
		StringBuilder word = new StringBuilder();
		boolean inWord = false;
		boolean quoted = false;
		boolean escaped = false;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (quoted) {
				if (escaped) {
					word.append(c);
					escaped = false;
				}
				else if (c == '\\') {
					escaped = true;
				}
				else if (c == '"') {
					quoted = false;
					out.add(word.toString());
					word.setLength(0);
					inWord = false;
				}
				else {
					word.append(c);
				}
				continue;
			}
			if (c == '"') {
				quoted = true;
				inWord = true;
			}
			else if (c == ' ' || c == '\t') {
				if (inWord) {
					out.add(word.toString());
					word.setLength(0);
					inWord = false;
				}
			}
			else {
				word.append(c);
				inWord = true;
			}
		}
		if (quoted) {
			throw error(line, "unterminated quoted string");
		}
		if (inWord) {
			out.add(word.toString());
		}
		return out;
	}

	private interface Parse<T> {

		T get();

	}

	/**
	 * Runs a value parser, turning its IllegalArgumentException into a parse error at the
	 * token.
	 */
	private <T> T parse(String token, Parse<T> p) {
		try {
			return p.get();
		}
		catch (IllegalArgumentException ex) {
			throw error(token, ex.getMessage());
		}
	}

	// ---------------------------------------------------------------- one rule

	/** Reads the options of one {@code -A CHAIN ...} line. */
	private final class RuleReader {

		private final String chain;

		private final List<String> tokens;

		private int pos;

		private final List<Match> header = new ArrayList<>();

		/** The header options seen so far ({@code -s -d -i -o -p}), as one bit each. */
		private int headerSeen;

		/** Match extensions in load order. */
		private final List<MatchBuilder> extensions = new ArrayList<>();

		private Protocol protocol;

		private boolean protocolNegated;

		private TargetBuilder target;

		private String targetToken;

		RuleReader(String chain, List<String> tokens) {
			this.chain = name(chain);
			this.tokens = tokens;
		}

		Rule read() {
			while (pos < tokens.size()) {
				String tok = tokens.get(pos++);
				boolean negated = false;
				if (tok.equals("!")) {
					if (pos >= tokens.size()) {
						throw error(tok, "'!' must be followed by an option");
					}
					negated = true;
					tok = tokens.get(pos++);
					if (tok.equals("!")) {
						throw error(tok, "multiple consecutive ! not allowed");
					}
				}
				option(tok, negated);
			}
			List<Match> matches = new ArrayList<>(header);
			for (MatchBuilder b : extensions) {
				matches.add(b.build());
			}
			Target t = target == null ? Target.NONE : target.build();
			try {
				return new Rule(chain, matches, t);
			}
			catch (IllegalArgumentException ex) {
				throw error(String.join(" ", tokens), ex.getMessage());
			}
		}

		private String value(String option) {
			if (pos >= tokens.size()) {
				throw error(option, "option " + option + " requires an argument");
			}
			String v = tokens.get(pos++);
			// a lone "!" after an invertible option is the old intrapositioned negation;
			// a comment or name may be "!"
			if (v.equals("!") && !option.equals("--comment") && !option.equals("--name")) {
				throw error(option, "put '!' before the option (" + "! " + option + " value), not after it");
			}
			return v;
		}

		private void once(String key, String token) {
			int bit = 1 << "sdiop".indexOf(key.charAt(1));
			if ((headerSeen & bit) != 0) {
				throw error(token, "multiple " + key + " flags not allowed");
			}
			headerSeen |= bit;
		}

		private void option(String tok, boolean negated) {
			switch (tok) {
				case "-s", "--source", "--src" -> {
					once("-s", tok);
					Cidr c = address(value(tok));
					if (c != null) {
						header.add(new Match.Source(c, negated));
					}
					else if (negated) {
						throw error(tok, "! -s 0.0.0.0/0 never matches (iptables-nft refuses it)");
					}
				}
				case "-d", "--destination", "--dst" -> {
					once("-d", tok);
					Cidr c = address(value(tok));
					if (c != null) {
						header.add(new Match.Destination(c, negated));
					}
					else if (negated) {
						throw error(tok, "! -d 0.0.0.0/0 never matches (iptables-nft refuses it)");
					}
				}
				case "-i", "--in-interface" -> {
					once("-i", tok);
					String v = value(tok);
					if (!v.equals("+") || negated) {
						header.add(parse(v, () -> new Match.InInterface(v, negated)));
					}
				}
				case "-o", "--out-interface" -> {
					once("-o", tok);
					String v = value(tok);
					if (!v.equals("+") || negated) {
						header.add(parse(v, () -> new Match.OutInterface(v, negated)));
					}
				}
				case "-p", "--protocol" -> {
					once("-p", tok);
					protocol(value(tok), negated);
				}
				case "-m", "--match" -> {
					noNegation(tok, negated);
					loadMatch(value(tok));
				}
				case "-j", "--jump" -> {
					noNegation(tok, negated);
					if (target != null) {
						throw error(tok, "multiple -j flags not allowed");
					}
					targetToken = value(tok);
					target = targetFor(targetToken);
				}
				case "-g", "--goto" -> {
					noNegation(tok, negated);
					if (target != null) {
						throw error(tok, "multiple -j flags not allowed");
					}
					targetToken = value(tok);
					String name = targetToken;
					if (!Chain.isValidUserChainName(name)) {
						throw error(name, "-g needs a user chain, not '" + name + "'");
					}
					target = new TargetBuilder(name) {
						@Override
						Target build() {
							return new Target.Goto(name);
						}
					};
				}
				default -> extensionOption(tok, negated);
			}
		}

		private void noNegation(String tok, boolean negated) {
			if (negated) {
				throw error(tok, "'!' cannot be used with " + tok);
			}
		}

		private Cidr address(String v) {
			if (v.contains(",")) {
				throw error(v, "address lists are not supported: iptables expands them into one rule per address;"
						+ " write those rules instead");
			}
			Cidr c = parse(v, () -> parseCidr(v));
			return c.prefix() == 0 ? null : c;
		}

		private void protocol(String v, boolean negated) {
			Protocol p = switch (v.toLowerCase(java.util.Locale.ROOT)) {
				case "tcp", "6" -> Protocol.TCP;
				case "udp", "17" -> Protocol.UDP;
				case "icmp", "1" -> Protocol.ICMP;
				case "sctp", "132" -> Protocol.SCTP;
				case "all", "0" -> null;
				default ->
					throw error(v, "protocol '" + v + "' is not supported by the model (tcp, udp, sctp, icmp or all)");
			};
			if (p == null) {
				if (negated) {
					throw error(v, "rule would never match protocol (! -p all)");
				}
				return;
			}
			protocol = p;
			protocolNegated = negated;
			header.add(new Match.Proto(p, negated));
		}

		private void loadMatch(String name) {
			switch (name) {
				case "tcp", "udp", "sctp" -> {
					Protocol p = Protocol.parse(name);
					for (MatchBuilder b : extensions) {
						if (b instanceof PortsBuilder pb && pb.protocol == p) {
							// iptables-nft folds a second tcp match into the first (one
							// payload expression).
							extensions.remove(b);
							extensions.add(b);
							return;
						}
					}
					extensions.add(new PortsBuilder(p));
				}
				case "comment" -> extensions.add(new CommentBuilder());
				case "mark" -> extensions.add(new MarkBuilder());
				case "conntrack" -> extensions.add(new ConntrackBuilder());
				case "addrtype" -> extensions.add(new AddrTypeBuilder());
				case "statistic" -> extensions.add(new StatisticBuilder());
				case "recent" -> extensions.add(new RecentBuilder());
				case "set" -> extensions.add(new SetBuilder());
				case "ipvs" -> extensions.add(new IpvsBuilder());
				default -> throw error(name, "match extension '" + name + "' is not supported by the model"
						+ " (tcp, udp, sctp, comment, mark, conntrack, addrtype, statistic, recent, set, ipvs)");
			}
		}

		private void extensionOption(String tok, boolean negated) {
			if (!tok.startsWith("-")) {
				throw error(tok, "unexpected word '" + tok + "': an option (-x or --xxx) was expected");
			}
			for (int i = extensions.size() - 1; i >= 0; i--) {
				if (extensions.get(i).accepts(tok)) {
					extensions.get(i).option(tok, negated);
					return;
				}
			}
			if (PortsBuilder.OPTIONS.contains(tok) && protocol != null && !protocolNegated
					&& (protocol == Protocol.TCP || protocol == Protocol.UDP || protocol == Protocol.SCTP)) {
				// iptables loads the protocol's match implicitly, at this point of the
				// rule
				PortsBuilder b = new PortsBuilder(protocol);
				extensions.add(b);
				b.option(tok, negated);
				return;
			}
			if (target != null && target.accepts(tok)) {
				noNegation(tok, negated);
				target.option(tok);
				return;
			}
			throw error(tok, "unknown or unsupported option \"" + tok + "\""
					+ (target != null ? " for target " + targetToken : "") + " (no loaded match takes it)");
		}

		// ------------------------------------------------------------ match builders

		private abstract class MatchBuilder {

			abstract boolean accepts(String option);

			abstract void option(String option, boolean negated);

			abstract Match build();

		}

		private final class PortsBuilder extends MatchBuilder {

			static final Set<String> OPTIONS = Set.of("--sport", "--source-port", "--dport", "--destination-port");

			final Protocol protocol;

			Match.PortRange sport;

			Match.PortRange dport;

			PortsBuilder(Protocol protocol) {
				this.protocol = protocol;
			}

			@Override
			boolean accepts(String option) {
				return OPTIONS.contains(option);
			}

			@Override
			void option(String option, boolean negated) {
				String v = value(option);
				Match.PortRange r = parse(v, () -> portRange(v, negated));
				if (option.equals("--sport") || option.equals("--source-port")) {
					if (sport != null) {
						throw error(option, "Only one `--source-port' allowed");
					}
					sport = r;
				}
				else {
					if (dport != null) {
						throw error(option, "Only one `--destination-port' allowed");
					}
					dport = r;
				}
			}

			@Override
			Match build() {
				return new Match.Ports(protocol, sport, dport);
			}

		}

		private final class CommentBuilder extends MatchBuilder {

			String text;

			@Override
			boolean accepts(String option) {
				return option.equals("--comment");
			}

			@Override
			void option(String option, boolean negated) {
				noNegation(option, negated);
				if (text != null) {
					throw error(option, "comment: --comment given twice in one match");
				}
				String v = value(option);
				text = parse(v, () -> new Match.Comment(v).text());
			}

			@Override
			Match build() {
				if (text == null) {
					throw error("comment", "comment: option \"--comment\" must be specified");
				}
				return new Match.Comment(text);
			}

		}

		private final class MarkBuilder extends MatchBuilder {

			Match.Mark mark;

			@Override
			boolean accepts(String option) {
				return option.equals("--mark");
			}

			@Override
			void option(String option, boolean negated) {
				if (mark != null) {
					throw error(option, "mark: --mark given twice in one match");
				}
				String v = value(option);
				int[] vm = parse(v, () -> valueMask(v));
				mark = new Match.Mark(vm[0], vm[1], negated);
			}

			@Override
			Match build() {
				if (mark == null) {
					throw error("mark", "mark: option \"--mark\" must be specified");
				}
				return mark;
			}

		}

		private final class ConntrackBuilder extends MatchBuilder {

			Match.Conntrack ct;

			@Override
			boolean accepts(String option) {
				return option.equals("--ctstate");
			}

			@Override
			void option(String option, boolean negated) {
				if (ct != null) {
					throw error(option, "conntrack: --ctstate given twice in one match");
				}
				String v = value(option);
				Set<CtStateBit> states = EnumSet.noneOf(CtStateBit.class);
				for (String s : v.split(",", -1)) {
					states.add(parse(s, () -> CtStateBit.parse(s)));
				}
				ct = new Match.Conntrack(states, negated);
			}

			@Override
			Match build() {
				if (ct == null) {
					throw error("conntrack", "conntrack: the model supports --ctstate only, and it is missing");
				}
				return ct;
			}

		}

		private final class AddrTypeBuilder extends MatchBuilder {

			Match.TypeTest src;

			Match.TypeTest dst;

			@Override
			boolean accepts(String option) {
				return option.equals("--src-type") || option.equals("--dst-type");
			}

			@Override
			void option(String option, boolean negated) {
				String v = value(option);
				if (!v.equals("LOCAL")) {
					throw error(v, "address type '" + v + "' is not supported by the model (only LOCAL)");
				}
				Match.TypeTest t = new Match.TypeTest(Match.AddressType.LOCAL, negated);
				if (option.equals("--src-type")) {
					if (src != null) {
						throw error(option, "addrtype: --src-type given twice");
					}
					src = t;
				}
				else {
					if (dst != null) {
						throw error(option, "addrtype: --dst-type given twice");
					}
					dst = t;
				}
			}

			@Override
			Match build() {
				if (src == null && dst == null) {
					throw error("addrtype", "addrtype: give --src-type or --dst-type");
				}
				return new Match.AddrType(src, dst);
			}

		}

		private final class StatisticBuilder extends MatchBuilder {

			boolean mode;

			Match.Statistic statistic;

			@Override
			boolean accepts(String option) {
				return option.equals("--mode") || option.equals("--probability");
			}

			@Override
			void option(String option, boolean negated) {
				String v = value(option);
				if (option.equals("--mode")) {
					noNegation(option, negated);
					if (!v.equals("random")) {
						throw error(v, "statistic mode '" + v + "' is not supported by the model (only random)");
					}
					mode = true;
					return;
				}
				if (statistic != null) {
					throw error(option, "statistic: --probability given twice");
				}
				double p = parse(v, () -> {
					try {
						return Double.parseDouble(v);
					}
					catch (NumberFormatException ex) {
						throw new IllegalArgumentException("'" + v + "' is not a probability");
					}
				});
				if (!(p >= 0 && p <= 1) || v.toLowerCase(java.util.Locale.ROOT).contains("n")) {
					throw error(v, "--probability must be between 0 and 1");
				}
				statistic = new Match.Statistic(SaveFormat.scaleProbability(p), negated);
			}

			@Override
			Match build() {
				if (!mode || statistic == null) {
					throw error("statistic", "statistic: the model needs --mode random and --probability");
				}
				return statistic;
			}

		}

		private final class RecentBuilder extends MatchBuilder {

			static final Set<String> OPTIONS = Set.of("--name", "--set", "--rcheck", "--update", "--remove",
					"--seconds", "--hitcount", "--reap", "--rsource", "--rdest", "--mask");

			String name = Match.RECENT_DEFAULT_NAME;

			Match.RecentCommand command;

			boolean negated;

			long seconds;

			int hitCount;

			boolean reap;

			Ip mask = new Ip(-1);

			Match.RecentSide side = Match.RecentSide.SOURCE;

			@Override
			boolean accepts(String option) {
				return OPTIONS.contains(option);
			}

			@Override
			void option(String option, boolean neg) {
				Match.RecentCommand cmd = switch (option) {
					case "--set" -> Match.RecentCommand.SET;
					case "--rcheck" -> Match.RecentCommand.RCHECK;
					case "--update" -> Match.RecentCommand.UPDATE;
					case "--remove" -> Match.RecentCommand.REMOVE;
					default -> null;
				};
				if (cmd != null) {
					if (command != null) {
						throw error(option, "recent: use only one of --set, --rcheck, --update and --remove");
					}
					command = cmd;
					negated = neg;
					return;
				}
				noNegation(option, neg);
				switch (option) {
					case "--name" -> {
						String v = value(option);
						if (!SaveFormat.isPrintableName(v) || v.length() > Match.MAX_RECENT_NAME) {
							throw error(v,
									"recent: a list name has 1.." + Match.MAX_RECENT_NAME + " printable characters");
						}
						name = v;
					}
					case "--seconds" -> {
						String v = value(option);
						seconds = parse(v, () -> SaveFormat.parseDecimal(v, "--seconds", 0xffff_ffffL));
					}
					case "--hitcount" -> {
						String v = value(option);
						hitCount = (int) (long) parse(v,
								() -> SaveFormat.parseDecimal(v, "--hitcount", Match.RECENT_STAMPS));
					}
					case "--reap" -> reap = true;
					case "--rsource" -> side = Match.RecentSide.SOURCE;
					case "--rdest" -> side = Match.RecentSide.DEST;
					case "--mask" -> {
						String v = value(option);
						mask = parse(v, () -> Ip.parse(v));
					}
					default -> throw error(option, "recent: unsupported option " + option);
				}
			}

			@Override
			Match build() {
				if (command == null) {
					throw error("recent", "recent: you must specify one of --set, --rcheck, --update or --remove");
				}
				return parse("recent",
						() -> new Match.Recent(name, command, negated, seconds, hitCount, reap, mask, side));
			}

		}

		private final class SetBuilder extends MatchBuilder {

			Match.IpSet set;

			@Override
			boolean accepts(String option) {
				return option.equals("--match-set");
			}

			@Override
			void option(String option, boolean negated) {
				if (set != null) {
					throw error(option, "set: --match-set given twice in one match");
				}
				String name = value(option);
				String flags = value(option);
				List<IpSetDirection> dirs = new ArrayList<>();
				for (String f : flags.split(",", -1)) {
					dirs.add(parse(f, () -> IpSetDirection.parse(f)));
				}
				set = parse(name, () -> new Match.IpSet(name, dirs, negated));
			}

			@Override
			Match build() {
				if (set == null) {
					throw error("set", "set: --match-set NAME FLAGS must be specified");
				}
				return set;
			}

		}

		/**
		 * {@code -m ipvs}: {@code [!] --ipvs}, {@code [!] --vproto}, {@code [!] --vaddr},
		 * {@code [!] --vport}; {@code --vdir}, {@code --vmethod} and {@code --vportctl}
		 * are refused (the model's IPVS forwards by masquerading only).
		 */
		private final class IpvsBuilder extends MatchBuilder {

			static final Set<String> OPTIONS = Set.of("--ipvs", "--vproto", "--vaddr", "--vport", "--vdir", "--vmethod",
					"--vportctl");

			Boolean property;

			int protocol = -1;

			boolean protocolNegated;

			Cidr vaddr;

			boolean vaddrNegated;

			int vport = -1;

			boolean vportNegated;

			final Set<String> seen = new java.util.HashSet<>();

			@Override
			boolean accepts(String option) {
				return OPTIONS.contains(option);
			}

			@Override
			void option(String option, boolean negated) {
				if (!seen.add(option)) {
					throw error(option, "multiple use of the same IPVS option is not allowed");
				}
				switch (option) {
					case "--ipvs" -> property = !negated;
					case "--vproto" -> {
						String v = value(option);
						protocol = switch (v.toLowerCase(java.util.Locale.ROOT)) {
							case "tcp" -> 6;
							case "udp" -> 17;
							case "icmp" -> 1;
							case "sctp" -> 132;
							default -> parse(v, () -> {
								int n = Integer.parseInt(v);
								if (n < 0 || n > 255) {
									throw new IllegalArgumentException("--vproto " + v + " is not a protocol (0-255)");
								}
								return n;
							});
						};
						protocolNegated = negated;
					}
					case "--vaddr" -> {
						String v = value(option);
						vaddr = parse(v, () -> parseCidr(v));
						vaddrNegated = negated;
					}
					case "--vport" -> {
						String v = value(option);
						vport = parse(v, () -> {
							int n = Integer.parseInt(v);
							if (n < 0 || n > 65535) {
								throw new IllegalArgumentException("--vport " + v + " is not a port (0-65535)");
							}
							return n;
						});
						vportNegated = negated;
					}
					default -> throw error(option,
							"ipvs: " + option
									+ " is not modelled (the model's IPVS forwards by masquerading only): use --ipvs,"
									+ " --vproto, --vaddr or --vport");
				}
			}

			@Override
			Match build() {
				return parse("ipvs", () -> new Match.Ipvs(property, protocol, protocolNegated, vaddr, vaddrNegated,
						vport, vportNegated));
			}

		}

		// ------------------------------------------------------------ targets

		private abstract class TargetBuilder {

			final String name;

			TargetBuilder(String name) {
				this.name = name;
			}

			boolean accepts(String option) {
				return false;
			}

			void option(String option) {
				throw error(option, "target " + name + " takes no option " + option);
			}

			abstract Target build();

		}

		private TargetBuilder fixed(String name, Target t) {
			return new TargetBuilder(name) {
				@Override
				Target build() {
					return t;
				}
			};
		}

		private TargetBuilder targetFor(String name) {
			return switch (name) {
				case "ACCEPT" -> fixed(name, Target.ACCEPT);
				case "DROP" -> fixed(name, Target.DROP);
				case "RETURN" -> fixed(name, Target.RETURN);
				case "REJECT" -> new RejectBuilder();
				case "DNAT", "SNAT" -> new NatBuilder(name);
				case "MASQUERADE" -> new MasqueradeBuilder();
				case "MARK" -> new MarkTargetBuilder();
				default -> {
					if (Hook.ofChainName(name) != null) {
						throw error(name, "cannot jump to built-in chain " + name);
					}
					if (!Chain.isValidUserChainName(name)) {
						throw error(name, "target '" + name + "' is not supported by the model"
								+ " (ACCEPT, DROP, RETURN, REJECT, DNAT, SNAT, MASQUERADE, MARK or a user chain)");
					}
					yield fixed(name, new Target.Jump(name(name)));
				}
			};
		}

		private final class RejectBuilder extends TargetBuilder {

			Target.RejectWith with;

			RejectBuilder() {
				super("REJECT");
			}

			@Override
			boolean accepts(String option) {
				return option.equals("--reject-with");
			}

			@Override
			void option(String option) {
				if (with != null) {
					throw error(option, "REJECT: --reject-with given twice");
				}
				String v = value(option);
				with = parse(v, () -> Target.RejectWith.parse(v));
			}

			@Override
			Target build() {
				return new Target.Reject(with == null ? Target.RejectWith.ICMP_PORT_UNREACHABLE : with);
			}

		}

		private final class NatBuilder extends TargetBuilder {

			final boolean dnat;

			Target.NatRange range;

			boolean random;

			boolean randomFully;

			boolean persistent;

			NatBuilder(String name) {
				super(name);
				this.dnat = name.equals("DNAT");
			}

			@Override
			boolean accepts(String option) {
				return option.equals(dnat ? "--to-destination" : "--to-source") || option.equals("--random")
						|| option.equals("--persistent") || (!dnat && option.equals("--random-fully"));
			}

			@Override
			void option(String option) {
				switch (option) {
					case "--random" -> random = true;
					case "--random-fully" -> randomFully = true;
					case "--persistent" -> persistent = true;
					default -> {
						if (range != null) {
							throw error(option,
									name + ": several " + option + " ranges are not supported by the model");
						}
						String v = value(option);
						range = parse(v, () -> natRange(v));
					}
				}
			}

			@Override
			Target build() {
				if (range == null) {
					throw error(name, name + " needs " + (dnat ? "--to-destination" : "--to-source"));
				}
				return dnat ? new Target.Dnat(range, random, persistent)
						: new Target.Snat(range, random, randomFully, persistent);
			}

		}

		private final class MasqueradeBuilder extends TargetBuilder {

			int minPort;

			int maxPort;

			boolean random;

			boolean randomFully;

			MasqueradeBuilder() {
				super("MASQUERADE");
			}

			@Override
			boolean accepts(String option) {
				return option.equals("--to-ports") || option.equals("--random") || option.equals("--random-fully");
			}

			@Override
			void option(String option) {
				switch (option) {
					case "--random" -> random = true;
					case "--random-fully" -> randomFully = true;
					default -> {
						String v = value(option);
						int[] r = parse(v, () -> natPorts(v));
						minPort = r[0];
						maxPort = r[1];
					}
				}
			}

			@Override
			Target build() {
				return new Target.Masquerade(minPort, maxPort, random, randomFully);
			}

		}

		private final class MarkTargetBuilder extends TargetBuilder {

			Target.Mark mark;

			MarkTargetBuilder() {
				super("MARK");
			}

			@Override
			boolean accepts(String option) {
				return Set.of("--set-xmark", "--set-mark", "--or-mark", "--and-mark", "--xor-mark").contains(option);
			}

			@Override
			void option(String option) {
				if (mark != null) {
					throw error(option, "MARK: only one of --set-xmark, --set-mark, --or-mark, --and-mark, --xor-mark");
				}
				String v = value(option);
				mark = switch (option) {
					case "--set-xmark" -> {
						int[] vm = parse(v, () -> valueMask(v));
						yield Target.Mark.setXmark(vm[0], vm[1]);
					}
					case "--set-mark" -> {
						int[] vm = parse(v, () -> valueMask(v));
						yield Target.Mark.setMark(vm[0], vm[1]);
					}
					default -> {
						int bits = parse(v, () -> SaveFormat.parseUnsigned32(v));
						yield switch (option) {
							case "--or-mark" -> Target.Mark.orMark(bits);
							case "--and-mark" -> Target.Mark.andMark(bits);
							default -> Target.Mark.xorMark(bits);
						};
					}
				};
			}

			@Override
			Target build() {
				if (mark == null) {
					throw error("MARK", "MARK needs one of --set-xmark, --set-mark, --or-mark, --and-mark, --xor-mark");
				}
				return mark;
			}

		}

	}

	// ---------------------------------------------------------------- value syntax

	/**
	 * {@code a.b.c.d}, {@code a.b.c.d/n} or {@code a.b.c.d/m.m.m.m} (a contiguous mask).
	 */
	static Cidr parseCidr(String text) {
		int slash = text.indexOf('/');
		if (slash > 0 && text.indexOf('.', slash) > 0) {
			Ip addr = Ip.parse(text.substring(0, slash));
			int mask = Ip.parse(text.substring(slash + 1)).value();
			int prefix = Integer.bitCount(mask);
			if (mask != (prefix == 0 ? 0 : -1 << (32 - prefix))) {
				throw new IllegalArgumentException("'" + text + "': non-contiguous masks are not supported");
			}
			return new Cidr(addr, prefix);
		}
		return Cidr.parse(text);
	}

	/** {@code p}, {@code p:q}, {@code :q} (0:q) or {@code p:} (p:65535). */
	static Match.PortRange portRange(String text, boolean negated) {
		int colon = text.indexOf(':');
		if (colon < 0) {
			int p = port(text);
			return new Match.PortRange(p, p, negated);
		}
		int from = colon == 0 ? 0 : port(text.substring(0, colon));
		int to = colon == text.length() - 1 ? 65535 : port(text.substring(colon + 1));
		if (from > to) {
			throw new IllegalArgumentException("invalid portrange (min > max): " + text);
		}
		return new Match.PortRange(from, to, negated);
	}

	private static int port(String text) {
		if (!text.isEmpty() && !text.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("port '" + text + "' is not a number (service names are not supported)");
		}
		return (int) SaveFormat.parseDecimal(text, "port", 65535);
	}

	/** {@code value[/mask]}; the mask defaults to 0xffffffff. */
	static int[] valueMask(String text) {
		int slash = text.indexOf('/');
		if (slash < 0) {
			return new int[] { SaveFormat.parseUnsigned32(text), 0xffff_ffff };
		}
		return new int[] { SaveFormat.parseUnsigned32(text.substring(0, slash)),
				SaveFormat.parseUnsigned32(text.substring(slash + 1)) };
	}

	/** {@code ip[-ip][:port[-port]]}. */
	static Target.NatRange natRange(String text) {
		int colon = text.indexOf(':');
		String ips = colon < 0 ? text : text.substring(0, colon);
		if (ips.isEmpty()) {
			throw new IllegalArgumentException(
					"a NAT range without an address ('" + text + "') is not supported by the model");
		}
		int dash = ips.indexOf('-');
		Ip min = Ip.parse(dash < 0 ? ips : ips.substring(0, dash));
		Ip max = dash < 0 ? min : Ip.parse(ips.substring(dash + 1));
		int[] ports = colon < 0 ? new int[] { 0, 0 } : natPorts(text.substring(colon + 1));
		return new Target.NatRange(min, max, ports[0], ports[1]);
	}

	/** {@code port[-port]} for NAT targets; ports are 1..65535. */
	static int[] natPorts(String text) {
		int dash = text.indexOf('-');
		int min = port(dash < 0 ? text : text.substring(0, dash));
		int max = dash < 0 ? min : port(text.substring(dash + 1));
		if (min == 0 || min > max) {
			throw new IllegalArgumentException("bad NAT port range '" + text + "' (need 1 <= min <= max)");
		}
		return new int[] { min, max };
	}

}

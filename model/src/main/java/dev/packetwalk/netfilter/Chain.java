package dev.packetwalk.netfilter;

import java.util.List;
import java.util.Set;

/**
 * A chain of one table: a built-in chain (named after its hook, with a policy) or a user
 * chain (policy null).
 */
public record Chain(Table table, String name, Policy policy, List<Rule> rules) {

	/** iptables: chain names must be under 29 characters (XT_EXTENSION_MAXNAMELEN). */
	public static final int MAX_NAME = 28;

	static final String NAME_RULE = "a user chain name has 1.." + MAX_NAME
			+ " printable characters, does not start with '-' or '!', and is neither a built-in chain nor a target name";

	/**
	 * Standard verdicts and target extensions: iptables refuses chains named like them
	 * ("may not clash with target name").
	 */
	private static final Set<String> TARGET_NAMES = Set.of("ACCEPT", "DROP", "RETURN", "QUEUE", "NFQUEUE", "REJECT",
			"DNAT", "SNAT", "MASQUERADE", "MARK", "LOG", "NFLOG", "CT", "NOTRACK", "TPROXY", "REDIRECT", "CONNMARK",
			"TRACE", "AUDIT", "CHECKSUM", "CLASSIFY", "CONNSECMARK", "DSCP", "ECN", "HMARK", "IDLETIMER", "LED",
			"NETMAP", "RATEEST", "SECMARK", "SET", "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TTL", "ULOG");

	public Chain {
		if (table == null || name == null || rules == null) {
			throw new IllegalArgumentException("a chain needs a table, a name and a rule list");
		}
		Hook hook = Hook.ofChainName(name);
		if (hook != null) {
			if (!table.hasChain(hook)) {
				throw new IllegalArgumentException("table " + table + " has no built-in chain " + name
						+ " (and built-in chain names cannot be used for user chains)");
			}
			if (policy == null) {
				throw new IllegalArgumentException("built-in chain " + name + " needs a policy, ACCEPT or DROP");
			}
		}
		else {
			if (!isValidUserChainName(name)) {
				throw new IllegalArgumentException("'" + name + "' is not a valid chain name: " + NAME_RULE);
			}
			if (policy != null) {
				throw new IllegalArgumentException("user chain " + name + " cannot have a policy (write '-')");
			}
		}
		rules = List.copyOf(rules);
		for (Rule r : rules) {
			if (!r.chain().equals(name)) {
				throw new IllegalArgumentException(
						"rule '" + r.save() + "' belongs to chain " + r.chain() + ", not " + name);
			}
		}
	}

	public static Chain builtin(Table table, Hook hook, Policy policy, List<Rule> rules) {
		return new Chain(table, hook.chainName(), policy, rules);
	}

	public static Chain user(Table table, String name, List<Rule> rules) {
		return new Chain(table, name, null, rules);
	}

	public boolean isBuiltin() {
		return policy != null;
	}

	/** The hook of a built-in chain, or null for a user chain. */
	public Hook hook() {
		return isBuiltin() ? Hook.ofChainName(name) : null;
	}

	public static boolean isValidUserChainName(String name) {
		return name != null && name.length() <= MAX_NAME && SaveFormat.isPrintableName(name) && !name.startsWith("-")
				&& !name.startsWith("!") && Hook.ofChainName(name) == null && !TARGET_NAMES.contains(name);
	}

	/**
	 * The declaration line iptables-save prints ({@code :NAME POLICY [0:0]}); counters
	 * are not modelled.
	 */
	public String declaration() {
		return ":" + name + " " + (policy == null ? "-" : policy.name()) + " [0:0]";
	}

	public Chain withRules(List<Rule> newRules) {
		return new Chain(table, name, policy, newRules);
	}

}

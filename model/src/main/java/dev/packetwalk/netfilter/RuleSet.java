package dev.packetwalk.netfilter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.packetwalk.budget.Budget;

/**
 * An immutable iptables rule set: for each table present, its chains (built-in chains
 * with their policy, then user chains) and their rules. Parse it from
 * iptables-save/iptables-restore text with {@link #parse(String)}, print it canonically
 * with {@link #print()}, walk a packet through it with
 * {@link #evaluate(Table, Hook, EvalContext)}.
 *
 * <p>
 * Chain order is iptables-save's (nft backend, v1.8.9, observed in a network namespace):
 * the table's built-in chains in hook order, then the user chains sorted by name (byte
 * order), whatever order they were created in.
 */
public final class RuleSet {

	private final Map<Table, Map<String, Chain>> tables;

	private final Evaluator evaluator;

	private RuleSet(Map<Table, Map<String, Chain>> tables) {
		this.tables = tables;
		this.evaluator = new Evaluator(this, true);
	}

	/**
	 * An empty rule set with the given tables (their built-in chains, policy ACCEPT, no
	 * rules).
	 */
	public static RuleSet empty(Table... tables) {
		List<Chain> chains = new ArrayList<>();
		for (Table t : tables) {
			for (Hook h : t.builtinChains()) {
				chains.add(Chain.builtin(t, h, Policy.ACCEPT, List.of()));
			}
		}
		return of(chains);
	}

	/**
	 * A rule set of the given chains. Every table a chain belongs to is present; built-in
	 * chains not given are added empty with policy ACCEPT (iptables-restore creates them
	 * too). The same checks as {@link #parse(String)} apply; a refused rule set throws
	 * {@link IllegalArgumentException} naming the table, chain and rule.
	 */
	public static RuleSet of(Collection<Chain> chains) {
		Map<Table, Map<String, Chain>> byTable = new EnumMap<>(Table.class);
		for (Chain c : chains) {
			Map<String, Chain> m = byTable.computeIfAbsent(c.table(), t -> new LinkedHashMap<>());
			if (m.put(c.name(), c) != null) {
				throw new IllegalArgumentException("chain " + c.name() + " is given twice in table " + c.table());
			}
		}
		for (Map.Entry<Table, Map<String, Chain>> e : byTable.entrySet()) {
			Table table = e.getKey();
			Map<String, Chain> m = e.getValue();
			for (Chain c : m.values()) {
				for (int i = 0; i < c.rules().size(); i++) {
					String problem = TableCheck.checkRule(table, c.name(), c.rules().get(i),
							n -> m.containsKey(n) && !m.get(n).isBuiltin());
					if (problem != null) {
						throw new IllegalArgumentException(where(table, c.name(), i) + ": " + problem);
					}
				}
			}
		}
		return build(byTable, false);
	}

	/**
	 * Orders chains canonically, adds missing built-in chains and, unless the caller has
	 * already run them on the same chains ({@link RuleSetParser} does at each COMMIT, to
	 * name the line), runs the whole-table checks.
	 */
	static RuleSet build(Map<Table, Map<String, Chain>> byTable, boolean tablesChecked) {
		Map<Table, Map<String, Chain>> tables = new LinkedHashMap<>();
		for (Table table : Table.SAVE_ORDER) {
			Map<String, Chain> given = byTable.get(table);
			if (given == null) {
				continue;
			}
			Map<String, Chain> ordered = new LinkedHashMap<>();
			for (Hook h : table.builtinChains()) {
				Chain c = given.get(h.chainName());
				ordered.put(h.chainName(), c != null ? c : Chain.builtin(table, h, Policy.ACCEPT, List.of()));
			}
			Map<String, Chain> users = new TreeMap<>();
			for (Chain c : given.values()) {
				if (!c.isBuiltin()) {
					users.put(c.name(), c);
				}
			}
			ordered.putAll(users);
			TableCheck.Problem p = tablesChecked ? null : TableCheck.checkTable(table, ordered);
			if (p != null) {
				throw new IllegalArgumentException(where(table, p.chain(), p.ruleIndex()) + ": " + p.message());
			}
			tables.put(table, Collections.unmodifiableMap(ordered));
		}
		return new RuleSet(Collections.unmodifiableMap(tables));
	}

	private static String where(Table table, String chain, int index) {
		return "table " + table + ", chain " + chain + ", rule " + (index + 1);
	}

	/**
	 * Parses iptables-save / iptables-restore text: {@code # comments}, {@code *table},
	 * {@code :CHAIN POLICY
	 * [pkts:bytes]}, {@code -A}/{@code -I}/{@code -N}/{@code -X} lines and
	 * {@code COMMIT}. Anything the model does not understand, or that iptables-restore
	 * would refuse, throws {@link IptablesParseException} with the line and token.
	 */
	public static RuleSet parse(String text) {
		return new RuleSetParser(text).parse();
	}

	/** The tables present, in iptables-save order. */
	public Set<Table> tables() {
		return tables.keySet();
	}

	public boolean has(Table table) {
		return tables.containsKey(table);
	}

	/**
	 * The chains of a table in canonical order (built-in chains first, then user chains
	 * by name).
	 */
	public List<Chain> chains(Table table) {
		Map<String, Chain> m = tables.get(table);
		return m == null ? List.of() : List.copyOf(m.values());
	}

	/**
	 * A base chain: a table's built-in chain at a hook, with the priority the table
	 * registers at (lower runs first).
	 */
	public record BaseChain(Table table, Hook hook, int priority) {
	}

	/**
	 * The base chains at a hook in the order the kernel runs them, by priority: raw
	 * (-300), mangle (-150), nat's destination side (-100), filter (0), nat's source side
	 * (+100). Every table that registers at the hook is listed, so that conntrack's NAT
	 * of a known connection has its slot even where the namespace's nat table is empty;
	 * the walk skips a chain the namespace does not have.
	 */
	public List<BaseChain> baseChains(Hook hook) {
		return Table.atHook(hook).stream().map(t -> new BaseChain(t, hook, t.priorityAt(hook))).toList();
	}

	public Optional<Chain> chain(Table table, String name) {
		Map<String, Chain> m = tables.get(table);
		return Optional.ofNullable(m == null ? null : m.get(name));
	}

	/** The chain, which must exist. */
	Chain require(Table table, String name) {
		Map<String, Chain> m = tables.get(table);
		Chain c = m == null ? null : m.get(name);
		if (c == null) {
			throw new IllegalArgumentException("table " + table + " has no chain " + name
					+ (m == null ? " (the table is not in this rule set)" : ""));
		}
		return c;
	}

	/**
	 * The canonical iptables-save text: for each table present, {@code *table}, the chain
	 * declarations with {@code [0:0]} counters, the rules chain by chain, {@code COMMIT}.
	 * The {@code # Generated by}/{@code # Completed
	 * on} comment lines real iptables-save adds (with a timestamp) are left out.
	 */
	public String print() {
		StringBuilder sb = new StringBuilder();
		for (Map.Entry<Table, Map<String, Chain>> e : tables.entrySet()) {
			sb.append('*').append(e.getKey().label()).append('\n');
			for (Chain c : e.getValue().values()) {
				sb.append(c.declaration()).append('\n');
			}
			for (Chain c : e.getValue().values()) {
				for (Rule r : c.rules()) {
					sb.append(r.save()).append('\n');
				}
			}
			sb.append("COMMIT\n");
		}
		return sb.toString();
	}

	/**
	 * Walks a packet through one table's built-in chain at a hook, as the kernel's table
	 * traversal does. Mutates only {@code ctx.recent()} (the {@code -m recent} lists) and
	 * draws from {@code ctx.random()}.
	 */
	public EvalResult evaluate(Table table, Hook hook, EvalContext ctx) {
		return evaluator.evaluate(table, hook, ctx, Budget.UNLIMITED);
	}

	/**
	 * {@link #evaluate(Table, Hook, EvalContext)} that stops when the budget runs out
	 * (checked as rules are read).
	 */
	public EvalResult evaluate(Table table, Hook hook, EvalContext ctx, Budget budget) {
		return evaluator.evaluate(table, hook, ctx, budget);
	}

	/**
	 * The same walk with a plain linear scan of every chain: the reference the indexed
	 * walk is tested against.
	 */
	EvalResult evaluateLinear(Table table, Hook hook, EvalContext ctx) {
		return new Evaluator(this, false).evaluate(table, hook, ctx, Budget.UNLIMITED);
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof RuleSet other && tables.equals(other.tables);
	}

	@Override
	public int hashCode() {
		return tables.hashCode();
	}

	@Override
	public String toString() {
		return print();
	}

}

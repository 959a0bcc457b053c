package dev.packetwalk.netfilter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.packet.Packet;

/**
 * The kernel's table traversal ({@code ipt_do_table}): walk the built-in chain,
 * jump/goto/return through user chains with a stack, stop at the first terminal target or
 * at the built-in chain's policy.
 */
final class Evaluator {

	/**
	 * A safety bound; loops are refused at load time and nesting is at most 15 deep, so
	 * this is never reached.
	 */
	static final int MAX_RULES_EVALUATED = 50_000_000;

	private final RuleSet ruleSet;

	private final boolean indexed;

	/** Per table and chain name; built once, immutable afterwards. */
	private final Map<Table, Map<String, ChainIndex>> indexes = new HashMap<>();

	Evaluator(RuleSet ruleSet, boolean indexed) {
		this.ruleSet = ruleSet;
		this.indexed = indexed;
		if (indexed) {
			for (Table t : ruleSet.tables()) {
				Map<String, ChainIndex> m = new HashMap<>();
				for (Chain c : ruleSet.chains(t)) {
					ChainIndex idx = ChainIndex.of(c.rules());
					if (idx != null) {
						m.put(c.name(), idx);
					}
				}
				indexes.put(t, m);
			}
		}
	}

	private record Frame(Chain chain, int next) {
	}

	EvalResult evaluate(Table table, Hook hook, EvalContext ctx, dev.packetwalk.budget.Budget budget) {
		if (!table.hasChain(hook)) {
			throw new IllegalArgumentException(
					"table " + table + " has no " + hook + " chain: it does not run at that hook");
		}
		Chain chain = ruleSet.require(table, hook.chainName());
		Map<String, ChainIndex> tableIndexes = indexes.getOrDefault(table, Map.of());
		Packet packet = ctx.packet();
		int mark = packet.mark();
		List<RuleHit> hits = new ArrayList<>();
		Walk walk = new Walk();
		Deque<Frame> stack = new ArrayDeque<>();
		int evaluated = 0;
		int i = 0;
		while (true) {
			if (i >= chain.rules().size()) {
				// fell off the end: a user chain returns, a built-in chain applies its
				// policy
				// (a goto from the built-in chain leaves the stack empty: then too the
				// policy applies)
				if (stack.isEmpty()) {
					return policy(table, ruleSet.require(table, hook.chainName()), mark, hits, evaluated, walk);
				}
				Frame f = stack.pop();
				walk.add(new Walked.Returned(chain.name(), f.chain().name()));
				chain = f.chain();
				i = f.next();
				continue;
			}
			ChainIndex idx = indexed ? tableIndexes.get(chain.name()) : null;
			if (idx != null) {
				int end = idx.runEnd(i);
				if (end > i) {
					int candidate = idx.nextCandidate(i, packet);
					int next = candidate < 0 ? end : candidate;
					evaluated += next - i;
					walk.skip(chain, i, next);
					i = next;
					if (candidate < 0) {
						continue;
					}
				}
			}
			Rule rule = chain.rules().get(i);
			budget.tick();
			if (++evaluated > MAX_RULES_EVALUATED) {
				throw new IllegalStateException(
						"evaluation bound of " + MAX_RULES_EVALUATED + " rules exceeded in " + table);
			}
			long[] draw = { -1 };
			if (!matches(rule, ctx, mark, draw)) {
				if (draw[0] >= 0) {
					walk.add(new Walked.Tested(chain.name(), i + 1, rule, null, fraction(draw[0])));
				}
				else {
					walk.skip(chain, i, i + 1);
				}
				i++;
				continue;
			}
			int number = i + 1;
			double drawn = draw[0] >= 0 ? fraction(draw[0]) : -1;
			switch (rule.target()) {
				case Target.None n -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.CONTINUE, drawn));
					i++;
				}
				case Target.Mark m -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.MARK, drawn));
					mark = m.apply(mark);
					i++;
				}
				case Target.Jump j -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.JUMP, drawn));
					stack.push(new Frame(chain, i + 1));
					chain = ruleSet.require(table, j.chain());
					i = 0;
				}
				case Target.Goto g -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.GOTO, drawn));
					chain = ruleSet.require(table, g.chain());
					i = 0;
				}
				case Target.Return r -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.RETURN, drawn));
					if (stack.isEmpty()) {
						return policy(table, ruleSet.require(table, hook.chainName()), mark, hits, evaluated, walk);
					}
					Frame f = stack.pop();
					walk.add(new Walked.Returned(chain.name(), f.chain().name()));
					chain = f.chain();
					i = f.next();
				}
				case Target.Accept a -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.TERMINAL, drawn));
					return new EvalResult(Verdict.ACCEPT, null, mark, hits, null, evaluated, walk.entries);
				}
				case Target.Drop d -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.TERMINAL, drawn));
					return new EvalResult(Verdict.DROP, null, mark, hits, null, evaluated, walk.entries);
				}
				case Target.Reject rj -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.TERMINAL, drawn));
					return new EvalResult(new Verdict.Reject(rj.with()), null, mark, hits, null, evaluated,
							walk.entries);
				}
				case Target.Nat nat -> {
					hits.add(walk.hit(table, chain, number, rule, RuleHit.Action.TERMINAL, drawn));
					return new EvalResult(Verdict.ACCEPT, nat, mark, hits, null, evaluated, walk.entries);
				}
			}
		}
	}

	private static EvalResult policy(Table table, Chain builtin, int mark, List<RuleHit> hits, int evaluated,
			Walk walk) {
		walk.add(new Walked.PolicyApplied(builtin.name(), builtin.policy()));
		Verdict v = switch (builtin.policy()) {
			case ACCEPT -> Verdict.ACCEPT;
			case DROP -> Verdict.DROP;
		};
		return new EvalResult(v, null, mark, hits,
				new EvalResult.AppliedPolicy(table, builtin.name(), builtin.policy()), evaluated, walk.entries);
	}

	/**
	 * A statistic draw ({@code random & 0x7fffffff}) as the fraction of 2^31 the kernel
	 * compares with the probability.
	 */
	private static double fraction(long draw) {
		return (double) draw / SaveFormat.STATISTIC_SCALE;
	}

	/**
	 * The walk as it is recorded: consecutive non-matching rules of one chain merge into
	 * one run.
	 */
	private static final class Walk {

		final List<Walked> entries = new ArrayList<>();

		void add(Walked w) {
			entries.add(w);
		}

		/**
		 * Rules at 0-based positions {@code from} (inclusive) to {@code to} (exclusive)
		 * did not match.
		 */
		void skip(Chain chain, int from, int to) {
			if (to <= from) {
				return;
			}
			if (!entries.isEmpty() && entries.getLast() instanceof Walked.Skipped s && s.chain() == chain
					&& s.to() == from) {
				entries.set(entries.size() - 1, new Walked.Skipped(chain, s.from(), to));
				return;
			}
			entries.add(new Walked.Skipped(chain, from + 1, to));
		}

		RuleHit hit(Table table, Chain chain, int number, Rule rule, RuleHit.Action action, double draw) {
			Match.Statistic st = rule.statistic();
			RuleHit h = new RuleHit(table, chain.name(), number, rule.save(), action, rule.target(), rule.comment(),
					st == null ? null : st.probability(), draw < 0 ? null : draw);
			entries.add(new Walked.Tested(chain.name(), number, rule, h, draw));
			return h;
		}

	}

	/**
	 * All matches, in kernel order (header checks first), stopping at the first that
	 * fails.
	 */
	static boolean matches(Rule rule, EvalContext ctx, int mark) {
		return matches(rule, ctx, mark, new long[] { -1 });
	}

	/**
	 * The same, keeping in {@code draw[0]} what a statistic match drew (untouched when
	 * none was reached).
	 */
	private static boolean matches(Rule rule, EvalContext ctx, int mark, long[] draw) {
		for (Match m : rule.matches()) {
			if (m instanceof Match.Statistic st) {
				int random = ctx.random().nextInt();
				draw[0] = random & 0x7fff_ffffL;
				if (!st.matches(random)) {
					return false;
				}
				continue;
			}
			if (!matches(m, ctx, mark)) {
				return false;
			}
		}
		return true;
	}

	private static boolean matches(Match match, EvalContext ctx, int mark) {
		Packet p = ctx.packet();
		return switch (match) {
			case Match.Source s -> s.cidr().contains(p.src()) != s.negated();
			case Match.Destination d -> d.cidr().contains(p.dst()) != d.negated();
			case Match.InInterface in -> in.matches(ctx.inDev());
			case Match.OutInterface out -> out.matches(ctx.outDev());
			case Match.Proto pr -> (p.ip().protocol() == pr.protocol()) != pr.negated();
			case Match.Ports ports -> p.ip().protocol() == ports.protocol()
					&& (ports.sport() == null || ports.sport().contains(p.l4().srcPort()))
					&& (ports.dport() == null || ports.dport().contains(p.l4().dstPort()));
			case Match.Comment c -> true;
			case Match.Mark m -> m.matches(mark);
			case Match.Conntrack ct -> {
				boolean any = ct.states().contains(ctx.ctState().bit())
						|| (ctx.ctDnat() && ct.states().contains(CtStateBit.DNAT))
						|| (ctx.ctSnat() && ct.states().contains(CtStateBit.SNAT));
				yield any != ct.negated();
			}
			case Match.AddrType at -> (at.src() == null || ctx.isLocal().test(p.src()) != at.src().negated())
					&& (at.dst() == null || ctx.isLocal().test(p.dst()) != at.dst().negated());
			case Match.Statistic st -> st.matches(ctx.random().nextInt());
			case Match.Recent r -> ctx.recent().match(r, p.src(), p.dst(), ctx.now());
			case Match.IpSet set -> ctx.ipSets().test(set.setName(), set.directions(), p) != set.negated();
			case Match.Ipvs v -> ctx.ipvs() == null ? v.matches(p.ip().protocol().number(), null, -1, false)
					: v.matches(p.ip().protocol().number(), ctx.ipvs().vaddr(), ctx.ipvs().vport(), true);
		};
	}

}

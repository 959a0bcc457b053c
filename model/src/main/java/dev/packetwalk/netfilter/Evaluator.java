package dev.packetwalk.netfilter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.packet.Packet;

/**
 * The kernel's table traversal ({@code ipt_do_table}): walk the built-in chain, jump/goto/return through user
 * chains with a stack, stop at the first terminal target or at the built-in chain's policy.
 */
final class Evaluator {

	/** A safety bound; loops are refused at load time and nesting is at most 15 deep, so this is never reached. */
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

	EvalResult evaluate(Table table, Hook hook, EvalContext ctx) {
		if (!table.hasChain(hook)) {
			throw new IllegalArgumentException("table " + table + " has no " + hook + " chain: it does not run at that hook");
		}
		Chain chain = ruleSet.require(table, hook.chainName());
		Map<String, ChainIndex> tableIndexes = indexes.getOrDefault(table, Map.of());
		Packet packet = ctx.packet();
		int mark = packet.mark();
		List<RuleHit> hits = new ArrayList<>();
		Deque<Frame> stack = new ArrayDeque<>();
		int evaluated = 0;
		int i = 0;
		while (true) {
			if (i >= chain.rules().size()) {
				// fell off the end: a user chain returns, a built-in chain applies its policy
				// (a goto from the built-in chain leaves the stack empty: then too the policy applies)
				if (stack.isEmpty()) {
					return policy(table, ruleSet.require(table, hook.chainName()), mark, hits, evaluated);
				}
				Frame f = stack.pop();
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
					i = next;
					if (candidate < 0) {
						continue;
					}
				}
			}
			Rule rule = chain.rules().get(i);
			if (++evaluated > MAX_RULES_EVALUATED) {
				throw new IllegalStateException("evaluation bound of " + MAX_RULES_EVALUATED + " rules exceeded in " + table);
			}
			if (!matches(rule, ctx, mark)) {
				i++;
				continue;
			}
			int number = i + 1;
			switch (rule.target()) {
				case Target.None n -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.CONTINUE));
					i++;
				}
				case Target.Mark m -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.MARK));
					mark = m.apply(mark);
					i++;
				}
				case Target.Jump j -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.JUMP));
					stack.push(new Frame(chain, i + 1));
					chain = ruleSet.require(table, j.chain());
					i = 0;
				}
				case Target.Goto g -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.GOTO));
					chain = ruleSet.require(table, g.chain());
					i = 0;
				}
				case Target.Return r -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.RETURN));
					if (stack.isEmpty()) {
						return policy(table, ruleSet.require(table, hook.chainName()), mark, hits, evaluated);
					}
					Frame f = stack.pop();
					chain = f.chain();
					i = f.next();
				}
				case Target.Accept a -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.TERMINAL));
					return new EvalResult(Verdict.ACCEPT, null, mark, hits, null, evaluated);
				}
				case Target.Drop d -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.TERMINAL));
					return new EvalResult(Verdict.DROP, null, mark, hits, null, evaluated);
				}
				case Target.Reject rj -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.TERMINAL));
					return new EvalResult(new Verdict.Reject(rj.with()), null, mark, hits, null, evaluated);
				}
				case Target.Nat nat -> {
					hits.add(hit(table, chain, number, rule, RuleHit.Action.TERMINAL));
					return new EvalResult(Verdict.ACCEPT, nat, mark, hits, null, evaluated);
				}
			}
		}
	}

	private static EvalResult policy(Table table, Chain builtin, int mark, List<RuleHit> hits, int evaluated) {
		Verdict v = switch (builtin.policy()) {
			case ACCEPT -> Verdict.ACCEPT;
			case DROP -> Verdict.DROP;
		};
		return new EvalResult(v, null, mark, hits, new EvalResult.AppliedPolicy(table, builtin.name(), builtin.policy()),
				evaluated);
	}

	private static RuleHit hit(Table table, Chain chain, int number, Rule rule, RuleHit.Action action) {
		return new RuleHit(table, chain.name(), number, rule.save(), action, rule.target(), rule.comment());
	}

	/** All matches, in kernel order (header checks first), stopping at the first that fails. */
	static boolean matches(Rule rule, EvalContext ctx, int mark) {
		for (Match m : rule.matches()) {
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
		};
	}

}

package dev.packetwalk.netfilter;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one table traversal at one hook.
 *
 * @param verdict ACCEPT, DROP or REJECT
 * @param nat the NAT target that ended a nat-table traversal (the engine applies it
 * through conntrack), or null
 * @param mark the packet mark after the traversal (MARK targets change it)
 * @param hits every rule that matched, in order
 * @param policy the built-in chain policy that decided, or null when a rule decided
 * @param rulesEvaluated how many rules a linear kernel walk tested, matched or not
 * @param walk the whole walk in order: every rule tested (runs of misses merged), returns
 * and the policy
 */
public record EvalResult(Verdict verdict, Target.Nat nat, int mark, List<RuleHit> hits, AppliedPolicy policy,
		int rulesEvaluated, List<Walked> walk) {

	/**
	 * A built-in chain's policy applied: the packet fell off (or RETURNed from) the
	 * chain.
	 */
	public record AppliedPolicy(Table table, String chain, Policy policy) {
	}

	public EvalResult {
		if (verdict == null || hits == null || rulesEvaluated < 0) {
			throw new IllegalArgumentException("a result needs a verdict, a hit list and a non-negative rule count");
		}
		if (nat != null && !(verdict instanceof Verdict.Accept)) {
			throw new IllegalArgumentException("a NAT target always accepts the packet");
		}
		hits = List.copyOf(hits);
		walk = List.copyOf(walk);
	}

	public Optional<Target.Nat> natAction() {
		return Optional.ofNullable(nat);
	}

	public Optional<AppliedPolicy> appliedPolicy() {
		return Optional.ofNullable(policy);
	}

	public boolean accepted() {
		return verdict instanceof Verdict.Accept;
	}

}

package dev.packetwalk.netfilter;

/**
 * A rule that matched during a traversal.
 *
 * @param ruleNumber 1-based position in its chain, as {@code iptables -L --line-numbers}
 * shows it
 * @param ruleText the canonical iptables-save line ({@code -A CHAIN ...})
 * @param action what the match did to the traversal
 * @param target the rule's target
 * @param comment the rule's {@code -m comment --comment} text, or null
 * @param probability the probability of the rule's {@code -m statistic --mode random}
 * match, or null
 * @param draw what that match drew, as a fraction of 2^31 (it matched:
 * {@code draw < probability}), or null
 */
public record RuleHit(Table table, String chain, int ruleNumber, String ruleText, Action action, Target target,
		String comment, Double probability, Double draw) {

	/** What a matching rule did. */
	public enum Action {

		/** {@code -j CHAIN}: entered a user chain, will come back. */
		JUMP,
		/** {@code -g CHAIN}: entered a user chain, will not come back. */
		GOTO,
		/** {@code -j RETURN}. */
		RETURN,
		/** {@code -j MARK}: changed the mark and went on. */
		MARK,
		/** ACCEPT, DROP, REJECT or a NAT target: ended the table traversal. */
		TERMINAL,
		/** A rule without a target: only counted. */
		CONTINUE

	}

	public RuleHit {
		if (table == null || chain == null || ruleText == null || action == null || target == null || ruleNumber < 1) {
			throw new IllegalArgumentException(
					"a rule hit names its table, chain, 1-based rule number, text, action and target");
		}
	}

}

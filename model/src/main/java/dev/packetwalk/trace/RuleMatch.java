package dev.packetwalk.trace;

import java.util.List;

/**
 * A netfilter rule that matched during a traversal, in real {@code iptables-save} syntax,
 * with what the page needs typed (never parsed out of the rule text).
 *
 * @param effect the target as the rule writes it, without {@code -j}/{@code -g}
 * ({@code KUBE-SEP-…}, {@code DNAT --to-destination 10.244.1.9:80})
 * @param action what the match did to the walk: {@code JUMP}, {@code GOTO},
 * {@code RETURN}, {@code MARK}, {@code TERMINAL} (ACCEPT, DROP, REJECT, a NAT target) or
 * {@code CONTINUE} (no target)
 * @param target the target's name ({@code KUBE-SEP-…}, {@code DNAT}, {@code ACCEPT}, …),
 * or null for a rule without a target
 * @param comment the rule's {@code -m comment --comment} text, or null
 * @param probability the probability of its {@code -m statistic --mode random} match, or
 * null
 * @param draw what that match drew, as a fraction in [0, 1) (it matches when
 * {@code draw < probability}), or null
 * @param lookups nftables: the set and verdict-map lookups the rule made, in order (the
 * key, and the element found or null), or null where it made none
 * @param numgen nftables: the rule's {@code numgen random mod N} draw (the value and the
 * element's verdict), or null
 */
public record RuleMatch(String chain, int number, String rule, String effect, String action, String target,
		String comment, Double probability, Double draw, List<Step.Nftables.Lookup> lookups,
		Step.Nftables.Draw numgen) {

	/** An iptables rule: no nftables lookup or numgen draw. */
	public RuleMatch(String chain, int number, String rule, String effect, String action, String target, String comment,
			Double probability, Double draw) {
		this(chain, number, rule, effect, action, target, comment, probability, draw, null, null);
	}

	public RuleMatch {
		lookups = lookups == null || lookups.isEmpty() ? null : List.copyOf(lookups);
		if (chain == null || rule == null || effect == null || action == null || number < 0) {
			throw new IllegalArgumentException("a rule match names its chain, number, rule text, effect and action");
		}
		if (draw != null && probability == null) {
			throw new IllegalArgumentException("only a statistic rule draws");
		}
	}

}

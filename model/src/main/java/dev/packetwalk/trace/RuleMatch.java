package dev.packetwalk.trace;

/** A netfilter rule that matched during a traversal, in real {@code iptables-save} syntax. */
public record RuleMatch(String chain, int number, String rule, String effect) {

	public RuleMatch {
		if (chain == null || rule == null || effect == null || number < 0) {
			throw new IllegalArgumentException("a rule match names its chain, number, rule text and effect");
		}
	}

}

package dev.packetwalk.netfilter;

/**
 * One entry of a table traversal's walk, in the order the kernel went: runs of rules
 * tested that did not match, a rule that matched (or a {@code -m statistic} rule that
 * drew and missed), a user chain the walk fell off (back to its caller), and the built-in
 * chain's policy.
 */
public sealed interface Walked {

	/**
	 * Rules {@code from}..{@code to} (1-based, inclusive) of {@code chain} were tested
	 * and did not match.
	 */
	record Skipped(Chain chain, int from, int to) implements Walked {
		public Skipped {
			if (chain == null || from < 1 || to < from || to > chain.rules().size()) {
				throw new IllegalArgumentException("a skipped run is a range of rules of its chain");
			}
		}

		public int count() {
			return to - from + 1;
		}
	}

	/**
	 * A rule that matched ({@code hit} not null), or a statistic rule whose draw missed
	 * ({@code hit} null, {@code draw} set).
	 *
	 * @param draw the draw of its {@code -m statistic} match as a fraction of 2^31 (what
	 * the kernel compares with the probability), or a negative number when the rule drew
	 * nothing
	 */
	record Tested(String chain, int number, Rule rule, RuleHit hit, double draw) implements Walked {
		public Tested {
			if (chain == null || rule == null || number < 1) {
				throw new IllegalArgumentException("a tested rule names its chain, 1-based number and rule");
			}
			if (hit == null && draw < 0) {
				throw new IllegalArgumentException("a rule that did not match is listed alone only when it drew");
			}
		}
	}

	/**
	 * The walk reached the end of user chain {@code chain} and went back to {@code to}.
	 */
	record Returned(String chain, String to) implements Walked {
	}

	/** The walk ended in the built-in chain's policy. */
	record PolicyApplied(String chain, Policy policy) implements Walked {
	}

}

package dev.packetwalk.trace;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * One entry of a netfilter step's {@code walk}: the table traversal rule by rule, in the
 * order the kernel went (docs/api.md, "The rule walk").
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({ @JsonSubTypes.Type(RuleWalk.Skipped.class), @JsonSubTypes.Type(RuleWalk.Tested.class),
		@JsonSubTypes.Type(RuleWalk.Return.class), @JsonSubTypes.Type(RuleWalk.Policy.class) })
public sealed interface RuleWalk {

	/**
	 * Rules {@code from}..{@code to} (1-based, as {@code iptables -L --line-numbers}
	 * counts) of {@code chain}, tested in order, none of which matched.
	 *
	 * @param rules their text, one per rule; empty when the step already lists
	 * {@link #MAX_LISTED} rules (the count still says how many were tested)
	 */
	@JsonTypeName("skipped")
	record Skipped(String chain, int from, int to, List<String> rules) implements RuleWalk {
		public Skipped {
			rules = List.copyOf(rules);
			if (chain == null || from < 1 || to < from || !(rules.isEmpty() || rules.size() == to - from + 1)) {
				throw new IllegalArgumentException(
						"a skipped run is a range of its chain's rules, with all their texts or none");
			}
		}
	}

	/**
	 * One rule on its own: one that matched ({@code matched}: {@code hit} says what it
	 * did), a {@code -m statistic} rule that drew and missed ({@code hit} has its
	 * probability and draw), or an nftables rule whose set or map lookup found no element
	 * ({@code hit} has the lookup).
	 */
	@JsonTypeName("rule")
	record Tested(boolean matched, RuleMatch hit) implements RuleWalk {
		public Tested {
			if (hit == null || (!matched && hit.draw() == null && hit.lookups() == null)) {
				throw new IllegalArgumentException("a rule listed alone matched, drew or looked up");
			}
		}
	}

	/**
	 * The walk fell off the end of user chain {@code chain} and went back to {@code to},
	 * after the jump.
	 */
	@JsonTypeName("return")
	record Return(String chain, String to) implements RuleWalk {
	}

	/**
	 * No rule decided: the built-in chain's policy ({@code ACCEPT} or {@code DROP}) did
	 * (an nftables base chain's: {@code accept}).
	 */
	@JsonTypeName("policy")
	record Policy(String chain, String policy) implements RuleWalk {
	}

	/**
	 * Rule texts listed per step at most; a longer walk (thousands of Services) keeps
	 * counts only beyond it.
	 */
	int MAX_LISTED = 2000;

}

package dev.packetwalk.netfilter;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The load-time checks iptables-restore and the kernel make, observed against iptables
 * v1.8.9 (nf_tables): which table and hook a target may run at, where
 * {@code -i}/{@code -o} make sense, jump loops and nesting depth.
 */
final class TableCheck {

	/**
	 * nf_tables' NFT_JUMP_STACK_SIZE: a user chain may sit at most 15 jumps/gotos below a
	 * built-in chain.
	 */
	static final int MAX_DEPTH = 15;

	/**
	 * A problem found in a table: the rule (0-based index in its chain) that the kernel
	 * would refuse.
	 */
	record Problem(String chain, int ruleIndex, String message) {
	}

	private TableCheck() {
	}

	/**
	 * Checks one rule where it is appended; returns the reason it is refused, or null.
	 */
	static String checkRule(Table table, String chainName, Rule rule, Predicate<String> isUserChain) {
		Target target = rule.target();
		String jumpTo = Target.chainEntered(target);
		if (jumpTo != null && !isUserChain.test(jumpTo)) {
			return "Chain '" + jumpTo + "' does not exist in table " + table;
		}
		String targetName = targetName(target);
		if (target instanceof Target.Nat && table != Table.NAT) {
			return targetName + " is only valid in the nat table, not " + table;
		}
		if (target instanceof Target.Drop && table == Table.NAT) {
			return "The \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited";
		}
		if (target instanceof Target.Reject && table != Table.FILTER) {
			return "REJECT is only valid in the filter table, not " + table + " (iptables-nft refuses it elsewhere)";
		}
		Hook hook = Hook.ofChainName(chainName);
		if (hook != null) {
			for (Match m : rule.matches()) {
				if (m instanceof Match.InInterface && !hook.hasInDevice()) {
					return "Can't use -i with " + hook + " (there is no input device at that hook)";
				}
				if (m instanceof Match.OutInterface && !hook.hasOutDevice()) {
					return "Can't use -o with " + hook + " (there is no output device at that hook)";
				}
			}
			Set<Hook> allowed = allowedHooks(target);
			if (!allowed.contains(hook)) {
				return targetName + " is only valid in " + allowed + " (and chains reached from them), not " + hook;
			}
		}
		return null;
	}

	/**
	 * Whole-table checks, once all rules are in: loops, nesting depth and the hooks that
	 * reach NAT targets.
	 */
	static Problem checkTable(Table table, Map<String, Chain> chains) {
		// The hook check does not depend on the loop and depth checks (it stops at chains
		// it has seen): in a large
		// table it runs on another core meanwhile. Its problem is reported only when
		// those found none, as in turn.
		java.util.concurrent.CompletableFuture<Problem> natHooks = chains.size() >= PARALLEL_CHAINS
				? java.util.concurrent.CompletableFuture.supplyAsync(() -> checkNatHooks(table, chains)) : null;
		Map<String, Integer> height = new HashMap<>();
		for (Hook hook : table.builtinChains()) {
			Problem p = findLoop(chains, hook.chainName(), new ArrayList<>(), new HashSet<>(), height);
			if (p != null) {
				return p;
			}
		}
		for (Hook hook : table.builtinChains()) {
			if (height.get(hook.chainName()) > MAX_DEPTH) {
				return tooDeep(chains, hook, height);
			}
		}
		return natHooks != null ? natHooks.join() : checkNatHooks(table, chains);
	}

	/**
	 * Tables with at least this many chains are checked on two cores
	 * ({@link #checkTable}).
	 */
	static final int PARALLEL_CHAINS = 5_000;

	private static Problem checkNatHooks(Table table, Map<String, Chain> chains) {
		Map<String, ChainSummary> summaries = new HashMap<>();
		for (Hook hook : table.builtinChains()) {
			Problem p = checkNatHooks(chains, hook, summaries);
			if (p != null) {
				return p;
			}
		}
		return null;
	}

	private static String jumpTarget(Rule rule) {
		return Target.chainEntered(rule.target());
	}

	/**
	 * Depth-first search for a loop; {@code path} holds the chains on the current stack
	 * (and {@code onPath} the same, for a constant-time test). On the way back it records
	 * each chain's height: the longest run of jumps below it.
	 */
	private static Problem findLoop(Map<String, Chain> chains, String name, List<String> path, Set<String> onPath,
			Map<String, Integer> height) {
		path.add(name);
		onPath.add(name);
		Chain chain = chains.get(name);
		int h = 0;
		for (int i = 0; i < chain.rules().size(); i++) {
			String to = jumpTarget(chain.rules().get(i));
			if (to == null) {
				continue;
			}
			if (onPath.contains(to)) {
				List<String> loop = new ArrayList<>(path.subList(path.indexOf(to), path.size()));
				loop.add(to);
				return new Problem(name, i, "jump loop " + String.join(" -> ", loop)
						+ " (iptables-restore refuses loops reachable from a built-in chain: Too many links)");
			}
			Integer below = height.get(to);
			if (below == null) {
				Problem p = findLoop(chains, to, path, onPath, height);
				if (p != null) {
					return p;
				}
				below = height.get(to);
			}
			h = Math.max(h, 1 + below);
		}
		height.put(name, h);
		path.remove(path.size() - 1);
		onPath.remove(name);
		return null;
	}

	/**
	 * Follows the deepest jumps from a built-in chain to the rule that goes one level too
	 * deep.
	 */
	private static Problem tooDeep(Map<String, Chain> chains, Hook hook, Map<String, Integer> height) {
		String name = hook.chainName();
		for (int depth = 0;; depth++) {
			Chain chain = chains.get(name);
			int need = height.get(name) - 1;
			for (int i = 0; i < chain.rules().size(); i++) {
				String to = jumpTarget(chain.rules().get(i));
				if (to != null && height.get(to) == need) {
					if (depth + 1 > MAX_DEPTH) {
						return new Problem(name, i, "chain " + to + " would be nested " + (depth + 1) + " jumps below "
								+ hook + "; iptables-nft allows at most " + MAX_DEPTH + " (Too many links)");
					}
					name = to;
					break;
				}
			}
		}
	}

	/**
	 * What the hook check needs of one chain, computed once per table however many hooks
	 * reach it: the chains it jumps to (each once, in rule order) and the hooks every one
	 * of its targets may run at.
	 */
	private record ChainSummary(List<String> jumps, Set<Hook> allowed) {

		static ChainSummary of(Chain chain) {
			java.util.LinkedHashSet<String> jumps = new java.util.LinkedHashSet<>();
			EnumSet<Hook> allowed = EnumSet.allOf(Hook.class);
			for (Rule rule : chain.rules()) {
				String to = jumpTarget(rule);
				if (to != null) {
					jumps.add(to);
				}
				Set<Hook> a = allowedHooks(rule.target());
				if (a != ALL_HOOKS) {
					allowed.retainAll(a);
				}
			}
			return new ChainSummary(List.copyOf(jumps), allowed);
		}

	}

	/**
	 * NAT targets in user chains are valid only if every built-in chain reaching them may
	 * hold them.
	 */
	private static Problem checkNatHooks(Map<String, Chain> chains, Hook hook, Map<String, ChainSummary> summaries) {
		java.util.Deque<String> todo = new java.util.ArrayDeque<>();
		Set<String> seen = new HashSet<>();
		todo.add(hook.chainName());
		while (!todo.isEmpty()) {
			Chain chain = chains.get(todo.poll());
			ChainSummary summary = summaries.computeIfAbsent(chain.name(), n -> ChainSummary.of(chain));
			if (!chain.isBuiltin() && !summary.allowed().contains(hook)) {
				for (int i = 0; i < chain.rules().size(); i++) {
					Rule rule = chain.rules().get(i);
					if (!allowedHooks(rule.target()).contains(hook)) {
						return new Problem(chain.name(), i,
								targetName(rule.target()) + " in chain " + chain.name() + " is reached from " + hook
										+ ", but it is only valid in " + allowedHooks(rule.target()));
					}
				}
			}
			for (String to : summary.jumps()) {
				if (seen.add(to)) {
					todo.add(to);
				}
			}
		}
		return null;
	}

	private static final Set<Hook> DNAT_HOOKS = java.util.Collections
		.unmodifiableSet(EnumSet.of(Hook.PREROUTING, Hook.OUTPUT));

	private static final Set<Hook> SNAT_HOOKS = java.util.Collections
		.unmodifiableSet(EnumSet.of(Hook.INPUT, Hook.POSTROUTING));

	private static final Set<Hook> MASQUERADE_HOOKS = java.util.Collections
		.unmodifiableSet(EnumSet.of(Hook.POSTROUTING));

	private static final Set<Hook> REJECT_HOOKS = java.util.Collections
		.unmodifiableSet(EnumSet.of(Hook.INPUT, Hook.FORWARD, Hook.OUTPUT));

	private static final Set<Hook> ALL_HOOKS = java.util.Collections.unmodifiableSet(EnumSet.allOf(Hook.class));

	/**
	 * The hooks a target may be used from (a shared, unmodifiable set: this runs for
	 * every rule of a table).
	 */
	static Set<Hook> allowedHooks(Target target) {
		return switch (target) {
			case Target.Dnat d -> DNAT_HOOKS;
			case Target.Snat s -> SNAT_HOOKS;
			case Target.Masquerade m -> MASQUERADE_HOOKS;
			case Target.Reject r -> REJECT_HOOKS;
			case Target.Accept a -> ALL_HOOKS;
			case Target.Drop d -> ALL_HOOKS;
			case Target.Return r -> ALL_HOOKS;
			case Target.None n -> ALL_HOOKS;
			case Target.Jump j -> ALL_HOOKS;
			case Target.Goto g -> ALL_HOOKS;
			case Target.Mark m -> ALL_HOOKS;
		};
	}

	static String targetName(Target target) {
		return switch (target) {
			case Target.Dnat d -> "DNAT";
			case Target.Snat s -> "SNAT";
			case Target.Masquerade m -> "MASQUERADE";
			case Target.Reject r -> "REJECT";
			case Target.Accept a -> "ACCEPT";
			case Target.Drop d -> "DROP";
			case Target.Return r -> "RETURN";
			case Target.None n -> "(no target)";
			case Target.Jump j -> j.chain();
			case Target.Goto g -> g.chain();
			case Target.Mark m -> "MARK";
		};
	}

}

package dev.packetwalk.netfilter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.packet.Packet;

/**
 * The kernel's walk of one nftables base chain ({@code nft_do_chain}): rules in order,
 * each rule's statements left to right (a failed match ends the rule), {@code jump}
 * pushes the return point, {@code goto} does not, {@code return} or falling off a regular
 * chain pops, falling off (or returning from) the base chain applies its policy (accept).
 * A verdict map lookup that finds no element ends the rule like a failed match; one that
 * finds an element applies the element's verdict. {@code numgen random mod N} draws
 * {@code reciprocal_scale(get_random_u32(), N)}.
 */
public final class NftEvaluator {

	/** Nesting bound of the kernel's jump stack ({@code NFT_JUMP_STACK_SIZE}). */
	static final int JUMP_STACK = 16;

	/**
	 * The dynamic sets of one namespace ({@code update @set { ip saddr }}), with each
	 * element's expiry (seconds).
	 */
	public static final class DynamicSets {

		private final Map<String, Map<Ip, Long>> sets = new HashMap<>();

		boolean contains(String set, Ip ip, long now) {
			Map<Ip, Long> m = sets.get(set);
			Long exp = m == null ? null : m.get(ip);
			return exp != null && exp > now;
		}

		void update(String set, Ip ip, long expires) {
			sets.computeIfAbsent(set, k -> new HashMap<>()).put(ip, expires);
		}

		/**
		 * The elements that were live at {@code before} and whose timeout ran out by
		 * {@code now}, as {@code @set: address}, sorted.
		 */
		public java.util.List<String> expiredBetween(long before, long now) {
			java.util.List<String> out = new java.util.ArrayList<>();
			sets.forEach((set, m) -> m.forEach((ip, exp) -> {
				if (exp > before && exp <= now) {
					out.add("@" + set + ": " + ip);
				}
			}));
			java.util.Collections.sort(out);
			return out;
		}

	}

	/**
	 * Everything a traversal reads besides the rules.
	 *
	 * @param packet the packet, its mark as the traversal starts
	 * @param inDev the input device ({@code iifname}), or null where the hook has none
	 * @param ctState its conntrack state
	 * @param isLocal whether an address is local to the namespace
	 * ({@code fib … type local})
	 * @param random the kernel's random numbers ({@code numgen random})
	 * @param dynamic the namespace's dynamic set elements (read and updated)
	 * @param now the time in seconds (set element timeouts)
	 */
	public record Context(Packet packet, String inDev, CtState ctState, Predicate<Ip> isLocal, RandomSource random,
			DynamicSets dynamic, long now) {
	}

	/**
	 * A rule that matched: its chain, 1-based position, text as {@code nft list} prints
	 * it, and what it did.
	 */
	public record Hit(String chain, int number, String rule, String effect, String comment) {
	}

	/** A set or map lookup: the key, and the element found (as nft prints it) or null. */
	public record Lookup(String set, String key, String element) {
	}

	/** A {@code numgen random mod N} draw: the value and the verdict it selected. */
	public record Draw(int mod, int value, String verdict) {
	}

	/**
	 * One step of the traversal, in the order the kernel went: a rule tested, the return
	 * from a chain jumped to, or the base chain's policy.
	 */
	public sealed interface Walked permits Walked.Tested, Walked.Returned, Walked.PolicyApplied {

		/**
		 * A rule tested: its chain, 1-based position and rule; the hit when it matched
		 * (else null); the set and map lookups it made, in order (a NodePort rule makes
		 * two: {@code @nodeport-ips}, then {@code @service-nodeports}) and its numgen
		 * draw (else null).
		 */
		record Tested(String chain, int number, NftRuleset.NftRule rule, Hit hit, List<Lookup> lookups,
				Draw draw) implements Walked {
			public Tested {
				lookups = List.copyOf(lookups);
			}
		}

		/**
		 * Fell off (or returned from) {@code chain}, back to {@code to} after the jump.
		 */
		record Returned(String chain, String to) implements Walked {
		}

		/** Nothing decided: the base chain's policy (accept) did. */
		record PolicyApplied(String chain) implements Walked {
		}

	}

	/**
	 * The outcome of one base chain.
	 *
	 * @param verdict accept, drop or reject
	 * @param nat the NAT statement that ended the chain (dnat, masquerade), as the engine
	 * applies NAT, or null
	 * @param mark the mark after the traversal
	 * @param hits every rule that matched, in order
	 * @param lookups every set and map lookup, in order
	 * @param draws every numgen draw
	 * @param rulesEvaluated rules tested, matched or not
	 * @param policy whether the chain's policy decided (nothing ended the traversal)
	 * @param walk every rule tested, every return and the policy, in order
	 */
	public record Result(Verdict verdict, Target.Nat nat, int mark, List<Hit> hits, List<Lookup> lookups,
			List<Draw> draws, int rulesEvaluated, boolean policy, List<Walked> walk) {
	}

	private record Frame(NftRuleset.NftChain chain, int next) {
	}

	private NftEvaluator() {
	}

	public static Result evaluate(NftRuleset rs, NftRuleset.NftChain base, Context ctx) {
		Packet p = ctx.packet();
		int mark = p.mark();
		List<Hit> hits = new ArrayList<>();
		List<Lookup> lookups = new ArrayList<>();
		List<Draw> draws = new ArrayList<>();
		List<Walked> walk = new ArrayList<>();
		Deque<Frame> stack = new ArrayDeque<>();
		NftRuleset.NftChain chain = base;
		int i = 0;
		int evaluated = 0;
		while (true) {
			if (i >= chain.rules().size()) {
				if (stack.isEmpty()) {
					walk.add(new Walked.PolicyApplied(base.name()));
					return new Result(Verdict.ACCEPT, null, mark, hits, lookups, draws, evaluated, true, walk);
				}
				Frame f = stack.pop();
				walk.add(new Walked.Returned(chain.name(), f.chain().name()));
				chain = f.chain();
				i = f.next();
				continue;
			}
			NftRuleset.NftRule rule = chain.rules().get(i);
			evaluated++;
			NftStatement.Verdict verdict = null;
			Target.Nat nat = null;
			boolean matched = true;
			String effect = null;
			List<Lookup> ruleLookups = new ArrayList<>();
			Draw draw = null;
			for (NftStatement s : rule.statements()) {
				switch (s) {
					case NftStatement.CtState c -> matched = ctx.ctState() == CtState.NEW;
					case NftStatement.IifName n -> matched = n.matches(ctx.inDev());
					case NftStatement.AddrMatch a -> matched = a.matches(addr(p, a.side()));
					case NftStatement.AddrInSet a -> {
						Ip ip = addr(p, a.side());
						boolean in = inSet(rs, a.set(), ip, ctx);
						Lookup lookup = new Lookup(a.set(), ip.toString(), in ? ip.toString() : null);
						lookups.add(lookup);
						ruleLookups.add(lookup);
						matched = in != a.negated();
					}
					case NftStatement.Fib f -> matched = ctx.isLocal().test(addr(p, f.side()));
					case NftStatement.L4Proto l -> matched = p.ip().protocol() == l.protocol();
					case NftStatement.PortMatch pm -> matched = p.ip().protocol() == pm.protocol()
							&& (pm.source() ? p.l4().srcPort() : p.l4().dstPort()) == pm.port();
					case NftStatement.MarkCheck m -> matched = (mark & m.mask()) == m.value();
					case NftStatement.MarkSet m -> {
						mark = m.apply(mark);
						effect = "mark set " + NftStatement.hex8(mark);
					}
					case NftStatement.UpdateSet u -> {
						NftRuleset.NftSet set = rs.set(u.set());
						long timeout = set.timeout() == null ? Long.MAX_VALUE / 2
								: Long.parseLong(set.timeout().substring(0, set.timeout().length() - 1));
						ctx.dynamic().update(u.set(), addr(p, u.side()), ctx.now() + timeout);
						effect = "update @" + u.set() + " { " + addr(p, u.side()) + " }";
					}
					case NftStatement.MapLookup m -> {
						String key = key(p, m.key());
						NftRuleset.Element el = key == null ? null : element(rs.set(m.map()), key);
						Lookup lookup = new Lookup(m.map(), key == null ? "(no ports)" : key,
								el == null ? null : el.text());
						lookups.add(lookup);
						ruleLookups.add(lookup);
						if (el == null) {
							matched = false;
						}
						else {
							verdict = el.verdict();
						}
					}
					case NftStatement.Numgen n -> {
						int value = (int) ((Integer.toUnsignedLong(ctx.random().nextInt()) * n.mod()) >>> 32);
						verdict = n.verdicts().get(value);
						draw = new Draw(n.mod(), value, verdict.text());
						draws.add(draw);
					}
					case NftStatement.Verdict v -> verdict = v;
					case NftStatement.Dnat d ->
						nat = d.port() == 0 ? new Target.Dnat(Target.NatRange.of(d.ip()), false, false)
								: Target.Dnat.to(d.ip(), d.port());
					case NftStatement.Masquerade m -> nat = new Target.Masquerade(0, 0, false, m.fullyRandom());
				}
				if (!matched || verdict != null || nat != null) {
					break;
				}
			}
			int number = i + 1;
			if (!matched) {
				walk.add(new Walked.Tested(chain.name(), number, rule, null, ruleLookups, draw));
				i++;
				continue;
			}
			if (nat != null) {
				hits.add(new Hit(chain.name(), number, rule.text(), natText(nat), rule.comment()));
				walk.add(new Walked.Tested(chain.name(), number, rule, hits.getLast(), ruleLookups, draw));
				return new Result(Verdict.ACCEPT, nat, mark, hits, lookups, draws, evaluated, false, walk);
			}
			if (verdict == null) {
				hits.add(new Hit(chain.name(), number, rule.text(), effect == null ? "continue" : effect,
						rule.comment()));
				walk.add(new Walked.Tested(chain.name(), number, rule, hits.getLast(), ruleLookups, draw));
				i++;
				continue;
			}
			hits.add(new Hit(chain.name(), number, rule.text(), verdict.text(), rule.comment()));
			walk.add(new Walked.Tested(chain.name(), number, rule, hits.getLast(), ruleLookups, draw));
			switch (verdict.kind()) {
				case ACCEPT -> {
					return new Result(Verdict.ACCEPT, null, mark, hits, lookups, draws, evaluated, false, walk);
				}
				case DROP -> {
					return new Result(Verdict.DROP, null, mark, hits, lookups, draws, evaluated, false, walk);
				}
				case REJECT -> {
					return new Result(new Verdict.Reject(Target.RejectWith.ICMP_PORT_UNREACHABLE), null, mark, hits,
							lookups, draws, evaluated, false, walk);
				}
				case RETURN -> {
					if (stack.isEmpty()) {
						walk.add(new Walked.PolicyApplied(base.name()));
						return new Result(Verdict.ACCEPT, null, mark, hits, lookups, draws, evaluated, true, walk);
					}
					Frame f = stack.pop();
					walk.add(new Walked.Returned(chain.name(), f.chain().name()));
					chain = f.chain();
					i = f.next();
				}
				case JUMP -> {
					if (stack.size() >= JUMP_STACK) {
						throw new IllegalStateException("nft jump stack overflow in " + chain.name());
					}
					stack.push(new Frame(chain, i + 1));
					chain = rs.chain(verdict.chain());
					i = 0;
				}
				case GOTO -> {
					chain = rs.chain(verdict.chain());
					i = 0;
				}
			}
		}
	}

	private static String natText(Target.Nat nat) {
		return switch (nat) {
			case Target.Dnat d -> "dnat to " + d.to();
			case Target.Masquerade m -> "masquerade" + (m.randomFully() ? " fully-random" : "");
			case Target.Snat s -> "snat to " + s.to();
		};
	}

	private static Ip addr(Packet p, NftStatement.Side side) {
		return side == NftStatement.Side.SADDR ? p.src() : p.dst();
	}

	private static boolean inSet(NftRuleset rs, String name, Ip ip, Context ctx) {
		NftRuleset.NftSet set = rs.set(name);
		if (set.flags().contains("dynamic")) {
			return ctx.dynamic().contains(name, ip, ctx.now());
		}
		for (NftRuleset.Element e : set.elements()) {
			if (Cidr.parse(e.key()).contains(ip)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The concatenated key as nft prints it ({@code 172.30.0.41 . tcp . 80}), or null
	 * without transport ports.
	 */
	private static String key(Packet p, List<NftStatement.KeyPart> parts) {
		StringBuilder sb = new StringBuilder();
		for (NftStatement.KeyPart k : parts) {
			String v = switch (k) {
				case DADDR -> p.dst().toString();
				case L4PROTO -> p.ip().protocol().lower();
				case TH_DPORT ->
					p.l4() instanceof dev.packetwalk.packet.Transport.Icmp ? null : Integer.toString(p.l4().dstPort());
			};
			if (v == null) {
				return null;
			}
			sb.append(sb.isEmpty() ? "" : " . ").append(v);
		}
		return sb.toString();
	}

	private static NftRuleset.Element element(NftRuleset.NftSet map, String key) {
		for (NftRuleset.Element e : map.elements()) {
			if (e.key().equals(key)) {
				return e;
			}
		}
		return null;
	}

}

package dev.packetwalk.netfilter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Packet;

/**
 * A lookup that lets the evaluator skip, without testing them one by one, the rules of a
 * long run of "service dispatch" rules
 * ({@code [-d ip/32] -p tcp|udp|sctp [-m comment] -m tcp|udp|sctp --dport N -j X}, as in
 * KUBE-SERVICES and KUBE-NODEPORTS) that cannot match the packet. Such rules have no side
 * effects (no statistic, no recent), so skipping them changes nothing but the time taken;
 * the evaluator still counts them as evaluated, as a linear kernel walk would.
 */
final class ChainIndex {

	/** Shorter runs are scanned linearly. */
	static final int MIN_RUN = 8;

	private record Run(int start, int end, Map<Long, int[]> byDestination, Map<Integer, int[]> anyDestination) {
	}

	/** For each rule index, the run it belongs to, or null. */
	private final Run[] runAt;

	private ChainIndex(Run[] runAt) {
		this.runAt = runAt;
	}

	/** The index of a chain's rules, or null when the chain has no run worth indexing. */
	static ChainIndex of(List<Rule> rules) {
		if (rules.size() < MIN_RUN) {
			return null;
		}
		Run[] runAt = new Run[rules.size()];
		boolean any = false;
		int i = 0;
		while (i < rules.size()) {
			if (key(rules.get(i)) == null) {
				i++;
				continue;
			}
			int start = i;
			while (i < rules.size() && key(rules.get(i)) != null) {
				i++;
			}
			if (i - start >= MIN_RUN) {
				Run run = build(rules, start, i);
				Arrays.fill(runAt, start, i, run);
				any = true;
			}
		}
		return any ? new ChainIndex(runAt) : null;
	}

	private static Run build(List<Rule> rules, int start, int end) {
		Map<Long, List<Integer>> exact = new HashMap<>();
		Map<Integer, List<Integer>> wild = new HashMap<>();
		for (int i = start; i < end; i++) {
			Key k = key(rules.get(i));
			if (k.hasDestination()) {
				exact.computeIfAbsent(packed(k.destination(), k.protocol(), k.port()), x -> new ArrayList<>()).add(i);
			}
			else {
				wild.computeIfAbsent(packed(k.protocol(), k.port()), x -> new ArrayList<>()).add(i);
			}
		}
		Map<Long, int[]> e = new HashMap<>();
		exact.forEach((k, v) -> e.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
		Map<Integer, int[]> w = new HashMap<>();
		wild.forEach((k, v) -> w.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
		return new Run(start, end, e, w);
	}

	private record Key(boolean hasDestination, int destination, Protocol protocol, int port) {
	}

	/**
	 * The rule's dispatch key if it is a pure {@code [-d ip/32] -p P --dport N} rule
	 * (comments allowed), else null.
	 */
	static Key key(Rule rule) {
		Integer dst = null;
		Protocol proto = null;
		Integer port = null;
		for (Match m : rule.matches()) {
			switch (m) {
				case Match.Destination d when !d.negated() && d.cidr().prefix() == 32 ->
					dst = d.cidr().address().value();
				case Match.Proto p when !p.negated() -> proto = p.protocol();
				case Match.Ports p when p.sport() == null && p.dport() != null && p.dport().isSingle()
						&& !p.dport().negated() ->
					port = p.dport().from();
				case Match.Comment c -> {
				}
				// anything else keeps the rule out of the index: it is walked in order
				case Match.Destination d -> {
					return null;
				}
				case Match.Proto p -> {
					return null;
				}
				case Match.Ports p -> {
					return null;
				}
				case Match.Source x -> {
					return null;
				}
				case Match.InInterface x -> {
					return null;
				}
				case Match.OutInterface x -> {
					return null;
				}
				case Match.Mark x -> {
					return null;
				}
				case Match.Conntrack x -> {
					return null;
				}
				case Match.AddrType x -> {
					return null;
				}
				case Match.Statistic x -> {
					return null;
				}
				case Match.Recent x -> {
					return null;
				}
				case Match.IpSet x -> {
					return null;
				}
				case Match.Ipvs x -> {
					return null;
				}
			}
		}
		if (proto == null || port == null) {
			return null;
		}
		return new Key(dst != null, dst == null ? 0 : dst, proto, port);
	}

	private static long packed(int dst, Protocol proto, int port) {
		return ((dst & 0xffff_ffffL) << 24) | ((long) proto.number() << 16) | port;
	}

	private static int packed(Protocol proto, int port) {
		return (proto.number() << 16) | port;
	}

	/**
	 * The end (exclusive) of the indexed run that rule {@code i} is in, or {@code i} when
	 * it is in none.
	 */
	int runEnd(int i) {
		Run r = runAt[i];
		return r == null ? i : r.end();
	}

	/**
	 * The first rule at or after {@code i}, within {@code i}'s run, whose key fits the
	 * packet; -1 when none does. Rule {@code i} must be in a run.
	 */
	int nextCandidate(int i, Packet packet) {
		Run r = runAt[i];
		Protocol proto = packet.ip().protocol();
		if (proto == Protocol.ICMP) {
			// an indexed rule matches a destination port: ICMP has none
			return -1;
		}
		int port = packet.l4().dstPort();
		int a = next(r.byDestination().get(packed(packet.dst().value(), proto, port)), i);
		int b = next(r.anyDestination().get(packed(proto, port)), i);
		if (a < 0) {
			return b;
		}
		return b < 0 ? a : Math.min(a, b);
	}

	private static int next(int[] sorted, int from) {
		if (sorted == null) {
			return -1;
		}
		int pos = Arrays.binarySearch(sorted, from);
		if (pos < 0) {
			pos = -pos - 1;
		}
		return pos < sorted.length ? sorted[pos] : -1;
	}

}

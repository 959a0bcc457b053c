package dev.packetwalk.netfilter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.packetwalk.net.Protocol;

/**
 * One iptables rule. The matches are kept in kernel/iptables-save order: the IP header
 * checks ({@code -s -d -i -o
 * -p}) first, then the match extensions in the order they were given. The original text
 * is not kept; {@link #save()} prints the canonical form.
 */
public record Rule(String chain, List<Match> matches, Target target) {

	/** The rule's {@code -m comment --comment} text (the first, if several), or null. */
	public String comment() {
		for (Match m : matches) {
			if (m instanceof Match.Comment c) {
				return c.text();
			}
		}
		return null;
	}

	/** The rule's {@code -m statistic --mode random} match, or null. */
	public Match.Statistic statistic() {
		for (Match m : matches) {
			if (m instanceof Match.Statistic st) {
				return st;
			}
		}
		return null;
	}

	public Rule {
		if (chain == null || matches == null || target == null) {
			throw new IllegalArgumentException(
					"a rule needs a chain, a match list and a target (Target.NONE for none)");
		}
		matches = inHeaderOrder(matches);
		Match.Proto proto = null;
		Match.Ports ports = null;
		for (int i = 0; i < matches.size(); i++) {
			Match m = matches.get(i);
			if (m.headerOrder() >= 0 && i + 1 < matches.size() && matches.get(i + 1).headerOrder() == m.headerOrder()) {
				throw new IllegalArgumentException("a rule has at most one "
						+ m.save().replaceFirst("^! ", "").split(" ")[0] + " (iptables: multiple flags not allowed)");
			}
			if (m instanceof Match.Proto p) {
				proto = p;
			}
			if (m instanceof Match.Ports p) {
				if (ports != null) {
					throw new IllegalArgumentException("a rule has at most one -m tcp/-m udp/-m sctp match");
				}
				ports = p;
			}
		}
		if (ports != null && (proto == null || proto.negated() || proto.protocol() != ports.protocol())) {
			throw new IllegalArgumentException(
					ports.protocol().name() + " match requires '-p " + ports.protocol().lower() + "'");
		}
		boolean withPorts = proto != null && !proto.negated() && (proto.protocol() == Protocol.TCP
				|| proto.protocol() == Protocol.UDP || proto.protocol() == Protocol.SCTP);
		boolean natPorts = Target.rewritesPorts(target);
		if (natPorts && !withPorts) {
			throw new IllegalArgumentException("a NAT port range needs '-p tcp', '-p udp' or '-p sctp'"
					+ " (iptables: Need TCP, UDP, SCTP or DCCP with port specification)");
		}
		if (target instanceof Target.Reject r && r.with() == Target.RejectWith.TCP_RESET
				&& (proto == null || proto.negated() || proto.protocol() != Protocol.TCP)) {
			throw new IllegalArgumentException("REJECT --reject-with tcp-reset needs '-p tcp'");
		}
	}

	/**
	 * The matches with the IP header checks first, in header order (a stable sort; no
	 * copy to sort when in order).
	 */
	private static List<Match> inHeaderOrder(List<Match> matches) {
		int last = -1;
		boolean ordered = true;
		for (Match m : matches) {
			int order = m.headerOrder() < 0 ? Integer.MAX_VALUE : m.headerOrder();
			if (order < last) {
				ordered = false;
				break;
			}
			last = order;
		}
		if (ordered) {
			return List.copyOf(matches);
		}
		List<Match> sorted = new ArrayList<>(matches);
		sorted.sort(Comparator.comparingInt(m -> m.headerOrder() < 0 ? Integer.MAX_VALUE : m.headerOrder()));
		return List.copyOf(sorted);
	}

	public static Rule of(String chain, Target target, Match... matches) {
		return new Rule(chain, List.of(matches), target);
	}

	/** The canonical rule text without the {@code -A CHAIN} prefix. */
	public String spec() {
		StringBuilder sb = new StringBuilder();
		for (Match m : matches) {
			sb.append(' ').append(m.save());
		}
		String t = target.save();
		if (!t.isEmpty()) {
			sb.append(' ').append(t);
		}
		return sb.isEmpty() ? "" : sb.substring(1);
	}

	/** The canonical line as iptables-save prints it: {@code -A CHAIN spec}. */
	public String save() {
		String spec = spec();
		return "-A " + chain + (spec.isEmpty() ? "" : " " + spec);
	}

	@Override
	public String toString() {
		return save();
	}

}

package dev.packetwalk.netfilter;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;

/**
 * One condition of a rule. The first five kinds are the IP header checks every iptables
 * rule carries ({@code -s}, {@code -d}, {@code -i}, {@code -o}, {@code -p});
 * iptables-save prints them first in that order, whatever the input order was. The others
 * are match extensions ({@code -m NAME}), printed in the order they were loaded.
 */
public sealed interface Match permits Match.Source, Match.Destination, Match.InInterface, Match.OutInterface,
		Match.Proto, Match.Ports, Match.Comment, Match.Mark, Match.Conntrack, Match.AddrType, Match.Statistic,
		Match.Recent, Match.IpSet, Match.Ipvs {

	/** Canonical iptables-save text of this match, without a leading blank. */
	String save();

	/**
	 * Where a header check is printed (0..4), or -1 for a match extension printed in rule
	 * order.
	 */
	default int headerOrder() {
		return -1;
	}

	private static String not(boolean negated) {
		return negated ? "! " : "";
	}

	/**
	 * {@code [!] -s address/prefix}; the host bits are cleared, as the kernel stores the
	 * address masked.
	 */
	record Source(Cidr cidr, boolean negated) implements Match {
		public Source {
			cidr = checkAddress("-s", cidr);
		}

		@Override
		public String save() {
			return not(negated) + "-s " + cidr;
		}

		@Override
		public int headerOrder() {
			return 0;
		}
	}

	/** {@code [!] -d address/prefix}. */
	record Destination(Cidr cidr, boolean negated) implements Match {
		public Destination {
			cidr = checkAddress("-d", cidr);
		}

		@Override
		public String save() {
			return not(negated) + "-d " + cidr;
		}

		@Override
		public int headerOrder() {
			return 1;
		}
	}

	private static Cidr checkAddress(String option, Cidr cidr) {
		if (cidr == null) {
			throw new IllegalArgumentException(option + " needs an address");
		}
		if (cidr.prefix() == 0) {
			throw new IllegalArgumentException(option + " with a /0 prefix matches every address: leave the match out"
					+ " (iptables-save drops it; '! " + option + " 0.0.0.0/0' is refused by iptables-nft)");
		}
		return cidr.asNetwork();
	}

	/**
	 * {@code [!] -i name}; a trailing {@code +} matches every device whose name starts
	 * with the rest.
	 */
	record InInterface(String name, boolean negated) implements Match {
		public InInterface {
			checkInterface("-i", name, negated);
		}

		@Override
		public String save() {
			return not(negated) + "-i " + name;
		}

		@Override
		public int headerOrder() {
			return 2;
		}

		public boolean matches(String device) {
			return interfaceMatches(name, device) != negated;
		}
	}

	/** {@code [!] -o name}. */
	record OutInterface(String name, boolean negated) implements Match {
		public OutInterface {
			checkInterface("-o", name, negated);
		}

		@Override
		public String save() {
			return not(negated) + "-o " + name;
		}

		@Override
		public int headerOrder() {
			return 3;
		}

		public boolean matches(String device) {
			return interfaceMatches(name, device) != negated;
		}
	}

	/** IFNAMSIZ is 16 bytes including the terminating NUL. */
	int MAX_INTERFACE_NAME = 15;

	private static void checkInterface(String option, String name, boolean negated) {
		if (name == null || name.isEmpty() || name.length() > MAX_INTERFACE_NAME || !SaveFormat.isPrintableName(name)
				|| name.indexOf('/') >= 0) {
			throw new IllegalArgumentException(option + " needs an interface name of 1.." + MAX_INTERFACE_NAME
					+ " printable characters without '/', was '" + name + "'");
		}
		if (name.equals("+") && !negated) {
			throw new IllegalArgumentException(
					option + " + matches every device: leave the match out (iptables-save drops it)");
		}
	}

	/** The kernel compares against the empty name when the hook has no such device. */
	private static boolean interfaceMatches(String pattern, String device) {
		String dev = device == null ? "" : device;
		if (pattern.endsWith("+")) {
			return dev.startsWith(pattern.substring(0, pattern.length() - 1));
		}
		return dev.equals(pattern);
	}

	/** {@code [!] -p tcp|udp|sctp|icmp}. ({@code -p all} is no match at all.) */
	record Proto(Protocol protocol, boolean negated) implements Match {
		public Proto {
			if (protocol == null) {
				throw new IllegalArgumentException("-p needs a protocol");
			}
		}

		@Override
		public String save() {
			return not(negated) + "-p " + protocol.lower();
		}

		@Override
		public int headerOrder() {
			return 4;
		}
	}

	/**
	 * An inclusive port range, optionally negated; a single port has {@code from == to}.
	 */
	record PortRange(int from, int to, boolean negated) {
		public PortRange {
			if (from < 0 || to > 65535 || from > to) {
				throw new IllegalArgumentException(
						"a port range needs 0 <= min <= max <= 65535, was " + from + ":" + to);
			}
			if (negated && from == 0 && to == 65535) {
				throw new IllegalArgumentException("! 0:65535 never matches (and iptables-nft silently drops it)");
			}
		}

		public static PortRange single(int port) {
			return new PortRange(port, port, false);
		}

		public boolean isSingle() {
			return from == to;
		}

		boolean isAll() {
			return from == 0 && to == 65535 && !negated;
		}

		public boolean contains(int port) {
			return (port >= from && port <= to) != negated;
		}

		String save(String option) {
			return " " + not(negated) + option + " " + (from == to ? Integer.toString(from) : from + ":" + to);
		}
	}

	/**
	 * {@code -m tcp|udp|sctp [[!] --sport p[:q]] [[!] --dport p[:q]]}; a null range
	 * checks nothing. A full, non-negated range checks nothing either and is dropped, as
	 * iptables-save does.
	 */
	record Ports(Protocol protocol, PortRange sport, PortRange dport) implements Match {
		public Ports {
			if (protocol != Protocol.TCP && protocol != Protocol.UDP && protocol != Protocol.SCTP) {
				throw new IllegalArgumentException("port matches exist for tcp, udp and sctp only, not " + protocol);
			}
			if (sport != null && sport.isAll()) {
				sport = null;
			}
			if (dport != null && dport.isAll()) {
				dport = null;
			}
		}

		public static Ports dport(Protocol protocol, int port) {
			return new Ports(protocol, null, PortRange.single(port));
		}

		@Override
		public String save() {
			return "-m " + protocol.lower() + (sport == null ? "" : sport.save("--sport"))
					+ (dport == null ? "" : dport.save("--dport"));
		}
	}

	/** XT_MAX_COMMENT_LEN is 256 bytes including the NUL. */
	int MAX_COMMENT = 255;

	/**
	 * {@code -m comment --comment TEXT}: always matches; printed quoted unless it is a
	 * plain word.
	 */
	record Comment(String text) implements Match {
		public Comment {
			if (text == null || text.length() > MAX_COMMENT) {
				throw new IllegalArgumentException("a comment is at most " + MAX_COMMENT + " characters");
			}
			if (text.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
				throw new IllegalArgumentException(
						"a comment cannot hold control characters (iptables-save is line based)");
			}
		}

		@Override
		public String save() {
			return "-m comment --comment " + SaveFormat.quote(text);
		}
	}

	/**
	 * {@code -m mark [!] --mark value[/mask]}: matches when
	 * {@code (skb mark & mask) == value}.
	 */
	record Mark(int value, int mask, boolean negated) implements Match {
		public static Mark of(int value) {
			return new Mark(value, 0xffff_ffff, false);
		}

		public boolean matches(int mark) {
			return ((mark & mask) == value) != negated;
		}

		@Override
		public String save() {
			return "-m mark " + not(negated) + "--mark " + SaveFormat.hex(value)
					+ (mask == 0xffff_ffff ? "" : "/" + SaveFormat.hex(mask));
		}
	}

	/**
	 * {@code -m conntrack [!] --ctstate LIST}: matches when the packet's state is in the
	 * list (or not, negated).
	 */
	record Conntrack(Set<CtStateBit> states, boolean negated) implements Match {
		public Conntrack {
			if (states == null || states.isEmpty()) {
				throw new IllegalArgumentException("--ctstate needs at least one state");
			}
			states = java.util.Collections.unmodifiableSet(EnumSet.copyOf(states));
		}

		public static Conntrack of(CtStateBit... states) {
			return new Conntrack(EnumSet.copyOf(List.of(states)), false);
		}

		@Override
		public String save() {
			StringJoiner j = new StringJoiner(",");
			for (CtStateBit b : CtStateBit.values()) {
				if (states.contains(b)) {
					j.add(b.name());
				}
			}
			return "-m conntrack " + not(negated) + "--ctstate " + j;
		}
	}

	/** The address types {@code -m addrtype} can test; the model knows LOCAL only. */
	enum AddressType {

		LOCAL

	}

	/** One side of an addrtype match. */
	record TypeTest(AddressType type, boolean negated) {
		public TypeTest {
			if (type == null) {
				throw new IllegalArgumentException("an addrtype test needs a type");
			}
		}
	}

	/** {@code -m addrtype [[!] --src-type T] [[!] --dst-type T]}; at least one side. */
	record AddrType(TypeTest src, TypeTest dst) implements Match {
		public AddrType {
			if (src == null && dst == null) {
				throw new IllegalArgumentException("addrtype needs --src-type or --dst-type");
			}
		}

		@Override
		public String save() {
			StringBuilder sb = new StringBuilder("-m addrtype");
			if (src != null) {
				sb.append(' ').append(not(src.negated())).append("--src-type ").append(src.type());
			}
			if (dst != null) {
				sb.append(' ').append(not(dst.negated())).append("--dst-type ").append(dst.type());
			}
			return sb.toString();
		}
	}

	/**
	 * {@code -m statistic --mode random [!] --probability P}. The probability is kept as
	 * the kernel keeps it, a 31-bit fraction {@code lround(P * 2^31)}; it matches when
	 * {@code (random & 0x7fffffff) < threshold}.
	 */
	record Statistic(long threshold, boolean negated) implements Match {
		public Statistic {
			if (threshold < 0 || threshold > SaveFormat.STATISTIC_SCALE) {
				throw new IllegalArgumentException("a statistic probability must be between 0 and 1");
			}
		}

		public static Statistic probability(double p) {
			if (!(p >= 0 && p <= 1)) {
				throw new IllegalArgumentException("--probability must be between 0 and 1, was " + p);
			}
			return new Statistic(SaveFormat.scaleProbability(p), false);
		}

		public double probability() {
			return (double) threshold / SaveFormat.STATISTIC_SCALE;
		}

		public boolean matches(int random) {
			return ((random & 0x7fff_ffffL) < threshold) != negated;
		}

		@Override
		public String save() {
			return "-m statistic --mode random " + not(negated) + "--probability " + SaveFormat.probability(threshold);
		}
	}

	/** What a recent match does with the list. */
	enum RecentCommand {

		SET("--set"), RCHECK("--rcheck"), UPDATE("--update"), REMOVE("--remove");

		private final String option;

		RecentCommand(String option) {
			this.option = option;
		}

		public String option() {
			return option;
		}

	}

	/** Which address a recent match records and looks up. */
	enum RecentSide {

		SOURCE("--rsource"), DEST("--rdest");

		private final String option;

		RecentSide(String option) {
			this.option = option;
		}

		public String option() {
			return option;
		}

	}

	/** xt_recent's default list name. */
	String RECENT_DEFAULT_NAME = "DEFAULT";

	/** XT_RECENT_NAME_LEN is 200 bytes including the NUL. */
	int MAX_RECENT_NAME = 199;

	/**
	 * xt_recent's ip_pkt_list_tot default: timestamps kept per address, and the largest
	 * --hitcount.
	 */
	int RECENT_STAMPS = 20;

	/**
	 * {@code -m recent}: xt_recent's per-name lists of addresses with their last-seen
	 * times.
	 *
	 * @param seconds 0 = not given
	 * @param hitCount 0 = not given
	 * @param mask applied to the address before it is stored or looked up
	 * (255.255.255.255 by default)
	 */
	record Recent(String name, RecentCommand command, boolean negated, long seconds, int hitCount, boolean reap,
			Ip mask, RecentSide side) implements Match {
		public Recent {
			if (!SaveFormat.isPrintableName(name) || name.length() > MAX_RECENT_NAME) {
				throw new IllegalArgumentException(
						"a recent list needs a name of 1.." + MAX_RECENT_NAME + " printable characters");
			}
			if (command == null || mask == null || side == null) {
				throw new IllegalArgumentException(
						"recent needs a command (--set, --rcheck, --update or --remove), a mask and a side");
			}
			boolean checks = command == RecentCommand.RCHECK || command == RecentCommand.UPDATE;
			if (!checks && (seconds != 0 || hitCount != 0 || reap)) {
				throw new IllegalArgumentException(
						"recent: --seconds, --hitcount and --reap go with --rcheck or --update only");
			}
			if (reap && seconds == 0) {
				throw new IllegalArgumentException("recent: --reap needs --seconds");
			}
			if (seconds < 0 || seconds > 0xffff_ffffL) {
				throw new IllegalArgumentException("recent: --seconds must fit in 32 bits");
			}
			if (hitCount < 0 || hitCount > RECENT_STAMPS) {
				throw new IllegalArgumentException(
						"recent: --hitcount must be 0.." + RECENT_STAMPS + " (ip_pkt_list_tot)");
			}
		}

		public static Recent set(String name) {
			return new Recent(name, RecentCommand.SET, false, 0, 0, false, new Ip(-1), RecentSide.SOURCE);
		}

		public static Recent rcheck(String name, long seconds, boolean reap) {
			return new Recent(name, RecentCommand.RCHECK, false, seconds, 0, reap, new Ip(-1), RecentSide.SOURCE);
		}

		@Override
		public String save() {
			StringBuilder sb = new StringBuilder("-m recent ").append(not(negated)).append(command.option());
			if (seconds != 0) {
				sb.append(" --seconds ").append(seconds);
			}
			if (reap) {
				sb.append(" --reap");
			}
			if (hitCount != 0) {
				sb.append(" --hitcount ").append(hitCount);
			}
			sb.append(" --name ").append(name).append(" --mask ").append(mask).append(' ').append(side.option());
			return sb.toString();
		}
	}

	/** IPSET_MAXNAMELEN is 32 bytes including the NUL; IPSET_DIM_MAX is 6. */
	int MAX_IPSET_NAME = 31;

	/**
	 * {@code -m set [!] --match-set NAME dir[,dir…]}: asks an ipset whether it holds the
	 * packet's element.
	 */
	record IpSet(String setName, List<IpSetDirection> directions, boolean negated) implements Match {
		public IpSet {
			if (!SaveFormat.isPrintableName(setName) || setName.length() > MAX_IPSET_NAME) {
				throw new IllegalArgumentException(
						"an ipset needs a name of 1.." + MAX_IPSET_NAME + " printable characters");
			}
			if (directions == null || directions.isEmpty() || directions.size() > 6) {
				throw new IllegalArgumentException("--match-set needs 1..6 src/dst flags");
			}
			directions = List.copyOf(directions);
		}

		@Override
		public String save() {
			StringJoiner j = new StringJoiner(",");
			directions.forEach(d -> j.add(d.label()));
			return "-m set " + not(negated) + "--match-set " + setName + " " + j;
		}
	}

	/**
	 * {@code -m ipvs} ({@code xt_ipvs}): whether the packet belongs to an IPVS
	 * connection, and that connection's virtual service. Each of {@code --vproto},
	 * {@code --vaddr} and {@code --vport} implies {@code --ipvs}: a packet IPVS has not
	 * handled never matches them, negated or not. iptables-save prints {@code --vproto}
	 * as a number, then {@code --vaddr} (no /32), then {@code --vport}; a lone
	 * {@code [!] --ipvs} is printed only when no other option is given.
	 *
	 * @param property {@code --ipvs} given alone ({@code null} when not)
	 * @param protocol the {@code --vproto} protocol number, or -1
	 * @param vaddr the {@code --vaddr} address/prefix, or null
	 * @param vport the {@code --vport} port, or -1
	 */
	record Ipvs(Boolean property, int protocol, boolean protocolNegated, Cidr vaddr, boolean vaddrNegated, int vport,
			boolean vportNegated) implements Match {
		public Ipvs {
			if (protocol < -1 || protocol > 255 || vport < -1 || vport > 65535) {
				throw new IllegalArgumentException("ipvs: --vproto must be 0..255 and --vport 0..65535");
			}
			boolean options = protocol >= 0 || vaddr != null || vport >= 0;
			if (property == null && !options) {
				throw new IllegalArgumentException("IPVS: At least one option is required");
			}
			if (Boolean.FALSE.equals(property) && options) {
				throw new IllegalArgumentException("! --ipvs cannot be together with other options");
			}
			if (vaddr != null) {
				vaddr = new Cidr(new Ip(vaddr.address().value() & vaddr.mask()), vaddr.prefix());
			}
			// a negation belongs to an option given; --ipvs is implied by the others
			protocolNegated &= protocol >= 0;
			vaddrNegated &= vaddr != null;
			vportNegated &= vport >= 0;
			if (options) {
				property = null;
			}
		}

		/** {@code --ipvs} alone, or negated. */
		public static Ipvs property(boolean negated) {
			return new Ipvs(!negated, -1, false, null, false, -1, false);
		}

		/**
		 * The virtual service (protocol, address, port), as kube-proxy's rule gives it.
		 */
		public static Ipvs virtualService(Protocol protocol, Ip vaddr, int vport) {
			return new Ipvs(null, protocol.number(), false, Cidr.host(vaddr), false, vport, false);
		}

		/**
		 * Whether a packet matches, given the IPVS connection it belongs to (null: IPVS
		 * has not handled it).
		 */
		public boolean matches(int packetProtocol, Ip connVaddr, int connVport, boolean ipvsProperty) {
			if (property != null && protocol < 0 && vaddr == null && vport < 0) {
				return ipvsProperty == property;
			}
			if (!ipvsProperty) {
				return false;
			}
			if (protocol >= 0 && (packetProtocol == protocol) == protocolNegated) {
				return false;
			}
			if (vaddr != null && vaddr.contains(connVaddr) == vaddrNegated) {
				return false;
			}
			return vport < 0 || (connVport == vport) != vportNegated;
		}

		@Override
		public String save() {
			StringBuilder sb = new StringBuilder("-m ipvs");
			if (protocol < 0 && vaddr == null && vport < 0) {
				return sb.append(' ').append(not(!property)).append("--ipvs").toString();
			}
			if (protocol >= 0) {
				sb.append(' ').append(not(protocolNegated)).append("--vproto ").append(protocol);
			}
			if (vaddr != null) {
				sb.append(' ')
					.append(not(vaddrNegated))
					.append("--vaddr ")
					.append(vaddr.prefix() == 32 ? vaddr.address().toString() : vaddr.toString());
			}
			if (vport >= 0) {
				sb.append(' ').append(not(vportNegated)).append("--vport ").append(vport);
			}
			return sb.toString();
		}
	}

}

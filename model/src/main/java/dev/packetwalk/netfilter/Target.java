package dev.packetwalk.netfilter;

import dev.packetwalk.net.Ip;

/** What a rule does when it matches. */
public sealed interface Target permits Target.Accept, Target.Drop, Target.Return, Target.Reject, Target.Jump,
		Target.Goto, Target.Mark, Target.None, Target.Nat {

	Accept ACCEPT = new Accept();

	Drop DROP = new Drop();

	Return RETURN = new Return();

	None NONE = new None();

	/**
	 * Canonical iptables-save text ({@code -j …} or {@code -g …}), or empty for a rule
	 * without a target.
	 */
	String save();

	/** Stops the whole table traversal with NF_ACCEPT. */
	record Accept() implements Target {
		@Override
		public String save() {
			return "-j ACCEPT";
		}
	}

	/** Stops the whole table traversal; the packet is dropped silently. */
	record Drop() implements Target {
		@Override
		public String save() {
			return "-j DROP";
		}
	}

	/** Back to the calling chain; in a built-in chain, the chain's policy applies. */
	record Return() implements Target {
		@Override
		public String save() {
			return "-j RETURN";
		}
	}

	/** A rule without {@code -j}: it only counts packets, and traversal goes on. */
	record None() implements Target {
		@Override
		public String save() {
			return "";
		}
	}

	/** The ICMP error (or TCP reset) REJECT answers with, by its canonical name. */
	enum RejectWith {

		ICMP_NET_UNREACHABLE("icmp-net-unreachable", "net-unreach"),
		ICMP_HOST_UNREACHABLE("icmp-host-unreachable", "host-unreach"),
		ICMP_PROT_UNREACHABLE("icmp-proto-unreachable", "proto-unreach"),
		ICMP_PORT_UNREACHABLE("icmp-port-unreachable", "port-unreach"),
		ICMP_NET_PROHIBITED("icmp-net-prohibited", "net-prohib"),
		ICMP_HOST_PROHIBITED("icmp-host-prohibited", "host-prohib"), TCP_RESET("tcp-reset", "tcp-rst"),
		ICMP_ADMIN_PROHIBITED("icmp-admin-prohibited", "admin-prohib");

		private final String label;

		private final String alias;

		RejectWith(String label, String alias) {
			this.label = label;
			this.alias = alias;
		}

		public String label() {
			return label;
		}

		public static RejectWith parse(String text) {
			for (RejectWith r : values()) {
				if (r.label.equals(text) || r.alias.equals(text)) {
					return r;
				}
			}
			throw new IllegalArgumentException("unknown --reject-with type '" + text + "'");
		}

	}

	/**
	 * Stops the traversal; the packet is dropped and answered with an ICMP error or a TCP
	 * reset.
	 */
	record Reject(RejectWith with) implements Target {
		public Reject {
			if (with == null) {
				throw new IllegalArgumentException("REJECT needs a --reject-with type (default icmp-port-unreachable)");
			}
		}

		public static Reject portUnreachable() {
			return new Reject(RejectWith.ICMP_PORT_UNREACHABLE);
		}

		@Override
		public String save() {
			return "-j REJECT --reject-with " + with.label();
		}
	}

	/** {@code -j CHAIN}: push the current position and walk the user chain. */
	record Jump(String chain) implements Target {
		public Jump {
			checkChainName(chain);
		}

		@Override
		public String save() {
			return "-j " + chain;
		}
	}

	/**
	 * {@code -g CHAIN}: walk the user chain without pushing; its end returns to this
	 * chain's caller.
	 */
	record Goto(String chain) implements Target {
		public Goto {
			checkChainName(chain);
		}

		@Override
		public String save() {
			return "-g " + chain;
		}
	}

	/**
	 * The user chain a {@code -j CHAIN} or {@code -g CHAIN} enters, or null for any other
	 * target.
	 */
	static String chainEntered(Target t) {
		return switch (t) {
			case Jump j -> j.chain();
			case Goto g -> g.chain();
			case Accept a -> null;
			case Drop d -> null;
			case Return r -> null;
			case None n -> null;
			case Reject r -> null;
			case Mark m -> null;
			case Dnat d -> null;
			case Snat s -> null;
			case Masquerade m -> null;
		};
	}

	/** Does the target rewrite ports (so the rule must match tcp or udp)? */
	static boolean rewritesPorts(Target t) {
		return switch (t) {
			case Dnat d -> d.to().hasPorts();
			case Snat s -> s.to().hasPorts();
			case Masquerade mq -> mq.hasPorts();
			case Accept a -> false;
			case Drop d -> false;
			case Return r -> false;
			case None n -> false;
			case Reject r -> false;
			case Jump j -> false;
			case Goto g -> false;
			case Mark m -> false;
		};
	}

	private static void checkChainName(String chain) {
		if (!Chain.isValidUserChainName(chain)) {
			throw new IllegalArgumentException("'" + chain + "' is not a user chain name: " + Chain.NAME_RULE);
		}
	}

	/**
	 * {@code -j MARK}, kept in the kernel's xmark form:
	 * {@code mark = (mark & ~mask) ^ value}. Every MARK option is stored this way, and
	 * iptables-save prints {@code --set-xmark value/mask}.
	 */
	record Mark(int value, int mask) implements Target {
		/** {@code --set-xmark value[/mask]}. */
		public static Mark setXmark(int value, int mask) {
			return new Mark(value, mask);
		}

		/**
		 * {@code --set-mark value[/mask]}: libxt_MARK widens the mask by the value
		 * ({@code mask | value}).
		 */
		public static Mark setMark(int value, int mask) {
			return new Mark(value, value | mask);
		}

		/** {@code --or-mark bits} = {@code --set-xmark bits/bits}. */
		public static Mark orMark(int bits) {
			return new Mark(bits, bits);
		}

		/** {@code --xor-mark bits} = {@code --set-xmark bits/0x0}. */
		public static Mark xorMark(int bits) {
			return new Mark(bits, 0);
		}

		/** {@code --and-mark bits} = {@code --set-xmark 0x0/~bits}. */
		public static Mark andMark(int bits) {
			return new Mark(0, ~bits);
		}

		public int apply(int mark) {
			return (mark & ~mask) ^ value;
		}

		@Override
		public String save() {
			return "-j MARK --set-xmark " + SaveFormat.hex(value) + "/" + SaveFormat.hex(mask);
		}
	}

	/**
	 * An address and port range for DNAT/SNAT: {@code ip[-ip][:port[-port]]}. Ports are 0
	 * when not given.
	 */
	record NatRange(Ip minIp, Ip maxIp, int minPort, int maxPort) {
		public NatRange {
			if (minIp == null || maxIp == null) {
				throw new IllegalArgumentException("a NAT range needs an address");
			}
			if (minIp.compareTo(maxIp) > 0) {
				throw new IllegalArgumentException("a NAT address range needs min <= max, was " + minIp + "-" + maxIp);
			}
			if (minPort < 0 || maxPort > 65535 || minPort > maxPort || (minPort == 0 && maxPort != 0)) {
				throw new IllegalArgumentException(
						"a NAT port range needs 1 <= min <= max <= 65535, was " + minPort + "-" + maxPort);
			}
		}

		public static NatRange of(Ip ip) {
			return new NatRange(ip, ip, 0, 0);
		}

		public static NatRange of(Ip ip, int port) {
			return new NatRange(ip, ip, port, port);
		}

		public boolean hasPorts() {
			return minPort != 0;
		}

		@Override
		public String toString() {
			String s = minIp.equals(maxIp) ? minIp.toString() : minIp + "-" + maxIp;
			if (hasPorts()) {
				s += ":" + (minPort == maxPort ? Integer.toString(minPort) : minPort + "-" + maxPort);
			}
			return s;
		}
	}

	/**
	 * The NAT targets. They end the nat table traversal with NF_ACCEPT; the engine, not
	 * the rule walk, rewrites the addresses (through conntrack, for the whole
	 * connection).
	 */
	sealed interface Nat extends Target permits Dnat, Snat, Masquerade {

	}

	/**
	 * {@code -j DNAT --to-destination range [--random] [--persistent]}; nat
	 * PREROUTING/OUTPUT only.
	 */
	record Dnat(NatRange to, boolean random, boolean persistent) implements Nat {
		public Dnat {
			if (to == null) {
				throw new IllegalArgumentException("DNAT needs --to-destination");
			}
		}

		public static Dnat to(Ip ip, int port) {
			return new Dnat(NatRange.of(ip, port), false, false);
		}

		@Override
		public String save() {
			return "-j DNAT --to-destination " + to + (random ? " --random" : "") + (persistent ? " --persistent" : "");
		}
	}

	/**
	 * {@code -j SNAT --to-source range [--random] [--random-fully] [--persistent]}; nat
	 * POSTROUTING/INPUT only.
	 */
	record Snat(NatRange to, boolean random, boolean randomFully, boolean persistent) implements Nat {
		public Snat {
			if (to == null) {
				throw new IllegalArgumentException("SNAT needs --to-source");
			}
		}

		@Override
		public String save() {
			return "-j SNAT --to-source " + to + (random ? " --random" : "") + (randomFully ? " --random-fully" : "")
					+ (persistent ? " --persistent" : "");
		}
	}

	/**
	 * {@code -j MASQUERADE [--to-ports p[-q]] [--random] [--random-fully]}: SNAT to the
	 * outgoing interface's address; nat POSTROUTING only. Ports are 0 when not given.
	 */
	record Masquerade(int minPort, int maxPort, boolean random, boolean randomFully) implements Nat {
		public Masquerade {
			if (minPort < 0 || maxPort > 65535 || minPort > maxPort || (minPort == 0 && maxPort != 0)) {
				throw new IllegalArgumentException(
						"--to-ports needs 1 <= min <= max <= 65535, was " + minPort + "-" + maxPort);
			}
		}

		public static Masquerade plain() {
			return new Masquerade(0, 0, false, false);
		}

		public boolean hasPorts() {
			return minPort != 0;
		}

		@Override
		public String save() {
			String ports = !hasPorts() ? ""
					: " --to-ports " + (minPort == maxPort ? Integer.toString(minPort) : minPort + "-" + maxPort);
			return "-j MASQUERADE" + ports + (random ? " --random" : "") + (randomFully ? " --random-fully" : "");
		}
	}

}

package dev.packetwalk.netfilter;

import java.util.List;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;

/**
 * One statement of an nftables rule, as {@code nft} writes it: the vocabulary
 * kube-proxy's nftables mode uses ({@code pkg/proxy/nftables/proxier.go}). A rule runs
 * its statements left to right; a match that fails ends the rule, a verdict ends it and
 * acts on the traversal. {@link #text()} is the statement as {@code nft list ruleset}
 * prints it.
 */
public sealed interface NftStatement permits NftStatement.CtState, NftStatement.IifName, NftStatement.AddrMatch,
		NftStatement.AddrInSet, NftStatement.Fib, NftStatement.L4Proto, NftStatement.PortMatch, NftStatement.MarkCheck,
		NftStatement.MarkSet, NftStatement.MapLookup, NftStatement.Numgen, NftStatement.UpdateSet, NftStatement.Verdict,
		NftStatement.Dnat, NftStatement.Masquerade {

	String text();

	/** Which address of the IP header. */
	enum Side {

		SADDR, DADDR;

		String label() {
			return this == SADDR ? "saddr" : "daddr";
		}

	}

	/** A part of a concatenated map key ({@code ip daddr . meta l4proto . th dport}). */
	enum KeyPart {

		DADDR("ip daddr"), L4PROTO("meta l4proto"), TH_DPORT("th dport");

		private final String text;

		KeyPart(String text) {
			this.text = text;
		}

		String text() {
			return text;
		}

	}

	/** {@code ct state new} (the only state set kube-proxy tests). */
	record CtState(String state) implements NftStatement {
		public CtState {
			if (!"new".equals(state)) {
				throw new IllegalArgumentException("ct state '" + state + "' is not modelled (only 'new')");
			}
		}

		@Override
		public String text() {
			return "ct state " + state;
		}
	}

	/**
	 * {@code iifname "cni0"}, {@code iifname != "veth*"}: the input device's name
	 * (kube-proxy's BridgeInterface and InterfaceNamePrefix local-traffic detectors); a
	 * trailing {@code *} matches every name with that prefix. A packet without an input
	 * device (the output hook) has the empty name.
	 */
	record IifName(boolean negated, String name) implements NftStatement {
		public IifName {
			if (name == null || name.isEmpty() || name.length() > 16) {
				throw new IllegalArgumentException(
						"iifname needs a device name of 1..15 characters (or a prefix and *)");
			}
		}

		public boolean matches(String inDev) {
			String dev = inDev == null ? "" : inDev;
			boolean eq = name.endsWith("*") ? dev.startsWith(name.substring(0, name.length() - 1)) : dev.equals(name);
			return eq != negated;
		}

		@Override
		public String text() {
			return "iifname " + (negated ? "!= " : "") + "\"" + name + "\"";
		}
	}

	/**
	 * {@code ip saddr 10.180.0.1}, {@code ip daddr != 127.0.0.0/8}, {@code ip saddr != {
	 * 203.0.113.0/25 }}.
	 */
	record AddrMatch(Side side, boolean negated, List<Cidr> values, boolean braces) implements NftStatement {
		public AddrMatch {
			values = List.copyOf(values);
			if (values.isEmpty() || side == null) {
				throw new IllegalArgumentException("an address match needs a side and at least one address");
			}
		}

		public boolean matches(Ip ip) {
			boolean in = values.stream().anyMatch(c -> c.contains(ip));
			return in != negated;
		}

		@Override
		public String text() {
			String v = braces ? "{ " + String.join(", ", values.stream().map(NftStatement::cidrText).toList()) + " }"
					: cidrText(values.getFirst());
			return "ip " + side.label() + (negated ? " != " : " ") + v;
		}
	}

	/** {@code ip daddr @cluster-ips}: the address is an element of the named set. */
	record AddrInSet(Side side, boolean negated, String set) implements NftStatement {
		@Override
		public String text() {
			return "ip " + side.label() + (negated ? " != @" : " @") + set;
		}
	}

	/** {@code fib saddr type local}: the address is local to this network namespace. */
	record Fib(Side side) implements NftStatement {
		@Override
		public String text() {
			return "fib " + side.label() + " type local";
		}
	}

	/** {@code meta l4proto tcp}. */
	record L4Proto(Protocol protocol) implements NftStatement {
		@Override
		public String text() {
			return "meta l4proto " + protocol.lower();
		}
	}

	/**
	 * {@code tcp dport 80}, {@code sctp sport 3868}: the protocol's header and its
	 * destination (or source) port.
	 */
	record PortMatch(Protocol protocol, int port, boolean source) implements NftStatement {
		public PortMatch {
			if (protocol == Protocol.ICMP) {
				throw new IllegalArgumentException("icmp has no ports");
			}
		}

		public PortMatch(Protocol protocol, int port) {
			this(protocol, port, false);
		}

		@Override
		public String text() {
			return protocol.lower() + (source ? " sport " : " dport ") + port;
		}
	}

	/** {@code mark and 0x4000 == 0}. */
	record MarkCheck(int mask, int value) implements NftStatement {
		@Override
		public String text() {
			return "meta mark & " + hex8(mask) + " == " + hex8(value);
		}
	}

	/** {@code mark set mark or 0x4000} / {@code mark set mark xor 0x4000}. */
	record MarkSet(boolean xor, int bits) implements NftStatement {
		public int apply(int mark) {
			return xor ? mark ^ bits : mark | bits;
		}

		@Override
		public String text() {
			return "meta mark set meta mark " + (xor ? "^ " : "| ") + hex8(bits);
		}
	}

	/**
	 * {@code ip daddr . meta l4proto . th dport vmap @service-ips}: look the key up,
	 * apply the element's verdict.
	 */
	record MapLookup(List<KeyPart> key, String map) implements NftStatement {
		public MapLookup {
			key = List.copyOf(key);
		}

		@Override
		public String text() {
			return String.join(" . ", key.stream().map(KeyPart::text).toList()) + " vmap @" + map;
		}
	}

	/**
	 * {@code numgen random mod N vmap { 0 : goto a, 1 : goto b }}: draw 0..N-1, apply
	 * that element's verdict.
	 */
	record Numgen(int mod, List<Verdict> verdicts) implements NftStatement {
		public Numgen {
			verdicts = List.copyOf(verdicts);
			if (mod < 1 || verdicts.size() != mod) {
				throw new IllegalArgumentException("numgen random mod " + mod + " needs one verdict per value 0.."
						+ (mod - 1) + " (kube-proxy writes one per endpoint), has " + verdicts.size());
			}
		}

		@Override
		public String text() {
			StringBuilder sb = new StringBuilder("numgen random mod " + mod + " vmap { ");
			for (int i = 0; i < verdicts.size(); i++) {
				sb.append(i == 0 ? "" : ", ").append(i).append(" : ").append(verdicts.get(i).text());
			}
			return sb.append(" }").toString();
		}
	}

	/**
	 * {@code update @affinity-… { ip saddr }}: add (or refresh) the source address in a
	 * dynamic set with timeout.
	 */
	record UpdateSet(String set, Side side) implements NftStatement {
		@Override
		public String text() {
			return "update @" + set + " { ip " + side.label() + " }";
		}
	}

	/**
	 * A verdict: accept, drop, return, reject, {@code jump CHAIN}, {@code goto CHAIN}.
	 */
	record Verdict(Kind kind, String chain) implements NftStatement {
		public enum Kind {

			ACCEPT, DROP, RETURN, REJECT, JUMP, GOTO

		}

		public Verdict {
			if ((kind == Kind.JUMP || kind == Kind.GOTO) != (chain != null)) {
				throw new IllegalArgumentException("jump and goto name a chain, other verdicts do not");
			}
		}

		public static Verdict parse(String text) {
			String[] w = text.trim().split("\\s+");
			return switch (w[0]) {
				case "accept" -> new Verdict(Kind.ACCEPT, null);
				case "drop" -> new Verdict(Kind.DROP, null);
				case "return" -> new Verdict(Kind.RETURN, null);
				case "reject" -> new Verdict(Kind.REJECT, null);
				case "jump", "goto" -> {
					if (w.length != 2) {
						throw new IllegalArgumentException("'" + text + "': " + w[0] + " needs one chain name");
					}
					yield new Verdict(w[0].equals("jump") ? Kind.JUMP : Kind.GOTO, w[1]);
				}
				default -> throw new IllegalArgumentException(
						"'" + text + "' is not a verdict (accept, drop, return, reject, jump CHAIN, goto CHAIN)");
			};
		}

		@Override
		public String text() {
			return chain == null ? kind.name().toLowerCase(java.util.Locale.ROOT)
					: kind.name().toLowerCase(java.util.Locale.ROOT) + " " + chain;
		}
	}

	/**
	 * {@code dnat to 10.180.0.1:80}: the nat chain's destination rewrite (ends the chain,
	 * accepting).
	 */
	record Dnat(Ip ip, int port) implements NftStatement {
		@Override
		public String text() {
			return "dnat to " + ip + (port == 0 ? "" : ":" + port);
		}
	}

	/** {@code masquerade fully-random}. */
	record Masquerade(boolean fullyRandom) implements NftStatement {
		@Override
		public String text() {
			return "masquerade" + (fullyRandom ? " fully-random" : "");
		}
	}

	/** nft prints a mark as eight hex digits. */
	static String hex8(int v) {
		return String.format(java.util.Locale.ROOT, "0x%08x", v);
	}

	/** A host address prints without its /32, as nft prints it. */
	static String cidrText(Cidr c) {
		return c.prefix() == 32 ? c.address().toString() : c.asNetwork().toString();
	}

}

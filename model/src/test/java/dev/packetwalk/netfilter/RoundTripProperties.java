package dev.packetwalk.netfilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.testing.Seeds;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Printing is canonical: whatever rule set the model can hold, its text parses back to
 * the same rules.
 */
class RoundTripProperties {

	static java.util.stream.Stream<Long> seeds() {
		return Seeds.of("printParsePrintIsAFixedPoint", 400);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void printParsePrintIsAFixedPoint(long seed) {
		RuleSet rules = RandomRuleSets.generate(seed);
		String printed = rules.print();

		RuleSet reparsed = RuleSet.parse(printed);

		assertThat(reparsed.print()).isEqualTo(printed);
		assertThat(reparsed).isEqualTo(rules);
	}

	@Test
	void theGeneratorExercisesEveryMatchAndTargetKind() {
		Set<Class<?>> seen = new HashSet<>();
		for (long seed = 0; seed < 300; seed++) {
			RuleSet rules = RandomRuleSets.generate(seed);
			for (Table t : rules.tables()) {
				for (Chain c : rules.chains(t)) {
					for (Rule r : c.rules()) {
						r.matches().forEach(m -> seen.add(m.getClass()));
						seen.add(r.target().getClass());
					}
				}
			}
		}
		assertThat(seen).containsAll(List.of(Match.class.getPermittedSubclasses()));
		for (Class<?> t : Target.class.getPermittedSubclasses()) {
			if (t.isInterface()) {
				assertThat(seen).containsAll(List.of(t.getPermittedSubclasses()));
			}
			else {
				assertThat(seen).contains(t);
			}
		}
	}

	/**
	 * Builds valid random rule sets from a seed: jumps only go "down" the chain list, so
	 * there are no loops.
	 */
	static final class RandomRuleSets {

		private static final String[] CHAIN_NAMES = { "KUBE-SERVICES", "KUBE-SVC-4SW47YFZTEDKD3PK", "KUBE-MARK-MASQ",
				"a-user-chain", "Z9", "KUBE-SEP-C6EBXVWJJZMIWKLZ", "x.y", "ABCDEFGHIJKLMNOPQRSTUVWXYZ12" };

		private static final String[] DEVICES = { "eth0", "veth+", "cni0", "lo", "flannel.1", "vxlan.calico", "+" };

		private static final String COMMENT_CHARS = "abcXYZ019_- ./:\"'\\ü>->#=!*";

		private final SplittableRandom rnd;

		private RandomRuleSets(long seed) {
			this.rnd = new SplittableRandom(seed);
		}

		static RuleSet generate(long seed) {
			return new RandomRuleSets(seed).ruleSet();
		}

		private RuleSet ruleSet() {
			List<Chain> chains = new ArrayList<>();
			for (Table table : Table.values()) {
				if (rnd.nextInt(3) == 0) {
					continue;
				}
				List<String> users = new ArrayList<>();
				for (String n : CHAIN_NAMES) {
					if (rnd.nextInt(3) == 0) {
						users.add(n);
					}
				}
				for (Hook h : table.builtinChains()) {
					Policy policy = rnd.nextInt(4) == 0 ? Policy.DROP : Policy.ACCEPT;
					chains.add(Chain.builtin(table, h, policy, rules(table, h.chainName(), h, users)));
				}
				for (int i = 0; i < users.size(); i++) {
					chains.add(Chain.user(table, users.get(i),
							rules(table, users.get(i), null, users.subList(i + 1, users.size()))));
				}
			}
			return RuleSet.of(chains);
		}

		private List<Rule> rules(Table table, String chain, Hook hook, List<String> jumpable) {
			List<Rule> rules = new ArrayList<>();
			int n = rnd.nextInt(6);
			for (int i = 0; i < n; i++) {
				rules.add(rule(table, chain, hook, jumpable));
			}
			return rules;
		}

		private boolean coin() {
			return rnd.nextBoolean();
		}

		private Cidr cidr() {
			return new Cidr(new Ip(rnd.nextInt()), 1 + rnd.nextInt(32));
		}

		private Rule rule(Table table, String chain, Hook hook, List<String> jumpable) {
			List<Match> matches = new ArrayList<>();
			if (rnd.nextInt(3) == 0) {
				matches.add(new Match.Source(cidr(), coin()));
			}
			if (rnd.nextInt(3) == 0) {
				matches.add(new Match.Destination(cidr(), coin()));
			}
			if (rnd.nextInt(4) == 0 && (hook == null || hook.hasInDevice())) {
				String d = DEVICES[rnd.nextInt(DEVICES.length)];
				matches.add(new Match.InInterface(d, d.equals("+") || coin()));
			}
			if (rnd.nextInt(4) == 0 && (hook == null || hook.hasOutDevice())) {
				String d = DEVICES[rnd.nextInt(DEVICES.length)];
				matches.add(new Match.OutInterface(d, d.equals("+") || coin()));
			}
			Match.Proto proto = null;
			if (coin()) {
				proto = new Match.Proto(Protocol.values()[rnd.nextInt(3)], rnd.nextInt(5) == 0);
				matches.add(proto);
			}
			boolean l4 = proto != null && !proto.negated() && proto.protocol() != Protocol.ICMP;
			boolean ports = false;
			int extensions = rnd.nextInt(4);
			for (int i = 0; i < extensions; i++) {
				switch (rnd.nextInt(9)) {
					case 0 -> {
						if (l4 && !ports) {
							ports = true;
							matches.add(new Match.Ports(proto.protocol(), coin() ? null : range(),
									coin() ? null : range()));
						}
					}
					case 1 -> matches.add(new Match.Comment(comment()));
					case 2 -> matches.add(new Match.Mark(rnd.nextInt(), coin() ? -1 : rnd.nextInt(), coin()));
					case 3 -> {
						Set<CtStateBit> states = EnumSet.noneOf(CtStateBit.class);
						do {
							states.add(CtStateBit.values()[rnd.nextInt(CtStateBit.values().length)]);
						}
						while (coin());
						matches.add(new Match.Conntrack(states, coin()));
					}
					case 4 -> {
						Match.TypeTest src = coin() ? new Match.TypeTest(Match.AddressType.LOCAL, coin()) : null;
						Match.TypeTest dst = src == null || coin() ? new Match.TypeTest(Match.AddressType.LOCAL, coin())
								: null;
						matches.add(new Match.AddrType(src, dst));
					}
					case 5 -> matches.add(new Match.Statistic(rnd.nextLong(0x8000_0001L), coin()));
					case 6 -> matches.add(recent());
					case 7 -> {
						List<IpSetDirection> dirs = new ArrayList<>();
						do {
							dirs.add(coin() ? IpSetDirection.SRC : IpSetDirection.DST);
						}
						while (dirs.size() < 6 && coin());
						matches.add(new Match.IpSet(coin() ? "KUBE-CLUSTER-IP" : "KUBE-LOOP-BACK", dirs, coin()));
					}
					case 8 -> {
						if (coin()) {
							matches.add(Match.Ipvs.property(coin()));
						}
						else {
							int vproto = coin() ? (coin() ? 6 : 17) : -1;
							int vport = coin() ? rnd.nextInt(65536) : -1;
							int prefix = 8 + rnd.nextInt(25);
							Cidr vaddr = (vproto < 0 && vport < 0) || coin()
									? new Cidr(new Cidr(new Ip(rnd.nextInt()), prefix).network(), prefix) : null;
							matches.add(new Match.Ipvs(null, vproto, coin(), vaddr, coin(), vport, coin()));
						}
					}
					default -> {
					}
				}
			}
			return new Rule(chain, matches, target(table, hook, jumpable, proto, l4));
		}

		private Match.PortRange range() {
			int a = rnd.nextInt(65536);
			int b = coin() ? a : a + rnd.nextInt(65536 - a);
			boolean neg = coin() && !(a == 0 && b == 65535);
			return new Match.PortRange(a, b, neg);
		}

		private String comment() {
			StringBuilder sb = new StringBuilder();
			int n = rnd.nextInt(24);
			for (int i = 0; i < n; i++) {
				sb.append(COMMENT_CHARS.charAt(rnd.nextInt(COMMENT_CHARS.length())));
			}
			return sb.toString();
		}

		private Match.Recent recent() {
			Match.RecentCommand cmd = Match.RecentCommand.values()[rnd.nextInt(4)];
			boolean checks = cmd == Match.RecentCommand.RCHECK || cmd == Match.RecentCommand.UPDATE;
			long seconds = checks && coin() ? 1 + rnd.nextInt(86400) : 0;
			int hits = checks && coin() ? rnd.nextInt(21) : 0;
			boolean reap = seconds != 0 && coin();
			Ip mask = coin() ? new Ip(-1) : new Ip(-1 << rnd.nextInt(32));
			return new Match.Recent(coin() ? "DEFAULT" : "KUBE-SEP-I77PXRDZVX7PMWMN", cmd, coin(), seconds, hits, reap,
					mask, coin() ? Match.RecentSide.SOURCE : Match.RecentSide.DEST);
		}

		private Target target(Table table, Hook hook, List<String> jumpable, Match.Proto proto, boolean l4) {
			List<Target> options = new ArrayList<>(
					List.of(Target.ACCEPT, Target.RETURN, Target.NONE, new Target.Mark(rnd.nextInt(), rnd.nextInt())));
			if (table != Table.NAT) {
				options.add(Target.DROP);
			}
			if (!jumpable.isEmpty()) {
				String to = jumpable.get(rnd.nextInt(jumpable.size()));
				options.add(new Target.Jump(to));
				options.add(new Target.Goto(to));
			}
			if (table == Table.FILTER) {
				Target.RejectWith with = Target.RejectWith.values()[rnd.nextInt(Target.RejectWith.values().length)];
				boolean tcp = proto != null && !proto.negated() && proto.protocol() == Protocol.TCP;
				options.add(new Target.Reject(
						with == Target.RejectWith.TCP_RESET && !tcp ? Target.RejectWith.ICMP_PORT_UNREACHABLE : with));
			}
			if (table == Table.NAT && hook != null) {
				int port = l4 && coin() ? 1 + rnd.nextInt(65535) : 0;
				int portMax = port == 0 ? 0 : port + rnd.nextInt(65536 - port);
				Ip ip = new Ip(rnd.nextInt());
				Ip ipMax = coin() ? ip : new Ip(ip.value() | rnd.nextInt(256));
				if (ipMax.compareTo(ip) < 0) {
					ipMax = ip;
				}
				Target.NatRange range = new Target.NatRange(ip, ipMax, port, portMax);
				switch (hook) {
					case PREROUTING, OUTPUT -> options.add(new Target.Dnat(range, coin(), coin()));
					case INPUT -> options.add(new Target.Snat(range, coin(), coin(), coin()));
					case POSTROUTING -> {
						options.add(new Target.Snat(range, coin(), coin(), coin()));
						options.add(new Target.Masquerade(port, portMax, coin(), coin()));
					}
					case FORWARD -> {
					}
				}
				// NAT targets are the interesting ones here: favour them
				options.add(options.get(options.size() - 1));
			}
			return options.get(rnd.nextInt(options.size()));
		}

	}

}

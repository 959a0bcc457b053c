package dev.packetwalk.netfilter;

import static dev.packetwalk.netfilter.Packets.tcp;
import static dev.packetwalk.netfilter.Packets.udp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.packetwalk.net.Ip;
import dev.packetwalk.packet.Packet;

/**
 * The dispatch index changes how fast a walk is, never what it finds or the rule count it
 * reports.
 */
class ChainIndexTest {

	/**
	 * kube-proxy's nat table for many services with 5 endpoints each, plus NodePorts and
	 * odd rules between runs.
	 */
	static String kubeNat(int services) {
		StringBuilder sb = new StringBuilder(
				"*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n");
		for (int s = 0; s < services; s++) {
			sb.append(":KUBE-SVC-").append(s).append(" - [0:0]\n");
			for (int e = 0; e < 5; e++) {
				sb.append(":KUBE-SEP-").append(s).append('-').append(e).append(" - [0:0]\n");
			}
		}
		sb.append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
		sb.append("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n");
		for (int s = 0; s < services; s++) {
			String ip = clusterIp(s);
			String proto = s % 7 == 0 ? "udp" : "tcp";
			int port = s % 3 == 0 ? 53 : 80;
			sb.append("-A KUBE-SERVICES -m comment --comment \"ns/svc")
				.append(s)
				.append(" cluster IP\" -m ")
				.append(proto)
				.append(" -p ")
				.append(proto)
				.append(" -d ")
				.append(ip)
				.append(" --dport ")
				.append(port)
				.append(" -j KUBE-SVC-")
				.append(s)
				.append('\n');
			if (s % 1000 == 999) {
				// a rule the index cannot key: it splits the run
				sb.append("-A KUBE-SERVICES -m mark --mark 0x8000/0x8000 -j KUBE-MARK-MASQ\n");
			}
			if (s % 50 == 0) {
				sb.append("-A KUBE-NODEPORTS -m comment --comment ns/svc")
					.append(s)
					.append(" -m tcp -p tcp --dport ")
					.append(30000 + s)
					.append(" -j KUBE-SVC-")
					.append(s)
					.append('\n');
			}
			sb.append("-A KUBE-SVC-")
				.append(s)
				.append(" -m comment --comment \"ns/svc")
				.append(s)
				.append(" cluster IP\" -m ")
				.append(proto)
				.append(" -p ")
				.append(proto)
				.append(" -d ")
				.append(ip)
				.append(" --dport ")
				.append(port)
				.append(" ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ\n");
			for (int e = 0; e < 5; e++) {
				sb.append("-A KUBE-SVC-").append(s);
				if (e < 4) {
					sb.append(" -m statistic --mode random --probability ")
						.append(String.format("%.10f", 1.0 / (5 - e)));
				}
				sb.append(" -j KUBE-SEP-").append(s).append('-').append(e).append('\n');
				sb.append("-A KUBE-SEP-")
					.append(s)
					.append('-')
					.append(e)
					.append(" -m ")
					.append(proto)
					.append(" -p ")
					.append(proto)
					.append(" -j DNAT --to-destination 10.")
					.append(100 + e)
					.append('.')
					.append(s / 250)
					.append('.')
					.append(s % 250 + 1)
					.append(':')
					.append(port)
					.append('\n');
			}
		}
		sb.append(
				"-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
		return sb.append("COMMIT\n").toString();
	}

	static String clusterIp(int s) {
		return "172.30." + (s / 250) + "." + (s % 250 + 1);
	}

	private static EvalContext context(Packet p, long seed) {
		return EvalContext.of(p)
			.withRandom(RandomSource.seeded(seed))
			.withLocal(ip -> ip.equals(Ip.parse("192.168.1.2")));
	}

	@Test
	void indexedAndLinearWalksAgreeOnEverything() {
		RuleSet rules = RuleSet.parse(kubeNat(3000));
		SplittableRandom rnd = new SplittableRandom(1);
		for (int i = 0; i < 2000; i++) {
			int s = rnd.nextInt(3100);
			String src = rnd.nextBoolean() ? "10.244.1.5" : "192.168.7.7";
			int port = rnd.nextInt(4) == 0 ? rnd.nextInt(65536) : (s % 3 == 0 ? 53 : 80);
			Packet p = switch (rnd.nextInt(4)) {
				case 0 -> udp(src, 4000, clusterIp(s), port);
				case 1 -> tcp(src, 4000, "192.168.1.2", 30000 + 50 * (s / 50));
				default -> tcp(src, 4000, clusterIp(s), port);
			};
			long seed = rnd.nextLong();

			EvalResult indexed = rules.evaluate(Table.NAT, Hook.PREROUTING, context(p, seed));
			EvalResult linear = rules.evaluateLinear(Table.NAT, Hook.PREROUTING, context(p, seed));

			assertThat(indexed).as(p.summary()).isEqualTo(linear);
		}
	}

	@Test
	void theRuleCountIsTheLinearKernelCount() {
		RuleSet rules = RuleSet.parse(kubeNat(3000));
		// service 2500: after 2500 earlier service rules and 2 mark rules in
		// KUBE-SERVICES
		Packet p = tcp("10.244.1.5", 4000, clusterIp(2500), 80);

		EvalResult r = rules.evaluate(Table.NAT, Hook.PREROUTING, context(p, 3));

		assertThat(r.hits().get(1).ruleNumber()).isEqualTo(2500 + 2 + 1);
		assertThat(r.rulesEvaluated())
			.isEqualTo(rules.evaluateLinear(Table.NAT, Hook.PREROUTING, context(p, 3)).rulesEvaluated())
			.isGreaterThan(2500);
	}

}

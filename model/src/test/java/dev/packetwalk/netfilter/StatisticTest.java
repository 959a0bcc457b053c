package dev.packetwalk.netfilter;

import static dev.packetwalk.netfilter.Packets.podToService;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.packetwalk.net.Ip;

/**
 * kube-proxy's random load-balancing ladder through {@code -m statistic --mode random}.
 */
class StatisticTest {

	/**
	 * A ClusterIP service with n endpoints, written the way kube-proxy writes it
	 * (probability 1/(n-i), %0.10f).
	 */
	static RuleSet service(int n) {
		StringBuilder sb = new StringBuilder("*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-X - [0:0]\n");
		for (int i = 0; i < n; i++) {
			sb.append(":KUBE-SEP-").append(i).append(" - [0:0]\n");
		}
		sb.append("-A PREROUTING -j KUBE-SERVICES\n");
		sb.append(
				"-A KUBE-SERVICES -m comment --comment \"ns/svc cluster IP\" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j KUBE-SVC-X\n");
		for (int i = 0; i < n; i++) {
			sb.append("-A KUBE-SVC-X -m comment --comment \"ns/svc -> 10.180.0.").append(i + 1).append(":80\"");
			if (i < n - 1) {
				sb.append(" -m statistic --mode random --probability ")
					.append(String.format(Locale.ROOT, "%.10f", 1.0 / (n - i)));
			}
			sb.append(" -j KUBE-SEP-").append(i).append('\n');
		}
		for (int i = 0; i < n; i++) {
			sb.append("-A KUBE-SEP-")
				.append(i)
				.append(" -m tcp -p tcp -j DNAT --to-destination 10.180.0.")
				.append(i + 1)
				.append(":80\n");
		}
		return RuleSet.parse(sb.append("COMMIT\n").toString());
	}

	private static List<Ip> choices(RuleSet rules, RandomSource random, int draws) {
		List<Ip> out = new ArrayList<>();
		EvalContext ctx = podToService("172.30.0.10", 80).withRandom(random);
		for (int i = 0; i < draws; i++) {
			Target.Dnat d = (Target.Dnat) rules.evaluate(Table.NAT, Hook.PREROUTING, ctx).nat();
			out.add(d.to().minIp());
		}
		return out;
	}

	@Test
	void theKernelComparesThe31LowBitsWithTheStoredThreshold() {
		Match.Statistic half = Match.Statistic.probability(0.5);

		assertThat(half.threshold()).isEqualTo(0x4000_0000L);
		assertThat(half.matches(0x3fff_ffff)).isTrue();
		assertThat(half.matches(0x4000_0000)).isFalse();
		assertThat(half.matches(0xbfff_ffff)).as("the top bit is masked off").isTrue();
		assertThat(Match.Statistic.probability(1).matches(0x7fff_ffff)).isTrue();
		assertThat(Match.Statistic.probability(0).matches(0)).isFalse();
		assertThat(Match.Statistic.probability(0.2).threshold()).isEqualTo(429_496_730L);
	}

	@Test
	void theSameSeedPicksTheSameEndpoints() {
		RuleSet rules = service(5);

		assertThat(choices(rules, RandomSource.seeded(7), 50)).isEqualTo(choices(rules, RandomSource.seeded(7), 50))
			.isNotEqualTo(choices(rules, RandomSource.seeded(8), 50));
	}

	@ParameterizedTest(name = "{0} endpoints")
	@ValueSource(ints = { 2, 3, 4, 5 })
	void theLadderSpreadsConnectionsEvenly(int n) {
		int draws = 10_000;
		Map<Ip, Integer> counts = new TreeMap<>();
		choices(service(n), RandomSource.seeded(20_240_601L + n), draws)
			.forEach(ip -> counts.merge(ip, 1, Integer::sum));

		double expected = (double) draws / n;
		double sigma = Math.sqrt(draws * (1.0 / n) * (1 - 1.0 / n));
		assertThat(counts).hasSize(n);
		counts.forEach(
				(ip, c) -> assertThat(Math.abs(c - expected)).as("%s chosen %d times", ip, c).isLessThan(4 * sigma));
	}

}

package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Ip;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpvsSchedulerTest {

	static final IpvsRealServer A = IpvsRealServer.masq(Ip.parse("10.244.1.2"), 80);
	static final IpvsRealServer B = IpvsRealServer.masq(Ip.parse("10.244.1.3"), 80);
	static final IpvsRealServer C = IpvsRealServer.masq(Ip.parse("10.244.2.2"), 80);
	static final List<IpvsRealServer> ABC = List.of(A, B, C);
	static final Ip CLIENT = Ip.parse("192.168.1.50");

	@Test
	void roundRobinCyclesInRealServerOrderAndKeepsState() {
		IpvsScheduler rr = IpvsScheduler.of("rr");
		List<IpvsRealServer> picks = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			picks.add(rr.schedule(ABC, CLIENT).orElseThrow());
		}
		assertThat(picks).containsExactly(A, B, C, A, B, C, A);
	}

	@Test
	void roundRobinSkipsWeightZeroAndContinuesAfterListChanges() {
		IpvsRealServer drained = new IpvsRealServer(B.ip(), B.port(), 0, IpvsRealServer.Forward.MASQ);
		IpvsScheduler rr = new IpvsScheduler.RoundRobin();
		assertThat(List.of(rr.schedule(List.of(A, drained, C), CLIENT).orElseThrow(),
				rr.schedule(List.of(A, drained, C), CLIENT).orElseThrow(),
				rr.schedule(List.of(A, drained, C), CLIENT).orElseThrow()))
			.containsExactly(A, C, A);
		// after A, a new list without A: start from the top
		assertThat(rr.schedule(List.of(B, C), CLIENT)).contains(B);
		assertThat(rr.schedule(List.of(drained), CLIENT)).isEmpty();
		assertThat(rr.schedule(List.of(), CLIENT)).isEmpty();
	}

	@Test
	void leastConnectionTiesGoToFirstAndReleasesCount() {
		IpvsScheduler.LeastConnection lc = new IpvsScheduler.LeastConnection();
		assertThat(lc.schedule(ABC, CLIENT)).contains(A);
		assertThat(lc.schedule(ABC, CLIENT)).contains(B);
		assertThat(lc.schedule(ABC, CLIENT)).contains(C);
		assertThat(lc.schedule(ABC, CLIENT)).contains(A);
		lc.release(B);
		assertThat(lc.activeConnections(B)).isZero();
		assertThat(lc.schedule(ABC, CLIENT)).contains(B);
		assertThat(lc.activeConnections(A)).isEqualTo(2);
	}

	@Test
	void sourceHashTableLayoutFollowsWeights() {
		IpvsRealServer[] table = IpvsScheduler.SourceHash.table(ABC);
		for (int b = 0; b < IpvsScheduler.SourceHash.TABLE_SIZE; b++) {
			assertThat(table[b]).isEqualTo(ABC.get(b % 3));
		}
		IpvsRealServer heavy = new IpvsRealServer(A.ip(), A.port(), 2, IpvsRealServer.Forward.MASQ);
		IpvsRealServer[] weighted = IpvsScheduler.SourceHash.table(List.of(heavy, B));
		assertThat(List.of(weighted[0], weighted[1], weighted[2], weighted[3], weighted[4])).containsExactly(heavy,
				heavy, B, heavy, heavy);
	}

	@Test
	void sourceHashBucketIsKernelHash32() {
		// hash_32(0xC0A80132, 8) = (0xC0A80132 * 0x61C88647) >>> 24, computed in 32 bits
		long product = (0xC0A80132L * 0x61C88647L) & 0xFFFFFFFFL;
		assertThat(IpvsScheduler.SourceHash.bucket(Ip.parse("192.168.1.50"))).isEqualTo((int) (product >>> 24));
	}

	static java.util.stream.IntStream addresses() {
		return new java.util.SplittableRandom(78).ints(200);
	}

	@org.junit.jupiter.params.ParameterizedTest(name = "source {0}")
	@org.junit.jupiter.params.provider.MethodSource("addresses")
	void sourceHashIsStickyPerSourceIp(int address) {
		Ip client = new Ip(address);
		IpvsScheduler sh = IpvsScheduler.of("sh");
		IpvsRealServer first = sh.schedule(ABC, client).orElseThrow();
		for (int i = 0; i < 5; i++) {
			assertThat(sh.schedule(ABC, client)).contains(first);
		}
		assertThat(new IpvsScheduler.SourceHash().schedule(ABC, client)).contains(first);
	}

	@Test
	void sourceHashSpreadsDifferentSources() {
		IpvsScheduler sh = IpvsScheduler.of("sh");
		Set<IpvsRealServer> used = new HashSet<>();
		for (int i = 1; i <= 50; i++) {
			used.add(sh.schedule(ABC, Ip.parse("192.168.1.0").plus(i)).orElseThrow());
		}
		assertThat(used).containsExactlyInAnyOrder(A, B, C);
	}

	@Test
	void unknownScheduler() {
		assertThatThrownBy(() -> IpvsScheduler.of("wrr")).hasMessageContaining("unsupported IPVS scheduler");
	}

}

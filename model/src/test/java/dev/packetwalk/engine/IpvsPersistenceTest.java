package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.conntrack.ConntrackEntry;
import dev.packetwalk.conntrack.ConntrackTable;
import dev.packetwalk.conntrack.Tuple;
import dev.packetwalk.kubeproxy.IpvsRealServer;
import dev.packetwalk.kubeproxy.IpvsVirtualServer;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IPVS persistence templates against the kernel's timer rules: armed for the persistence
 * timeout by each connection that uses them, then 60 s at a time while a connection they
 * control is still in the IPVS table.
 */
class IpvsPersistenceTest {

	static final Ip CLIENT = Ip.parse("10.244.1.2");

	static final IpvsRealServer A = new IpvsRealServer(Ip.parse("10.244.2.2"), 8080, 1, IpvsRealServer.Forward.MASQ);

	static final IpvsVirtualServer VS = new IpvsVirtualServer(Protocol.TCP, Ip.parse("10.96.0.80"), 80, "rr", 100,
			List.of(A));

	/** A TCP connection whose last packet (or its reply) passed at {@code at}. */
	static ConntrackEntry connection(int sport, long at, boolean replied) {
		ConntrackTable table = new ConntrackTable();
		Tuple t = new Tuple(Protocol.TCP, CLIENT, sport, VS.address(), 80);
		ConntrackEntry e = table.lookupOrCreate(t).entry();
		table.confirm(e);
		if (replied) {
			table.lookupOrCreate(t.inverse());
		}
		e.touch(at);
		return e;
	}

	@Test
	void withNoConnectionLeftTheTemplateGoesWhenItsTimeoutRunsOut() {
		IpvsPersistence p = new IpvsPersistence();
		// a SYN never answered: its IPVS entry (SYN_RECV) lives 60 s, within the 100
		p.connected(VS, CLIENT, A, 0, connection(1000, 0, false));
		assertThat(p.lookup(VS, CLIENT, 99)).isEqualTo(A);
		assertThat(p.expire(99, 99)).isEmpty();
		assertThat(p.expire(99, 100)).singleElement()
			.asString()
			.startsWith("IPVS persistent template TCP NONE 10.244.1.2:0 10.96.0.80:80 10.244.2.2:8080 ");
		assertThat(p.lookup(VS, CLIENT, 100)).isNull();
	}

	@Test
	void aControlledConnectionDelaysItSixtySecondsAtATime() {
		IpvsPersistence p = new IpvsPersistence();
		// established at 0: in the IPVS table until 900
		p.connected(VS, CLIENT, A, 0, connection(1000, 0, true));
		// run-outs at 100, 160, ..., 880 find it; 940 does not
		assertThat(p.expire(0, 939)).isEmpty();
		assertThat(p.expire(939, 940)).hasSize(1);
	}

	@Test
	void aConnectionAfterADelayArmsItForSixtySecondsOnly() {
		IpvsPersistence p = new IpvsPersistence();
		p.connected(VS, CLIENT, A, 0, connection(1000, 0, true));
		// at 150 the timer has run out once (100) and was delayed to 160 with 60 s
		assertThat(p.lookup(VS, CLIENT, 150)).isEqualTo(A);
		p.connected(VS, CLIENT, A, 150, connection(1001, 150, false));
		// armed until 210; the connections: the first till 900, the second (SYN_RECV)
		// till 210: the run-outs go on 60 s at a time until 930
		assertThat(p.expire(150, 929)).isEmpty();
		assertThat(p.expire(929, 930)).hasSize(1);
	}

	@Test
	void aTemplateWhoseRealServerLeftIsNotUsed() {
		IpvsPersistence p = new IpvsPersistence();
		p.connected(VS, CLIENT, A, 0, connection(1000, 0, false));
		IpvsRealServer b = new IpvsRealServer(Ip.parse("10.244.2.3"), 8080, 1, A.forward());
		IpvsVirtualServer without = new IpvsVirtualServer(Protocol.TCP, VS.address(), 80, "rr", 100, List.of(b));
		assertThat(p.lookup(without, CLIENT, 10)).isNull();
	}

}

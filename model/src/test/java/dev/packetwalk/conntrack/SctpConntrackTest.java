package dev.packetwalk.conntrack;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SCTP association in conntrack, chunk by chunk, as nf_conntrack_proto_sctp.c moves
 * it: INIT leaves the new entry CLOSED (10 s), INIT ACK makes it COOKIE_WAIT (3 s),
 * COOKIE ECHO COOKIE_ECHOED (3 s), COOKIE ACK ESTABLISHED (210 s) and ASSURED; a chunk
 * with the wrong verification tag is invalid and moves nothing.
 */
class SctpConntrackTest {

	static final Tuple ORIGINAL = new Tuple(Protocol.SCTP, Ip.parse("10.11.0.5"), 40000, Ip.parse("10.11.5.3"), 3868);

	static final long CLIENT_TAG = 0x11111111L;

	static final long SERVER_TAG = 0x22222222L;

	static Transport.Sctp fromClient(long vtag, String chunk, long initTag) {
		return new Transport.Sctp(40000, 3868, vtag, chunk, initTag);
	}

	static Transport.Sctp fromServer(long vtag, String chunk, long initTag) {
		return new Transport.Sctp(3868, 40000, vtag, chunk, initTag);
	}

	/**
	 * One packet through the table: lookup, the chunk, the clock; confirm a new entry.
	 */
	static ConntrackEntry pass(ConntrackTable table, Tuple t, Transport.Sctp sctp, long now, boolean valid) {
		ConntrackTable.Lookup l = table.lookupOrCreate(t);
		assertThat(l.entry().sctp(l.direction(), sctp)).as(sctp.chunk()).isEqualTo(valid);
		l.entry().touch(now);
		table.confirm(l.entry());
		return l.entry();
	}

	@Test
	void theFourWayHandshakeReachesEstablishedAndAssured() {
		ConntrackTable table = new ConntrackTable();
		ConntrackEntry e = pass(table, ORIGINAL, fromClient(0, Transport.Sctp.INIT, CLIENT_TAG), 1, true);
		assertThat(e.text()).isEqualTo("sctp     132 10 CLOSED src=10.11.0.5 dst=10.11.5.3 sport=40000 dport=3868"
				+ " [UNREPLIED] src=10.11.5.3 dst=10.11.0.5 sport=3868 dport=40000 mark=0 use=1");
		pass(table, ORIGINAL.inverse(), fromServer(CLIENT_TAG, Transport.Sctp.INIT_ACK, SERVER_TAG), 2, true);
		assertThat(e.sctpState()).isEqualTo(ConntrackEntry.SctpState.COOKIE_WAIT);
		assertThat(e.text()).startsWith("sctp     132 3 COOKIE_WAIT src=10.11.0.5").doesNotContain("UNREPLIED");
		pass(table, ORIGINAL, fromClient(SERVER_TAG, Transport.Sctp.COOKIE_ECHO, 0), 3, true);
		assertThat(e.text()).startsWith("sctp     132 3 COOKIE_ECHOED ").doesNotContain("ASSURED");
		pass(table, ORIGINAL.inverse(), fromServer(CLIENT_TAG, Transport.Sctp.COOKIE_ACK, 0), 4, true);
		assertThat(e.text()).isEqualTo("sctp     132 210 ESTABLISHED src=10.11.0.5 dst=10.11.5.3 sport=40000"
				+ " dport=3868 src=10.11.5.3 dst=10.11.0.5 sport=3868 dport=40000 [ASSURED] mark=0 use=1");
		// DATA and SACK keep the state and refresh its timeout
		pass(table, ORIGINAL, fromClient(SERVER_TAG, Transport.Sctp.DATA, 0), 5, true);
		pass(table, ORIGINAL.inverse(), fromServer(CLIENT_TAG, Transport.Sctp.SACK, 0), 6, true);
		assertThat(e.sctpState()).isEqualTo(ConntrackEntry.SctpState.ESTABLISHED);
		assertThat(e.text(106)).startsWith("sctp     132 110 ESTABLISHED ");
		assertThat(table.expire(215)).isEmpty();
		assertThat(table.expire(216)).containsExactly(e);
	}

	@Test
	void aChunkWithTheWrongVerificationTagIsInvalid() {
		ConntrackTable table = new ConntrackTable();
		ConntrackEntry e = pass(table, ORIGINAL, fromClient(0, Transport.Sctp.INIT, CLIENT_TAG), 1, true);
		pass(table, ORIGINAL.inverse(), fromServer(CLIENT_TAG, Transport.Sctp.INIT_ACK, SERVER_TAG), 2, true);
		// a COOKIE ECHO must carry the server's tag (RFC 9260 8.5.1 D)
		pass(table, ORIGINAL, fromClient(CLIENT_TAG, Transport.Sctp.COOKIE_ECHO, 0), 3, false);
		assertThat(e.sctpState()).isEqualTo(ConntrackEntry.SctpState.COOKIE_WAIT);
		// a DATA chunk with a stranger's tag
		pass(table, ORIGINAL, fromClient(0x33333333L, Transport.Sctp.DATA, 0), 4, false);
		// a COOKIE ACK before any valid COOKIE ECHO leaves COOKIE_WAIT as it is (the
		// kernel's table: reply, cookie_ack, sCW -> sCW)
		pass(table, ORIGINAL.inverse(), fromServer(CLIENT_TAG, Transport.Sctp.COOKIE_ACK, 0), 5, true);
		assertThat(e.sctpState()).isEqualTo(ConntrackEntry.SctpState.COOKIE_WAIT);
		assertThat(e.text()).doesNotContain("ASSURED");
	}

	@Test
	void anAbortWithItsDirectionsTagClosesTheAssociation() {
		ConntrackTable table = new ConntrackTable();
		ConntrackEntry e = pass(table, ORIGINAL, fromClient(0, Transport.Sctp.INIT, CLIENT_TAG), 1, true);
		pass(table, ORIGINAL.inverse(), fromServer(SERVER_TAG, Transport.Sctp.ABORT, 0), 2, false);
		assertThat(e.sctpState()).isEqualTo(ConntrackEntry.SctpState.CLOSED);
		pass(table, ORIGINAL.inverse(), fromServer(CLIENT_TAG, Transport.Sctp.INIT_ACK, SERVER_TAG), 3, true);
		assertThat(e.sctpState()).isEqualTo(ConntrackEntry.SctpState.COOKIE_WAIT);
		pass(table, ORIGINAL.inverse(), fromServer(CLIENT_TAG, Transport.Sctp.ABORT, 0), 4, true);
		assertThat(e.sctpState()).isEqualTo(ConntrackEntry.SctpState.CLOSED);
		assertThat(e.timeoutSeconds()).isEqualTo(10);
	}

}

package dev.packetwalk.packet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Transport.Sctp}'s invariants: RFC 9260's rules for tags, and known chunks. */
class SctpTransportTest {

	@Test
	void anInitCarriesVerificationTagZeroAndAnInitiateTag() {
		Transport.Sctp init = new Transport.Sctp(40000, 3868, 0, Transport.Sctp.INIT, 0xdeadbeefL);
		assertThat(init.isInit()).isTrue();
		assertThat(init.headerBytes()).isEqualTo(12 + 20);
		assertThatThrownBy(() -> new Transport.Sctp(40000, 3868, 5, Transport.Sctp.INIT, 7))
			.hasMessageContaining("INIT carries verification tag 0, was 5");
		assertThatThrownBy(() -> new Transport.Sctp(40000, 3868, 0, Transport.Sctp.INIT, 0))
			.hasMessageContaining("INIT carries a non-zero Initiate Tag");
	}

	@Test
	void anInitAckCarriesItsOwnInitiateTagAndTheClientsAsVerificationTag() {
		Transport.Sctp ack = new Transport.Sctp(3868, 40000, 7, Transport.Sctp.INIT_ACK, 9);
		assertThat(ack.vtag()).isEqualTo(7);
		assertThat(ack.isInit()).isFalse();
		assertThatThrownBy(() -> new Transport.Sctp(3868, 40000, 7, Transport.Sctp.INIT_ACK, 0))
			.hasMessageContaining("INIT ACK carries a non-zero Initiate Tag");
	}

	@Test
	void otherChunksCarryNoInitiateTag() {
		for (String chunk : new String[] { Transport.Sctp.COOKIE_ECHO, Transport.Sctp.COOKIE_ACK, Transport.Sctp.DATA,
				Transport.Sctp.SACK, Transport.Sctp.ABORT, Transport.Sctp.SHUTDOWN }) {
			assertThat(new Transport.Sctp(1, 2, 3, chunk, 0).initTag()).isZero();
			assertThatThrownBy(() -> new Transport.Sctp(1, 2, 3, chunk, 4)).as(chunk)
				.hasMessageContaining("only INIT and INIT ACK carry an Initiate Tag");
		}
	}

	@Test
	void tagsAre32BitPortsAre16BitChunksAreKnown() {
		assertThat(new Transport.Sctp(1, 2, 0xFFFF_FFFFL, Transport.Sctp.DATA, 0).vtag()).isEqualTo(4294967295L);
		assertThatThrownBy(() -> new Transport.Sctp(1, 2, 0x1_0000_0000L, Transport.Sctp.DATA, 0))
			.hasMessageContaining("verification tag must be 0..2^32-1");
		assertThatThrownBy(() -> new Transport.Sctp(1, 2, -1, Transport.Sctp.DATA, 0))
			.hasMessageContaining("verification tag must be 0..2^32-1");
		assertThatThrownBy(() -> new Transport.Sctp(70000, 2, 1, Transport.Sctp.DATA, 0))
			.hasMessageContaining("SCTP source port must be 0..65535");
		assertThatThrownBy(() -> new Transport.Sctp(1, 2, 1, "FORWARD TSN", 0))
			.hasMessageContaining("SCTP chunk must be one of");
		assertThatThrownBy(() -> new Transport.Sctp(1, 2, 1, null, 0)).hasMessageContaining("was none");
	}

	@Test
	void newPortsKeepTheChunkAndTags() {
		Transport t = new Transport.Sctp(40000, 3868, 0, Transport.Sctp.INIT, 11).withPorts(1234, 5678);
		assertThat(t).isEqualTo(new Transport.Sctp(1234, 5678, 0, Transport.Sctp.INIT, 11));
	}

}

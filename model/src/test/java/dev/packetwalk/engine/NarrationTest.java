package dev.packetwalk.engine;

import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared words of the steps, tested on their own so that the goldens need not carry
 * every wording decision.
 */
class NarrationTest {

	private static Packet tcp(String flags, Payload payload) {
		return Packet.of(new Ipv4(Ip.parse("10.244.1.2"), Ip.parse("10.96.0.10"), Protocol.TCP, 64, true),
				new Transport.Tcp(40000, 80, flags), payload);
	}

	@Test
	void aPacketIsDescribedByItsSegmentAndItsEnds() {
		assertThat(Narration.describe(tcp("S", Payload.Bytes.EMPTY)))
			.isEqualTo("a TCP SYN 10.244.1.2:40000 → 10.96.0.10:80");
		assertThat(Narration.describe(tcp("S.", Payload.Bytes.EMPTY))).startsWith("a TCP SYN-ACK ");
		assertThat(Narration.describe(tcp("FA", Payload.Bytes.EMPTY))).startsWith("a TCP segment [FA] ");
	}

	@Test
	void applicationPayloadsAreNamed() {
		assertThat(Narration.describe(tcp("P.", new Payload.Http("GET / HTTP/1.1", Map.of("Host", "web")))))
			.isEqualTo("a TCP PSH-ACK 10.244.1.2:40000 → 10.96.0.10:80 (GET / HTTP/1.1, Host: web)");
		Packet query = Packet.of(new Ipv4(Ip.parse("10.244.1.2"), Ip.parse("10.96.0.10"), Protocol.UDP, 64, false),
				new Transport.Udp(5353, 53), new Payload.Dns(1, "web.default.svc.cluster.local", "A", List.of()));
		assertThat(Narration.describe(query)).endsWith("(DNS query: A? web.default.svc.cluster.local)")
			.startsWith("a UDP datagram ");
	}

	@Test
	void sentencesStartWithACapital() {
		assertThat(Narration.capitalize("node1")).isEqualTo("Node1");
		assertThat(Narration.capitalize("")).isEmpty();
	}

}

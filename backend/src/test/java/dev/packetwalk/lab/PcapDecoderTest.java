package dev.packetwalk.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;

/**
 * Decoding hand-made pcap streams (the format tcpdump -w writes on little-endian hosts).
 */
class PcapDecoderTest {

	static final Mac A = Mac.parse("62:8b:ce:d3:50:52");

	static final Mac B = Mac.parse("86:75:6f:e8:80:63");

	static byte[] eth(Mac src, Mac dst, byte[] ip) {
		ByteBuffer b = ByteBuffer.allocate(14 + ip.length);
		b.put(macBytes(dst)).put(macBytes(src)).putShort((short) 0x0800).put(ip);
		return b.array();
	}

	static byte[] macBytes(Mac m) {
		byte[] out = new byte[6];
		for (int i = 0; i < 6; i++) {
			out[i] = (byte) (m.value() >>> (8 * (5 - i)));
		}
		return out;
	}

	static byte[] ipv4(String src, String dst, int proto, int ttl, byte[] l4) {
		ByteBuffer b = ByteBuffer.allocate(20 + l4.length);
		b.put((byte) 0x45)
			.put((byte) 0)
			.putShort((short) (20 + l4.length))
			.putShort((short) 1)
			.putShort((short) 0x4000)
			.put((byte) ttl)
			.put((byte) proto)
			.putShort((short) 0)
			.putInt(Ip.parse(src).value())
			.putInt(Ip.parse(dst).value())
			.put(l4);
		return b.array();
	}

	static byte[] tcp(int sport, int dport, int flags) {
		ByteBuffer b = ByteBuffer.allocate(20);
		b.putShort((short) sport)
			.putShort((short) dport)
			.putInt(1)
			.putInt(0)
			.put((byte) 0x50)
			.put((byte) flags)
			.putShort((short) 64240)
			.putInt(0);
		return b.array();
	}

	static byte[] udp(int sport, int dport, byte[] payload) {
		ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
		b.putShort((short) sport)
			.putShort((short) dport)
			.putShort((short) (8 + payload.length))
			.putShort((short) 0)
			.put(payload);
		return b.array();
	}

	static byte[] pcap(boolean nano, byte[]... frames) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
		h.putInt(nano ? 0xa1b23c4d : 0xa1b2c3d4)
			.putShort((short) 2)
			.putShort((short) 4)
			.putInt(0)
			.putInt(0)
			.putInt(512)
			.putInt(1);
		out.writeBytes(h.array());
		int i = 0;
		for (byte[] f : frames) {
			ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
			r.putInt(1_700_000_000).putInt(++i * 10).putInt(f.length).putInt(f.length);
			out.writeBytes(r.array());
			out.writeBytes(f);
		}
		return out.toByteArray();
	}

	@Test
	void tcpSynAndSynAckAreTheRequestAndTheReply() {
		byte[] syn = eth(A, B, ipv4("10.244.1.2", "10.244.1.3", 6, 64, tcp(60086, 8080, 0x02)));
		byte[] synAck = eth(B, A, ipv4("10.244.1.3", "10.244.1.2", 6, 64, tcp(8080, 60086, 0x12)));
		byte[] ack = eth(A, B, ipv4("10.244.1.2", "10.244.1.3", 6, 64, tcp(60086, 8080, 0x10)));
		byte[] rst = eth(B, A, ipv4("10.244.1.3", "10.244.1.2", 6, 64, tcp(8080, 60086, 0x14)));
		List<Observation> obs = new PcapDecoder(Protocol.TCP, Set.of()).decode(pcap(true, syn, synAck, ack, rst),
				"node1", "veth1", Observation.Direction.OUT);
		assertThat(obs).extracting(Observation::leg)
			.containsExactly(Observation.Leg.REQUEST, Observation.Leg.REPLY, Observation.Leg.OTHER,
					Observation.Leg.ERROR);
		Headers h = obs.getFirst().headers();
		assertThat(h).isEqualTo(
				new Headers(A, B, Ip.parse("10.244.1.2"), Ip.parse("10.244.1.3"), Protocol.TCP, 60086, 8080, "S", 64));
		assertThat(obs.get(1).headers().flags()).isEqualTo("S.");
		assertThat(obs.get(3).headers().flags()).isEqualTo("R.");
		assertThat(obs.get(1).timeNanos() - obs.getFirst().timeNanos()).isEqualTo(10);
	}

	@Test
	void microsecondTimestampsAreScaled() {
		byte[] syn = eth(A, B, ipv4("10.244.1.2", "10.244.1.3", 6, 64, tcp(1, 2, 0x02)));
		List<Observation> obs = new PcapDecoder(Protocol.TCP, Set.of()).decode(pcap(false, syn, syn), "n", "d",
				Observation.Direction.IN);
		assertThat(obs.get(1).timeNanos() - obs.get(0).timeNanos()).isEqualTo(10_000);
	}

	@Test
	void vxlanIsDecodedWithItsInnerFrameAndClassifiedByIt() {
		Mac vtepA = Mac.parse("02:00:00:00:0a:01");
		Mac vtepB = Mac.parse("02:00:00:00:0b:01");
		byte[] inner = eth(vtepA, vtepB, ipv4("10.42.1.2", "10.42.2.2", 6, 63, tcp(40000, 8080, 0x02)));
		byte[] vx = ByteBuffer.allocate(8 + inner.length)
			.put((byte) 0x08)
			.put(new byte[3])
			.put((byte) 0)
			.put((byte) 0)
			.put((byte) 1)
			.put((byte) 0)
			.put(inner)
			.array();
		byte[] outer = eth(A, B, ipv4("192.168.205.3", "192.168.205.4", 17, 64, udp(51234, 8472, vx)));
		List<Observation> obs = new PcapDecoder(Protocol.TCP, Set.of(8472)).decode(pcap(true, outer), "node1", "eth0",
				Observation.Direction.OUT);
		Observation o = obs.getFirst();
		assertThat(o.encapsulated()).isTrue();
		assertThat(o.vni()).isEqualTo(1);
		assertThat(o.leg()).isEqualTo(Observation.Leg.REQUEST);
		assertThat(o.headers().dstPort()).isEqualTo(8472);
		assertThat(o.inner()).isEqualTo(new Headers(vtepA, vtepB, Ip.parse("10.42.1.2"), Ip.parse("10.42.2.2"),
				Protocol.TCP, 40000, 8080, "S", 63));
		assertThat(o.toString()).contains("vxlan vni 1 {", "10.42.1.2.40000 > 10.42.2.2.8080: tcp [S] ttl 63");
	}

	@Test
	void udpIsClassifiedByTheLabsMarkers() {
		byte[] rq = eth(A, B, ipv4("10.0.0.1", "10.0.0.2", 17, 64, udp(5000, 53, PcapDecoder.REQUEST_MARK)));
		byte[] rp = eth(B, A, ipv4("10.0.0.2", "10.0.0.1", 17, 64, udp(53, 5000, PcapDecoder.REPLY_MARK)));
		byte[] icmp = eth(B, A, ipv4("10.0.0.2", "10.0.0.1", 1, 64, new byte[] { 3, 3, 0, 0, 0, 0, 0, 0 }));
		List<Observation> obs = new PcapDecoder(Protocol.UDP, Set.of()).decode(pcap(true, rq, rp, icmp), "n", "d",
				Observation.Direction.IN);
		assertThat(obs).extracting(Observation::leg)
			.containsExactly(Observation.Leg.REQUEST, Observation.Leg.REPLY, Observation.Leg.ERROR);
		assertThat(obs.get(2).headers().flags()).isEqualTo("icmp 3/3");
	}

	@Test
	void nonIpv4FramesAndTruncatedRecordsAreSkipped() {
		byte[] arp = new byte[42];
		arp[12] = 0x08;
		arp[13] = 0x06;
		byte[] syn = eth(A, B, ipv4("10.244.1.2", "10.244.1.3", 6, 64, tcp(1, 2, 0x02)));
		byte[] stream = pcap(true, arp, syn);
		byte[] cut = java.util.Arrays.copyOf(stream, stream.length - 5);
		assertThat(new PcapDecoder(Protocol.TCP, Set.of()).decode(stream, "n", "d", Observation.Direction.IN))
			.hasSize(1);
		assertThat(new PcapDecoder(Protocol.TCP, Set.of()).decode(cut, "n", "d", Observation.Direction.IN)).isEmpty();
	}

	/**
	 * An SCTP packet with one chunk, as the lab's player sends it: common header (ports,
	 * verification tag, checksum), then the chunk; INIT and INIT ACK carry their initiate
	 * tag first. The checksum is not checked by the decoder (the capture saw what the
	 * kernel passed).
	 */
	static byte[] sctp(int sport, int dport, long vtag, int chunkType, long initTag) {
		boolean init = chunkType == 1 || chunkType == 2;
		ByteBuffer b = ByteBuffer.allocate(12 + 4 + (init ? 16 : 0));
		b.putShort((short) sport).putShort((short) dport).putInt((int) vtag).putInt(0);
		b.put((byte) chunkType).put((byte) 0).putShort((short) (4 + (init ? 16 : 0)));
		if (init) {
			b.putInt((int) initTag).putInt(106496).putShort((short) 10).putShort((short) 65535).putInt(1);
		}
		return b.array();
	}

	@Test
	void sctpIsDecodedByItsFirstChunkAndTheClientsChunksAreTheRequestTheServersTheReply() {
		long clientTag = 0xF0000001L;
		long serverTag = 2_473_695_052L;
		byte[] init = eth(A, B, ipv4("10.244.1.2", "10.96.0.20", 132, 64, sctp(40000, 80, 0, 1, clientTag)));
		byte[] initAck = eth(B, A, ipv4("10.96.0.20", "10.244.1.2", 132, 63, sctp(80, 40000, clientTag, 2, serverTag)));
		byte[] cookieEcho = eth(A, B, ipv4("10.244.1.2", "10.96.0.20", 132, 64, sctp(40000, 80, serverTag, 10, 0)));
		byte[] cookieAck = eth(B, A, ipv4("10.96.0.20", "10.244.1.2", 132, 63, sctp(80, 40000, clientTag, 11, 0)));
		byte[] abort = eth(B, A, ipv4("10.96.0.20", "10.244.1.2", 132, 63, sctp(80, 40000, clientTag, 6, 0)));
		byte[] protoUnreachable = eth(B, A,
				ipv4("10.244.1.3", "10.244.1.2", 1, 64, new byte[] { 3, 2, 0, 0, 0, 0, 0, 0 }));
		List<Observation> obs = new PcapDecoder(Protocol.SCTP, Set.of()).decode(
				pcap(true, init, initAck, cookieEcho, cookieAck, abort, protoUnreachable), "default/pod1", "eth0",
				Observation.Direction.OUT);
		assertThat(obs).extracting(Observation::leg)
			.containsExactly(Observation.Leg.REQUEST, Observation.Leg.REPLY, Observation.Leg.REQUEST,
					Observation.Leg.REPLY, Observation.Leg.ERROR, Observation.Leg.ERROR);
		assertThat(obs).extracting(o -> o.headers().flags())
			.containsExactly("INIT", "INIT ACK", "COOKIE ECHO", "COOKIE ACK", "ABORT", "icmp 3/2");
		assertThat(obs.getFirst().headers()).isEqualTo(new Headers(A, B, Ip.parse("10.244.1.2"), Ip.parse("10.96.0.20"),
				Protocol.SCTP, 40000, 80, "INIT", 64, new Headers.SctpTags(0, clientTag)));
		assertThat(obs.get(1).headers().tags()).isEqualTo(new Headers.SctpTags(clientTag, serverTag));
		assertThat(obs.get(2).headers().tags()).isEqualTo(new Headers.SctpTags(serverTag, 0));
		// printed as tcpdump names the chunk; the tags are each side's random draw and
		// not printed
		assertThat(obs.get(1).headers()).hasToString(
				"86:75:6f:e8:80:63 > 62:8b:ce:d3:50:52, 10.96.0.20.80 > 10.244.1.2.40000: sctp [INIT ACK] ttl 63");
	}

	@Test
	void aContinuedAssociationsRequestIsItsDataAndTheReplyTheSack() {
		byte[] init = eth(A, B, ipv4("10.244.1.2", "10.244.1.3", 132, 64, sctp(40000, 8080, 0, 1, 7)));
		byte[] data = eth(A, B, ipv4("10.244.1.2", "10.244.1.3", 132, 64, sctp(40000, 8080, 9, 0, 0)));
		byte[] sack = eth(B, A, ipv4("10.244.1.3", "10.244.1.2", 132, 64, sctp(8080, 40000, 7, 3, 0)));
		List<Observation> obs = new PcapDecoder(Protocol.SCTP, Set.of(), true).decode(pcap(true, init, data, sack), "n",
				"d", Observation.Direction.IN);
		assertThat(obs).extracting(Observation::leg)
			.containsExactly(Observation.Leg.OTHER, Observation.Leg.REQUEST, Observation.Leg.REPLY);
		assertThat(obs).extracting(o -> o.headers().flags()).containsExactly("INIT", "DATA", "SACK");
	}

	@Test
	void sctpChunkNamesAreTcpdumps() {
		assertThat(java.util.stream.IntStream.rangeClosed(0, 15).mapToObj(PcapDecoder::sctpChunk).toList())
			.containsExactly("DATA", "INIT", "INIT ACK", "SACK", "HB REQ", "HB ACK", "ABORT", "SHUTDOWN",
					"SHUTDOWN ACK", "OP ERR", "COOKIE ECHO", "COOKIE ACK", "ECN ECHO", "ECN CWR", "SHUTDOWN COMPLETE",
					"chunk 0xf");
	}

	@Test
	void anSctpPacketCutBeforeItsFirstChunkIsSkipped() {
		byte[] header = java.util.Arrays.copyOf(sctp(1, 2, 0, 1, 5), 12);
		byte[] frame = eth(A, B, ipv4("10.0.0.1", "10.0.0.2", 132, 64, header));
		assertThat(
				new PcapDecoder(Protocol.SCTP, Set.of()).decode(pcap(true, frame), "n", "d", Observation.Direction.IN))
			.isEmpty();
	}

	/**
	 * A real capture (tcpdump -w on the client side of a node that DNATs SCTP, kernel
	 * 6.18): the lab's raw-socket player's whole association, INIT to SHUTDOWN COMPLETE,
	 * with its own random tags and CRC32c checksums, after ARP.
	 */
	@Test
	void aRealCaptureOfThePlayersAssociationDecodes() throws Exception {
		byte[] pcap;
		try (var in = PcapDecoderTest.class.getResourceAsStream("sctp-association-dnat.pcap")) {
			pcap = in.readAllBytes();
		}
		List<Observation> obs = new PcapDecoder(Protocol.SCTP, Set.of()).decode(pcap, "client", "c0",
				Observation.Direction.IN);
		assertThat(obs).extracting(o -> o.headers().flags())
			.containsExactly("INIT", "INIT ACK", "COOKIE ECHO", "COOKIE ACK", "DATA", "SACK", "SHUTDOWN",
					"SHUTDOWN ACK", "SHUTDOWN COMPLETE");
		assertThat(obs).extracting(Observation::leg)
			.containsExactly(Observation.Leg.REQUEST, Observation.Leg.REPLY, Observation.Leg.REQUEST,
					Observation.Leg.REPLY, Observation.Leg.REQUEST, Observation.Leg.REPLY, Observation.Leg.OTHER,
					Observation.Leg.OTHER, Observation.Leg.OTHER);
		assertThat(obs.getFirst().headers()).hasToString(obs.getFirst().headers().srcMac() + " > "
				+ obs.getFirst().headers().dstMac() + ", 10.99.1.1.40000 > 10.96.0.10.80: sctp [INIT] ttl 64");
		assertThat(obs.getFirst().headers().tags()).isEqualTo(new Headers.SctpTags(0, 2_473_695_052L));
		assertThat(obs.get(1).headers().tags()).isEqualTo(new Headers.SctpTags(2_473_695_052L, 1_332_353_167L));
		// every later chunk carries the receiver's tag
		assertThat(TraceComparison.sctpTags("kernel", obs)).isEmpty();
	}

}

package dev.packetwalk.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.packetwalk.kubeproxy.IpSet;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.netfilter.IpSetDirection;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;

/**
 * ipset lookups as {@code -m set --match-set} makes them, for the set types kube-proxy's
 * IPVS mode keeps.
 */
class IpSetLookupTest {

	private static final List<IpSetDirection> DST_DST_SRC = List.of(IpSetDirection.DST, IpSetDirection.DST,
			IpSetDirection.SRC);

	private static Packet tcp(String src, String dst, int dport) {
		return Packet.of(new Ipv4(Ip.parse(src), Ip.parse(dst), Protocol.TCP, Ipv4.DEFAULT_TTL, true),
				new Transport.Tcp(40000, dport, "S"), Payload.Bytes.EMPTY);
	}

	/**
	 * KUBE-LOAD-BALANCER-SOURCE-CIDR (hash:ip,port,net) with dst,dst,src: the LB IP and
	 * port exactly, the source inside a member's prefix (a host prefix is printed bare).
	 */
	@Test
	void hashIpPortNetMatchesTheSourceInsideTheMembersPrefix() {
		IpSetLookup sets = new IpSetLookup(List.of(new IpSet("KUBE-LOAD-BALANCER-SOURCE-CIDR", IpSet.HASH_IP_PORT_NET,
				"c", new TreeSet<>(List.of("203.0.113.120,tcp:443,192.0.2.0/24", "203.0.113.120,tcp:443,10.0.0.7")))));
		String set = "KUBE-LOAD-BALANCER-SOURCE-CIDR";
		assertThat(sets.test(set, DST_DST_SRC, tcp("192.0.2.50", "203.0.113.120", 443))).isTrue();
		assertThat(sets.test(set, DST_DST_SRC, tcp("10.0.0.7", "203.0.113.120", 443))).isTrue();
		assertThat(sets.test(set, DST_DST_SRC, tcp("198.51.100.7", "203.0.113.120", 443))).isFalse();
		assertThat(sets.test(set, DST_DST_SRC, tcp("10.0.0.8", "203.0.113.120", 443))).isFalse();
		assertThat(sets.test(set, DST_DST_SRC, tcp("192.0.2.50", "203.0.113.120", 80))).as("other port").isFalse();
		assertThat(sets.test(set, DST_DST_SRC, tcp("192.0.2.50", "203.0.113.121", 443))).as("other IP").isFalse();
		assertThat(sets.test(set, List.of(IpSetDirection.DST, IpSetDirection.DST, IpSetDirection.DST),
				tcp("192.0.2.50", "203.0.113.120", 443)))
			.as("dst,dst,dst looks the destination up in the prefixes")
			.isFalse();
		assertThat(sets.test(set, List.of(IpSetDirection.DST, IpSetDirection.DST),
				tcp("192.0.2.50", "203.0.113.120", 443)))
			.as("fewer flags than dimensions never match (ip_set_test)")
			.isFalse();
	}

	@Test
	void hashIpPortIpMatchesExactly() {
		IpSetLookup sets = new IpSetLookup(List.of(new IpSet("KUBE-LOAD-BALANCER-SOURCE-IP", IpSet.HASH_IP_PORT_IP, "c",
				new TreeSet<>(List.of("203.0.113.120,tcp:443,203.0.113.120")))));
		assertThat(sets.test("KUBE-LOAD-BALANCER-SOURCE-IP", DST_DST_SRC, tcp("203.0.113.120", "203.0.113.120", 443)))
			.isTrue();
		assertThat(sets.test("KUBE-LOAD-BALANCER-SOURCE-IP", DST_DST_SRC, tcp("192.0.2.50", "203.0.113.120", 443)))
			.isFalse();
	}

	private static Packet sctp(String src, String dst, int dport) {
		return Packet.of(new Ipv4(Ip.parse(src), Ip.parse(dst), Protocol.SCTP, Ipv4.DEFAULT_TTL, true),
				new Transport.Sctp(40000, dport, 0, Transport.Sctp.INIT, 7), Payload.Bytes.EMPTY);
	}

	private static Packet udp(String src, String dst, int dport) {
		return Packet.of(new Ipv4(Ip.parse(src), Ip.parse(dst), Protocol.UDP, Ipv4.DEFAULT_TTL, true),
				new Transport.Udp(40000, dport), Payload.Bytes.EMPTY);
	}

	/**
	 * A hash set's port dimension carries the protocol ({@code sctp:3868} is not
	 * {@code tcp:3868}); bitmap:port takes the port of TCP and UDP packets only
	 * ({@code ip_set_get_ip_port}), so an SCTP packet to a port in KUBE-NODE-PORT-TCP or
	 * KUBE-HEALTH-CHECK-NODE-PORT is not a member: why kube-proxy keeps SCTP node ports
	 * in KUBE-NODE-PORT-SCTP-HASH (hash:ip,port).
	 */
	@Test
	void sctpPortsAreMembersOfHashSetsOnlyAndNeverOfBitmapPort() {
		IpSetLookup sets = new IpSetLookup(List.of(
				new IpSet("KUBE-CLUSTER-IP", IpSet.HASH_IP_PORT, "c", new TreeSet<>(List.of("10.96.30.30,sctp:3868"))),
				new IpSet("KUBE-NODE-PORT-SCTP-HASH", IpSet.HASH_IP_PORT, "c",
						new TreeSet<>(List.of("192.168.1.10,sctp:30868"))),
				new IpSet("KUBE-HEALTH-CHECK-NODE-PORT", IpSet.BITMAP_PORT, "c", new TreeSet<>(List.of("30868")))));
		List<IpSetDirection> dstDst = List.of(IpSetDirection.DST, IpSetDirection.DST);
		assertThat(sets.test("KUBE-CLUSTER-IP", dstDst, sctp("10.244.1.2", "10.96.30.30", 3868))).isTrue();
		assertThat(sets.test("KUBE-CLUSTER-IP", dstDst, tcp("10.244.1.2", "10.96.30.30", 3868))).as("TCP").isFalse();
		assertThat(sets.test("KUBE-NODE-PORT-SCTP-HASH", dstDst, sctp("192.0.2.7", "192.168.1.10", 30868))).isTrue();
		assertThat(sets.test("KUBE-NODE-PORT-SCTP-HASH", dstDst, sctp("192.0.2.7", "192.168.1.11", 30868)))
			.as("another node address")
			.isFalse();
		List<IpSetDirection> dst = List.of(IpSetDirection.DST);
		assertThat(sets.test("KUBE-HEALTH-CHECK-NODE-PORT", dst, tcp("192.0.2.7", "192.168.1.10", 30868))).isTrue();
		assertThat(sets.test("KUBE-HEALTH-CHECK-NODE-PORT", dst, udp("192.0.2.7", "192.168.1.10", 30868))).isTrue();
		assertThat(sets.test("KUBE-HEALTH-CHECK-NODE-PORT", dst, sctp("192.0.2.7", "192.168.1.10", 30868)))
			.as("bitmap:port never takes an SCTP packet")
			.isFalse();
	}

}

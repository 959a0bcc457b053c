package dev.packetwalk.netfilter;

import java.util.concurrent.atomic.AtomicInteger;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;

/** Small packet and context builders for the netfilter tests. */
final class Packets {

	private Packets() {
	}

	static Packet tcp(String src, int sport, String dst, int dport) {
		return Packet.of(new Ipv4(Ip.parse(src), Ip.parse(dst), Protocol.TCP, Ipv4.DEFAULT_TTL, true),
				new Transport.Tcp(sport, dport, "S"), Payload.Bytes.EMPTY);
	}

	static Packet udp(String src, int sport, String dst, int dport) {
		return Packet.of(new Ipv4(Ip.parse(src), Ip.parse(dst), Protocol.UDP, Ipv4.DEFAULT_TTL, false),
				new Transport.Udp(sport, dport), Payload.Bytes.EMPTY);
	}

	static Packet ping(String src, String dst) {
		return Packet.of(new Ipv4(Ip.parse(src), Ip.parse(dst), Protocol.ICMP, Ipv4.DEFAULT_TTL, false),
				new Transport.Icmp(Transport.Icmp.ECHO_REQUEST, 0, 7, null), Payload.Bytes.EMPTY);
	}

	/** A client pod opening a connection to a ClusterIP service. */
	static EvalContext podToService(String clusterIp, int port) {
		return EvalContext.of(tcp("10.244.1.5", 40000, clusterIp, port));
	}

	/**
	 * Returns the given numbers in turn, over and over (as the kernel's get_random_u32
	 * would, if it were kind).
	 */
	static RandomSource draws(int... values) {
		AtomicInteger next = new AtomicInteger();
		return () -> values[next.getAndIncrement() % values.length];
	}

	/** Wraps a single table's rules in *table … COMMIT. */
	static RuleSet table(String table, String... lines) {
		return RuleSet.parse("*" + table + "\n" + String.join("\n", lines) + "\nCOMMIT\n");
	}

}

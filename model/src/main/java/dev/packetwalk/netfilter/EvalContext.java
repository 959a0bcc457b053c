package dev.packetwalk.netfilter;

import java.util.function.Predicate;

import dev.packetwalk.net.Ip;
import dev.packetwalk.packet.Packet;

/**
 * Everything a table traversal reads besides the rules.
 *
 * @param packet the packet (addresses, protocol, ports, and its mark as the traversal
 * starts)
 * @param inDev the input device, or null where the hook has none (OUTPUT, POSTROUTING for
 * local packets)
 * @param outDev the output device, or null where the hook has none (PREROUTING, INPUT)
 * @param ctState the packet's conntrack state
 * @param ctDnat whether its connection was destination-NATed ({@code --ctstate DNAT})
 * @param ctSnat whether its connection was source-NATed ({@code --ctstate SNAT})
 * @param isLocal whether an address is local to this network namespace
 * ({@code -m addrtype --src/dst-type LOCAL})
 * @param random the random numbers of {@code -m statistic}
 * @param recent the {@code -m recent} lists of this namespace (mutated by the traversal)
 * @param ipSets the ipsets of this namespace
 * @param now the time in seconds, for {@code -m recent}
 * @param ipvs the IPVS connection the packet belongs to ({@code -m ipvs}; the skb's
 * ipvs_property), or null when IPVS has not handled it
 */
public record EvalContext(Packet packet, String inDev, String outDev, CtState ctState, boolean ctDnat, boolean ctSnat,
		Predicate<Ip> isLocal, RandomSource random, RecentLists recent, IpSets ipSets, long now, IpvsConnection ipvs) {

	/**
	 * The virtual service of the IPVS connection a packet belongs to, as {@code -m ipvs}
	 * reads it.
	 */
	public record IpvsConnection(Ip vaddr, int vport) {
		public IpvsConnection {
			if (vaddr == null || vport < 0 || vport > 65535) {
				throw new IllegalArgumentException("an IPVS connection needs a virtual address and port");
			}
		}
	}

	public EvalContext(Packet packet, String inDev, String outDev, CtState ctState, boolean ctDnat, boolean ctSnat,
			Predicate<Ip> isLocal, RandomSource random, RecentLists recent, IpSets ipSets, long now) {
		this(packet, inDev, outDev, ctState, ctDnat, ctSnat, isLocal, random, recent, ipSets, now, null);
	}

	public EvalContext {
		if (packet == null || ctState == null || isLocal == null || random == null || recent == null
				|| ipSets == null) {
			throw new IllegalArgumentException(
					"an evaluation context needs a packet, a conntrack state, a locality test,"
							+ " a random source, recent lists and ipsets (only the devices may be null)");
		}
	}

	/**
	 * A context with defaults: no devices, state NEW without NAT, no local addresses, a
	 * generator seeded with 0, empty recent lists, no ipsets, time 0.
	 */
	public static EvalContext of(Packet packet) {
		return new EvalContext(packet, null, null, CtState.NEW, false, false, ip -> false, RandomSource.seeded(0),
				new RecentLists(), IpSets.NONE, 0);
	}

	public EvalContext withPacket(Packet p) {
		return new EvalContext(p, inDev, outDev, ctState, ctDnat, ctSnat, isLocal, random, recent, ipSets, now, ipvs);
	}

	public EvalContext withDevices(String in, String out) {
		return new EvalContext(packet, in, out, ctState, ctDnat, ctSnat, isLocal, random, recent, ipSets, now, ipvs);
	}

	public EvalContext withConntrack(CtState state, boolean dnat, boolean snat) {
		return new EvalContext(packet, inDev, outDev, state, dnat, snat, isLocal, random, recent, ipSets, now, ipvs);
	}

	public EvalContext withLocal(Predicate<Ip> local) {
		return new EvalContext(packet, inDev, outDev, ctState, ctDnat, ctSnat, local, random, recent, ipSets, now,
				ipvs);
	}

	public EvalContext withRandom(RandomSource r) {
		return new EvalContext(packet, inDev, outDev, ctState, ctDnat, ctSnat, isLocal, r, recent, ipSets, now, ipvs);
	}

	public EvalContext withRecent(RecentLists r) {
		return new EvalContext(packet, inDev, outDev, ctState, ctDnat, ctSnat, isLocal, random, r, ipSets, now, ipvs);
	}

	public EvalContext withIpSets(IpSets s) {
		return new EvalContext(packet, inDev, outDev, ctState, ctDnat, ctSnat, isLocal, random, recent, s, now, ipvs);
	}

	public EvalContext withNow(long seconds) {
		return new EvalContext(packet, inDev, outDev, ctState, ctDnat, ctSnat, isLocal, random, recent, ipSets, seconds,
				ipvs);
	}

	public EvalContext withIpvs(IpvsConnection c) {
		return new EvalContext(packet, inDev, outDev, ctState, ctDnat, ctSnat, isLocal, random, recent, ipSets, now, c);
	}

}

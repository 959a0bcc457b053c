package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Ip;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IPVS schedulers, after the kernel's {@code net/netfilter/ipvs/ip_vs_{rr,lc,sh}.c}. The
 * real-server list is taken in the order given (the model uses ipvsadm's sorted order;
 * the kernel's list order depends on insertion order, which kube-proxy takes from a Go
 * set). Servers with weight 0 are never chosen. Stateful: keep one instance per virtual
 * service.
 */
public sealed interface IpvsScheduler
		permits IpvsScheduler.RoundRobin, IpvsScheduler.LeastConnection, IpvsScheduler.SourceHash {

	/** The scheduler's ipvsadm name ({@code rr}, {@code lc}, {@code sh}). */
	String name();

	/**
	 * The destination for a new connection from {@code client}; empty when no server is
	 * usable.
	 */
	Optional<IpvsRealServer> schedule(List<IpvsRealServer> servers, Ip client);

	static IpvsScheduler of(String name) {
		return switch (name) {
			case "rr" -> new RoundRobin();
			case "lc" -> new LeastConnection();
			case "sh" -> new SourceHash();
			default ->
				throw new IllegalArgumentException("unsupported IPVS scheduler '" + name + "' (model has rr, lc, sh)");
		};
	}

	/**
	 * {@code ip_vs_rr}: the next usable server after the one chosen last time, wrapping
	 * around.
	 */
	final class RoundRobin implements IpvsScheduler {

		private IpvsRealServer last;

		@Override
		public String name() {
			return "rr";
		}

		@Override
		public Optional<IpvsRealServer> schedule(List<IpvsRealServer> servers, Ip client) {
			int start = last == null ? -1 : servers.indexOf(last);
			int n = servers.size();
			for (int step = 1; step <= n; step++) {
				IpvsRealServer candidate = servers.get(Math.floorMod(start + step, n));
				if (candidate.weight() > 0) {
					last = candidate;
					return Optional.of(candidate);
				}
			}
			return Optional.empty();
		}

	}

	/**
	 * {@code ip_vs_lc}: the usable server with the least overhead
	 * ({@code active * 256 + inactive}; the model only counts active connections it
	 * scheduled, minus those {@link #release released}); ties go to the first in list.
	 */
	final class LeastConnection implements IpvsScheduler {

		private final Map<IpvsRealServer, Integer> active = new HashMap<>();

		@Override
		public String name() {
			return "lc";
		}

		@Override
		public Optional<IpvsRealServer> schedule(List<IpvsRealServer> servers, Ip client) {
			IpvsRealServer least = null;
			long leastOverhead = Long.MAX_VALUE;
			for (IpvsRealServer s : servers) {
				if (s.weight() == 0) {
					continue;
				}
				long overhead = (long) activeConnections(s) << 8;
				if (least == null || overhead < leastOverhead) {
					least = s;
					leastOverhead = overhead;
				}
			}
			if (least != null) {
				active.merge(least, 1, Integer::sum);
			}
			return Optional.ofNullable(least);
		}

		/** A connection to {@code server} ended. */
		public void release(IpvsRealServer server) {
			active.computeIfPresent(server, (k, v) -> v > 1 ? v - 1 : null);
		}

		public int activeConnections(IpvsRealServer server) {
			return active.getOrDefault(server, 0);
		}

	}

	/**
	 * {@code ip_vs_sh}: a 256-bucket table filled round-robin with the servers (each
	 * taking {@code weight} consecutive buckets; {@code ip_vs_sh_reassign}), indexed by
	 * the kernel's {@code hash_32(ntohl(saddr) + port, 8)}, i.e.
	 * {@code (addr * 0x61C88647) >>> 24} in 32-bit arithmetic; the port is 0 because
	 * kube-proxy does not set the {@code sh-port} flag. A bucket whose server has weight
	 * 0 yields no server (no {@code sh-fallback}). The same client address always maps to
	 * the same server while the server list is unchanged.
	 */
	final class SourceHash implements IpvsScheduler {

		public static final int TABLE_BITS = 8;

		public static final int TABLE_SIZE = 1 << TABLE_BITS;

		/** Linux {@code GOLDEN_RATIO_32}. */
		public static final int GOLDEN_RATIO_32 = 0x61C88647;

		@Override
		public String name() {
			return "sh";
		}

		/** The bucket a client address hashes to. */
		public static int bucket(Ip client) {
			return ((client.value() * GOLDEN_RATIO_32) >>> (32 - TABLE_BITS)) & (TABLE_SIZE - 1);
		}

		/** The server owning each bucket, as {@code ip_vs_sh_reassign} lays them out. */
		public static IpvsRealServer[] table(List<IpvsRealServer> servers) {
			IpvsRealServer[] table = new IpvsRealServer[TABLE_SIZE];
			if (servers.isEmpty()) {
				return table;
			}
			int index = 0;
			int count = 0;
			for (int b = 0; b < TABLE_SIZE; b++) {
				IpvsRealServer s = servers.get(index);
				table[b] = s;
				if (++count >= s.weight()) {
					index = (index + 1) % servers.size();
					count = 0;
				}
			}
			return table;
		}

		@Override
		public Optional<IpvsRealServer> schedule(List<IpvsRealServer> servers, Ip client) {
			IpvsRealServer s = table(servers)[bucket(client)];
			return s == null || s.weight() <= 0 ? Optional.empty() : Optional.of(s);
		}

	}

}

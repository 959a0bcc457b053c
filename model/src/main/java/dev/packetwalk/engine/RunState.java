package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.conntrack.ConntrackTable;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.netfilter.RecentLists;

/**
 * The mutable kernel state of one run: what the namespaces learn while packets pass
 * (neighbour caches, bridge FDBs, conntrack entries) and the seeded generator that makes
 * every random choice. One per trace; never shared.
 */
final class RunState {

	final SplittableRandom random;

	private final Map<String, Map<Ip, Mac>> neighbors = new HashMap<>();

	private final Map<String, Map<Mac, String>> fdb = new HashMap<>();

	private final Map<String, ConntrackTable> conntrack = new LinkedHashMap<>();

	private final Map<String, RecentLists> recent = new HashMap<>();

	/**
	 * Logical clock in seconds: advanced by one for every walk, so timeouts are
	 * reproducible.
	 */
	long now = 1_000_000;

	/** The run's seed (also seeds per-flow hashes such as ECMP). */
	final long seed;

	/**
	 * What the run learns step by step, when asked for ({@link NamespaceTables}); null
	 * otherwise.
	 */
	final StateJournal journal;

	/** What this run may cost; checked at every hop and netfilter hook. */
	final Budget budget;

	RunState(long seed) {
		this(seed, null, Budget.UNLIMITED);
	}

	RunState(long seed, StateJournal journal) {
		this(seed, journal, Budget.UNLIMITED);
	}

	RunState(long seed, Budget budget) {
		this(seed, null, budget);
	}

	RunState(long seed, StateJournal journal, Budget budget) {
		this.seed = seed;
		this.budget = budget;
		this.random = new SplittableRandom(seed);
		this.journal = journal;
	}

	Mac neighbor(String nsId, String dev, Ip ip) {
		Map<Ip, Mac> m = neighbors.get(nsId + "/" + dev);
		Mac mac = m == null ? null : m.get(ip);
		if (mac != null && journal != null) {
			journal.record(nsId, StateJournal.Table.NEIGH, dev + "/" + ip, neighLine(ip, dev, mac),
					StateJournal.Kind.USED, 0);
		}
		return mac;
	}

	/**
	 * {@code ip neigh} prints a learned entry that has just been confirmed by an answer
	 * as REACHABLE.
	 */
	static String neighLine(Ip ip, String dev, Mac mac) {
		return ip + " dev " + dev + " lladdr " + mac + " REACHABLE";
	}

	void learnNeighbor(String nsId, String dev, Ip ip, Mac mac) {
		Mac before = neighbors.computeIfAbsent(nsId + "/" + dev, k -> new LinkedHashMap<>()).put(ip, mac);
		if (journal != null) {
			journal.record(nsId, StateJournal.Table.NEIGH, dev + "/" + ip, neighLine(ip, dev, mac),
					before == null ? StateJournal.Kind.CREATED : StateJournal.Kind.UPDATED, 0);
		}
	}

	/**
	 * Neighbour entries whose hardware header is cached ({@code neigh->hh}): set by the
	 * first packet sent through the entry ({@code neigh_resolve_output}); an entry
	 * learned from someone else's ARP request has none yet.
	 */
	private final java.util.Set<String> cachedHeaders = new java.util.HashSet<>();

	boolean headerCached(String nsId, String dev, Ip ip) {
		return cachedHeaders.contains(nsId + "/" + dev + "/" + ip);
	}

	/**
	 * Neighbour entries in a connected state (REACHABLE after this namespace's own ARP
	 * exchange, or PERMANENT); an entry learned from someone else's ARP request is STALE,
	 * and sending through it only moves it to DELAY.
	 */
	private final java.util.Set<String> connectedNeighbors = new java.util.HashSet<>();

	boolean neighborConnected(String nsId, String dev, Ip ip) {
		return connectedNeighbors.contains(nsId + "/" + dev + "/" + ip);
	}

	void neighborReachable(String nsId, String dev, Ip ip) {
		connectedNeighbors.add(nsId + "/" + dev + "/" + ip);
	}

	void cacheHeader(String nsId, String dev, Ip ip) {
		cachedHeaders.add(nsId + "/" + dev + "/" + ip);
	}

	String fdbLookup(String nsId, String bridge, Mac mac) {
		Map<Mac, String> m = fdb.get(nsId + "/" + bridge);
		String port = m == null ? null : m.get(mac);
		if (port != null && journal != null) {
			journal.record(nsId, StateJournal.Table.FDB, bridge + "/" + mac, fdbLine(mac, port, bridge),
					StateJournal.Kind.USED, 0);
		}
		return port;
	}

	/** A learned entry as {@code bridge fdb show} prints it. */
	static String fdbLine(Mac mac, String port, String bridge) {
		return mac + " dev " + port + " master " + bridge;
	}

	void fdbLearn(String nsId, String bridge, Mac mac, String port) {
		fdbLearn(nsId, bridge, mac, port, 0);
	}

	/**
	 * Learns where a MAC is; for the journal, {@code offset} -1 gives the entry to the
	 * step just recorded (a frame's {@code receive} on the port: the bridge learns as the
	 * frame arrives) instead of the next one.
	 */
	void fdbLearn(String nsId, String bridge, Mac mac, String port, int offset) {
		if (port == null) {
			// a frame the bridge device itself sends (br_dev_xmit) teaches the bridge
			// nothing: its own address is a
			// permanent local entry, not a learned one
			return;
		}
		String before = fdb.computeIfAbsent(nsId + "/" + bridge, k -> new LinkedHashMap<>()).put(mac, port);
		if (journal != null) {
			journal.record(nsId, StateJournal.Table.FDB, bridge + "/" + mac, fdbLine(mac, port, bridge),
					before == null ? StateJournal.Kind.CREATED
							: before.equals(port) ? StateJournal.Kind.USED : StateJournal.Kind.UPDATED,
					offset);
		}
	}

	/**
	 * A port leaves the bridge: the entries learned on it go too
	 * ({@code br_fdb_delete_by_port}); returns them as {@code bridge fdb show} printed
	 * them.
	 */
	List<String> fdbForgetPort(String nsId, String bridge, String port) {
		List<String> gone = new ArrayList<>();
		Map<Mac, String> m = fdb.get(nsId + "/" + bridge);
		if (m != null) {
			m.entrySet().removeIf(e -> {
				if (!e.getValue().equals(port)) {
					return false;
				}
				gone.add(fdbLine(e.getKey(), port, bridge));
				return true;
			});
		}
		return gone;
	}

	/** {@code bridge fdb show br <bridge>} lines for the learned entries. */
	List<String> fdbLines(String nsId, String bridge) {
		List<String> out = new ArrayList<>();
		Map<Mac, String> m = fdb.get(nsId + "/" + bridge);
		if (m != null) {
			m.forEach((mac, port) -> out.add(fdbLine(mac, port, bridge)));
		}
		return out;
	}

	/** Every namespace's conntrack table so far, in the order they were first used. */
	Map<String, ConntrackTable> conntrackTables() {
		return java.util.Collections.unmodifiableMap(conntrack);
	}

	/** Every namespace's nftables dynamic sets so far. */
	Map<String, dev.packetwalk.netfilter.NftEvaluator.DynamicSets> nftSetsByNamespace() {
		return java.util.Collections.unmodifiableMap(nftSets);
	}

	/** Every namespace's {@code -m recent} lists so far. */
	Map<String, RecentLists> recentByNamespace() {
		return java.util.Collections.unmodifiableMap(recent);
	}

	ConntrackTable conntrack(String nsId) {
		return conntrack.computeIfAbsent(nsId, k -> new ConntrackTable());
	}

	private final Map<String, dev.packetwalk.netfilter.NftEvaluator.DynamicSets> nftSets = new HashMap<>();

	/** The namespace's nftables dynamic set elements ({@code update @affinity-…}). */
	dev.packetwalk.netfilter.NftEvaluator.DynamicSets nftSets(String nsId) {
		return nftSets.computeIfAbsent(nsId, k -> new dev.packetwalk.netfilter.NftEvaluator.DynamicSets());
	}

	/**
	 * The namespace's {@code -m recent} lists (xt_recent state is per network namespace).
	 */
	RecentLists recent(String nsId) {
		return recent.computeIfAbsent(nsId, k -> new RecentLists());
	}

	private final Map<String, dev.packetwalk.kubeproxy.IpvsScheduler> schedulers = new HashMap<>();

	private final Map<String, IpvsPersistence> persistence = new HashMap<>();

	/** A namespace's IPVS persistence templates, or null when it never had one. */
	IpvsPersistence ipvsPersistenceIfAny(String nsId) {
		return persistence.get(nsId);
	}

	/** A node's IPVS persistence templates. */
	IpvsPersistence ipvsPersistence(String nsId) {
		return persistence.computeIfAbsent(nsId, k -> new IpvsPersistence());
	}

	/**
	 * A virtual server's scheduler on a node: stateful (rr remembers its position), one
	 * per run.
	 */
	dev.packetwalk.kubeproxy.IpvsScheduler ipvsScheduler(String nsId, dev.packetwalk.kubeproxy.IpvsVirtualServer vs) {
		return schedulers.computeIfAbsent(nsId + "/" + vs,
				k -> dev.packetwalk.kubeproxy.IpvsScheduler.of(vs.scheduler()));
	}

	/** An ephemeral port from {@code net.ipv4.ip_local_port_range} (32768..60999). */
	int ephemeralPort() {
		return 32768 + random.nextInt(60999 - 32768 + 1);
	}

}

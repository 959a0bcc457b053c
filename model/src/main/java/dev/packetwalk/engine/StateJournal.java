package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.conntrack.ConntrackEntry;

/**
 * What the kernel state of a run learns, step by step: every neighbour, FDB and conntrack
 * entry created, used, updated, confirmed or removed (a conntrack entry that timed out at
 * a wait or that kube-proxy deleted, a learned FDB entry of a port CNI DEL unplugged),
 * and the conntrack entries' countdown at a wait (aged), with the index (0-based, over
 * the whole trace) of the step it belongs to. Only kept when asked for
 * ({@link NamespaceTables}); an ordinary run has none.
 */
final class StateJournal {

	enum Table {

		NEIGH, FDB, CONNTRACK,
		/** IPVS's connection table ({@code ipvsadm -Lnc}). */
		IPVS

	}

	enum Kind {

		CREATED, USED, UPDATED, CONFIRMED,
		/**
		 * The entry left the table; {@code conntrack -L} and its tool no longer list it.
		 */
		REMOVED,
		/**
		 * Time passed: the entry's printed line changed (its timeout counts down), no
		 * mark.
		 */
		AGED

	}

	/**
	 * @param key the entry's identity in its table (a neighbour's device and address, a
	 * bridge's MAC, a connection)
	 * @param line the entry as its tool prints it after the change
	 * @param confirmed for conntrack: whether the entry is in the table
	 * ({@code conntrack -L} shows it) or still only attached to the packet
	 */
	record Change(int step, String namespace, Table table, String key, String line, Kind kind, boolean confirmed) {
	}

	private final List<Change> changes = new ArrayList<>();

	private final Map<ConntrackEntry, Integer> ids = new IdentityHashMap<>();

	/**
	 * The IPVS connections in the tables, in the order made: namespace and connection
	 * ({@link #ipvsKey}) → its conntrack entry.
	 */
	private final Map<String, ConntrackEntry> ipvs = new java.util.LinkedHashMap<>();

	/** The persistence templates in the IPVS tables, by namespace. */
	private final Map<String, java.util.Set<String>> templates = new java.util.TreeMap<>();

	/** Steps of the walks already finished. */
	private int base;

	/** The walk being recorded. */
	private HopRecorder walk;

	void startWalk(HopRecorder recorder) {
		walk = recorder;
	}

	void endWalk(int steps) {
		base += steps;
		walk = null;
	}

	/**
	 * A walk the engine built without a walker (a cluster change, a wait) of
	 * {@code steps} steps has been added.
	 */
	void skipWalk(int steps) {
		base += steps;
	}

	/**
	 * A change of a walk being built without a walker, at its {@code index}-th step
	 * (0-based); call before {@link #skipWalk}.
	 */
	void recordAt(int index, String ns, Table table, String key, String line, Kind kind) {
		changes.add(new Change(base + index, ns, table, key, line, kind, true));
	}

	/** A conntrack entry changed at the {@code index}-th step of a walk being built. */
	void conntrackAt(int index, String ns, ConntrackEntry e, String line, Kind kind) {
		int id = ids.computeIfAbsent(e, x -> ids.size());
		changes.add(new Change(base + index, ns, Table.CONNTRACK, "ct" + id, line, kind, e.confirmed()));
	}

	/**
	 * IPVS took a new connection in {@code ns} (its scheduler picked the real server
	 * {@code destination}, {@code ip:port}; called before the conntrack entry learns the
	 * binding, as the changes are kept in step order): from the step just recorded, the
	 * IPVS connection table lists it; every later packet of it in {@code ns} uses it, and
	 * it leaves the table when its own IPVS timeout runs out ({@link #ipvsAgeAt}),
	 * whatever conntrack's entry does.
	 */
	void ipvsConnection(String ns, ConntrackEntry e, String destination) {
		String key = ipvsKey(ns, e);
		if (ipvs.get(key) == e) {
			return;
		}
		// (a live entry of the same client port and virtual server is replaced in place)
		ipvs.put(key, e);
		changes.add(new Change(step() - 1, ns, Table.IPVS, key, IpvsConnections.line(e, e.lastSeen(), destination),
				Kind.CREATED, true));
	}

	/**
	 * Time passed to {@code now}, at the {@code index}-th step of a walk being built: the
	 * IPVS connections of {@code ns} (every namespace when null) count down, and those
	 * whose IPVS timeout ran out leave the table.
	 */
	void ipvsAgeAt(int index, String ns, long now) {
		for (java.util.Iterator<Map.Entry<String, ConntrackEntry>> it = ipvs.entrySet().iterator(); it.hasNext();) {
			Map.Entry<String, ConntrackEntry> c = it.next();
			String where = c.getKey().substring(0, c.getKey().indexOf(' '));
			if (ns != null && !ns.equals(where)) {
				continue;
			}
			boolean gone = IpvsConnections.expiredAt(c.getValue(), now);
			changes.add(new Change(base + index, where, Table.IPVS, c.getKey(), IpvsConnections.line(c.getValue(), now),
					gone ? Kind.REMOVED : Kind.AGED, true));
			if (gone) {
				it.remove();
			}
		}
	}

	/**
	 * A new connection used (or made) the client's persistence template for a persistent
	 * virtual server at the step just recorded: the template's line, armed again
	 * ({@code key} is the template's within the namespace).
	 */
	void ipvsTemplate(String ns, String key, String line) {
		String k = ns + " template " + key;
		boolean made = templates.computeIfAbsent(ns, x -> new java.util.LinkedHashSet<>()).add(k);
		changes.add(new Change(step() - 1, ns, Table.IPVS, k, line, made ? Kind.CREATED : Kind.USED, true));
	}

	/**
	 * Time passed, at the {@code index}-th step of a walk being built: the namespace's
	 * persistence templates still {@code live} (key → line) count down, the others leave
	 * the table.
	 */
	void ipvsTemplatesAt(int index, String ns, Map<String, String> live) {
		java.util.Set<String> had = templates.get(ns);
		if (had == null) {
			return;
		}
		for (java.util.Iterator<String> it = had.iterator(); it.hasNext();) {
			String k = it.next();
			String line = live.get(k.substring((ns + " template ").length()));
			changes.add(new Change(base + index, ns, Table.IPVS, k, line == null ? "" : line,
					line == null ? Kind.REMOVED : Kind.AGED, true));
			if (line == null) {
				it.remove();
			}
		}
	}

	/** An IPVS connection's identity: namespace, protocol, client and virtual server. */
	private static String ipvsKey(String ns, ConntrackEntry e) {
		return ns + " " + e.original().protocol() + " " + e.original().src() + ":" + e.original().sport() + " "
				+ e.original().dst() + ":" + e.original().dport();
	}

	/**
	 * A packet of an IPVS connection passed its conntrack entry in {@code ns}: IPVS's
	 * entry is used too (its timer starts again, its state follows the reply).
	 */
	private void ipvsUsed(int step, String ns, ConntrackEntry e, Kind kind) {
		if (kind != Kind.USED && kind != Kind.UPDATED && kind != Kind.CONFIRMED) {
			return;
		}
		String key = ipvsKey(ns, e);
		if (ipvs.get(key) == e) {
			changes.add(new Change(step, ns, Table.IPVS, key, IpvsConnections.line(e, e.lastSeen()), Kind.USED, true));
		}
	}

	/** The step the next change belongs to: the one the walk adds next. */
	private int step() {
		return base + (walk == null ? 0 : walk.count());
	}

	/**
	 * A neighbour or FDB entry changed or was used; {@code offset} -1 gives it to the
	 * step just recorded.
	 */
	void record(String ns, Table table, String key, String line, Kind kind, int offset) {
		changes.add(new Change(step() + offset, ns, table, key, line, kind, true));
	}

	/**
	 * A conntrack entry changed; {@code offset} -1 gives it to the step just recorded
	 * instead of the next one.
	 */
	void conntrack(String ns, ConntrackEntry e, Kind kind, int offset) {
		int id = ids.computeIfAbsent(e, x -> ids.size());
		changes.add(new Change(step() + offset, ns, Table.CONNTRACK, "ct" + id, e.text(), kind, e.confirmed()));
		ipvsUsed(step() + offset, ns, e, kind);
	}

	List<Change> changes() {
		return changes;
	}

}

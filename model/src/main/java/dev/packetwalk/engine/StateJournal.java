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

		NEIGH, FDB, CONNTRACK

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
	}

	List<Change> changes() {
		return changes;
	}

}

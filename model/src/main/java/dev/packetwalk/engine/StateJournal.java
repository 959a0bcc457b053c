package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.conntrack.ConntrackEntry;

/**
 * What the kernel state of a run learns, step by step: every neighbour, FDB and conntrack
 * entry created, used, updated or confirmed, with the index (0-based, over the whole
 * trace) of the step it belongs to. Only kept when asked for ({@link NamespaceTables});
 * an ordinary run has none.
 */
final class StateJournal {

	enum Table {

		NEIGH, FDB, CONNTRACK

	}

	enum Kind {

		CREATED, USED, UPDATED, CONFIRMED

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

package dev.packetwalk.conntrack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A namespace's connection-tracking table. Entries are found by either their original or
 * their reply tuple.
 */
public final class ConntrackTable {

	/** Which way a packet travels relative to its connection. */
	public enum Direction {

		ORIGINAL, REPLY

	}

	/** The result of looking a packet up. */
	public record Lookup(ConntrackEntry entry, Direction direction, boolean isNew) {
	}

	private final Map<Tuple, ConntrackEntry> byOriginal = new HashMap<>();

	private final Map<Tuple, ConntrackEntry> byReply = new HashMap<>();

	private final List<ConntrackEntry> entries = new ArrayList<>();

	/**
	 * Finds the packet's connection, or makes a new unconfirmed entry for it (the packet
	 * is then NEW).
	 */
	public Lookup lookupOrCreate(Tuple t) {
		ConntrackEntry e = byOriginal.get(t);
		if (e != null) {
			e.count();
			e.originalPacket();
			return new Lookup(e, Direction.ORIGINAL, false);
		}
		e = byReply.get(t);
		if (e != null) {
			e.markReply();
			e.count();
			return new Lookup(e, Direction.REPLY, false);
		}
		ConntrackEntry fresh = new ConntrackEntry(t);
		fresh.count();
		return new Lookup(fresh, Direction.ORIGINAL, true);
	}

	/**
	 * Inserts a new entry once its first packet has passed POSTROUTING/INPUT (the
	 * kernel's confirm step).
	 */
	public void confirm(ConntrackEntry e) {
		if (e.confirmed()) {
			return;
		}
		e.confirm();
		byOriginal.put(e.original(), e);
		byReply.put(e.reply(), e);
		entries.add(e);
	}

	/**
	 * Deletes the entries that timed out by {@code now} (the kernel's garbage
	 * collection); returns them in table order.
	 */
	public List<ConntrackEntry> expire(long now) {
		List<ConntrackEntry> gone = new ArrayList<>();
		entries.removeIf(e -> {
			if (!e.expiredAt(now)) {
				return false;
			}
			gone.add(e);
			byOriginal.remove(e.original());
			byReply.remove(e.reply());
			return true;
		});
		return gone;
	}

	/** The entries in table (insertion) order. */
	public List<ConntrackEntry> entries() {
		return List.copyOf(entries);
	}

	/** The table in insertion order, as {@code conntrack -L} lines. */
	public List<String> list() {
		return entries.stream().map(ConntrackEntry::text).toList();
	}

	public int size() {
		return entries.size();
	}

	/**
	 * Deletes the UDP entries whose connection was DNATed to one of these addresses
	 * (kube-proxy's {@code conntrack -D -p udp --dst-nat <endpoint>} when an endpoint
	 * goes away); returns them in table order.
	 */
	public List<ConntrackEntry> deleteUdpTo(java.util.Collection<dev.packetwalk.net.Ip> endpoints) {
		List<ConntrackEntry> deleted = new ArrayList<>();
		entries.removeIf(e -> {
			boolean gone = e.original().protocol() == dev.packetwalk.net.Protocol.UDP && e.isDnat()
					&& endpoints.contains(e.reply().src());
			if (gone) {
				deleted.add(e);
				byOriginal.remove(e.original());
				byReply.remove(e.reply());
			}
			return gone;
		});
		return deleted;
	}

}

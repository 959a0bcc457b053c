package dev.packetwalk.netfilter;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import dev.packetwalk.net.Ip;

/**
 * The kernel's {@code -m recent} state (xt_recent): per list name, the addresses seen,
 * each with its last {@value Match#RECENT_STAMPS} time stamps (seconds), kept in
 * least-recently-updated order. Mutable; one instance belongs to one network namespace.
 *
 * <p>
 * Like xt_recent, a list holds at most {@value #MAX_ENTRIES} addresses
 * ({@code ip_list_tot}); adding one more forgets the least recently updated.
 * {@code --reap} forgets, as the kernel does, only the least recently updated address of
 * the list, and only when its newest stamp is older than {@code --seconds}.
 */
public final class RecentLists {

	/** xt_recent's ip_list_tot default. */
	public static final int MAX_ENTRIES = 200;

	/**
	 * Insertion order of the inner map is the LRU order: the first entry is the least
	 * recently updated.
	 */
	private final Map<String, LinkedHashMap<Ip, Deque<Long>>> lists = new HashMap<>();

	/** Records that an address was seen now, as {@code --set} does. */
	public void record(String name, Ip address, long now) {
		LinkedHashMap<Ip, Deque<Long>> list = lists.computeIfAbsent(name, n -> new LinkedHashMap<>());
		Deque<Long> stamps = list.remove(address);
		if (stamps == null) {
			if (list.size() >= MAX_ENTRIES) {
				Iterator<Ip> it = list.keySet().iterator();
				it.next();
				it.remove();
			}
			stamps = new ArrayDeque<>();
		}
		stamps.addLast(now);
		if (stamps.size() > Match.RECENT_STAMPS) {
			stamps.removeFirst();
		}
		list.put(address, stamps);
	}

	/** When the address was last seen on the list, if it is there. */
	public OptionalLong lastSeen(String name, Ip address) {
		Map<Ip, Deque<Long>> list = lists.get(name);
		Deque<Long> stamps = list == null ? null : list.get(address);
		return stamps == null ? OptionalLong.empty() : OptionalLong.of(stamps.getLast());
	}

	/**
	 * The addresses on a list with their last-seen times, least recently updated first.
	 */
	public Map<Ip, Long> snapshot(String name) {
		Map<Ip, Long> out = new LinkedHashMap<>();
		lists.getOrDefault(name, new LinkedHashMap<>()).forEach((ip, s) -> out.put(ip, s.getLast()));
		return Collections.unmodifiableMap(out);
	}

	/**
	 * Evaluates a recent match for a packet with the given source and destination, with
	 * xt_recent's {@code recent_mt} semantics (including its side effects on the list).
	 */
	boolean match(Match.Recent m, Ip src, Ip dst, long now) {
		Ip addr = new Ip((m.side() == Match.RecentSide.SOURCE ? src : dst).value() & m.mask().value());
		boolean ret = m.negated();
		LinkedHashMap<Ip, Deque<Long>> list = lists.get(m.name());
		Deque<Long> e = list == null ? null : list.get(addr);
		if (e == null) {
			if (m.command() != Match.RecentCommand.SET) {
				return ret;
			}
			record(m.name(), addr, now);
			return !ret;
		}
		switch (m.command()) {
			case SET -> ret = !ret;
			case REMOVE -> {
				list.remove(addr);
				ret = !ret;
			}
			case RCHECK, UPDATE -> {
				long time = now - m.seconds();
				int hits = 0;
				for (long stamp : e) {
					if (m.seconds() != 0 && stamp < time) {
						continue;
					}
					if (m.hitCount() == 0 || ++hits >= m.hitCount()) {
						ret = !ret;
						break;
					}
				}
				if (m.reap()) {
					reap(list, time, addr, m.command() == Match.RecentCommand.UPDATE && ret);
				}
			}
		}
		if (m.command() == Match.RecentCommand.SET || (m.command() == Match.RecentCommand.UPDATE && ret)) {
			record(m.name(), addr, now);
		}
		return ret;
	}

	/**
	 * {@code recent_entry_reap}: drop the least recently updated entry if its newest
	 * stamp is stale.
	 */
	private static void reap(LinkedHashMap<Ip, Deque<Long>> list, long time, Ip working, boolean update) {
		if (list.isEmpty()) {
			return;
		}
		Map.Entry<Ip, Deque<Long>> oldest = list.entrySet().iterator().next();
		if (oldest.getKey().equals(working) && update) {
			return;
		}
		if (oldest.getValue().getLast() < time) {
			list.remove(oldest.getKey());
		}
	}

}

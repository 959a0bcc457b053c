package dev.packetwalk.netfilter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The iptables tables the model knows ({@code security} is not modelled). Each table owns
 * a fixed set of built-in chains, one per netfilter hook it registers at, and registers
 * at its hooks with a fixed priority.
 */
public enum Table {

	RAW(-300, List.of(Hook.PREROUTING, Hook.OUTPUT)),
	MANGLE(-150, List.of(Hook.PREROUTING, Hook.INPUT, Hook.FORWARD, Hook.OUTPUT, Hook.POSTROUTING)),
	NAT(-100, List.of(Hook.PREROUTING, Hook.INPUT, Hook.OUTPUT, Hook.POSTROUTING)),
	FILTER(0, List.of(Hook.INPUT, Hook.FORWARD, Hook.OUTPUT));

	/**
	 * The order in which {@code iptables-save} (nft backend, v1.8.9) prints tables: the
	 * order of its internal table list (mangle, security, raw, filter, nat), observed in
	 * a network namespace.
	 */
	public static final List<Table> SAVE_ORDER = List.of(MANGLE, RAW, FILTER, NAT);

	/**
	 * NF_IP_PRI_NAT_SRC: the nat table's source-NAT hooks (INPUT, POSTROUTING) run after
	 * filter.
	 */
	private static final int NAT_SRC_PRIORITY = 100;

	private final int priority;

	private final List<Hook> builtinChains;

	Table(int priority, List<Hook> builtinChains) {
		this.priority = priority;
		this.builtinChains = builtinChains;
	}

	/** Lower-case name as {@code iptables -t} and {@code iptables-save} print it. */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The built-in chains of this table, in the order iptables-save prints them. */
	public List<Hook> builtinChains() {
		return builtinChains;
	}

	public boolean hasChain(Hook hook) {
		return builtinChains.contains(hook);
	}

	/**
	 * The kernel priority this table registers with at a hook: raw -300, mangle -150, nat
	 * -100 at PREROUTING/OUTPUT (destination NAT) and +100 at INPUT/POSTROUTING (source
	 * NAT), filter 0.
	 */
	public int priorityAt(Hook hook) {
		if (!hasChain(hook)) {
			throw new IllegalArgumentException("table " + label() + " has no " + hook + " chain");
		}
		if (this == NAT && (hook == Hook.INPUT || hook == Hook.POSTROUTING)) {
			return NAT_SRC_PRIORITY;
		}
		return priority;
	}

	/**
	 * The tables the kernel traverses at a hook, in traversal order: raw → mangle → nat
	 * (DNAT side, at PREROUTING and OUTPUT) → filter → nat (SNAT side, at INPUT and
	 * POSTROUTING).
	 */
	public static List<Table> atHook(Hook hook) {
		List<Table> tables = new ArrayList<>();
		for (Table t : values()) {
			if (t.hasChain(hook)) {
				tables.add(t);
			}
		}
		tables.sort(Comparator.comparingInt(t -> t.priorityAt(hook)));
		return List.copyOf(tables);
	}

	public static Table parse(String text) {
		for (Table t : values()) {
			if (t.label().equals(text)) {
				return t;
			}
		}
		throw new IllegalArgumentException(
				"unknown table '" + text + "' (the model knows raw, mangle, nat and filter)");
	}

	@Override
	public String toString() {
		return label();
	}

}

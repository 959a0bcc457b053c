package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Listener;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.trace.RuleMatch;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * A namespace's tables as they are after step {@code step} of a trace (1-based as the
 * player counts; 0 is before the first step): each as its tool prints it, with the
 * entries the step created, used, updated or confirmed marked. Static tables (routes,
 * rules, IPVS, listeners) are the compiled ones; neighbour, FDB and conntrack entries are
 * replayed from the run's journal up to the step.
 *
 * @param steps how many steps the trace has (the step is at most that)
 * @param tables in the order {@code route}, {@code neigh}, {@code fdb},
 * {@code conntrack}, {@code iptables}, {@code ipvs}, {@code ipvs-conn}, {@code nftables},
 * {@code listeners}; tables the namespace does not have are left out
 */
public record NamespaceTables(String namespace, int step, int steps, List<Table> tables) {

	/**
	 * One table.
	 *
	 * @param id {@code route}, {@code neigh}, {@code fdb}, {@code conntrack},
	 * {@code iptables}, {@code ipvs}, {@code ipvs-conn} ({@code ipvsadm -Lnc}: IPVS's
	 * connection entries, counting down), {@code nftables} ({@code nft list ruleset}: the
	 * rules the step's nftables walk matched and the map elements it used are marked
	 * {@code used}), {@code listeners}
	 * @param command the command whose output {@code text} is ({@code ip route},
	 * {@code conntrack -L}, …)
	 * @param text exactly what the command prints (lines ending in a newline; empty when
	 * the table is empty)
	 * @param lines the entries, in the order printed, with marks
	 */
	public record Table(String id, String command, String text, List<Line> lines) {
		public Table {
			lines = List.copyOf(lines);
		}
	}

	/**
	 * One entry.
	 *
	 * @param mark what the step did to it: {@code created}, {@code used},
	 * {@code updated}, {@code confirmed}, or null
	 * @param inTable false for a conntrack entry that is not in the table yet (created
	 * for the packet being walked, confirmed when it leaves POSTROUTING or reaches
	 * INPUT): {@code conntrack -L} does not print it
	 */
	public record Line(String text, String mark, boolean inTable) {
	}

	public NamespaceTables {
		tables = List.copyOf(tables);
	}

	/** Where the walks of a trace begin and end, by step index (0-based). */
	private static int walkStartOf(Trace trace, int index) {
		int start = 0;
		for (Walk w : trace.walks()) {
			int n = w.hops().stream().mapToInt(h -> h.steps().size()).sum();
			if (index < start + n) {
				return start;
			}
			start += n;
		}
		return start;
	}

	private record Entry(String text, boolean confirmed, int created) {
	}

	/**
	 * @param net the cluster whose devices, routes and static entries are in force at the
	 * step
	 * @param rulesNet the cluster whose rules (iptables, IPVS) are in force at the step
	 */
	static NamespaceTables of(Network net, Network rulesNet, Namespace ns, Trace trace, StateJournal journal,
			int step) {
		if (!rulesNet.has(ns.id())) {
			rulesNet = net; // a namespace the change creates: its rules come with it
		}
		int total = trace.walks().stream().flatMap(w -> w.hops().stream()).mapToInt(h -> h.steps().size()).sum();
		if (step < 0 || step > total) {
			throw new IllegalArgumentException(
					"step must be 0.." + total + " (the trace has " + total + " steps), was " + step);
		}
		int current = step - 1;
		Map<StateJournal.Table, Map<String, Entry>> state = new LinkedHashMap<>();
		Map<String, String> marks = new LinkedHashMap<>();
		for (StateJournal.Change c : journal.changes()) {
			if (c.step() > current) {
				break;
			}
			if (!c.namespace().equals(ns.id())) {
				continue;
			}
			Map<String, Entry> table = state.computeIfAbsent(c.table(), t -> new LinkedHashMap<>());
			Entry before = table.get(c.key());
			switch (c.kind()) {
				case REMOVED -> {
					// timed out, deleted by kube-proxy, or forgotten with its port: the
					// tool no longer lists it
					table.remove(c.key());
					marks.remove(c.table() + "/" + c.key());
					continue;
				}
				case AGED -> {
					if (before != null) {
						table.put(c.key(), new Entry(c.line(), before.confirmed(), before.created()));
					}
					continue;
				}
				case CREATED, USED, UPDATED, CONFIRMED -> {
				}
			}
			table.put(c.key(), new Entry(c.line(), c.confirmed(), before == null ? c.step() : before.created()));
			if (c.step() == current) {
				String mark = c.kind().name().toLowerCase(Locale.ROOT);
				// the strongest thing the step did to the entry: created beats confirmed
				// beats updated beats used
				String had = marks.get(c.table() + "/" + c.key());
				if (had == null || rank(mark) > rank(had)) {
					marks.put(c.table() + "/" + c.key(), mark);
				}
			}
		}
		int walkStart = current < 0 ? 0 : walkStartOf(trace, current);
		List<Table> tables = new ArrayList<>();
		tables.add(table("route", "ip route",
				net.routeTexts(ns.id()).stream().map(t -> new Line(t, null, true)).toList(), true));

		List<Line> neigh = new ArrayList<>();
		for (Neighbor n : ns.neighbors()) {
			neigh.add(new Line(n.text(), null, true));
		}
		learned(state, marks, StateJournal.Table.NEIGH, neigh, walkStart);
		tables.add(table("neigh", "ip neigh", neigh, true));

		boolean l2 = ns.devices().stream().anyMatch(d -> d instanceof Device.Bridge || d instanceof Device.Vxlan);
		if (l2) {
			List<Line> fdb = new ArrayList<>();
			learned(state, marks, StateJournal.Table.FDB, fdb, walkStart);
			for (Device d : ns.devices()) {
				if (d.master() != null && ns.device(d.master()) instanceof Device.Bridge) {
					// the port's own address: a permanent local entry the bridge adds
					// when the port joins
					fdb.add(new Line(d.mac() + " dev " + d.name() + " master " + d.master() + " permanent", null,
							true));
				}
				if (d instanceof Device.Vxlan v) {
					for (Device.FdbEntry e : v.fdb()) {
						fdb.add(new Line(e.mac() + " dev " + v.name() + " dst " + e.dst() + " self permanent", null,
								true));
					}
				}
			}
			tables.add(table("fdb", "bridge fdb show", fdb, true));
		}
		if (rulesNet.rules(ns.id()) != null || net.nftables(ns.id()) != null) {
			// conntrack runs wherever netfilter rules do (nftables mode's node has no
			// iptables rules of its own)
			List<Line> ct = new ArrayList<>();
			learned(state, marks, StateJournal.Table.CONNTRACK, ct, walkStart);
			tables.add(table("conntrack", "conntrack -L", ct, false));
		}
		if (rulesNet.rules(ns.id()) != null) {
			tables.add(new Table("iptables", "iptables-save", rulesNet.rules(ns.id()).print(),
					lines(rulesNet.rules(ns.id()).print())));
		}
		if (rulesNet.ipvs(ns.id()) != null) {
			String ipvs = rulesNet.ipvs(ns.id()).ipvsadmList();
			tables.add(new Table("ipvs", "ipvsadm -Ln", ipvs, lines(ipvs)));
			List<Line> conns = new ArrayList<>(lines(IpvsConnections.HEADER));
			learned(state, marks, StateJournal.Table.IPVS, conns, walkStart);
			tables.add(table("ipvs-conn", "ipvsadm -Lnc", conns, false));
		}
		if (net.nftables(ns.id()) != null) {
			String nft = net.nftables(ns.id()).listRuleset();
			Step at = current < 0 ? null : stepAt(trace, current);
			tables.add(new Table("nftables", "nft list ruleset", nft,
					nftLines(nft, at instanceof Step.Nftables n && ns.id().equals(n.at().namespace()) ? n : null)));
		}
		tables.add(listeners(ns.listeners()));
		return new NamespaceTables(ns.id(), step, total, tables);
	}

	/** The step at a 0-based index of the whole trace. */
	private static Step stepAt(Trace trace, int index) {
		int i = index;
		for (Walk w : trace.walks()) {
			for (dev.packetwalk.trace.Hop h : w.hops()) {
				if (i < h.steps().size()) {
					return h.steps().get(i);
				}
				i -= h.steps().size();
			}
		}
		return null;
	}

	/**
	 * The lines of {@code nft list ruleset}, with the rules the step's walk matched (by
	 * chain and 1-based position) and the set and map elements its lookups found marked
	 * {@code used}.
	 */
	private static List<Line> nftLines(String text, Step.Nftables step) {
		if (step == null) {
			return lines(text);
		}
		java.util.Set<String> rules = new java.util.HashSet<>();
		for (RuleMatch m : step.matched()) {
			rules.add(m.chain() + "#" + m.number());
		}
		java.util.Set<String> elements = new java.util.HashSet<>();
		for (Step.Nftables.Lookup l : step.lookups()) {
			if (l.element() != null) {
				elements.add(l.element());
			}
		}
		List<Line> out = new ArrayList<>();
		String chain = null;
		int number = 0;
		for (String line : text.lines().toList()) {
			boolean used = false;
			if (line.startsWith("\tchain ") && line.endsWith(" {")) {
				chain = line.substring("\tchain ".length(), line.length() - 2);
				number = 0;
			}
			else if (line.equals("\t}")) {
				chain = null;
			}
			else if (chain != null && line.startsWith("\t\t") && !line.startsWith("\t\ttype ")
					&& !line.startsWith("\t\tcomment ")) {
				number++;
				used = rules.contains(chain + "#" + number);
			}
			else if (chain == null) {
				String element = line.strip();
				element = element.startsWith("elements = { ") ? element.substring("elements = { ".length()) : element;
				element = element.endsWith(" }") ? element.substring(0, element.length() - 2)
						: element.endsWith(",") ? element.substring(0, element.length() - 1) : element;
				used = elements.contains(element);
			}
			out.add(new Line(line, used ? "used" : null, true));
		}
		return out;
	}

	private static int rank(String mark) {
		return switch (mark) {
			case "created" -> 3;
			case "confirmed" -> 2;
			case "updated" -> 1;
			default -> 0;
		};
	}

	/**
	 * The learned entries of one table, in the order learned; an unconfirmed conntrack
	 * entry only within its walk.
	 */
	private static void learned(Map<StateJournal.Table, Map<String, Entry>> state, Map<String, String> marks,
			StateJournal.Table which, List<Line> out, int walkStart) {
		Map<String, Entry> table = state.getOrDefault(which, Map.of());
		table.forEach((key, e) -> {
			if (!e.confirmed() && e.created() < walkStart) {
				return; // the packet that carried it died or left unconfirmed: the kernel
						// freed it
			}
			out.add(new Line(e.text(), marks.get(which + "/" + key), e.confirmed()));
		});
	}

	/**
	 * The table's text: its entries in the table, one a line. iproute2 ({@code ip route},
	 * {@code ip neigh}, {@code bridge fdb}) ends every line it prints with a space before
	 * the newline unless a trailing flag word ({@code permanent}) closes it;
	 * {@code trailingSpace} says the tool is one of those.
	 */
	private static Table table(String id, String command, List<Line> lines, boolean trailingSpace) {
		StringBuilder sb = new StringBuilder();
		for (Line l : lines) {
			if (l.inTable()) {
				sb.append(l.text());
				if (trailingSpace && !l.text().endsWith(" permanent")) {
					sb.append(' ');
				}
				sb.append('\n');
			}
		}
		return new Table(id, command, sb.toString(), lines);
	}

	private static List<Line> lines(String text) {
		return text.lines().map(t -> new Line(t, null, true)).toList();
	}

	/**
	 * {@code ss -ltun}: the listening TCP and bound UDP sockets (wildcard address, as the
	 * scenarios' servers bind), in ss's columns (header
	 * {@code Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess});
	 * with an SCTP listener, {@code ss -ltunS} (its listening SCTP sockets too).
	 */
	static Table listeners(List<Listener> listeners) {
		List<Line> lines = new ArrayList<>();
		lines.add(new Line("Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess", null, true));
		boolean sctp = false;
		for (Listener l : listeners) {
			boolean listening = l.protocol() != dev.packetwalk.net.Protocol.UDP;
			sctp |= l.protocol() == dev.packetwalk.net.Protocol.SCTP;
			lines.add(new Line(String.format(Locale.ROOT, "%-5s %-6s %-6d %-6d %18s %14s          ",
					l.protocol().lower(), listening ? "LISTEN" : "UNCONN", 0, listening ? 4096 : 0,
					"0.0.0.0:" + l.port(), "0.0.0.0:*"), null, true));
		}
		return table("listeners", sctp ? "ss -ltunS" : "ss -ltun", lines, false);
	}

}

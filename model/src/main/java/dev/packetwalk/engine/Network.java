package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.netfilter.RuleSet;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Route;
import dev.packetwalk.topology.Topology;

/**
 * A topology indexed for walking: namespaces by id, bridge ports, routing tables in
 * lookup order. Immutable and shareable between runs.
 */
final class Network {

	private final Map<String, Namespace> byId = new HashMap<>();

	private final Map<String, List<Route>> routes = new HashMap<>();

	private final Map<String, List<String>> routeTexts = new HashMap<>();

	private final Map<String, Map<String, Device>> devices = new HashMap<>();

	private final Map<String, List<Device>> bridgePorts = new HashMap<>();

	private final Map<Mac, Device.Endpoint> macOwner = new HashMap<>();

	private final Map<String, RuleSet> rules = new HashMap<>();

	private final Map<String, dev.packetwalk.kubeproxy.IpvsState> ipvs = new HashMap<>();

	private final Map<String, dev.packetwalk.netfilter.NftRuleset> nft = new HashMap<>();

	Network(Topology topology, Map<String, dev.packetwalk.kubeproxy.IpvsState> ipvsByNamespace) {
		this(topology, ipvsByNamespace, new Parsed());
	}

	Network(Topology topology) {
		this(topology, Map.of(), new Parsed());
	}

	/**
	 * The rule sets parsed so far, by their text: a RuleSet (and an NftRuleset) is
	 * immutable, so namespaces with the same rules text (kube-proxy writes the same rules
	 * on most nodes) share one parsed rule set and its indexes, and an engine's timeline
	 * states (most of which keep most nodes' rules) share those of its start. Not
	 * thread-safe: one per engine construction.
	 */
	static final class Parsed {

		private final Map<String, RuleSet> iptables = new HashMap<>();

		private final Map<String, dev.packetwalk.netfilter.NftRuleset> nftables = new HashMap<>();

	}

	Network(Topology topology, Map<String, dev.packetwalk.kubeproxy.IpvsState> ipvsByNamespace, Parsed parsedRules) {
		ipvs.putAll(ipvsByNamespace);
		Map<String, RuleSet> parsed = parsedRules.iptables;
		Map<String, dev.packetwalk.netfilter.NftRuleset> parsedNft = parsedRules.nftables;
		for (Namespace ns : topology.namespaces()) {
			byId.put(ns.id(), ns);
			if (!ns.iptables().isBlank()) {
				rules.put(ns.id(), parsed.computeIfAbsent(ns.iptables(), RuleSet::parse));
			}
			if (!ns.nftables().isBlank()) {
				nft.put(ns.id(), parsedNft.computeIfAbsent(ns.nftables(), dev.packetwalk.netfilter.NftRuleset::parse));
			}
			List<Route> table = new ArrayList<>(ns.effectiveRoutes());
			// ip route lists the main table in FIB trie order: by network address, then
			// prefix length
			table.sort(Comparator.comparing((Route r) -> r.dst().network())
				.thenComparingInt(r -> r.dst().prefix())
				.thenComparingInt(Route::metric));
			routes.put(ns.id(), List.copyOf(table));
			// List.copyOf: a null-hostile immutable list, which Step.RouteLookup's own
			// List.copyOf keeps as it is
			routeTexts.put(ns.id(), List.copyOf(table.stream().map(Route::text).toList()));
			Map<String, Device> byName = new HashMap<>();
			for (Device d : ns.devices()) {
				byName.putIfAbsent(d.name(), d);
			}
			devices.put(ns.id(), byName);
			for (Device d : ns.devices()) {
				if (d.master() != null) {
					bridgePorts.computeIfAbsent(ns.id() + "/" + d.master(), k -> new ArrayList<>()).add(d);
				}
				if (!(d instanceof Device.Loopback) && !(d instanceof Device.Dummy)) {
					macOwner.put(d.mac(), new Device.Endpoint(ns.id(), d.name()));
				}
			}
		}
	}

	/**
	 * The namespace's parsed rules, or null when it has none (no hooks, no conntrack).
	 */
	RuleSet rules(String nsId) {
		return rules.get(nsId);
	}

	/** The namespace's nftables ruleset, or null when it has none. */
	dev.packetwalk.netfilter.NftRuleset nftables(String nsId) {
		return nft.get(nsId);
	}

	/** The IPVS state of a node in IPVS proxy mode, or null. */
	dev.packetwalk.kubeproxy.IpvsState ipvs(String nsId) {
		return ipvs.get(nsId);
	}

	/**
	 * The ipsets {@code -m set} consults in this namespace (kube-proxy's, in IPVS mode).
	 */
	dev.packetwalk.netfilter.IpSets ipsets(String nsId) {
		dev.packetwalk.kubeproxy.IpvsState st = ipvs.get(nsId);
		return st == null ? dev.packetwalk.netfilter.IpSets.NONE : new IpSetLookup(st.ipsets());
	}

	/**
	 * {@link Namespace#device}, by an index (a VPC router or a switch has a port per
	 * node).
	 */
	Device device(Namespace ns, String name) {
		Map<String, Device> m = devices.get(ns.id());
		return m == null || ns != byId.get(ns.id()) ? ns.device(name) : m.get(name);
	}

	boolean has(String id) {
		return byId.containsKey(id);
	}

	Namespace ns(String id) {
		Namespace ns = byId.get(id);
		if (ns == null) {
			throw new IllegalArgumentException("no namespace " + id);
		}
		return ns;
	}

	List<Route> routes(String nsId) {
		return routes.get(nsId);
	}

	/**
	 * {@code ip route} text of {@link #routes}, line for line (immutable; shown in every
	 * route step).
	 */
	List<String> routeTexts(String nsId) {
		return routeTexts.get(nsId);
	}

	List<Device> ports(String nsId, String bridge) {
		return bridgePorts.getOrDefault(nsId + "/" + bridge, List.of());
	}

	Device.Endpoint ownerOf(Mac mac) {
		return macOwner.get(mac);
	}

	/** Is the address one of the namespace's own (the kernel's local table)? */
	boolean isLocal(Namespace ns, Ip ip) {
		return ns.isLocal(ip);
	}

	/**
	 * Route lookup: the longest prefix wins, then the lowest metric, then the first in
	 * table order.
	 */
	Route lookup(String nsId, Ip dst) {
		Route best = null;
		for (Route r : routes.get(nsId)) {
			if (r.dst().contains(dst)) {
				if (best == null || r.dst().prefix() > best.dst().prefix()
						|| (r.dst().prefix() == best.dst().prefix() && r.metric() < best.metric())) {
					best = r;
				}
			}
		}
		return best;
	}

}

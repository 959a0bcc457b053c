package dev.packetwalk.engine;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.packetwalk.topology.Topology;

/**
 * What the engine runs: a topology, the flows to send through it in order, and the
 * cluster DNS records the DNS server pods answer with (name → addresses, as CoreDNS
 * serves Services), and the NetworkPolicies the network plugin enforces (null when the
 * cluster has none), and each node's IPVS state in IPVS proxy mode.
 */
public record Scenario(String id, Topology topology, List<Flow> flows, java.util.Map<String, List<String>> dns,
		dev.packetwalk.netpol.PolicyEngine policies, java.util.Map<String, dev.packetwalk.kubeproxy.IpvsState> ipvs,
		List<Event> timeline) {

	/**
	 * Does the namespace exist at some point of the scenario: in its cluster or in the
	 * cluster after one of its timeline's changes?
	 */
	public boolean hasNamespace(String namespace) {
		if (topology.namespace(namespace) != null) {
			return true;
		}
		for (Event e : timeline) {
			if (e instanceof Event.Change c && c.state().topology().namespace(namespace) != null) {
				return true;
			}
		}
		return false;
	}

	public Scenario(String id, Topology topology, List<Flow> flows) {
		this(id, topology, flows, java.util.Map.of(), null, java.util.Map.of());
	}

	public Scenario(String id, Topology topology, List<Flow> flows, java.util.Map<String, List<String>> dns,
			dev.packetwalk.netpol.PolicyEngine policies,
			java.util.Map<String, dev.packetwalk.kubeproxy.IpvsState> ipvs) {
		this(id, topology, flows, dns, policies, ipvs, List.of());
	}

	/** Every flow the run sends: the flows, then the timeline's packets, in order. */
	public List<Flow> sentFlows() {
		List<Flow> out = new java.util.ArrayList<>(flows);
		timeline.forEach(e -> {
			if (e instanceof Event.Send s) {
				out.add(s.flow());
			}
		});
		return List.copyOf(out);
	}

	/**
	 * Does the cluster change while packets pass (a timeline with at least one change)?
	 */
	public boolean changes() {
		return timeline.stream().anyMatch(e -> e instanceof Event.Change);
	}

	/**
	 * Every namespace that exists at some point of the run, each as it was last seen:
	 * what a map of the whole run draws (pods created by the timeline included, deleted
	 * ones kept).
	 */
	public Topology everyNamespace() {
		if (!changes()) {
			return topology;
		}
		java.util.Map<String, dev.packetwalk.topology.Namespace> seen = new java.util.LinkedHashMap<>();
		topology.namespaces().forEach(ns -> seen.put(ns.id(), ns));
		for (Event e : timeline) {
			if (e instanceof Event.Change c) {
				for (dev.packetwalk.topology.Namespace ns : c.state().topology().namespaces()) {
					dev.packetwalk.topology.Namespace before = seen.get(ns.id());
					seen.put(ns.id(), before == null ? ns : Timelines.union(before, ns));
				}
			}
		}
		return new Topology(List.copyOf(seen.values()));
	}

	public Scenario {
		dns = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(dns == null ? java.util.Map.of() : dns));
		ipvs = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(ipvs == null ? java.util.Map.of() : ipvs));
		if (id == null || id.isBlank() || topology == null) {
			throw new IllegalArgumentException("a scenario has an id and a topology");
		}
		flows = List.copyOf(flows);
		timeline = List.copyOf(timeline == null ? List.of() : timeline);
		if (flows.isEmpty() && timeline.stream().noneMatch(e -> e instanceof Event.Send)) {
			throw new IllegalArgumentException("scenario " + id + " sends no flow");
		}
		Set<String> ids = new HashSet<>();
		for (Flow f : flows) {
			if (!ids.add(f.id())) {
				throw new IllegalArgumentException("scenario " + id + " has two flows with id " + f.id());
			}
			if (topology.namespace(f.from()) == null) {
				throw new IllegalArgumentException(
						"flow " + f.id() + " is sent from " + f.from() + ", which is not a namespace");
			}
		}
		Topology now = topology;
		for (Event e : timeline) {
			switch (e) {
				case Event.Send s -> {
					if (!ids.add(s.flow().id())) {
						throw new IllegalArgumentException(
								"scenario " + id + " has two flows or changes with id " + s.flow().id());
					}
					if (now.namespace(s.flow().from()) == null) {
						throw new IllegalArgumentException("flow " + s.flow().id() + " is sent from " + s.flow().from()
								+ ", which does not exist at that point of the timeline");
					}
					if (s.continues() != null && !ids.contains(s.continues())) {
						throw new IllegalArgumentException("flow " + s.flow().id() + " continues " + s.continues()
								+ ", which is not an earlier flow");
					}
				}
				case Event.Change c -> {
					if (!ids.add(c.id())) {
						throw new IllegalArgumentException(
								"scenario " + id + " has two flows or changes with id " + c.id());
					}
					now = c.state().topology();
				}
				case Event.Wait w -> {
					if (!ids.add(w.id())) {
						throw new IllegalArgumentException(
								"scenario " + id + " has two flows, changes or waits with id " + w.id());
					}
				}
			}
		}
	}

}

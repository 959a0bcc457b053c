package dev.packetwalk.engine;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.packetwalk.topology.Topology;

/**
 * What the engine runs: a topology, the flows to send through it in order, and the cluster DNS records the DNS
 * server pods answer with (name → addresses, as CoreDNS serves Services), and the NetworkPolicies the network
 * plugin enforces (null when the cluster has none), and each node's IPVS state in IPVS proxy mode.
 */
public record Scenario(String id, Topology topology, List<Flow> flows, java.util.Map<String, List<String>> dns,
		dev.packetwalk.netpol.PolicyEngine policies, java.util.Map<String, dev.packetwalk.kubeproxy.IpvsState> ipvs) {

	public Scenario(String id, Topology topology, List<Flow> flows) {
		this(id, topology, flows, java.util.Map.of(), null, java.util.Map.of());
	}

	public Scenario {
		dns = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(dns == null ? java.util.Map.of() : dns));
		ipvs = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(ipvs == null ? java.util.Map.of() : ipvs));
		if (id == null || id.isBlank() || topology == null) {
			throw new IllegalArgumentException("a scenario has an id and a topology");
		}
		flows = List.copyOf(flows);
		if (flows.isEmpty()) {
			throw new IllegalArgumentException("scenario " + id + " sends no flow");
		}
		Set<String> ids = new HashSet<>();
		for (Flow f : flows) {
			if (!ids.add(f.id())) {
				throw new IllegalArgumentException("scenario " + id + " has two flows with id " + f.id());
			}
			if (topology.namespace(f.from()) == null) {
				throw new IllegalArgumentException("flow " + f.id() + " is sent from " + f.from() + ", which is not a namespace");
			}
		}
	}

}

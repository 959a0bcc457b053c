package dev.packetwalk.importer;

import java.util.List;

/**
 * What an import gives: the scenario's YAML, what could not be carried over, and what a
 * flow can start from and go to (for the page's pickers).
 *
 * @param yaml the scenario file (docs/scenario-format.md), with the warnings as comments
 * at its top
 * @param warnings in the order they were found
 * @param summary one line: how many nodes, pods, Services, NetworkPolicies and which
 * network and proxy mode
 * @param sources the flow senders, in the scenario's forms ({@code ns/pod},
 * {@code node/name}, {@code host/name})
 * @param destinations the flow destinations
 * @param flow the flow the scenario follows
 */
public record ImportResult(String yaml, List<ImportWarning> warnings, String summary, List<String> sources,
		List<Destination> destinations, Destination flow, String from) {

	public ImportResult {
		warnings = List.copyOf(warnings);
		sources = List.copyOf(sources);
		destinations = List.copyOf(destinations);
	}

	/**
	 * A place a flow can go to.
	 *
	 * @param to the scenario's form ({@code service/ns/name:80}, {@code ns/pod:8080},
	 * {@code node/n1:30080}, {@code 203.0.113.7:80}, {@code web.ns.svc.cluster.local:80})
	 * @param protocol TCP or UDP
	 * @param kind {@code service}, {@code nodeport}, {@code loadbalancer}, {@code dns} or
	 * {@code pod}
	 * @param label what the page shows
	 */
	public record Destination(String to, String protocol, String kind, String label) {
	}

}

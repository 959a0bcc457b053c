package dev.packetwalk.netpol;

import java.util.List;

/**
 * One ingress or egress rule. An empty peer list matches every peer and an empty port
 * list every port, so {@code ingress: [{}]} allows everything.
 */
public record PolicyRule(List<Peer> peers, List<PolicyPort> ports) {

	public static final PolicyRule ALLOW_ALL = new PolicyRule(List.of(), List.of());

	public PolicyRule {
		peers = List.copyOf(peers == null ? List.of() : peers);
		ports = List.copyOf(ports == null ? List.of() : ports);
	}

}

package dev.packetwalk.engine;

import java.util.List;
import java.util.Map;

import dev.packetwalk.kubeproxy.IpvsState;
import dev.packetwalk.net.Ip;
import dev.packetwalk.netpol.PolicyEngine;
import dev.packetwalk.topology.Topology;
import dev.packetwalk.trace.Hop;

/**
 * One entry of a scenario's timeline, run in order after its flows: a packet, a change to
 * the cluster, or time passing. Every packet sees the cluster as the changes before it
 * left it.
 */
public sealed interface Event {

	/**
	 * A packet.
	 *
	 * @param flow the flow
	 * @param continues the id of an earlier flow whose connection this packet belongs to
	 * (the same socket sends the next segment or datagram), or null for a new connection
	 */
	record Send(Flow flow, String continues) implements Event {
		public Send {
			if (flow == null) {
				throw new IllegalArgumentException("a send event has a flow");
			}
		}
	}

	/**
	 * A change to the cluster: what the cluster is afterwards, and the control-plane
	 * steps that got it there.
	 *
	 * @param id the change's id (the walk's flow id in the trace)
	 * @param label what the player calls it, e.g. {@code create web-4 on node2}
	 * @param state the cluster after the change
	 * @param hops the control-plane steps (CNI, EndpointSlice, kube-proxy), grouped by
	 * namespace
	 * @param goneEndpoints addresses that stopped being a Service endpoint: kube-proxy
	 * deletes UDP conntrack entries DNATed to them
	 * @param unplugged bridge ports deleted with their pods, as {@code node/bridge/port}:
	 * the bridge forgets the MACs it learned on them
	 */
	record Change(String id, String label, State state, List<Hop> hops, List<Ip> goneEndpoints,
			List<String> unplugged) implements Event {
		public Change {
			if (id == null || label == null || state == null) {
				throw new IllegalArgumentException("a change has an id, a label and the cluster it leaves");
			}
			hops = List.copyOf(hops);
			if (hops.isEmpty()) {
				throw new IllegalArgumentException("change " + id + " has at least one control-plane step");
			}
			goneEndpoints = List.copyOf(goneEndpoints);
			unplugged = List.copyOf(unplugged);
		}
	}

	/**
	 * Time passes (conntrack and affinity timeouts run on the run's clock).
	 *
	 * @param id the wait's id (the walk's flow id in the trace, as a change's)
	 */
	record Wait(String id, long seconds) implements Event {
		public Wait {
			if (id == null || seconds < 0) {
				throw new IllegalArgumentException("a wait has an id and is not negative");
			}
		}
	}

	/**
	 * The cluster at one point of the timeline: what the engine walks packets through.
	 */
	record State(Topology topology, Map<String, List<String>> dns, PolicyEngine policies, Map<String, IpvsState> ipvs) {
		public State {
			if (topology == null) {
				throw new IllegalArgumentException("a cluster state has a topology");
			}
			dns = Map.copyOf(dns == null ? Map.of() : dns);
			ipvs = Map.copyOf(ipvs == null ? Map.of() : ipvs);
		}
	}

}

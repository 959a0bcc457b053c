package dev.packetwalk.kubeproxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * kube-proxy's endpoint bookkeeping for one service port: the EndpointSlice cache
 * (resolve the port by name, drop duplicates, sort by address string) and
 * {@code CategorizeEndpoints} (ready first, then serving+terminating as a fallback, never
 * non-serving). Topology hints are not modelled.
 */
public final class EndpointSelection {

	/**
	 * @param cluster endpoints for Cluster policy (empty when the port does not use
	 * cluster endpoints)
	 * @param local endpoints for Local policy (empty when the port does not use local
	 * endpoints)
	 * @param allReachable union of both, in the order kube-proxy writes KUBE-SEP chains
	 * (model: cluster order, then the local ones not already listed; upstream builds it
	 * from a Go map)
	 * @param hasAny whether any usable endpoint exists anywhere in the cluster
	 */
	public record Categorized(List<ResolvedEndpoint> cluster, List<ResolvedEndpoint> local,
			List<ResolvedEndpoint> allReachable, boolean hasAny) {

		public Categorized {
			cluster = List.copyOf(cluster);
			local = List.copyOf(local);
			allReachable = List.copyOf(allReachable);
		}

	}

	/**
	 * Sort key of the EndpointSlice cache ({@code byAddress}): the address string, then
	 * the port.
	 */
	static final Comparator<ResolvedEndpoint> BY_ADDRESS = Comparator
		.comparing((ResolvedEndpoint e) -> e.ip().toString())
		.thenComparingInt(ResolvedEndpoint::port);

	private EndpointSelection() {
	}

	/**
	 * The endpoints that carry this service port's name, de-duplicated by {@code ip:port}
	 * and sorted by address.
	 */
	public static List<ResolvedEndpoint> resolve(ServicePort port, List<Endpoint> endpoints, String nodeName) {
		Map<String, ResolvedEndpoint> byKey = new LinkedHashMap<>();
		for (Endpoint ep : endpoints == null ? List.<Endpoint>of() : endpoints) {
			Integer target = ep.ports().get(port.name());
			if (target == null) {
				continue;
			}
			ResolvedEndpoint r = new ResolvedEndpoint(ep.ip(), target, ep.ready(), ep.serving(), ep.terminating(),
					ep.isLocal(nodeName));
			byKey.putIfAbsent(r.toString(), r);
		}
		List<ResolvedEndpoint> list = new ArrayList<>(byKey.values());
		list.sort(BY_ADDRESS);
		return list;
	}

	public static Categorized categorize(KubeService svc, ServicePort port, List<ResolvedEndpoint> endpoints) {
		List<ResolvedEndpoint> cluster = List.of();
		List<ResolvedEndpoint> local = List.of();
		boolean hasAny = false;
		if (svc.usesClusterEndpoints(port)) {
			cluster = filter(endpoints, ResolvedEndpoint::ready);
			if (cluster.isEmpty()) {
				cluster = filter(endpoints, e -> e.serving() && e.terminating());
			}
			hasAny = !cluster.isEmpty();
		}
		if (!svc.usesLocalEndpoints(port)) {
			return new Categorized(cluster, local, cluster, hasAny);
		}
		boolean localReady = false;
		boolean localServingTerminating = false;
		for (ResolvedEndpoint e : endpoints) {
			if (e.ready()) {
				hasAny = true;
				localReady |= e.local();
			}
			else if (e.serving() && e.terminating()) {
				hasAny = true;
				localServingTerminating |= e.local();
			}
		}
		if (localReady) {
			local = filter(endpoints, e -> e.local() && e.ready());
		}
		else if (localServingTerminating) {
			local = filter(endpoints, e -> e.local() && e.serving() && e.terminating());
		}
		if (!svc.usesClusterEndpoints(port)) {
			return new Categorized(cluster, local, local, hasAny);
		}
		List<ResolvedEndpoint> all = new ArrayList<>(cluster);
		for (ResolvedEndpoint e : local) {
			if (!all.contains(e)) {
				all.add(e);
			}
		}
		return new Categorized(cluster, local, all, hasAny);
	}

	private static List<ResolvedEndpoint> filter(List<ResolvedEndpoint> eps, Predicate<ResolvedEndpoint> p) {
		return eps.stream().filter(p).toList();
	}

}

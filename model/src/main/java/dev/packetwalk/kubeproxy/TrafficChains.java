package dev.packetwalk.kubeproxy;

/**
 * Which policy chain a service port's internal and external traffic goes to, and whether
 * each has endpoints: the choice upstream's iptables and nftables proxiers both make
 * ({@code internalTrafficChain} / {@code externalPolicyChain} in {@code syncProxyRules}),
 * written once for both modes.
 *
 * @param clusterPolicyChain the chain over every ready endpoint (KUBE-SVC-… or service-…)
 * @param usesClusterPolicyChain whether that chain is written (some cluster endpoints,
 * and a traffic policy that uses them)
 * @param localPolicyChain the chain over this node's endpoints (KUBE-SVL-… or local-…)
 * @param usesLocalPolicyChain whether that chain is written
 * @param internalTrafficChain where cluster-IP traffic goes (the local chain with
 * {@code internalTrafficPolicy: Local})
 * @param hasInternalEndpoints whether internal traffic has an endpoint to go to
 * @param externalPolicyChain where external traffic goes after the external chain (the
 * local chain with {@code externalTrafficPolicy: Local})
 * @param hasExternalEndpoints whether external traffic has an endpoint to go to
 */
record TrafficChains(String clusterPolicyChain, boolean usesClusterPolicyChain, String localPolicyChain,
		boolean usesLocalPolicyChain, String internalTrafficChain, boolean hasInternalEndpoints,
		String externalPolicyChain, boolean hasExternalEndpoints) {

	/**
	 * The choice for one port of {@code svc}, given its categorized endpoints and the
	 * mode's names of the two policy chains.
	 */
	static TrafficChains of(KubeService svc, ServicePort port, EndpointSelection.Categorized cat,
			String clusterPolicyChain, String localPolicyChain) {
		boolean hasEndpoints = cat.hasAny();
		boolean noLocal = cat.local().isEmpty();
		boolean internalLocal = svc.internalPolicyLocal();
		boolean externalLocal = svc.externalPolicyLocal(port);
		return new TrafficChains(clusterPolicyChain, !cat.cluster().isEmpty() && svc.usesClusterEndpoints(port),
				localPolicyChain, !noLocal && svc.usesLocalEndpoints(port),
				internalLocal ? localPolicyChain : clusterPolicyChain, hasEndpoints && !(internalLocal && noLocal),
				externalLocal ? localPolicyChain : clusterPolicyChain, hasEndpoints && !(externalLocal && noLocal));
	}

}

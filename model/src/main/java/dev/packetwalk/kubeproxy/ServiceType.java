package dev.packetwalk.kubeproxy;

/**
 * {@code spec.type} of a Service, restricted to the types kube-proxy programs
 * (ExternalName is DNS-only).
 */
public enum ServiceType {

	CLUSTER_IP, NODE_PORT, LOAD_BALANCER;

	/** NodePort and LoadBalancer services may carry node ports. */
	public boolean allowsNodePorts() {
		return switch (this) {
			case CLUSTER_IP -> false;
			case NODE_PORT, LOAD_BALANCER -> true;
		};
	}

}

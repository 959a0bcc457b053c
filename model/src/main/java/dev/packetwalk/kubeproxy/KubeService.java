package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of a {@code v1.Service} kube-proxy reads. Headless (clusterIP None) and
 * ExternalName services are not modelled: kube-proxy writes nothing for them.
 *
 * <p>
 * Like kube-proxy's {@code BaseServicePortInfo}, the external traffic policy only takes
 * effect for an externally accessible service (node port, external IP or load-balancer
 * IP), see {@link #externalPolicyLocal()}.
 */
public record KubeService(String namespace, String name, ServiceType type, Ip clusterIp, List<ServicePort> ports,
		List<Ip> externalIps, List<Ip> loadBalancerIps, List<Cidr> loadBalancerSourceRanges,
		SessionAffinity sessionAffinity, TrafficPolicy internalTrafficPolicy, TrafficPolicy externalTrafficPolicy,
		int healthCheckNodePort) {

	public KubeService {
		ServiceRef.requireDnsLabel("namespace", namespace);
		ServiceRef.requireDnsLabel("service name", name);
		String who = namespace + "/" + name;
		if (type == null) {
			throw new IllegalArgumentException(who + ": service type is required");
		}
		if (clusterIp == null) {
			throw new IllegalArgumentException(who + ": clusterIP is required (headless services are not proxied)");
		}
		if (ports == null || ports.isEmpty()) {
			throw new IllegalArgumentException(who + ": a service needs at least one port");
		}
		ports = List.copyOf(ports);
		externalIps = List.copyOf(externalIps == null ? List.of() : externalIps);
		loadBalancerIps = List.copyOf(loadBalancerIps == null ? List.of() : loadBalancerIps);
		loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges == null ? List.of() : loadBalancerSourceRanges);
		if (sessionAffinity == null) {
			sessionAffinity = SessionAffinity.NONE;
		}
		if (internalTrafficPolicy == null) {
			internalTrafficPolicy = TrafficPolicy.CLUSTER;
		}
		if (externalTrafficPolicy == null) {
			externalTrafficPolicy = TrafficPolicy.CLUSTER;
		}
		Set<String> names = new HashSet<>();
		Set<String> protoPorts = new HashSet<>();
		for (ServicePort p : ports) {
			if (ports.size() > 1 && p.name().isEmpty()) {
				throw new IllegalArgumentException(who + ": every port must be named when a service has several ports");
			}
			if (!names.add(p.name())) {
				throw new IllegalArgumentException(who + ": port names must be unique, '" + p.name() + "' repeats");
			}
			if (!protoPorts.add(p.protocol() + "/" + p.port())) {
				throw new IllegalArgumentException(
						who + ": port " + p.port() + "/" + p.protocol() + " is listed twice");
			}
			if (p.nodePort() != 0 && !type.allowsNodePorts()) {
				throw new IllegalArgumentException(
						who + ": nodePort " + p.nodePort() + " is only allowed for NodePort and LoadBalancer services");
			}
		}
		if (!loadBalancerIps.isEmpty() && type != ServiceType.LOAD_BALANCER) {
			throw new IllegalArgumentException(who + ": load-balancer ingress IPs need type LoadBalancer");
		}
		if (!loadBalancerSourceRanges.isEmpty() && type != ServiceType.LOAD_BALANCER) {
			throw new IllegalArgumentException(who + ": loadBalancerSourceRanges need type LoadBalancer");
		}
		if (healthCheckNodePort != 0) {
			if (type != ServiceType.LOAD_BALANCER || externalTrafficPolicy != TrafficPolicy.LOCAL) {
				throw new IllegalArgumentException(who
						+ ": healthCheckNodePort is only allowed for LoadBalancer services with externalTrafficPolicy Local");
			}
			if (healthCheckNodePort < 1 || healthCheckNodePort > 65535) {
				throw new IllegalArgumentException(
						who + ": healthCheckNodePort must be 1..65535, was " + healthCheckNodePort);
			}
		}
	}

	/**
	 * A service of the given type with defaults everywhere else (no external IPs, no
	 * affinity, Cluster policies).
	 */
	public static KubeService of(ServiceType type, String namespace, String name, Ip clusterIp, ServicePort... ports) {
		return new KubeService(namespace, name, type, clusterIp, List.of(ports), List.of(), List.of(), List.of(),
				SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER, 0);
	}

	public static KubeService clusterIp(String namespace, String name, Ip clusterIp, ServicePort... ports) {
		return of(ServiceType.CLUSTER_IP, namespace, name, clusterIp, ports);
	}

	/** A NodePort service (give the ports their node ports). */
	public static KubeService nodePort(String namespace, String name, Ip clusterIp, ServicePort... ports) {
		return of(ServiceType.NODE_PORT, namespace, name, clusterIp, ports);
	}

	/** A LoadBalancer service; add ingress IPs with {@link #withLoadBalancerIps}. */
	public static KubeService loadBalancer(String namespace, String name, Ip clusterIp, ServicePort... ports) {
		return of(ServiceType.LOAD_BALANCER, namespace, name, clusterIp, ports);
	}

	public ServiceRef ref() {
		return new ServiceRef(namespace, name);
	}

	public ServicePortName portName(ServicePort port) {
		return new ServicePortName(ref(), port.name());
	}

	/**
	 * kube-proxy's {@code ExternallyAccessible()} for one port: node port, external IPs
	 * or LB IPs.
	 */
	public boolean externallyAccessible(ServicePort port) {
		return port.nodePort() != 0 || !externalIps.isEmpty() || !loadBalancerIps.isEmpty();
	}

	/** eTP=Local only counts for externally accessible service ports. */
	public boolean externalPolicyLocal(ServicePort port) {
		return externallyAccessible(port) && externalTrafficPolicy == TrafficPolicy.LOCAL;
	}

	public boolean internalPolicyLocal() {
		return internalTrafficPolicy == TrafficPolicy.LOCAL;
	}

	/**
	 * {@code UsesClusterEndpoints}: iTP Cluster, or any external access (eTP Local
	 * short-circuits need them).
	 */
	public boolean usesClusterEndpoints(ServicePort port) {
		return !internalPolicyLocal() || externallyAccessible(port);
	}

	/**
	 * {@code UsesLocalEndpoints}: iTP Local, or eTP Local on an externally accessible
	 * port.
	 */
	public boolean usesLocalEndpoints(ServicePort port) {
		return internalPolicyLocal() || externalPolicyLocal(port);
	}

	public int affinityTimeoutSeconds() {
		return switch (sessionAffinity) {
			case SessionAffinity.None n -> 0;
			case SessionAffinity.ClientIp c -> c.timeoutSeconds();
		};
	}

	public boolean clientIpAffinity() {
		return sessionAffinity instanceof SessionAffinity.ClientIp;
	}

	public KubeService withType(ServiceType t) {
		return new KubeService(namespace, name, t, clusterIp, ports, externalIps, loadBalancerIps,
				loadBalancerSourceRanges, sessionAffinity, internalTrafficPolicy, externalTrafficPolicy,
				healthCheckNodePort);
	}

	public KubeService withExternalIps(Ip... ips) {
		return new KubeService(namespace, name, type, clusterIp, ports, List.of(ips), loadBalancerIps,
				loadBalancerSourceRanges, sessionAffinity, internalTrafficPolicy, externalTrafficPolicy,
				healthCheckNodePort);
	}

	/** Sets the load-balancer ingress IPs (status.loadBalancer.ingress). */
	public KubeService withLoadBalancerIps(Ip... ips) {
		return new KubeService(namespace, name, type, clusterIp, ports, externalIps, List.of(ips),
				loadBalancerSourceRanges, sessionAffinity, internalTrafficPolicy, externalTrafficPolicy,
				healthCheckNodePort);
	}

	public KubeService withLoadBalancerSourceRanges(Cidr... ranges) {
		return new KubeService(namespace, name, type, clusterIp, ports, externalIps, loadBalancerIps, List.of(ranges),
				sessionAffinity, internalTrafficPolicy, externalTrafficPolicy, healthCheckNodePort);
	}

	public KubeService withSessionAffinity(SessionAffinity affinity) {
		return new KubeService(namespace, name, type, clusterIp, ports, externalIps, loadBalancerIps,
				loadBalancerSourceRanges, affinity, internalTrafficPolicy, externalTrafficPolicy, healthCheckNodePort);
	}

	public KubeService withInternalTrafficPolicy(TrafficPolicy p) {
		return new KubeService(namespace, name, type, clusterIp, ports, externalIps, loadBalancerIps,
				loadBalancerSourceRanges, sessionAffinity, p, externalTrafficPolicy, healthCheckNodePort);
	}

	public KubeService withExternalTrafficPolicy(TrafficPolicy p) {
		return new KubeService(namespace, name, type, clusterIp, ports, externalIps, loadBalancerIps,
				loadBalancerSourceRanges, sessionAffinity, internalTrafficPolicy, p, healthCheckNodePort);
	}

	public KubeService withHealthCheckNodePort(int port) {
		return new KubeService(namespace, name, type, clusterIp, ports, externalIps, loadBalancerIps,
				loadBalancerSourceRanges, sessionAffinity, internalTrafficPolicy, externalTrafficPolicy, port);
	}

}

package dev.packetwalk.kubeproxy;

/**
 * {@code internalTrafficPolicy} / {@code externalTrafficPolicy}: use all ready endpoints,
 * or only this node's.
 */
public enum TrafficPolicy {

	CLUSTER, LOCAL

}

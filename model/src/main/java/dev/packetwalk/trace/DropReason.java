package dev.packetwalk.trace;

/** Why a packet died. A closed set: every drop in a trace names one. */
public enum DropReason {

	/** No route in the namespace's routing table matches the destination. */
	NO_ROUTE,
	/** The next hop did not answer ARP (or a permanent neighbour entry is missing). */
	NEIGHBOR_UNREACHABLE,
	/**
	 * A netfilter rule dropped the packet ({@code -j DROP} or a chain policy of DROP).
	 */
	NETFILTER_DROP,
	/**
	 * A netfilter rule rejected the packet ({@code -j REJECT}), answering with an ICMP
	 * error or TCP reset.
	 */
	NETFILTER_REJECT,
	/** The packet's TTL reached zero while being forwarded. */
	TTL_EXCEEDED,
	/** The packet arrived at the destination address but nothing listens on that port. */
	NO_LISTENER,
	/**
	 * The namespace would have to forward the packet but {@code net.ipv4.ip_forward} is
	 * 0.
	 */
	FORWARDING_DISABLED,
	/**
	 * The cloud network dropped a packet whose source address does not belong to the
	 * sending instance.
	 */
	ANTI_SPOOFING,
	/** The packet is larger than the path MTU and may not be fragmented. */
	FRAGMENTATION_NEEDED,
	/**
	 * The packet reached a host that does not own its destination and will not forward
	 * it.
	 */
	NOT_FOR_THIS_HOST,
	/**
	 * The packet does not belong to any connection the receiver knows (e.g. a reply from
	 * an unexpected source).
	 */
	INVALID_STATE,
	/** A NetworkPolicy isolates the pod and no rule allows this connection. */
	POLICY_DENIED,
	/**
	 * The walk exceeded the model's hop bound (a forwarding loop the TTL did not end
	 * first).
	 */
	HOP_LIMIT

}

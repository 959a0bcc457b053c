package dev.packetwalk.netfilter;

/**
 * The policy of a built-in chain: what happens to a packet that falls off its end (or
 * RETURNs from it).
 */
public enum Policy {

	ACCEPT, DROP

}

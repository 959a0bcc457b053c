package dev.packetwalk.trace;

/** A packet field a step can rewrite. */
public enum Field {

	SRC_IP, DST_IP, SRC_PORT, DST_PORT, TTL, MARK, SRC_MAC, DST_MAC, OUTER_SRC_IP, OUTER_DST_IP

}

package dev.packetwalk.engine;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Payload;

/**
 * One packet a scenario sends, resolved to addresses: from a socket in a namespace to an
 * address and port.
 *
 * @param id the flow id (unique within the scenario)
 * @param label a short human label
 * @param from the namespace whose socket sends
 * @param container the sending container (a pod's containers share its namespace), or
 * null
 * @param src the source address to bind, or null to let the route choose it (the usual
 * case)
 * @param srcPort the source port, or 0 for an ephemeral one drawn from the seeded
 * generator
 * @param dst the destination address
 * @param dstPort the destination port (the ICMP identifier for ICMP echo)
 * @param protocol TCP (a SYN is sent), UDP, SCTP (an association: an INIT is sent) or
 * ICMP (echo request)
 * @param payload what the first packet carries
 * @param ttl the initial TTL
 * @param dontFragment the DF bit
 * @param reply walk the answer back when the request is delivered
 */
public record Flow(String id, String label, String from, String container, Ip src, int srcPort, Ip dst, int dstPort,
		Protocol protocol, Payload payload, int ttl, boolean dontFragment, boolean reply) {

	public Flow {
		if (id == null || id.isBlank() || from == null || dst == null || protocol == null || payload == null) {
			throw new IllegalArgumentException("a flow names its id, sender, destination, protocol and payload");
		}
		if (srcPort < 0 || srcPort > 65535 || dstPort < 0 || dstPort > 65535) {
			throw new IllegalArgumentException("flow " + id + ": ports must be 0..65535");
		}
		if (protocol != Protocol.ICMP && dstPort == 0) {
			throw new IllegalArgumentException(
					"flow " + id + ": a " + protocol.lower() + " flow needs a destination port");
		}
		if (ttl < 1 || ttl > 255) {
			throw new IllegalArgumentException("flow " + id + ": TTL must be 1..255");
		}
		label = label == null || label.isBlank() ? id : label;
	}

}

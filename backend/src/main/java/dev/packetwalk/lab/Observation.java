package dev.packetwalk.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One packet seen at one observation point: a device of a namespace, in one direction.
 * The model's trace is projected onto observations (a transmit step is an
 * {@link Direction#OUT}, a receive an {@link Direction#IN}); the kernel's are decoded
 * from tcpdump captures taken on the same devices.
 *
 * @param namespace the model's namespace id ({@code node1}, {@code default/pod1})
 * @param device the device name inside it
 * @param leg which packet of the flow this is
 * @param headers the outermost headers (the outer UDP packet of a VXLAN frame)
 * @param vni the VXLAN network identifier when encapsulated, else -1
 * @param inner the encapsulated frame's headers when encapsulated, else null
 * @param timeNanos capture time (kernel side; 0 for the model)
 */
public record Observation(String namespace, String device, Direction direction, Leg leg, Headers headers, int vni,
		Headers inner, long timeNanos) {

	public enum Direction {

		/** arriving on the device (tcpdump -Q in) */
		IN,
		/** leaving by the device (tcpdump -Q out) */
		OUT;

		String lower() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/** Which packet of a flow an observation belongs to. */
	public enum Leg {

		/**
		 * the first packet (TCP SYN, the UDP datagram, the ICMP echo request); every
		 * chunk an SCTP client sends (INIT, COOKIE ECHO, DATA)
		 */
		REQUEST,
		/**
		 * the answer (SYN-ACK, the UDP echo, the echo reply); every chunk an SCTP server
		 * answers with (INIT ACK, COOKIE ACK, SACK)
		 */
		REPLY,
		/**
		 * an error the kernel generated (TCP RST, SCTP ABORT, ICMP unreachable / time
		 * exceeded / redirect)
		 */
		ERROR,
		/**
		 * anything else of the flow (the handshake's ACK, FINs; SCTP's SHUTDOWN chunks):
		 * not compared
		 */
		OTHER

	}

	public Observation {
		Objects.requireNonNull(namespace);
		Objects.requireNonNull(device);
		Objects.requireNonNull(direction);
		Objects.requireNonNull(leg);
		Objects.requireNonNull(headers);
	}

	public boolean encapsulated() {
		return inner != null;
	}

	/** {@code node1/cbr0 out} */
	public String point() {
		return namespace + "/" + device + " " + direction.lower();
	}

	public boolean samePoint(Observation o) {
		return namespace.equals(o.namespace) && device.equals(o.device) && direction == o.direction;
	}

	/**
	 * Dedupe key: everything but the time (a retransmission looks exactly like the first
	 * copy).
	 */
	Observation timeless() {
		return new Observation(namespace, device, direction, leg, headers, vni, inner, 0);
	}

	/** The same observation without SCTP tag values (see {@link Headers#tags()}). */
	Observation withoutTags() {
		return new Observation(namespace, device, direction, leg, headers.withoutTags(), vni,
				inner == null ? null : inner.withoutTags(), timeNanos);
	}

	/**
	 * The fields where the kernel's observation differs from this (expected) one, as
	 * readable {@code field: model X,
	 * kernel Y} strings; empty when they agree. A null MAC in the expectation is not
	 * compared (the model has no Ethernet header at that point, e.g. on lo). The outer
	 * UDP source port of a VXLAN packet is a kernel hash of the inner flow and is never
	 * compared (see docs/kernel-lab.md). SCTP's tags are not compared either (each side
	 * draws its own; {@link TraceComparison#sctpTags} checks that each side's hang
	 * together).
	 */
	public List<String> differencesFrom(Observation seen) {
		List<String> out = new ArrayList<>();
		if (!samePoint(seen)) {
			out.add("point: model " + point() + ", kernel " + seen.point());
		}
		if (leg != seen.leg) {
			out.add("leg: model " + leg + ", kernel " + seen.leg);
		}
		String prefix = encapsulated() ? "outer " : "";
		compareHeaders(prefix, headers, seen.headers, encapsulated(), out);
		if (encapsulated() != seen.encapsulated()) {
			out.add("encapsulation: model " + (encapsulated() ? "VXLAN" : "none") + ", kernel "
					+ (seen.encapsulated() ? "VXLAN" : "none"));
		}
		else if (encapsulated()) {
			if (vni != seen.vni) {
				out.add("vni: model " + vni + ", kernel " + seen.vni);
			}
			compareHeaders("inner ", inner, seen.inner, false, out);
		}
		return out;
	}

	private static void compareHeaders(String prefix, Headers m, Headers k, boolean skipSrcPort, List<String> out) {
		diff(out, prefix + "src MAC", m.srcMac(), k.srcMac(), true);
		diff(out, prefix + "dst MAC", m.dstMac(), k.dstMac(), true);
		diff(out, prefix + "src IP", m.src(), k.src(), false);
		diff(out, prefix + "dst IP", m.dst(), k.dst(), false);
		diff(out, prefix + "protocol", m.protocol(), k.protocol(), false);
		if (!skipSrcPort) {
			diff(out, prefix + "src port", m.srcPort(), k.srcPort(), false);
		}
		diff(out, prefix + "dst port", m.dstPort(), k.dstPort(), false);
		diff(out, prefix + "flags", m.flags(), k.flags(), false);
		diff(out, prefix + "TTL", m.ttl(), k.ttl(), false);
	}

	private static void diff(List<String> out, String field, Object model, Object kernel, boolean nullIsWildcard) {
		if (model == null && nullIsWildcard) {
			return;
		}
		if (!Objects.equals(model, kernel)) {
			out.add(field + ": model " + model + ", kernel " + kernel);
		}
	}

	/** {@code node1/cbr0 out  a > b, 10.0.0.1.1 > 10.0.0.2.80: tcp [S] ttl 64} */
	@Override
	public String toString() {
		String body = encapsulated() ? headers + " vxlan vni " + vni + " { " + inner + " }" : headers.toString();
		return String.format("%-28s %s", point(), body);
	}

}

package dev.packetwalk.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Ip;
import dev.packetwalk.trace.Field;
import dev.packetwalk.trace.FieldDiff;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * Source ports that SNAT/MASQUERADE with {@code --random-fully} draws at random. The
 * model draws its port from the run's seed and the kernel from {@code get_random_u32()},
 * so the two numbers never agree; what must agree is everything else, and that the drawn
 * port is used consistently (the request leaves with it, the reply comes back to it).
 * This class finds the model's drawn ports, learns the kernel's from the first place the
 * model says the rewritten packet is seen, and renames the model's port to the kernel's
 * throughout the expectation. Pure.
 */
final class RandomPorts {

	private RandomPorts() {
	}

	/**
	 * One port the model drew: the new source address and port a {@code --random-fully}
	 * rule gave the flow.
	 */
	record Drawn(Ip ip, int port, String rule) {
	}

	/**
	 * The expectation with the kernel's ports in place of the model's drawn ones, and
	 * what was renamed.
	 */
	record Bound(FlowExpectation expectation, List<String> notes) {
	}

	/**
	 * An iptables {@code --random-fully} rule, or nft's {@code masquerade fully-random}
	 * (kube-proxy's nftables mode).
	 */
	static boolean randomFully(String rule) {
		return rule.contains("--random-fully") || rule.contains("masquerade fully-random")
				|| rule.contains("snat to") && rule.contains("fully-random");
	}

	/** Every port drawn by a {@code --random-fully} rule in the flow's walks. */
	static List<Drawn> drawn(Trace trace, String flowId) {
		List<Drawn> out = new ArrayList<>();
		for (Walk w : trace.walks()) {
			if (!w.flow().equals(flowId)) {
				continue;
			}
			for (Hop h : w.hops()) {
				for (Step s : h.steps()) {
					if (s instanceof Step.Nat n && n.rule() != null && randomFully(n.rule())
							&& n.diffs().stream().map(FieldDiff::field).anyMatch(f -> f == Field.SRC_PORT)) {
						out.add(new Drawn(n.packet().src(), n.packet().l4().srcPort(), n.rule()));
					}
				}
			}
		}
		return out;
	}

	/**
	 * Binds each drawn port to the port the kernel drew: at the first request observation
	 * that carries the drawn address and port, the kernel must show a packet at the same
	 * point that differs in the source port alone. Ports that cannot be bound are left as
	 * they are (the comparison then reports the difference).
	 */
	static Bound bind(FlowExpectation model, List<Drawn> drawn, List<Observation> kernel) {
		return bind(model, Map.of(), drawn, kernel);
	}

	/**
	 * As {@link #bind(FlowExpectation, List, List)}, with ports whose kernel value is
	 * already known (the client's ephemeral port, which the lab's client binds to the
	 * scenario seed's choice while another seed's model trace may have drawn a different
	 * one).
	 */
	static Bound bind(FlowExpectation model, Map<Drawn, Integer> known, List<Drawn> drawn, List<Observation> kernel) {
		Map<Drawn, Integer> kernelPort = new LinkedHashMap<>();
		known.forEach((d, k) -> {
			if (d.port() != k) {
				kernelPort.put(d, k);
			}
		});
		int fixed = kernelPort.size();
		for (Drawn d : drawn) {
			for (Observation e : model.leg(Observation.Leg.REQUEST)) {
				Headers h = e.encapsulated() ? e.inner() : e.headers();
				if (!h.src().equals(d.ip()) || h.srcPort() != d.port()) {
					continue;
				}
				String field = e.encapsulated() ? "inner src port" : "src port";
				for (Observation k : kernel) {
					if (k.leg() != Observation.Leg.REQUEST || !e.samePoint(k)) {
						continue;
					}
					List<String> diff = e.differencesFrom(k);
					if (diff.size() == 1 && diff.getFirst().startsWith(field + ":")) {
						kernelPort.put(d, (e.encapsulated() ? k.inner() : k.headers()).srcPort());
						break;
					}
				}
				break;
			}
		}
		if (kernelPort.isEmpty()) {
			return new Bound(model, List.of());
		}
		List<Observation> renamed = new ArrayList<>();
		for (Observation o : model.observations()) {
			Headers outer = rename(o.headers(), o.leg(), kernelPort);
			Headers inner = o.inner() == null ? null : rename(o.inner(), o.leg(), kernelPort);
			renamed.add(new Observation(o.namespace(), o.device(), o.direction(), o.leg(), outer, o.vni(), inner,
					o.timeNanos()));
		}
		List<String> notes = new ArrayList<>();
		kernelPort.entrySet()
			.stream()
			.skip(fixed)
			.forEach(e -> notes.add("source port drawn at random by '" + e.getKey().rule() + "': model "
					+ e.getKey().ip() + ":" + e.getKey().port() + ", kernel " + e.getKey().ip() + ":" + e.getValue()
					+ " (compared as one variable: the reply must return to it)"));
		return new Bound(model.withObservations(renamed), notes);
	}

	private static Headers rename(Headers h, Observation.Leg leg, Map<Drawn, Integer> ports) {
		for (Map.Entry<Drawn, Integer> e : ports.entrySet()) {
			Drawn d = e.getKey();
			if (h.protocol() == dev.packetwalk.net.Protocol.ICMP) {
				// the echo identifier stands in both port fields
				boolean mine = leg == Observation.Leg.REQUEST ? h.src().equals(d.ip()) : h.dst().equals(d.ip());
				if (mine && h.srcPort() == d.port()) {
					return h.withPorts(e.getValue(), e.getValue());
				}
				continue;
			}
			if (leg == Observation.Leg.REQUEST && h.src().equals(d.ip()) && h.srcPort() == d.port()) {
				return h.withPorts(e.getValue(), h.dstPort());
			}
			if (leg == Observation.Leg.REPLY && h.dst().equals(d.ip()) && h.dstPort() == d.port()) {
				return h.withPorts(h.srcPort(), e.getValue());
			}
		}
		return h;
	}

}

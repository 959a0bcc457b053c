package dev.packetwalk.lab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares what the model says a flow looks like with what the kernel was seen doing.
 * Pure: the unit tests feed it recorded observations.
 * <p>
 * Per leg (request, then reply), in the model's order, every expected observation must be
 * matched by a kernel observation at the same point with the same headers; then every
 * kernel observation must have been expected. The first expectation without a match (or
 * the first unexpected kernel packet) is the divergence; it is printed with what the
 * kernel did show at that point, field by field. A drop is thereby compared as "last
 * place seen": the kernel must show the packet up to the same point and nowhere after.
 * Kernel retransmissions are deduplicated (same point, same headers). Kernel-generated
 * errors (RST, ICMP) and the rest of the connection (ACK, FIN) are reported as notes.
 */
public final class TraceComparison {

	private TraceComparison() {
	}

	public static FlowVerdict compare(FlowExpectation model, List<Observation> kernel, ClientOutcome client) {
		List<Observation> seen = dedupe(kernel);
		List<String> diff = new ArrayList<>();
		List<String> notes = new ArrayList<>();
		int matched = 0;
		for (Observation.Leg leg : List.of(Observation.Leg.REQUEST, Observation.Leg.REPLY)) {
			if (!diff.isEmpty()) {
				break;
			}
			if (leg == Observation.Leg.REPLY && model.reply() == null && model.request().delivered()) {
				// the flow asks for no reply walk: the kernel's answer is not the model's
				// to judge
				if (count(seen, leg) > 0) {
					notes.add("the model walks no reply for this flow; the kernel's " + count(seen, leg)
							+ " reply observations are not compared");
				}
				break;
			}
			List<Observation> expected = model.leg(leg);
			List<Observation> got = new ArrayList<>(seen.stream().filter(o -> o.leg() == leg).toList());
			for (int i = 0; i < expected.size(); i++) {
				Observation e = expected.get(i);
				Observation hit = null;
				for (Observation g : got) {
					if (e.differencesFrom(g).isEmpty()) {
						hit = g;
						break;
					}
				}
				if (hit != null) {
					got.remove(hit);
					matched++;
					continue;
				}
				diff.add("first divergence: " + leg.name().toLowerCase() + " leg, observation " + (i + 1) + " of "
						+ expected.size() + " in the model");
				diff.add("  model  expects  " + e);
				List<Observation> atPoint = got.stream().filter(e::samePoint).toList();
				if (atPoint.isEmpty()) {
					diff.add("  kernel showed   nothing at " + e.point() + lastSeen(seen, leg));
				}
				else {
					Observation closest = atPoint.stream()
						.min(Comparator.comparingInt(g -> e.differencesFrom(g).size()))
						.orElseThrow();
					diff.add("  kernel showed   " + closest);
					for (String d : e.differencesFrom(closest)) {
						diff.add("    " + d);
					}
				}
				break;
			}
			if (diff.isEmpty() && !got.isEmpty()) {
				Observation extra = got.getFirst();
				diff.add("first divergence: " + leg.name().toLowerCase()
						+ " leg: the kernel shows a packet the model does not" + " (" + got.size()
						+ " unexpected observation" + (got.size() == 1 ? "" : "s") + ")");
				diff.add("  kernel showed   " + extra);
				List<Observation> modelHere = expected.stream().filter(extra::samePoint).toList();
				diff.add(modelHere.isEmpty()
						? "  model  expects  nothing at " + extra.point()
								+ (expected.isEmpty() ? ""
										: " (its " + leg.name().toLowerCase() + " walk ends at "
												+ (leg == Observation.Leg.REQUEST ? model.requestEnd()
														: model.replyEnd())
												+ ")")
						: "  model  expects  " + modelHere.getFirst());
			}
		}
		diff.addAll(sctpTags("model", model.observations()));
		diff.addAll(sctpTags("kernel", seen));
		if (!model.clientOutcomes().contains(client)) {
			diff.add("client socket: model expects " + describe(model.clientOutcomes()) + ", the kernel's socket got "
					+ client);
		}
		Set<String> errors = new LinkedHashSet<>();
		for (Observation o : seen) {
			if (o.leg() == Observation.Leg.ERROR) {
				errors.add(o.toString().replaceAll(" +", " "));
			}
		}
		for (String e : errors) {
			notes.add("kernel-generated error packet (not compared): " + e);
		}
		vxlanPorts(model, seen, notes);
		String summary = "model: request " + describe(model.request(), model.requestEnd())
				+ (model.reply() == null ? "" : ", reply " + describe(model.reply(), model.replyEnd())) + "; kernel: "
				+ matched + "/" + (model.leg(Observation.Leg.REQUEST).size() + model.leg(Observation.Leg.REPLY).size())
				+ " observations matched, " + count(seen, Observation.Leg.REQUEST) + " request / "
				+ count(seen, Observation.Leg.REPLY) + " reply packets seen, client " + client;
		return new FlowVerdict(model.flowId(), model.label(), diff.isEmpty(), summary, diff, notes, seen);
	}

	/**
	 * SCTP's verification tags must hang together along an association (RFC 9260 8.5):
	 * the INIT carries vtag 0 and its initiate tag; the INIT ACK carries that tag as its
	 * vtag and its own initiate tag; every later chunk carries the receiver's tag (the
	 * INIT ACK's initiate tag from the client, the INIT's from the server). Checked at
	 * every observation point, so a rewrite on the way would show. The values themselves
	 * are each side's random draw: model and kernel are never compared on them.
	 * @param who {@code model} or {@code kernel}, for the message
	 * @return one line per inconsistency (empty when there is no SCTP or all agree)
	 */
	static List<String> sctpTags(String who, List<Observation> obs) {
		Headers.SctpTags init = null;
		Headers.SctpTags initAck = null;
		for (Observation o : obs) {
			Headers h = sctp(o);
			if (h != null && h.flags().equals("INIT") && init == null) {
				init = h.tags();
			}
			if (h != null && h.flags().equals("INIT ACK") && initAck == null) {
				initAck = h.tags();
			}
		}
		List<String> out = new ArrayList<>();
		for (Observation o : obs) {
			Headers h = sctp(o);
			if (h == null) {
				continue;
			}
			long vtag = h.tags().vtag();
			String problem = null;
			if (h.flags().equals("INIT")) {
				if (vtag != 0) {
					problem = "an INIT's verification tag must be 0, it is " + vtag;
				}
				else if (h.tags().initTag() == 0) {
					problem = "an INIT's initiate tag must not be 0";
				}
				else if (h.tags().initTag() != init.initTag()) {
					problem = "the INIT's initiate tag is " + h.tags().initTag() + " here, " + init.initTag()
							+ " elsewhere";
				}
			}
			else if (h.flags().equals("INIT ACK")) {
				if (init != null && vtag != init.initTag()) {
					problem = "the INIT ACK's verification tag is " + vtag + ", the INIT's initiate tag was "
							+ init.initTag();
				}
				else if (h.tags().initTag() == 0) {
					problem = "an INIT ACK's initiate tag must not be 0";
				}
			}
			else if (init != null && initAck != null && !h.flags().equals("ABORT") && fromClient(o, obs) != null) {
				boolean fromClient = fromClient(o, obs);
				long want = fromClient ? initAck.initTag() : init.initTag();
				if (vtag != want) {
					problem = "a " + h.flags() + " " + (fromClient ? "from the client" : "from the server")
							+ " carries verification tag " + vtag + ", the " + (fromClient ? "INIT ACK's" : "INIT's")
							+ " initiate tag was " + want;
				}
			}
			if (problem != null) {
				out.add("SCTP verification tags (" + who + "): " + problem + " at " + o.point());
				break;
			}
		}
		return out;
	}

	private static Headers sctp(Observation o) {
		Headers h = o.encapsulated() ? o.inner() : o.headers();
		return h.protocol() == dev.packetwalk.net.Protocol.SCTP && h.tags() != null ? h : null;
	}

	/**
	 * Whether a chunk travels as the INIT did: at its observation point, from the INIT's
	 * address and port there (NAT may have rewritten both on the way); null when no INIT
	 * was seen there.
	 */
	private static Boolean fromClient(Observation chunk, List<Observation> obs) {
		Headers h = sctp(chunk);
		for (Observation o : obs) {
			Headers i = sctp(o);
			if (i != null && i.flags().equals("INIT") && o.device().equals(chunk.device())
					&& o.namespace().equals(chunk.namespace())) {
				return i.src().equals(h.src()) && i.srcPort() == h.srcPort();
			}
		}
		return null;
	}

	/**
	 * Same point, same headers: a retransmission. Keeps the first copy; the result is in
	 * time order. The outer UDP source port of a VXLAN packet is left out of the key: the
	 * kernel derives it from the skb's flow hash, which TCP re-draws on a retransmission
	 * timeout, so a retransmitted SYN leaves with another outer port.
	 */
	static List<Observation> dedupe(List<Observation> kernel) {
		List<Observation> sorted = new ArrayList<>(kernel);
		sorted.sort(Comparator.comparingLong(Observation::timeNanos));
		Set<Observation> keys = new java.util.HashSet<>();
		List<Observation> out = new ArrayList<>();
		for (Observation o : sorted) {
			Observation key = o.timeless();
			if (key.encapsulated()) {
				key = new Observation(key.namespace(), key.device(), key.direction(), key.leg(),
						key.headers().withPorts(0, key.headers().dstPort()), key.vni(), key.inner(), 0);
			}
			if (keys.add(key)) {
				out.add(o);
			}
		}
		return out;
	}

	private static String lastSeen(List<Observation> seen, Observation.Leg leg) {
		Observation last = null;
		for (Observation o : seen) {
			if (o.leg() == leg) {
				last = o;
			}
		}
		return last == null ? " (the kernel shows no " + leg.name().toLowerCase() + " packet anywhere)"
				: " (the kernel last showed the " + leg.name().toLowerCase() + " at " + last.point() + ")";
	}

	private static void vxlanPorts(FlowExpectation model, List<Observation> seen, List<String> notes) {
		for (Observation e : model.observations()) {
			if (!e.encapsulated()) {
				continue;
			}
			for (Observation g : seen) {
				if (g.encapsulated() && e.differencesFrom(g).isEmpty()
						&& g.headers().srcPort() != e.headers().srcPort()) {
					notes.add("VXLAN outer UDP source port at " + e.point() + ": model " + e.headers().srcPort()
							+ ", kernel " + g.headers().srcPort() + " (a hash of the inner flow; not compared)");
					return;
				}
			}
		}
	}

	private static long count(List<Observation> seen, Observation.Leg leg) {
		return seen.stream().filter(o -> o.leg() == leg).count();
	}

	private static String describe(dev.packetwalk.trace.Disposition d, String end) {
		return d.delivered() ? "delivered at " + end : "dropped at " + end + " (" + d.reason() + ")";
	}

	private static String describe(Set<ClientOutcome> outcomes) {
		return outcomes.size() == 1 ? outcomes.iterator().next().toString()
				: "one of " + outcomes.stream().map(Enum::name).sorted().toList();
	}

}

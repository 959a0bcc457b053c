package dev.packetwalk.trace;

import java.util.List;

/**
 * One packet's journey from the socket that sent it to where it ended.
 *
 * @param flow the flow id from the scenario
 * @param leg request (client to server) or reply (server back to client)
 * @param label a short human label, e.g. {@code pod1 → pod2:8080 (SYN)}
 */
public record Walk(String flow, Leg leg, String label, List<Hop> hops, Disposition disposition) {

	public enum Leg {

		REQUEST, REPLY,
		/**
		 * A cluster change (timeline): control-plane steps only, no packet; ends APPLIED.
		 */
		CHANGE

	}

	public Walk {
		hops = List.copyOf(hops);
		if (hops.isEmpty()) {
			throw new IllegalArgumentException("a walk has at least one hop (" + label + ")");
		}
		if (leg == Leg.CHANGE) {
			for (Hop h : hops) {
				for (Step s : h.steps()) {
					if (!Step.isControlPlane(s)) {
						throw new IllegalArgumentException("a change ('" + label + "') has control-plane steps only");
					}
				}
			}
			if (disposition.outcome() != Disposition.Outcome.APPLIED) {
				throw new IllegalArgumentException("a change ('" + label + "') ends APPLIED");
			}
		}
		else {
			checkPacketWalk(label, hops, disposition);
		}
	}

	/**
	 * A packet's walk: every later hop starts with a receive; the last step is a delivery
	 * or a drop that matches.
	 */
	private static void checkPacketWalk(String label, List<Hop> hops, Disposition disposition) {
		if (disposition.outcome() == Disposition.Outcome.APPLIED) {
			throw new IllegalArgumentException("only a change is APPLIED ('" + label + "')");
		}
		for (int i = 1; i < hops.size(); i++) {
			if (!(hops.get(i).steps().getFirst() instanceof Step.Receive)) {
				throw new IllegalArgumentException(
						"hop " + (i + 1) + "/" + hops.size() + " of '" + label + "' must start with a receive step");
			}
		}
		Step last = hops.getLast().steps().getLast();
		switch (last) {
			case Step.Deliver d -> {
				if (!disposition.delivered()) {
					throw new IllegalArgumentException("'" + label + "' ends with a delivery but is not DELIVERED");
				}
			}
			case Step.Drop d -> {
				if (disposition.reason() != d.reason()) {
					throw new IllegalArgumentException("'" + label + "' ends with a drop (" + d.reason()
							+ ") but its disposition says " + disposition);
				}
			}
			default -> throw new IllegalArgumentException(
					"'" + label + "' must end with a deliver or drop step, not " + last.getClass().getSimpleName());
		}
	}

	public int stepCount() {
		int n = 0;
		for (Hop h : hops) {
			n += h.steps().size();
		}
		return n;
	}

}

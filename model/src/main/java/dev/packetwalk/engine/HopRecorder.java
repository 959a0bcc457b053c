package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.packet.Packet;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.trace.Disposition;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Place;
import dev.packetwalk.trace.Step;

/**
 * The hops of one walk as it is built: every section of the walker adds its steps to the
 * current hop.
 */
final class HopRecorder {

	private final List<Hop> hops = new ArrayList<>();

	private Place hopPlace;

	private List<Step> steps;

	void start(Place p) {
		hopPlace = p;
		steps = new ArrayList<>();
	}

	void finish() {
		if (steps != null && !steps.isEmpty()) {
			hops.add(new Hop(hopPlace, steps));
		}
		steps = null;
	}

	/** The current hop's steps (the netfilter hooks append to it directly). */
	List<Step> steps() {
		return steps;
	}

	void add(Step s) {
		steps.add(s);
	}

	Step last() {
		return steps.getLast();
	}

	List<Hop> hops() {
		return hops;
	}

	/** Steps recorded so far in this walk (finished hops and the current one). */
	int count() {
		int n = steps == null ? 0 : steps.size();
		for (Hop h : hops) {
			n += h.steps().size();
		}
		return n;
	}

	/** Records a drop and ends the walk. */
	Next.End drop(Place at, Packet p, DropReason reason, String narration, String icmp) {
		steps.add(new Step.Drop(at, p, narration, reason, icmp));
		return new Next.End(Disposition.dropped(reason, narration));
	}

	static Place place(Namespace ns, String dev) {
		return new Place(ns.node(), ns.id(), dev);
	}

}

package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.packet.Packet;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.trace.Step;

/**
 * The netfilter hooks of a namespace as the walker meets them: connection tracking, then the tables registered at
 * each hook in the kernel's priority order. A namespace without rules has no hooks registered and no conntrack.
 */
final class Netfilter {

	/** What a hook did: the packet before and after, or the drop that ended the walk. */
	record Outcome(Packet before, Packet packet, dev.packetwalk.trace.Disposition dropped) {
		static Outcome pass(Packet p) {
			return new Outcome(p, p, null);
		}
	}

	private final Network net;

	private final RunState state;

	Netfilter(Network net, RunState state) {
		this.net = net;
		this.state = state;
	}

	boolean active(Namespace ns) {
		return !ns.iptables().isBlank();
	}

	Outcome prerouting(Namespace ns, Packet p, String inDev, List<Step> steps) {
		requireInactive(ns);
		return Outcome.pass(p);
	}

	Outcome input(Namespace ns, Packet p, String inDev, List<Step> steps) {
		requireInactive(ns);
		return Outcome.pass(p);
	}

	Outcome forward(Namespace ns, Packet p, String inDev, String outDev, List<Step> steps) {
		requireInactive(ns);
		return Outcome.pass(p);
	}

	Outcome output(Namespace ns, Packet p, String outDev, List<Step> steps) {
		requireInactive(ns);
		return Outcome.pass(p);
	}

	Outcome postrouting(Namespace ns, Packet p, String inDev, String outDev, List<Step> steps) {
		requireInactive(ns);
		return Outcome.pass(p);
	}

	Outcome bridged(Namespace ns, Packet p, String bridge, List<Step> steps) {
		requireInactive(ns);
		return Outcome.pass(p);
	}

	private void requireInactive(Namespace ns) {
		if (active(ns)) {
			throw new UnsupportedOperationException("netfilter evaluation is being wired in");
		}
	}

}

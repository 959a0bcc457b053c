package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.netpol.Connection;
import dev.packetwalk.netpol.ConnectionEnd;
import dev.packetwalk.netpol.Decision;
import dev.packetwalk.netpol.DirectionVerdict;
import dev.packetwalk.netpol.NearMiss;
import dev.packetwalk.netpol.PolicyEngine;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;

import static dev.packetwalk.engine.HopRecorder.place;

/**
 * NetworkPolicy in the datapath: where a policy-capable network plugin checks a new
 * connection.
 */
final class PolicyEnforcement {

	private final PolicyEngine policies;

	private final boolean newConnection;

	private final HopRecorder rec;

	/**
	 * @param policies the cluster's policies, or null when the scenario has none
	 * @param newConnection the walk opens a connection (a reply of an allowed one always
	 * passes: conntrack)
	 */
	PolicyEnforcement(PolicyEngine policies, boolean newConnection, HopRecorder rec) {
		this.policies = policies;
		this.newConnection = newConnection;
		this.rec = rec;
	}

	/**
	 * NetworkPolicy, enforced on the node that hosts a pod (as policy-capable CNIs do,
	 * between the pod's veth and the node's forwarding path), after kube-proxy's DNAT,
	 * for new connections only: replies of an allowed connection always pass (conntrack).
	 * The sending pod's egress is checked on its node; the receiving pod's ingress on
	 * its.
	 */
	Next.End enforce(Namespace ns, Packet p) {
		if (policies == null || ns.kind() != Namespace.Kind.NODE) {
			return null;
		}
		ConnectionEnd src = policies.endAt(p.src());
		ConnectionEnd dst = policies.endAt(p.dst());
		Connection c = Connection.of(src, dst, p.ip().protocol(), p.l4().dstPort());
		if (!newConnection) {
			replySteps(ns, p, src, dst, c);
			return null;
		}
		if (src instanceof ConnectionEnd.Pod sp && ns.node().equals(sp.pod().nodeName())) {
			Next.End e = policyStep(ns, p, policies.egress(c));
			if (e != null) {
				return e;
			}
		}
		if (dst instanceof ConnectionEnd.Pod dp && ns.node().equals(dp.pod().nodeName())) {
			return policyStep(ns, p, policies.ingress(c));
		}
		return null;
	}

	/**
	 * The rule of Kubernetes that lets a reply through a pod its policies isolate
	 * (networking/v1 decides connections).
	 */
	static final String REPLY_RULE = "reply of an allowed connection: NetworkPolicy allows or denies connections, not packets; "
			+ "once a connection is allowed, its reply traffic is allowed too (the plugin tracks the connection)";

	/**
	 * A reply passes a pod whose policies isolate it (the reply leaves an egress-isolated
	 * pod, or reaches an ingress-isolated one) only because it belongs to an allowed
	 * connection: say so, naming the rule.
	 */
	private void replySteps(Namespace ns, Packet p, ConnectionEnd src, ConnectionEnd dst, Connection c) {
		if (src instanceof ConnectionEnd.Pod sp && ns.node().equals(sp.pod().nodeName())) {
			replyStep(ns, p, policies.egress(c), sp.pod().id());
		}
		if (dst instanceof ConnectionEnd.Pod dp && ns.node().equals(dp.pod().nodeName())) {
			replyStep(ns, p, policies.ingress(c), dp.pod().id());
		}
	}

	private void replyStep(Namespace ns, Packet p, DirectionVerdict v, String pod) {
		if (v.isolatedBy().isEmpty()) {
			return;
		}
		Step.Policy.Direction direction = switch (v.direction()) {
			case EGRESS -> Step.Policy.Direction.EGRESS;
			case INGRESS -> Step.Policy.Direction.INGRESS;
		};
		String way = v.direction() == dev.packetwalk.netpol.Direction.EGRESS ? "leaves" : "reaches";
		rec.add(new Step.Policy(place(ns, null), p, "NetworkPolicy: this reply " + way + " " + pod + ", which "
				+ String.join(", ", v.isolatedBy()) + " isolate" + (v.isolatedBy().size() == 1 ? "s" : "") + " for "
				+ v.direction().name().toLowerCase(java.util.Locale.ROOT) + "; it passes because it is the reply of a "
				+ "connection that was allowed: policies decide connections, and an allowed connection's replies always pass.",
				direction, pod, true, v.isolatedBy(), REPLY_RULE));
	}

	private Next.End policyStep(Namespace ns, Packet p, DirectionVerdict v) {
		if (v.decision() instanceof Decision.NotApplicable) {
			return null;
		}
		String pod = v.subject() instanceof ConnectionEnd.Pod sp ? sp.pod().id() : v.subject().toString();
		List<String> isolatedBy = v.isolatedBy();
		String rule = switch (v.decision()) {
			case Decision.AllowedByRule a -> a.match().toString();
			case Decision.Denied d -> d.closest()
				.map(NearMiss::describe)
				.orElse("the policies isolating the pod have no rule for this direction");
			case Decision.Exempt x -> x.detail();
			case Decision.NotIsolated n -> "not isolated";
			case Decision.NotApplicable n -> n.reason();
		};
		Step.Policy.Direction direction = switch (v.direction()) {
			case EGRESS -> Step.Policy.Direction.EGRESS;
			case INGRESS -> Step.Policy.Direction.INGRESS;
		};
		rec.add(new Step.Policy(place(ns, null), p, "NetworkPolicy, " + v.summary() + ".", direction, pod, v.allowed(),
				isolatedBy, rule));
		if (!v.allowed()) {
			return rec.drop(place(ns, null), p, DropReason.POLICY_DENIED,
					"Denied by NetworkPolicy: " + pod + " is isolated for "
							+ v.direction().name().toLowerCase(java.util.Locale.ROOT) + " by "
							+ String.join(", ", isolatedBy)
							+ " and no rule allows this connection; the network plugin drops it here.",
					null);
		}
		return null;
	}

}

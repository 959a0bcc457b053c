package dev.packetwalk.netpol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

/**
 * NetworkPolicy evaluation over one cluster: namespaces, pods, policies and node
 * addresses.
 *
 * <ul>
 * <li>A pod is isolated for a direction iff a policy of its namespace selects it with
 * that policy type.</li>
 * <li>Allowed traffic is the union of every isolating policy's rules; a connection needs
 * the source's egress AND the destination's ingress.</li>
 * <li>Ingress from the destination pod's own node addresses is always allowed, and so is
 * a pod talking to itself.</li>
 * <li>Replies of allowed connections are never judged ({@link #reply}).</li>
 * </ul>
 * Explanations name the first allowing rule; policies are consulted in
 * {@code namespace/name} order so the answer does not depend on the order the manifests
 * were given in.
 */
public final class PolicyEngine {

	private final Map<String, PolicyNamespace> namespaces;

	private final Map<String, PolicyPod> pods;

	private final Map<Ip, PolicyPod> podsByIp;

	private final List<Policy> policies;

	private final Map<String, List<Ip>> nodeIps;

	/**
	 * @param namespaces every namespace (names unique)
	 * @param pods every pod (ids and IPs unique; namespace and node known)
	 * @param policies compiled policies (ids unique; namespace known)
	 * @param nodeIps each node's addresses, for the own-node ingress exemption
	 */
	public PolicyEngine(List<PolicyNamespace> namespaces, List<PolicyPod> pods, List<Policy> policies,
			Map<String, List<Ip>> nodeIps) {
		List<String> problems = new ArrayList<>();
		this.nodeIps = new TreeMap<>();
		nodeIps.forEach((node, ips) -> this.nodeIps.put(node, List.copyOf(ips)));
		this.namespaces = new TreeMap<>();
		for (PolicyNamespace ns : namespaces) {
			if (this.namespaces.putIfAbsent(ns.name(), ns) != null) {
				problems.add("namespace " + ns.name() + " is listed twice");
			}
		}
		this.pods = new LinkedHashMap<>();
		this.podsByIp = new HashMap<>();
		for (PolicyPod p : pods) {
			if (this.pods.putIfAbsent(p.id(), p) != null) {
				problems.add("pod " + p.id() + " is listed twice");
			}
			PolicyPod other = this.podsByIp.putIfAbsent(p.ip(), p);
			if (other != null && other != p) {
				problems.add("pods " + other.id() + " and " + p.id() + " share IP " + p.ip() + " (pod IPs are unique)");
			}
			if (!this.namespaces.containsKey(p.namespace())) {
				problems.add("pod " + p.id() + " is in namespace " + p.namespace() + ", which is not listed");
			}
			if (!this.nodeIps.containsKey(p.nodeName())) {
				problems.add("pod " + p.id() + " runs on node " + p.nodeName() + ", which has no addresses listed");
			}
		}
		List<Policy> sorted = new ArrayList<>(policies);
		sorted.sort(Comparator.comparing(Policy::namespace).thenComparing(Policy::name));
		for (int i = 0; i < sorted.size(); i++) {
			Policy p = sorted.get(i);
			if (i > 0 && sorted.get(i - 1).id().equals(p.id())) {
				problems.add("NetworkPolicy " + p.id() + " is listed twice");
			}
			if (!this.namespaces.containsKey(p.namespace())) {
				problems.add("NetworkPolicy " + p.id() + " is in namespace " + p.namespace() + ", which is not listed");
			}
		}
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException(String.join("\n", problems));
		}
		this.policies = List.copyOf(sorted);
	}

	/**
	 * Validates and compiles the fabric8 policies first ({@link PolicyException} lists
	 * every problem).
	 */
	public static PolicyEngine of(List<PolicyNamespace> namespaces, List<PolicyPod> pods, List<NetworkPolicy> policies,
			Map<String, List<Ip>> nodeIps) {
		return new PolicyEngine(namespaces, pods, PolicyCompiler.compileAll(policies), nodeIps);
	}

	public List<Policy> policies() {
		return policies;
	}

	public List<PolicyPod> pods() {
		return List.copyOf(pods.values());
	}

	public Optional<PolicyPod> pod(String id) {
		return Optional.ofNullable(pods.get(id));
	}

	/**
	 * The pod with this IP as a connection end, or an external end when no pod has it.
	 */
	public ConnectionEnd endAt(Ip ip) {
		PolicyPod p = podsByIp.get(ip);
		return p == null ? new ConnectionEnd.External(ip) : new ConnectionEnd.Pod(p);
	}

	/**
	 * The policies that isolate {@code pod} for {@code direction}, in
	 * {@code namespace/name} order.
	 */
	public List<Policy> isolating(PolicyPod pod, Direction direction) {
		known(pod);
		return policies.stream()
			.filter(p -> p.namespace().equals(pod.namespace()) && p.isolates(direction)
					&& p.podSelector().matches(pod.labels()))
			.toList();
	}

	/** Egress of the source AND ingress of the destination. */
	public Verdict evaluate(Connection c) {
		return new Verdict(c, egress(c), ingress(c));
	}

	/** The source pod's egress decision. */
	public DirectionVerdict egress(Connection c) {
		return switch (c.source()) {
			case ConnectionEnd.External ex -> new DirectionVerdict(Direction.EGRESS, ex, c.destination(), c.portText(),
					List.of(),
					new Decision.NotApplicable("the source " + ex.ip() + " is not a pod, so no egress policy applies"));
			case ConnectionEnd.Pod src -> judge(Direction.EGRESS, src.pod(), c.destination(), c,
					c.destination() instanceof ConnectionEnd.Pod dst ? dst.pod() : null);
		};
	}

	/** The destination pod's ingress decision. */
	public DirectionVerdict ingress(Connection c) {
		return switch (c.destination()) {
			case ConnectionEnd.External ex -> new DirectionVerdict(Direction.INGRESS, ex, c.source(), c.portText(),
					List.of(), new Decision.NotApplicable(
							"the destination " + ex.ip() + " is not a pod, so no ingress policy applies"));
			case ConnectionEnd.Pod dst -> judge(Direction.INGRESS, dst.pod(), c.source(), c, dst.pod());
		};
	}

	/**
	 * Replies (and every later packet of the connection, both ways) are allowed exactly
	 * when the connection is: the datapath's conntrack lets ESTABLISHED traffic through
	 * and policy never judges it (NP-DOC: "Reply traffic for those allowed connections
	 * will also be implicitly allowed").
	 */
	public ReplyVerdict reply(Connection original) {
		Verdict v = evaluate(original);
		String back = original.destination() + " -> " + original.source();
		if (v.allowed()) {
			return new ReplyVerdict(original, true, "reply " + back + " allowed: it belongs to the allowed connection "
					+ original + " (conntrack ESTABLISHED); NetworkPolicy does not judge replies");
		}
		return new ReplyVerdict(original, false, "no reply " + back + ": the connection " + original
				+ " was denied, so there is no connection to reply to (" + v.denyingDirection().summary() + ")");
	}

	/**
	 * Every ordered pair of {@code pods} on one port and protocol, as the upstream e2e
	 * probes it.
	 */
	public ReachabilityMatrix reachability(List<PolicyPod> pods, int port, Protocol protocol) {
		return reachability(pods, port, protocol, Budget.UNLIMITED);
	}

	/**
	 * {@link #reachability(List, int, Protocol)} that stops when the budget runs out
	 * (checked at every pair).
	 */
	public ReachabilityMatrix reachability(List<PolicyPod> pods, int port, Protocol protocol, Budget budget) {
		List<List<Verdict>> rows = new ArrayList<>();
		for (PolicyPod from : pods) {
			List<Verdict> row = new ArrayList<>();
			for (PolicyPod to : pods) {
				budget.tick();
				row.add(evaluate(
						new Connection(new ConnectionEnd.Pod(from), new ConnectionEnd.Pod(to), protocol, port)));
			}
			rows.add(row);
		}
		return new ReachabilityMatrix(pods, protocol, port, rows);
	}

	/** The whole cluster's pods, in the order they were given. */
	public ReachabilityMatrix reachability(int port, Protocol protocol) {
		return reachability(pods(), port, protocol);
	}

	/** The whole cluster's pods within a budget. */
	public ReachabilityMatrix reachability(int port, Protocol protocol, Budget budget) {
		return reachability(pods(), port, protocol, budget);
	}

	private DirectionVerdict judge(Direction d, PolicyPod subject, ConnectionEnd peer, Connection c,
			PolicyPod portOwner) {
		List<Policy> isolating = isolating(subject, d);
		List<String> ids = isolating.stream().map(Policy::id).toList();
		ConnectionEnd self = new ConnectionEnd.Pod(subject);
		if (peer instanceof ConnectionEnd.Pod p) {
			known(p.pod());
			if (p.pod().equals(subject)) {
				return new DirectionVerdict(d, self, peer, c.portText(), ids,
						new Decision.Exempt(Decision.Exemption.LOOPBACK, "a pod cannot block traffic to itself"));
			}
		}
		if (isolating.isEmpty()) {
			return new DirectionVerdict(d, self, peer, c.portText(), ids, new Decision.NotIsolated());
		}
		if (d == Direction.INGRESS && nodeIps.get(subject.nodeName()).contains(peer.ip())) {
			return new DirectionVerdict(d, self, peer, c.portText(), ids, new Decision.Exempt(
					Decision.Exemption.OWN_NODE,
					"traffic from its own node " + subject.nodeName() + " (" + peer.ip() + ") is always allowed"));
		}
		NearMiss closest = null;
		for (Policy policy : isolating) {
			List<PolicyRule> rules = policy.rules(d);
			for (int r = 0; r < rules.size(); r++) {
				PolicyRule rule = rules.get(r);
				List<String> peerMisses = new ArrayList<>();
				int peerIdx = rule.peers().isEmpty() ? -1 : -2;
				for (int i = 0; i < rule.peers().size() && peerIdx == -2; i++) {
					String miss = peerMismatch(rule.peers().get(i), peer, policy.namespace());
					if (miss == null) {
						peerIdx = i;
					}
					else {
						peerMisses.add(d.peersField() + "[" + i + "] " + rule.peers().get(i) + ": " + miss);
					}
				}
				List<String> portMisses = new ArrayList<>();
				int portIdx = rule.ports().isEmpty() ? -1 : -2;
				for (int i = 0; i < rule.ports().size() && portIdx == -2; i++) {
					String miss = portMismatch(rule.ports().get(i), c, portOwner);
					if (miss == null) {
						portIdx = i;
					}
					else {
						portMisses.add("ports[" + i + "] " + miss);
					}
				}
				if (peerIdx != -2 && portIdx != -2) {
					return new DirectionVerdict(d, self, peer, c.portText(), ids,
							new Decision.AllowedByRule(new RuleMatch(policy.id(), d, r, peerIdx,
									peerIdx < 0 ? "any peer" : rule.peers().get(peerIdx).toString(), portIdx,
									portIdx < 0 ? "any port" : rule.ports().get(portIdx).toString())));
				}
				NearMiss miss;
				if (peerIdx != -2) {
					miss = new NearMiss(policy.id(), d, r, NearMiss.Kind.PORT_MISMATCH, String.join("; ", portMisses));
				}
				else if (portIdx != -2) {
					miss = new NearMiss(policy.id(), d, r, NearMiss.Kind.PEER_MISMATCH, String.join("; ", peerMisses));
				}
				else {
					miss = new NearMiss(policy.id(), d, r, NearMiss.Kind.PEER_AND_PORT_MISMATCH,
							String.join("; ", peerMisses) + "; " + String.join("; ", portMisses));
				}
				if (closest == null || miss.kind().ordinal() < closest.kind().ordinal()) {
					closest = miss;
				}
			}
		}
		return new DirectionVerdict(d, self, peer, c.portText(), ids,
				new Decision.Denied(Optional.ofNullable(closest)));
	}

	/** Null when the peer entry matches; otherwise why not. */
	private String peerMismatch(Peer peer, ConnectionEnd end, String policyNamespace) {
		return switch (peer) {
			case Peer.IpBlock b -> {
				if (b.contains(end.ip())) {
					yield null;
				}
				yield b.cidr().contains(end.ip()) ? end.ip() + " is excluded by except " + b.excepting(end.ip())
						: end.ip() + " is outside " + b.cidr();
			}
			case Peer.Pods s -> switch (end) {
				case ConnectionEnd.External ex -> ex.ip() + " is not a pod";
				case ConnectionEnd.Pod p ->
					!p.pod().namespace().equals(policyNamespace) ? p.pod() + " is in namespace " + p.pod().namespace()
							+ ", and a podSelector alone only selects pods in the policy's namespace " + policyNamespace
							: podLabelMiss(s.pods(), p.pod());
			};
			case Peer.Namespaces s -> switch (end) {
				case ConnectionEnd.External ex -> ex.ip() + " is not a pod";
				case ConnectionEnd.Pod p -> namespaceMiss(s.namespaces(), p.pod());
			};
			case Peer.PodsInNamespaces s -> switch (end) {
				case ConnectionEnd.External ex -> ex.ip() + " is not a pod";
				case ConnectionEnd.Pod p -> {
					String ns = namespaceMiss(s.namespaces(), p.pod());
					yield ns != null ? ns : podLabelMiss(s.pods(), p.pod());
				}
			};
		};
	}

	private String podLabelMiss(Selector s, PolicyPod pod) {
		return s.matches(pod.labels()) ? null : pod + " does not match " + s.firstFailure(pod.labels());
	}

	private String namespaceMiss(Selector s, PolicyPod pod) {
		Map<String, String> labels = namespaces.get(pod.namespace()).labels();
		return s.matches(labels) ? null
				: "namespace " + pod.namespace() + " of " + pod + " does not match " + s.firstFailure(labels);
	}

	/** Null when the port entry matches the connection; otherwise why not. */
	private static String portMismatch(PolicyPort pp, Connection c, PolicyPod owner) {
		String no = pp + " does not cover " + c.portText();
		if (!pp.protocol().matches(c.protocol())) {
			return no;
		}
		return switch (pp.target()) {
			case PolicyPort.Target.AllPorts a -> null;
			case PolicyPort.Target.Range r -> r.contains(c.port()) ? null : no;
			case PolicyPort.Target.Named n -> {
				if (owner == null) {
					yield "named port " + n.name() + " cannot be resolved: the destination is not a pod";
				}
				PortProto target = owner.namedPorts().get(n.name());
				if (target == null) {
					yield owner + " has no container port named " + n.name();
				}
				if (!pp.protocol().matches(target.protocol())) {
					yield "named port " + n.name() + " of " + owner + " is " + target + ", not " + pp.protocol();
				}
				yield target.port() == c.port() ? null
						: "named port " + n.name() + " of " + owner + " is " + target + ", not " + c.portText();
			}
		};
	}

	private void known(PolicyPod pod) {
		if (!pod.equals(pods.get(pod.id()))) {
			throw new IllegalArgumentException(
					"pod " + pod.id() + " is not part of this cluster (or differs from the one given)");
		}
	}

}

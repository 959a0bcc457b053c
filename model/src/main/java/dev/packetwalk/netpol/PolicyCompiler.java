package dev.packetwalk.netpol;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.packetwalk.net.Cidr;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * Validates a fabric8 {@link NetworkPolicy} as the API server does and compiles it into a
 * {@link Policy}. Every problem is collected and reported together, each as
 * {@code NetworkPolicy ns/name: spec.ingress[0].from[1]: what is
 * wrong}.
 *
 * <p>
 * Defaulting: a missing {@code metadata.namespace} means {@code default}; a missing
 * {@code protocol} means TCP; an absent or empty {@code policyTypes} means Ingress, plus
 * Egress when the policy has egress rules. A missing {@code spec.podSelector} is rejected
 * (the API calls it "NOT optional"; write {@code {}} to select every pod). Fields fabric8
 * does not know (typos such as {@code podselector}) are rejected rather than silently
 * ignored.
 */
public final class PolicyCompiler {

	private PolicyCompiler() {
	}

	/** Compiles one policy or throws {@link PolicyException} listing every problem. */
	public static Policy compile(NetworkPolicy np) {
		if (np == null) {
			throw new PolicyException(List.of("NetworkPolicy is missing"));
		}
		String ns = np.getMetadata() == null || np.getMetadata().getNamespace() == null
				|| np.getMetadata().getNamespace().isBlank() ? "default" : np.getMetadata().getNamespace();
		String name = np.getMetadata() == null ? null : np.getMetadata().getName();
		Problems problems = new Problems("NetworkPolicy " + ns + "/" + (name == null ? "<unnamed>" : name));
		if (name == null || name.isBlank()) {
			problems.add("metadata.name", "is required");
		}
		unknownFields(problems, "", np.getAdditionalProperties());
		var spec = np.getSpec();
		if (spec == null) {
			problems.add("spec", "is required");
			throw problems.exception();
		}
		unknownFields(problems, "spec", spec.getAdditionalProperties());
		Selector podSelector = null;
		if (spec.getPodSelector() == null) {
			problems.add("spec.podSelector", "is required (use {} to select every pod in the namespace)");
		}
		else {
			podSelector = selector(problems, "spec.podSelector", spec.getPodSelector());
		}

		List<PolicyRule> ingress = new ArrayList<>();
		List<NetworkPolicyIngressRule> in = orEmpty(spec.getIngress());
		for (int i = 0; i < in.size(); i++) {
			NetworkPolicyIngressRule r = in.get(i);
			String at = "spec.ingress[" + i + "]";
			if (r == null) {
				ingress.add(PolicyRule.ALLOW_ALL);
				continue;
			}
			unknownFields(problems, at, r.getAdditionalProperties());
			ingress.add(rule(problems, at, "from", r.getFrom(), r.getPorts()));
		}
		List<PolicyRule> egress = new ArrayList<>();
		List<NetworkPolicyEgressRule> out = orEmpty(spec.getEgress());
		for (int i = 0; i < out.size(); i++) {
			NetworkPolicyEgressRule r = out.get(i);
			String at = "spec.egress[" + i + "]";
			if (r == null) {
				egress.add(PolicyRule.ALLOW_ALL);
				continue;
			}
			unknownFields(problems, at, r.getAdditionalProperties());
			egress.add(rule(problems, at, "to", r.getTo(), r.getPorts()));
		}

		Set<Direction> types = EnumSet.noneOf(Direction.class);
		List<String> given = orEmpty(spec.getPolicyTypes());
		if (given.isEmpty()) {
			types.add(Direction.INGRESS);
			if (!egress.isEmpty()) {
				types.add(Direction.EGRESS);
			}
		}
		else {
			if (given.size() > 2) {
				problems.add("spec.policyTypes", "may not list more than two values, got " + given);
			}
			for (int i = 0; i < given.size(); i++) {
				try {
					types.add(Direction.ofPolicyType(given.get(i)));
				}
				catch (IllegalArgumentException ex) {
					problems.add("spec.policyTypes[" + i + "]", ex.getMessage());
				}
			}
		}
		if (!problems.isEmpty()) {
			throw problems.exception();
		}
		return new Policy(ns, name, podSelector, types, ingress, egress);
	}

	/** Compiles every policy; problems of all of them are reported together. */
	public static List<Policy> compileAll(List<NetworkPolicy> policies) {
		List<Policy> result = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		for (NetworkPolicy np : policies) {
			try {
				result.add(compile(np));
			}
			catch (PolicyException ex) {
				problems.addAll(ex.problems());
			}
		}
		if (!problems.isEmpty()) {
			throw new PolicyException(problems);
		}
		return result;
	}

	private static PolicyRule rule(Problems problems, String at, String peersField, List<NetworkPolicyPeer> peers,
			List<NetworkPolicyPort> ports) {
		List<Peer> compiledPeers = new ArrayList<>();
		List<NetworkPolicyPeer> ps = orEmpty(peers);
		for (int j = 0; j < ps.size(); j++) {
			Peer p = peer(problems, at + "." + peersField + "[" + j + "]", ps.get(j));
			if (p != null) {
				compiledPeers.add(p);
			}
		}
		List<PolicyPort> compiledPorts = new ArrayList<>();
		List<NetworkPolicyPort> pts = orEmpty(ports);
		for (int k = 0; k < pts.size(); k++) {
			PolicyPort p = port(problems, at + ".ports[" + k + "]", pts.get(k));
			if (p != null) {
				compiledPorts.add(p);
			}
		}
		return new PolicyRule(compiledPeers, compiledPorts);
	}

	private static Peer peer(Problems problems, String at, NetworkPolicyPeer p) {
		if (p == null) {
			problems.add(at, "must specify a peer (podSelector, namespaceSelector or ipBlock)");
			return null;
		}
		unknownFields(problems, at, p.getAdditionalProperties());
		IPBlock block = p.getIpBlock();
		LabelSelector pods = p.getPodSelector();
		LabelSelector namespaces = p.getNamespaceSelector();
		if (block != null) {
			if (pods != null || namespaces != null) {
				problems.add(at,
						"ipBlock may not be combined with " + (pods != null ? "podSelector" : "namespaceSelector")
								+ " in the same peer (use separate peers)");
				return null;
			}
			return ipBlock(problems, at + ".ipBlock", block);
		}
		if (pods == null && namespaces == null) {
			problems.add(at, "must specify a peer (podSelector, namespaceSelector or ipBlock)");
			return null;
		}
		Selector podSel = pods == null ? null : selector(problems, at + ".podSelector", pods);
		Selector nsSel = namespaces == null ? null : selector(problems, at + ".namespaceSelector", namespaces);
		if ((pods != null && podSel == null) || (namespaces != null && nsSel == null)) {
			return null;
		}
		if (podSel != null && nsSel != null) {
			return new Peer.PodsInNamespaces(nsSel, podSel);
		}
		return podSel != null ? new Peer.Pods(podSel) : new Peer.Namespaces(nsSel);
	}

	private static Peer ipBlock(Problems problems, String at, IPBlock block) {
		unknownFields(problems, at, block.getAdditionalProperties());
		Cidr cidr;
		try {
			if (block.getCidr() == null || block.getCidr().isBlank()) {
				problems.add(at + ".cidr", "is required");
				return null;
			}
			cidr = strictCidr(block.getCidr());
		}
		catch (IllegalArgumentException ex) {
			problems.add(at + ".cidr", ex.getMessage());
			return null;
		}
		List<Cidr> except = new ArrayList<>();
		List<String> ex = orEmpty(block.getExcept());
		boolean ok = true;
		for (int i = 0; i < ex.size(); i++) {
			try {
				Cidr e = strictCidr(ex.get(i));
				if (!(cidr.contains(e) && e.prefix() > cidr.prefix())) {
					problems.add(at + ".except[" + i + "]", e + " must be a strict subset of cidr " + cidr);
					ok = false;
				}
				except.add(e);
			}
			catch (IllegalArgumentException e) {
				problems.add(at + ".except[" + i + "]", e.getMessage());
				ok = false;
			}
		}
		return ok ? new Peer.IpBlock(cidr, except) : null;
	}

	private static Cidr strictCidr(String text) {
		if (!text.contains("/")) {
			throw new IllegalArgumentException("'" + text + "' is not a CIDR (it needs a /prefix length)");
		}
		return Cidr.parse(text);
	}

	private static PolicyPort port(Problems problems, String at, NetworkPolicyPort p) {
		if (p == null) {
			return PolicyPort.all(PolicyProtocol.TCP);
		}
		unknownFields(problems, at, p.getAdditionalProperties());
		PolicyProtocol protocol;
		try {
			protocol = p.getProtocol() == null ? PolicyProtocol.TCP : PolicyProtocol.parse(p.getProtocol());
		}
		catch (IllegalArgumentException ex) {
			problems.add(at + ".protocol", ex.getMessage());
			return null;
		}
		IntOrString port = p.getPort();
		Integer endPort = p.getEndPort();
		Integer number = port == null ? null : port.getIntVal();
		String name = port == null ? null : port.getStrVal();
		if (number == null && name != null && name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
			// YAML "80" in quotes reads as a string; the API server would treat it as a
			// name and reject it
			problems.add(at + ".port",
					"'" + name + "' is a string of digits: write the port as a number, or use a port name");
			return null;
		}
		try {
			if (port == null || (number == null && name == null)) {
				if (endPort != null) {
					problems.add(at + ".endPort", "may not be specified when port is not specified");
					return null;
				}
				return PolicyPort.all(protocol);
			}
			if (number != null) {
				return PolicyPort.range(protocol, number, endPort == null ? number : endPort);
			}
			if (endPort != null) {
				problems.add(at + ".endPort", "may not be specified when port is a named port (" + name + ")");
				return null;
			}
			return PolicyPort.named(protocol, name);
		}
		catch (IllegalArgumentException ex) {
			problems.add(at + (ex.getMessage().startsWith("endPort") ? ".endPort" : ".port"), ex.getMessage());
			return null;
		}
	}

	private static Selector selector(Problems problems, String at, LabelSelector s) {
		unknownFields(problems, at, s.getAdditionalProperties());
		List<Selector.Requirement> reqs = new ArrayList<>();
		List<LabelSelectorRequirement> exprs = orEmpty(s.getMatchExpressions());
		boolean ok = true;
		for (int i = 0; i < exprs.size(); i++) {
			String here = at + ".matchExpressions[" + i + "]";
			LabelSelectorRequirement r = exprs.get(i);
			if (r == null) {
				problems.add(here, "is empty");
				ok = false;
				continue;
			}
			unknownFields(problems, here, r.getAdditionalProperties());
			Selector.Operator op;
			try {
				op = Selector.Operator.parse(r.getOperator());
			}
			catch (IllegalArgumentException ex) {
				problems.add(here + ".operator", ex.getMessage());
				ok = false;
				continue;
			}
			try {
				reqs.add(new Selector.Requirement(r.getKey(), op, r.getValues()));
			}
			catch (IllegalArgumentException ex) {
				problems.add(here + (ex.getMessage().startsWith("values") ? ".values" : ".key"), ex.getMessage());
				ok = false;
			}
		}
		Map<String, String> labels = s.getMatchLabels() == null ? Map.of() : s.getMatchLabels();
		for (var e : labels.entrySet()) {
			if (e.getValue() == null) {
				problems.add(at + ".matchLabels." + e.getKey(), "needs a value");
				ok = false;
			}
		}
		return ok ? new Selector(labels, reqs) : null;
	}

	private static void unknownFields(Problems problems, String at, Map<String, Object> extra) {
		if (extra == null) {
			return;
		}
		for (String key : extra.keySet()) {
			if (at.isEmpty() && (key.equals("status"))) {
				continue;
			}
			problems.add(at.isEmpty() ? key : at + "." + key, "is not a NetworkPolicy field");
		}
	}

	private static <T> List<T> orEmpty(List<T> list) {
		return list == null ? List.of() : list;
	}

	private static final class Problems {

		private final String subject;

		private final List<String> list = new ArrayList<>();

		Problems(String subject) {
			this.subject = subject;
		}

		void add(String path, String message) {
			list.add(subject + ": " + path + ": " + message);
		}

		boolean isEmpty() {
			return list.isEmpty();
		}

		PolicyException exception() {
			return new PolicyException(list);
		}

	}

}

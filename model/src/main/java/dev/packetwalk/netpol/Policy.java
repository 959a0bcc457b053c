package dev.packetwalk.netpol;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled, validated NetworkPolicy. {@code types} is after defaulting (Ingress always;
 * Egress when there are egress rules, unless {@code policyTypes} was given). Rules of a
 * direction not in {@code types} are kept (as the API keeps them) but never consulted.
 */
public record Policy(String namespace, String name, Selector podSelector, Set<Direction> types,
		List<PolicyRule> ingress, List<PolicyRule> egress) {

	public Policy {
		if (namespace == null || namespace.isBlank() || name == null || name.isBlank()) {
			throw new IllegalArgumentException("a NetworkPolicy needs a namespace and a name");
		}
		if (podSelector == null) {
			throw new IllegalArgumentException(
					"NetworkPolicy " + namespace + "/" + name + ": spec.podSelector is required");
		}
		if (types == null || types.isEmpty()) {
			throw new IllegalArgumentException(
					"NetworkPolicy " + namespace + "/" + name + ": policyTypes must not be empty after defaulting");
		}
		types = Collections.unmodifiableSet(EnumSet.copyOf(types));
		ingress = List.copyOf(ingress == null ? List.of() : ingress);
		egress = List.copyOf(egress == null ? List.of() : egress);
	}

	/** {@code namespace/name}. */
	public String id() {
		return namespace + "/" + name;
	}

	public boolean isolates(Direction d) {
		return types.contains(d);
	}

	public List<PolicyRule> rules(Direction d) {
		return switch (d) {
			case INGRESS -> ingress;
			case EGRESS -> egress;
		};
	}

}

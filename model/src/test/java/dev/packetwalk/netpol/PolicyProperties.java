package dev.packetwalk.netpol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import dev.packetwalk.net.Protocol;
import dev.packetwalk.testing.Seeds;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated policy sets over the x/y/z cluster (seeded, reproducible: a failure names its
 * seed). The manifests are built as YAML-shaped maps and go through the fabric8
 * conversion like real input.
 */
class PolicyProperties {

	static Stream<Long> seeds() {
		return Seeds.of("netpol", 40);
	}

	static final List<Object[]> PROBES = List.of(new Object[] { 80, Protocol.TCP }, new Object[] { 81, Protocol.TCP },
			new Object[] { 80, Protocol.UDP }, new Object[] { 81, Protocol.UDP });

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void theOrderOfPoliciesChangesNeitherVerdictsNorExplanations(long seed) {
		SplittableRandom r = new SplittableRandom(seed);
		List<Map<String, Object>> manifests = policies(r);
		List<Map<String, Object>> shuffled = new ArrayList<>(manifests);
		for (int i = shuffled.size() - 1; i > 0; i--) {
			int j = r.nextInt(i + 1);
			shuffled.set(i, shuffled.set(j, shuffled.get(i)));
		}
		PolicyEngine a = engine(manifests);
		PolicyEngine b = engine(shuffled);
		for (Object[] probe : PROBES) {
			assertThat(explanations(b, probe)).isEqualTo(explanations(a, probe));
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void addingAnIngressRuleNeverTakesAConnectionAway(long seed) {
		SplittableRandom r = new SplittableRandom(seed);
		List<Map<String, Object>> manifests = policies(r);
		if (manifests.isEmpty()) {
			return;
		}
		List<Map<String, Object>> more = deepCopy(manifests);
		@SuppressWarnings("unchecked")
		Map<String, Object> spec = (Map<String, Object>) more.get(r.nextInt(more.size())).get("spec");
		@SuppressWarnings("unchecked")
		List<Object> ingress = (List<Object>) spec.computeIfAbsent("ingress", k -> new ArrayList<>());
		ingress.add(rule(r, "from"));
		PolicyEngine before = engine(manifests);
		PolicyEngine after = engine(more);
		for (Object[] probe : PROBES) {
			ReachabilityMatrix m1 = before.reachability((int) probe[0], (Protocol) probe[1]);
			ReachabilityMatrix m2 = after.reachability((int) probe[0], (Protocol) probe[1]);
			for (PolicyPod from : XyzCluster.PODS) {
				for (PolicyPod to : XyzCluster.PODS) {
					if (m1.allowed(from, to)) {
						assertThat(m2.allowed(from, to)).as("%s -> %s %s", from, to, probe[0]).isTrue();
					}
				}
			}
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void aVerdictIsEgressAndIngressAndNamesItsIsolators(long seed) {
		PolicyEngine e = engine(policies(new SplittableRandom(seed)));
		for (Object[] probe : PROBES) {
			for (Verdict v : e.reachability((int) probe[0], (Protocol) probe[1]).cells()) {
				assertThat(v.allowed()).isEqualTo(v.egress().allowed() && v.ingress().allowed());
				PolicyPod src = ((ConnectionEnd.Pod) v.connection().source()).pod();
				PolicyPod dst = ((ConnectionEnd.Pod) v.connection().destination()).pod();
				assertThat(v.egress().isolatedBy())
					.isEqualTo(e.isolating(src, Direction.EGRESS).stream().map(Policy::id).toList());
				assertThat(v.ingress().isolatedBy())
					.isEqualTo(e.isolating(dst, Direction.INGRESS).stream().map(Policy::id).toList());
				if (v.ingress().decision() instanceof Decision.AllowedByRule a) {
					assertThat(v.ingress().isolatedBy()).contains(a.match().policy());
				}
			}
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void matchLabelsIsTheSameAsInWithOneValue(long seed) {
		SplittableRandom r = new SplittableRandom(seed);
		for (int i = 0; i < 50; i++) {
			Map<String, String> labels = new LinkedHashMap<>();
			for (String k : List.of("a", "b", "c")) {
				if (r.nextBoolean()) {
					labels.put(k, pick(r, List.of("1", "2", "3")));
				}
			}
			String key = pick(r, List.of("a", "b", "c"));
			String value = pick(r, List.of("1", "2", "3"));
			Selector byLabel = Selector.labels(Map.of(key, value));
			Selector byExpression = new Selector(Map.of(),
					List.of(new Selector.Requirement(key, Selector.Operator.IN, List.of(value))));
			Selector notIn = new Selector(Map.of(),
					List.of(new Selector.Requirement(key, Selector.Operator.NOT_IN, List.of(value))));
			assertThat(byExpression.matches(labels)).isEqualTo(byLabel.matches(labels));
			assertThat(notIn.matches(labels)).isEqualTo(!byLabel.matches(labels));
		}
	}

	// ---- generator
	// --------------------------------------------------------------------------------------------

	static PolicyEngine engine(List<Map<String, Object>> manifests) {
		List<NetworkPolicy> nps = manifests.stream().map(PolicyYaml::convert).toList();
		return PolicyEngine.of(XyzCluster.NAMESPACE_LIST, XyzCluster.PODS, nps, XyzCluster.NODE_IPS);
	}

	static List<String> explanations(PolicyEngine e, Object[] probe) {
		return e.reachability((int) probe[0], (Protocol) probe[1]).cells().stream().map(Verdict::explain).toList();
	}

	static List<Map<String, Object>> policies(SplittableRandom r) {
		List<Map<String, Object>> list = new ArrayList<>();
		int n = r.nextInt(5);
		for (int i = 0; i < n; i++) {
			Map<String, Object> spec = new LinkedHashMap<>();
			spec.put("podSelector", selector(r, "pod", List.of("a", "b", "c")));
			switch (r.nextInt(4)) {
				case 0 -> {
				}
				case 1 -> spec.put("policyTypes", List.of("Ingress"));
				case 2 -> spec.put("policyTypes", List.of("Egress"));
				default -> spec.put("policyTypes", List.of("Ingress", "Egress"));
			}
			for (String dir : List.of("ingress", "egress")) {
				int rules = r.nextInt(3);
				if (rules > 0 || r.nextBoolean()) {
					List<Object> rs = new ArrayList<>();
					for (int k = 0; k < rules; k++) {
						rs.add(rule(r, dir.equals("ingress") ? "from" : "to"));
					}
					spec.put(dir, rs);
				}
			}
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("apiVersion", "networking.k8s.io/v1");
			m.put("kind", "NetworkPolicy");
			m.put("metadata", Map.of("name", "p" + i, "namespace", pick(r, XyzCluster.NAMESPACES)));
			m.put("spec", spec);
			list.add(m);
		}
		return list;
	}

	static Map<String, Object> rule(SplittableRandom r, String peersField) {
		Map<String, Object> rule = new LinkedHashMap<>();
		int peers = r.nextInt(3);
		if (peers > 0) {
			List<Object> ps = new ArrayList<>();
			for (int i = 0; i < peers; i++) {
				ps.add(switch (r.nextInt(4)) {
					case 0 -> Map.of("podSelector", selector(r, "pod", List.of("a", "b", "c")));
					case 1 -> Map.of("namespaceSelector", selector(r, "ns", XyzCluster.NAMESPACES));
					case 2 -> Map.of("podSelector", selector(r, "pod", List.of("a", "b", "c")), "namespaceSelector",
							selector(r, "ns", XyzCluster.NAMESPACES));
					default -> Map.of("ipBlock",
							r.nextBoolean() ? Map.of("cidr", "10.244." + (1 + r.nextInt(3)) + ".0/24") : Map.of("cidr",
									"10.244.0.0/16", "except", List.of("10.244." + (1 + r.nextInt(3)) + ".0/24")));
				});
			}
			rule.put(peersField, ps);
		}
		int ports = r.nextInt(3);
		if (ports > 0) {
			List<Object> ps = new ArrayList<>();
			for (int i = 0; i < ports; i++) {
				Map<String, Object> p = new LinkedHashMap<>();
				String proto = pick(r, List.of("TCP", "UDP"));
				if (r.nextBoolean()) {
					p.put("protocol", proto);
				}
				switch (r.nextInt(4)) {
					case 0 -> {
					}
					case 1 -> p.put("port", 80 + r.nextInt(2));
					case 2 -> {
						p.put("port", 79 + r.nextInt(2));
						p.put("endPort", 80 + r.nextInt(2));
					}
					default -> p.put("port", "serve-" + (80 + r.nextInt(2)) + "-" + pick(r, List.of("tcp", "udp")));
				}
				ps.add(p);
			}
			rule.put("ports", ps);
		}
		return rule;
	}

	static Map<String, Object> selector(SplittableRandom r, String key, List<String> values) {
		return switch (r.nextInt(5)) {
			case 0 -> Map.of();
			case 1 -> Map.of("matchLabels", Map.of(key, pick(r, values)));
			case 2 -> Map.of("matchExpressions", List.of(Map.of("key", key, "operator", pick(r, List.of("In", "NotIn")),
					"values", List.of(pick(r, values), pick(r, values)))));
			case 3 -> Map.of("matchExpressions", List.of(Map.of("key", pick(r, List.of(key, "other")), "operator",
					pick(r, List.of("Exists", "DoesNotExist")))));
			default -> Map.of("matchLabels", Map.of(key, pick(r, values)), "matchExpressions",
					List.of(Map.of("key", key, "operator", "NotIn", "values", List.of(pick(r, values)))));
		};
	}

	static <T> T pick(SplittableRandom r, List<T> list) {
		return list.get(r.nextInt(list.size()));
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> deepCopy(List<Map<String, Object>> manifests) {
		return manifests.stream().map(m -> (Map<String, Object>) copy(m)).toList();
	}

	@SuppressWarnings("unchecked")
	static Object copy(Object o) {
		if (o instanceof Map<?, ?> m) {
			Map<String, Object> c = new LinkedHashMap<>();
			m.forEach((k, v) -> c.put((String) k, copy(v)));
			return c;
		}
		if (o instanceof List<?> l) {
			List<Object> c = new ArrayList<>();
			l.forEach(v -> c.add(copy(v)));
			return c;
		}
		return o;
	}

}

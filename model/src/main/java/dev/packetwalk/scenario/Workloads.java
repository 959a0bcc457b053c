package dev.packetwalk.scenario;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.netpol.Selector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pods made from the workload manifests of a scenario's {@code objects}: v1 Pod, apps/v1
 * Deployment, StatefulSet and DaemonSet, read as the real Kubernetes types (fabric8) and
 * expanded as the controllers and the scheduler would: a Deployment's replicas are named
 * {@code <deployment>-<pod-template-hash>-<5 characters>}, a StatefulSet's
 * {@code <name>-<ordinal>}, a DaemonSet's {@code <name>-<5 characters>}, one per node.
 * Everything is deterministic: the same file always makes the same pods on the same
 * nodes.
 *
 * <p>
 * Placement (a documented stand-in for kube-scheduler): a pod goes to the node its
 * template names ({@code nodeName}); otherwise the replicas of a workload go round-robin
 * over the eligible nodes in name order (those whose well-known labels
 * {@code kubernetes.io/hostname}, {@code kubernetes.io/os: linux},
 * {@code kubernetes.io/arch: amd64} match its {@code nodeSelector}), starting at the
 * first; the Pod manifests without a nodeName go round-robin together, in file order.
 *
 * <p>
 * Fields the model reads do something; fields it does not read (images, resources,
 * probes, volumes, the update strategy, status, …) are named in one warning per object; a
 * field that is not in the Kubernetes type at all is an error, as {@code kubectl apply}'s
 * strict field validation makes it.
 */
final class Workloads {

	/** The kinds that make pods. */
	static final Set<String> KINDS = Set.of("Pod", "Deployment", "StatefulSet", "DaemonSet");

	/**
	 * The alphabet of k8s.io/apimachinery/pkg/util/rand (no vowels, no 0, 1, 3: no
	 * words): generated name suffixes and the safe-encoded template hash.
	 */
	static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

	/**
	 * A pod a manifest makes.
	 *
	 * @param spec the pod, as a {@code cluster.pods} entry would give it
	 * @param objectAt the manifest ({@code /objects/3})
	 * @param specAt its pod spec ({@code /objects/3/spec/template/spec} or
	 * {@code /objects/3/spec}): containers and nodeName are under it
	 * @param owner what made it, e.g. {@code Deployment web}
	 */
	record Made(ScenarioDocument.PodSpec spec, String objectAt, String specAt, String owner) {
	}

	private static final ObjectMapper CANONICAL = JsonMapper.builder()
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		.build();

	private final ObjectMapper mapper;

	private final Problems problems;

	private final Budget budget;

	/**
	 * {@code namespace/name} prefixes of the pods of refused workloads (their error is
	 * the one to fix).
	 */
	private final Set<String> refusedPrefixes = new LinkedHashSet<>();

	Workloads(ObjectMapper mapper, Problems problems, Budget budget) {
		this.mapper = mapper;
		this.problems = problems;
		this.budget = budget;
	}

	Set<String> refusedPrefixes() {
		return refusedPrefixes;
	}

	/**
	 * The pods of every workload manifest, in the order of {@code objects}.
	 * @param nodes the accepted nodes
	 * @param refusedNodes nodes whose definition was refused (a pod naming one is not
	 * reported again)
	 * @param room how many more pods the limit allows
	 */
	List<Made> read(List<Map<String, Object>> objects, Collection<String> nodes, Set<String> refusedNodes, int room) {
		List<String> nodeOrder = new ArrayList<>(new java.util.TreeSet<>(nodes));
		List<Made> out = new ArrayList<>();
		Map<String, String> seen = new HashMap<>();
		int left = room;
		for (int k = 0; k < objects.size(); k++) {
			budget.check();
			Map<String, Object> o = objects.get(k);
			Object kind = o == null ? null : o.get("kind");
			if (!(kind instanceof String kindName) || !KINDS.contains(kindName)) {
				continue;
			}
			String at = "/objects/" + k;
			List<Made> made = readOne(o, kindName, at, nodeOrder, refusedNodes, left, seen);
			left -= made.size();
			out.addAll(made);
		}
		return out;
	}

	private List<Made> readOne(Map<String, Object> o, String kind, String at, List<String> nodeOrder,
			Set<String> refusedNodes, int room, Map<String, String> seen) {
		Object meta = o.get("metadata");
		String ns = meta instanceof Map<?, ?> m && m.get("namespace") instanceof String s ? s : "default";
		String name = meta instanceof Map<?, ?> m && m.get("name") instanceof String s ? s : null;
		long errorsBefore = problems.errorCount();
		List<Made> made = make(o, kind, at, ns, name, nodeOrder, refusedNodes, room, seen);
		if (name != null && problems.errorCount() > errorsBefore) {
			refusedPrefixes.add(ns + "/" + name + (kind.equals("Pod") ? "" : "-"));
		}
		return made;
	}

	private List<Made> make(Map<String, Object> o, String kind, String at, String ns, String name,
			List<String> nodeOrder, Set<String> refusedNodes, int room, Map<String, String> seen) {
		String expected = kind.equals("Pod") ? "v1" : "apps/v1";
		Object api = o.get("apiVersion");
		if (!expected.equals(api)) {
			problems.error(at + "/apiVersion", kind + " is served as apiVersion " + expected + ", not '" + api
					+ "' (the API server has no " + kind + " in " + api + ")");
			return List.of();
		}
		Object typed;
		try {
			Class<?> type = switch (kind) {
				case "Pod" -> Pod.class;
				case "Deployment" -> Deployment.class;
				case "StatefulSet" -> StatefulSet.class;
				default -> DaemonSet.class;
			};
			typed = mapper.convertValue(o, type);
		}
		catch (DatabindException ex) {
			StringBuilder pointer = new StringBuilder(at);
			ex.getPath()
				.forEach(ref -> pointer.append('/')
					.append(ref.getPropertyName() != null ? ref.getPropertyName().replace("~", "~0").replace("/", "~1")
							: Integer.toString(ref.getIndex())));
			problems.error(pointer.toString(),
					"this " + kind + " does not read as Kubernetes " + expected + " " + kind + ": " + typeError(ex));
			return List.of();
		}
		catch (RuntimeException ex) {
			problems.error(at, "this " + kind + " does not read as Kubernetes " + expected + " " + kind + ": "
					+ String.valueOf(ex.getMessage()).lines().findFirst().orElse(""));
			return List.of();
		}
		if (unknownFields(typed, o, at)) {
			return List.of();
		}
		if (name == null) {
			return List.of(); // the schema said metadata.name is required
		}
		String previous = seen.putIfAbsent(kind + ":" + ns + "/" + name, at);
		if (previous != null) {
			problems.error(at + "/metadata/name", "two " + kind + "s are named " + ns + "/" + name
					+ " (the first at line " + problems.line(previous) + ")");
			return List.of();
		}
		ignoredFields(o, kind, at);
		List<Made> made = switch (typed) {
			case Pod pod -> pod(pod, at, nodeOrder, refusedNodes, ns, name);
			case Deployment d ->
				d.getSpec() == null ? missingSpec(at, kind) : replicated(kind, at, ns, name, d.getSpec().getReplicas(),
						d.getSpec().getSelector(), d.getSpec().getTemplate(), 0, nodeOrder, refusedNodes, room);
			case StatefulSet s -> s.getSpec() == null ? missingSpec(at, kind)
					: replicated(kind, at, ns, name, s.getSpec().getReplicas(), s.getSpec().getSelector(),
							s.getSpec().getTemplate(),
							s.getSpec().getOrdinals() == null || s.getSpec().getOrdinals().getStart() == null ? 0
									: s.getSpec().getOrdinals().getStart(),
							nodeOrder, refusedNodes, room);
			case DaemonSet d -> d.getSpec() == null ? missingSpec(at, kind) : replicated(kind, at, ns, name, null,
					d.getSpec().getSelector(), d.getSpec().getTemplate(), 0, nodeOrder, refusedNodes, room);
			default -> throw new IllegalStateException("not a workload: " + typed.getClass());
		};
		return made;
	}

	/** What a value of the wrong type should have been, in words. */
	private static String typeError(DatabindException ex) {
		Class<?> want = ex instanceof tools.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null;
		String was = ex instanceof tools.jackson.databind.exc.InvalidFormatException f ? ", not '" + f.getValue() + "'"
				: "";
		if (want == Integer.class || want == Long.class || want == int.class || want == long.class) {
			return "must be an integer (a whole number)" + was;
		}
		if (want == Boolean.class || want == boolean.class) {
			return "must be true or false" + was;
		}
		if (want == String.class) {
			return "must be a string" + was;
		}
		if (want != null && java.util.Collection.class.isAssignableFrom(want)) {
			return "must be a list (lines starting with '- ' or [a, b])";
		}
		if (want != null && want.getName().startsWith("io.fabric8.")) {
			return "must be a mapping (key: value lines)";
		}
		String msg = ex.getOriginalMessage();
		return msg == null ? "" : msg.lines().findFirst().orElse("");
	}

	private List<Made> missingSpec(String at, String kind) {
		problems.error(at + "/spec", "spec: Required value: a " + kind + " needs a spec");
		return List.of();
	}

	private List<Made> pod(Pod pod, String at, List<String> nodeOrder, Set<String> refusedNodes, String ns,
			String name) {
		PodSpec spec = pod.getSpec();
		if (spec == null) {
			return missingSpec(at, "Pod");
		}
		Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
		if (!podSpecValid(spec, at + "/spec")) {
			return List.of();
		}
		List<String> eligible = eligible(spec, at + "/spec", nodeOrder, refusedNodes, "Pod " + name);
		if (eligible == null) {
			return List.of();
		}
		String node = place(eligible, barePods);
		return List.of(new Made(podSpec(name, ns, node, labels, spec), at, at + "/spec", "Pod " + name));
	}

	private List<Made> replicated(String kind, String at, String ns, String name, Integer replicasOrNull,
			LabelSelector selector, PodTemplateSpec template, int firstOrdinal, List<String> nodeOrder,
			Set<String> refusedNodes, int room) {
		String owner = kind + " " + name;
		int replicas = replicasOrNull == null ? 1 : replicasOrNull;
		if (replicas < 0) {
			problems.error(at + "/spec/replicas",
					"spec.replicas: Invalid value: " + replicas + ": must be greater than or equal to 0");
			return List.of();
		}
		if (firstOrdinal < 0) {
			problems.error(at + "/spec/ordinals/start",
					"spec.ordinals.start: Invalid value: " + firstOrdinal + ": must be greater than or equal to 0");
			return List.of();
		}
		if (template == null || template.getSpec() == null) {
			problems.error(at + "/spec/template", "spec.template: Required value: a " + kind
					+ " makes its pods from a template (spec.template.metadata.labels and spec.template.spec)");
			return List.of();
		}
		Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
				? Map.of() : template.getMetadata().getLabels();
		if (selector == null) {
			problems.error(at + "/spec",
					"spec.selector: Required value: an apps/v1 " + kind
							+ " needs a selector that matches its template's labels, e.g. selector: {matchLabels: "
							+ (labels.isEmpty() ? "{app: " + name + "}" : flow(labels)) + "}");
			return List.of();
		}
		Selector sel = selector(selector, at + "/spec/selector");
		if (sel == null) {
			return List.of();
		}
		if (sel.matchesAll()) {
			problems.error(at + "/spec/selector", "spec.selector: Invalid value: empty selector is invalid for "
					+ kind.toLowerCase(java.util.Locale.ROOT));
			return List.of();
		}
		if (!sel.matches(labels)) {
			problems.error(at + "/spec/template/metadata/labels",
					"spec.template.metadata.labels: Invalid value: " + flow(labels)
							+ ": `selector` does not match template `labels` (the selector's "
							+ sel.firstFailure(labels) + " is not among them): Kubernetes refuses this " + kind);
			return List.of();
		}
		String specAt = at + "/spec/template/spec";
		PodSpec spec = template.getSpec();
		if (!podSpecValid(spec, specAt)) {
			return List.of();
		}
		List<String> eligible = eligible(spec, specAt, nodeOrder, refusedNodes, owner);
		if (eligible == null) {
			return List.of();
		}
		int count = kind.equals("DaemonSet") ? eligible.size() : replicas;
		if (count > room) {
			problems.error(kind.equals("DaemonSet") ? at : at + "/spec/replicas",
					owner + " makes " + count + " pods, more than the " + Math.max(0, room)
							+ " the limit leaves (setting " + ScenarioLimits.setting("max-pods") + ")");
			return List.of();
		}
		String hash = templateHash(template);
		List<Made> out = new ArrayList<>();
		Map<String, Integer> own = new HashMap<>();
		Set<String> names = new java.util.HashSet<>();
		for (int i = 0; i < count; i++) {
			budget.check();
			Map<String, String> podLabels = new TreeMap<>(labels);
			String podName;
			String node;
			switch (kind) {
				case "Deployment" -> {
					podName = generateName(name + "-" + hash + "-", ns + "/" + name + "/" + i, names);
					podLabels.put("pod-template-hash", hash);
					node = place(eligible, own);
				}
				case "StatefulSet" -> {
					int ordinal = firstOrdinal + i;
					podName = name + "-" + ordinal;
					podLabels.put("controller-revision-hash", name + "-" + hash);
					podLabels.put("statefulset.kubernetes.io/pod-name", podName);
					podLabels.put("apps.kubernetes.io/pod-index", Integer.toString(ordinal));
					node = place(eligible, own);
				}
				default -> {
					node = eligible.get(i);
					podName = generateName(name + "-", ns + "/" + name + "/" + node, names);
					podLabels.put("controller-revision-hash", hash);
					podLabels.put("pod-template-generation", "1");
				}
			}
			if (kind.equals("DaemonSet")) {
				own.merge(node, 1, Integer::sum);
			}
			out.add(new Made(podSpec(podName, ns, node, podLabels, spec), at, specAt, owner));
		}
		return out;
	}

	/** What the model cannot build is refused here, before any pod is made. */
	private boolean podSpecValid(PodSpec spec, String specAt) {
		if (Boolean.TRUE.equals(spec.getHostNetwork())) {
			problems.error(specAt + "/hostNetwork", "hostNetwork pods are not supported yet: the model gives every"
					+ " pod its own network namespace (send from node/<name> to show the node's)");
			return false;
		}
		if (spec.getContainers() == null || spec.getContainers().isEmpty()) {
			problems.error(specAt + "/containers", "spec.containers: Required value: a pod needs a container");
			return false;
		}
		return true;
	}

	/**
	 * The nodes the pod may go to, in name order; null (reported) when there is none.
	 */
	private List<String> eligible(PodSpec spec, String specAt, List<String> nodeOrder, Set<String> refusedNodes,
			String owner) {
		List<String> out = new ArrayList<>();
		String nodeName = spec.getNodeName();
		Map<String, String> selector = spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector();
		if (nodeName != null && !nodeName.isEmpty()) {
			if (!nodeOrder.contains(nodeName)) {
				if (!refusedNodes.contains(nodeName)) {
					problems.error(specAt + "/nodeName",
							"unknown node '" + nodeName + "'" + Problems.didYouMean(nodeName, nodeOrder));
				}
				return null;
			}
			out.add(nodeName);
		}
		else {
			out.addAll(nodeOrder);
		}
		out.removeIf(n -> !Selector.labels(selector).matches(nodeLabels(n)));
		if (out.isEmpty()) {
			problems.error(specAt + "/nodeSelector",
					"no node matches nodeSelector " + flow(selector) + ": the" + " scheduler would leave the pods of "
							+ owner + " Pending (not modelled: a Pending pod has no"
							+ " network). Nodes here carry kubernetes.io/hostname: <name>, kubernetes.io/os: linux and"
							+ " kubernetes.io/arch: amd64");
			return null;
		}
		return out;
	}

	/** The well-known labels kubelet puts on every node. */
	static Map<String, String> nodeLabels(String node) {
		return Map.of("kubernetes.io/hostname", node, "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64",
				"beta.kubernetes.io/os", "linux", "beta.kubernetes.io/arch", "amd64");
	}

	/**
	 * Pods per node of the Pod manifests without a nodeName: together they go
	 * round-robin, as one workload's replicas do.
	 */
	private final Map<String, Integer> barePods = new HashMap<>();

	/**
	 * The eligible node with the fewest pods of this workload, the first by name among
	 * equals (round-robin over the eligible nodes in name order); counted.
	 */
	private static String place(List<String> eligible, Map<String, Integer> own) {
		String best = null;
		for (String n : eligible) {
			if (best == null || own.getOrDefault(n, 0) < own.getOrDefault(best, 0)) {
				best = n;
			}
		}
		own.merge(best, 1, Integer::sum);
		return best;
	}

	private ScenarioDocument.PodSpec podSpec(String name, String ns, String node, Map<String, String> labels,
			PodSpec spec) {
		List<ScenarioDocument.ContainerSpec> containers = new ArrayList<>();
		for (Container c : spec.getContainers()) {
			List<ScenarioDocument.PortSpec> ports = new ArrayList<>();
			if (c != null && c.getPorts() != null) {
				for (ContainerPort p : c.getPorts()) {
					if (p != null) {
						ports.add(new ScenarioDocument.PortSpec(p.getName(), p.getContainerPort(), p.getProtocol(),
								p.getHostPort()));
					}
				}
			}
			containers.add(new ScenarioDocument.ContainerSpec(c == null ? null : c.getName(), ports));
		}
		return new ScenarioDocument.PodSpec(name, ns, node, null, Map.copyOf(labels), containers, true);
	}

	private Selector selector(LabelSelector s, String at) {
		List<Selector.Requirement> reqs = new ArrayList<>();
		List<LabelSelectorRequirement> exprs = s.getMatchExpressions() == null ? List.of() : s.getMatchExpressions();
		for (int i = 0; i < exprs.size(); i++) {
			LabelSelectorRequirement r = exprs.get(i);
			String here = at + "/matchExpressions/" + i;
			try {
				reqs.add(new Selector.Requirement(r.getKey(), Selector.Operator.parse(r.getOperator()), r.getValues()));
			}
			catch (RuntimeException ex) {
				problems.error(here, String.valueOf(ex.getMessage()));
				return null;
			}
		}
		Map<String, String> labels = s.getMatchLabels() == null ? Map.of() : s.getMatchLabels();
		for (var e : labels.entrySet()) {
			if (e.getValue() == null) {
				problems.error(at + "/matchLabels/" + e.getKey(), "matchLabels " + e.getKey() + " needs a value");
				return null;
			}
		}
		return new Selector(labels, reqs);
	}

	private static String flow(Map<String, String> labels) {
		StringBuilder sb = new StringBuilder("{");
		new TreeMap<>(labels)
			.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append(": ").append(v));
		return sb.append('}').toString();
	}

	// ------------------------------------------------------------ names

	/**
	 * The pod-template-hash: upstream's {@code controller.ComputeHash} is the FNV-1a
	 * 32-bit hash of the template, printed in decimal and safe-encoded with
	 * {@link #ALPHANUMS}. Upstream hashes go-spew's dump of the API server's defaulted Go
	 * struct; here the template as written, as JSON with sorted keys, is hashed: the same
	 * form (up to 10 characters of that alphabet), a new value when the template changes,
	 * but not the value a cluster prints for the same manifest.
	 */
	static String templateHash(PodTemplateSpec template) {
		Object tree = CANONICAL.convertValue(template, Object.class);
		byte[] bytes = CANONICAL.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
		return safeEncode(Integer.toUnsignedString(fnv32a(bytes)));
	}

	static int fnv32a(byte[] bytes) {
		int h = 0x811c9dc5;
		for (byte b : bytes) {
			h ^= b & 0xff;
			h *= 0x01000193;
		}
		return h;
	}

	/**
	 * k8s.io/apimachinery's rand.SafeEncodeString: each character to ALPHANUMS[c % 27].
	 */
	static String safeEncode(String s) {
		StringBuilder sb = new StringBuilder();
		s.codePoints().forEach(c -> sb.append(ALPHANUMS.charAt(c % ALPHANUMS.length())));
		return sb.toString();
	}

	/**
	 * The API server's generateName: the base cut to 58 characters and 5 characters of
	 * {@link #ALPHANUMS} (names.SimpleNameGenerator), drawn here from a generator seeded
	 * by {@code key} instead of at random, 5 bits at a time with values past the alphabet
	 * skipped as utilrand.String does; a name already taken draws again.
	 */
	static String generateName(String base, String key, Set<String> taken) {
		String b = base.length() > 58 ? base.substring(0, 58) : base;
		for (int attempt = 0;; attempt++) {
			long x = fnv64a((key + "#" + attempt).getBytes(StandardCharsets.UTF_8));
			StringBuilder sb = new StringBuilder(b);
			while (sb.length() < b.length() + 5) {
				x = splitMix(x);
				for (int shift = 0; shift + 5 <= 63 && sb.length() < b.length() + 5; shift += 5) {
					int idx = (int) ((x >>> shift) & 31);
					if (idx < ALPHANUMS.length()) {
						sb.append(ALPHANUMS.charAt(idx));
					}
				}
			}
			if (taken.add(sb.toString())) {
				return sb.toString();
			}
		}
	}

	private static long fnv64a(byte[] bytes) {
		long h = 0xcbf29ce484222325L;
		for (byte b : bytes) {
			h ^= b & 0xff;
			h *= 0x100000001b3L;
		}
		return h;
	}

	private static long splitMix(long seed) {
		long z = seed + 0x9e3779b97f4a7c15L;
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

	// ------------------------------------------------------------ fields

	/**
	 * Fields that are not in the Kubernetes type (fabric8 keeps them as additional
	 * properties): errors, as kubectl's strict field validation makes them; true when
	 * there was one.
	 */
	private boolean unknownFields(Object typed, Object raw, String at) {
		if (typed == null || raw == null) {
			return false;
		}
		if (raw instanceof List<?> rl && typed instanceof List<?> tl) {
			boolean found = false;
			for (int i = 0; i < Math.min(rl.size(), tl.size()); i++) {
				found |= unknownFields(tl.get(i), rl.get(i), at + "/" + i);
			}
			return found;
		}
		if (!(raw instanceof Map<?, ?> rm) || !typed.getClass().getName().startsWith("io.fabric8.")) {
			return false;
		}
		Map<String, Field> props = properties(typed.getClass());
		Map<?, ?> extra = additional(typed);
		boolean found = false;
		for (Object keyObject : rm.keySet()) {
			String key = String.valueOf(keyObject);
			String here = at + "/" + key.replace("~", "~0").replace("/", "~1");
			if (extra != null && extra.containsKey(key)) {
				problems.error(here, "unknown field '" + key + "' (" + typed.getClass().getSimpleName()
						+ " has no such field; Kubernetes refuses it)" + Problems.didYouMean(key, props.keySet()));
				found = true;
				continue;
			}
			Field f = props.get(key);
			if (f == null) {
				continue;
			}
			try {
				Object value = f.get(typed);
				if (value instanceof Map<?, ?> || value instanceof String || value instanceof Number
						|| value instanceof Boolean) {
					continue;
				}
				found |= unknownFields(value, rm.get(key), here);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return found;
	}

	private static final Map<Class<?>, Map<String, Field>> PROPERTIES = new java.util.concurrent.ConcurrentHashMap<>();

	private static Map<String, Field> properties(Class<?> type) {
		return PROPERTIES.computeIfAbsent(type, t -> {
			Map<String, Field> out = new LinkedHashMap<>();
			for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
				for (Field f : c.getDeclaredFields()) {
					var ann = f.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
					if (ann != null) {
						f.setAccessible(true);
						out.putIfAbsent(ann.value(), f);
					}
				}
			}
			return out;
		});
	}

	private static Map<?, ?> additional(Object typed) {
		for (Class<?> c = typed.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
			try {
				Field f = c.getDeclaredField("additionalProperties");
				f.setAccessible(true);
				return (Map<?, ?>) f.get(typed);
			}
			catch (NoSuchFieldException ex) {
				// a superclass may have it
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return null;
	}

	/** The fields of a pod spec the model reads (relative to the pod spec). */
	private static final List<String> POD_SPEC_READ = List.of("", ".nodeName", ".hostNetwork", ".containers",
			".containers[]", ".containers[].name", ".containers[].ports", ".containers[].ports[]",
			".containers[].ports[].name", ".containers[].ports[].containerPort", ".containers[].ports[].protocol",
			".containers[].ports[].hostPort");

	/** Fields read with everything inside them (label maps, selectors). */
	private static final List<String> POD_SPEC_WHOLE = List.of(".nodeSelector");

	/**
	 * What the model reads of each kind: fields, and fields read with all inside them.
	 */
	static List<String> read(String kind) {
		List<String> out = new ArrayList<>(
				List.of("apiVersion", "kind", "metadata", "metadata.name", "metadata.namespace"));
		String podSpec = kind.equals("Pod") ? "spec" : "spec.template.spec";
		POD_SPEC_READ.forEach(f -> out.add(podSpec + f));
		if (!kind.equals("Pod")) {
			out.addAll(List.of("spec", "spec.template", "spec.template.metadata"));
		}
		if (kind.equals("Deployment") || kind.equals("StatefulSet")) {
			out.add("spec.replicas");
		}
		if (kind.equals("StatefulSet")) {
			out.addAll(List.of("spec.ordinals", "spec.ordinals.start"));
		}
		return out;
	}

	static List<String> readWhole(String kind) {
		List<String> out = new ArrayList<>();
		String podSpec = kind.equals("Pod") ? "spec" : "spec.template.spec";
		POD_SPEC_WHOLE.forEach(f -> out.add(podSpec + f));
		out.add(kind.equals("Pod") ? "metadata.labels" : "spec.template.metadata.labels");
		if (!kind.equals("Pod")) {
			out.add("spec.selector");
		}
		return out;
	}

	/**
	 * One warning per object naming every field it sets that the model does not read
	 * (Kubernetes-only here).
	 */
	private void ignoredFields(Map<String, Object> o, String kind, String at) {
		Set<String> read = new java.util.HashSet<>(read(kind));
		Set<String> whole = new java.util.HashSet<>(readWhole(kind));
		Set<String> ignored = new LinkedHashSet<>();
		collectIgnored(o, "", read, whole, ignored);
		if (ignored.isEmpty()) {
			return;
		}
		problems.warning(at,
				kind + " " + (o.get("metadata") instanceof Map<?, ?> m ? m.get("name") : "")
						+ ": these fields are Kubernetes-only here and ignored (they do not change the network): "
						+ String.join(", ", ignored));
	}

	private static void collectIgnored(Object value, String path, Set<String> read, Set<String> whole,
			Set<String> ignored) {
		if (value instanceof List<?> l) {
			for (Object item : l) {
				collectIgnored(item, path + "[]", read, whole, ignored);
			}
			return;
		}
		if (!(value instanceof Map<?, ?> m)) {
			return;
		}
		for (var e : m.entrySet()) {
			String p = path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey();
			if (whole.contains(p)) {
				continue;
			}
			if (!read.contains(p)) {
				if (e.getValue() != null) {
					ignored.add(p);
				}
				continue;
			}
			Object v = e.getValue();
			if (v instanceof List<?> l && !l.isEmpty() && !read.contains(p + "[]")) {
				ignored.add(p + "[]");
				continue;
			}
			collectIgnored(v, p, read, whole, ignored);
		}
	}

}

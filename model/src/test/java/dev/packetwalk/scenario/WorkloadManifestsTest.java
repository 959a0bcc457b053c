package dev.packetwalk.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

/**
 * Pods made from Pod, Deployment, StatefulSet and DaemonSet manifests in {@code objects}:
 * named as Kubernetes names them, placed by the documented rule, and behaving as
 * cluster.pods pods do (Services select them, their named ports resolve); manifests
 * Kubernetes refuses are errors at their line.
 */
class WorkloadManifestsTest {

	private static final String HEAD = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: manifests}
			cluster:
			  network: flannel-vxlan
			  nodes:
			    - {name: node1, podCIDR: 10.244.1.0/24}
			    - {name: node2, podCIDR: 10.244.2.0/24}
			  pods:
			    - {name: client, node: node1}
			objects:
			""";

	private static final String DEPLOYMENT = """
			  - apiVersion: apps/v1
			    kind: Deployment
			    metadata: {name: web}
			    spec:
			      replicas: 3
			      selector:
			        matchLabels: {app: web}
			      template:
			        metadata:
			          labels: {app: web}
			        spec:
			          containers:
			            - name: nginx
			              image: nginx:1.27
			              resources: {limits: {cpu: 100m}}
			              ports:
			                - {name: http, containerPort: 8080}
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: web}
			    spec:
			      selector: {app: web}
			      ports: [{port: 80, targetPort: http}]
			flows:
			  - {from: client, to: service/web:80}
			""";

	private static final String ALPHABET = "[bcdfghjklmnpqrstvwxz2456789]";

	@Test
	void aDeploymentOfThreeReplicasIsThreePodsThatItsServiceSelectsAndTrafficReaches() {
		CompiledScenario s = new ScenarioCompiler().compile("m.yaml", HEAD + DEPLOYMENT);
		List<Namespace> pods = pods(s, "web-");
		assertThat(pods).hasSize(3);
		String hash = pods.getFirst().label().split("-")[1];
		assertThat(hash).matches(ALPHABET + "{1,10}");
		assertThat(pods).allSatisfy(p -> assertThat(p.label()).matches("web-" + hash + "-" + ALPHABET + "{5}"));
		// round-robin over the nodes in name order: node1, node2, node1
		assertThat(pods.stream().collect(Collectors.groupingBy(Namespace::node, Collectors.counting())))
			.isEqualTo(java.util.Map.of("node1", 2L, "node2", 1L));
		Set<String> podIps = pods.stream().map(WorkloadManifestsTest::address).collect(Collectors.toSet());
		assertThat(podIps).hasSize(3);
		Set<String> reached = new TreeSet<>();
		for (long seed = 1; seed <= 40; seed++) {
			Walk request = new Engine(s.scenario()).run(seed).walks().getFirst();
			assertThat(request.disposition().delivered()).isTrue();
			Step.Deliver d = (Step.Deliver) request.hops().getLast().steps().getLast();
			assertThat(d.packet().l4().dstPort()).isEqualTo(8080);
			reached.add(d.packet().ip().dst().toString());
		}
		assertThat(reached).as("every replica is an endpoint of the Service").isEqualTo(new TreeSet<>(podIps));
		// one warning naming what the model does not read
		assertThat(s.warnings()).singleElement()
			.satisfies(w -> assertThat(w.toString()).contains("objects[0]")
				.contains("spec.template.spec.containers[].image")
				.contains("spec.template.spec.containers[].resources"));
	}

	@Test
	void namesAreTheSameEveryTimeAndTheHashFollowsTheTemplate() {
		List<String> first = names(new ScenarioCompiler().compile("m.yaml", HEAD + DEPLOYMENT), "web-");
		assertThat(names(new ScenarioCompiler().compile("m.yaml", HEAD + DEPLOYMENT), "web-")).isEqualTo(first);
		List<String> changed = names(
				new ScenarioCompiler().compile("m.yaml", HEAD + DEPLOYMENT.replace("nginx:1.27", "nginx:1.28")),
				"web-");
		assertThat(changed.getFirst().split("-")[1]).isNotEqualTo(first.getFirst().split("-")[1]);
	}

	@Test
	void theTemplateHashIsUpstreamsFnv32aSafeEncoded() {
		// fnv32a("") = 2166136261, each decimal digit to ALPHANUMS[c % 27]
		assertThat(Integer.toUnsignedString(Workloads.fnv32a(new byte[0]))).isEqualTo("2166136261");
		assertThat(Workloads.safeEncode("2166136261")).isEqualTo("65bb57b6b5");
		assertThat(Workloads.safeEncode("0123456789")).isEqualTo("456789bcdf");
	}

	@Test
	void aStatefulSetsPodsAreNamedByOrdinal() {
		String yaml = HEAD + """
				  - apiVersion: apps/v1
				    kind: StatefulSet
				    metadata: {name: db, namespace: store}
				    spec:
				      serviceName: db
				      replicas: 2
				      selector: {matchLabels: {app: db}}
				      template:
				        metadata: {labels: {app: db}}
				        spec:
				          containers: [{name: redis, ports: [{name: redis, containerPort: 6379}]}]
				  - apiVersion: apps/v1
				    kind: StatefulSet
				    metadata: {name: cache}
				    spec:
				      ordinals: {start: 5}
				      selector: {matchLabels: {app: cache}}
				      template:
				        metadata: {labels: {app: cache}}
				        spec: {containers: [{name: c}]}
				flows:
				  - {from: client, to: store/db-1:6379}
				""";
		CompiledScenario s = new ScenarioCompiler().compile("m.yaml", yaml);
		assertThat(names(s, "db-")).containsExactly("db-0", "db-1");
		assertThat(names(s, "cache-")).containsExactly("cache-5");
		assertThat(s.scenario().topology().namespace("store/db-1").node()).isEqualTo("node2");
		assertThat(new Engine(s.scenario()).run(1).walks().getFirst().disposition().delivered()).isTrue();
	}

	@Test
	void aDaemonSetHasOnePodPerMatchingNode() {
		String yaml = HEAD + """
				  - apiVersion: apps/v1
				    kind: DaemonSet
				    metadata: {name: agent, namespace: kube-system}
				    spec:
				      selector: {matchLabels: {app: agent}}
				      template:
				        metadata: {labels: {app: agent}}
				        spec:
				          nodeSelector: {kubernetes.io/os: linux}
				          containers: [{name: agent, ports: [{containerPort: 9100}]}]
				  - apiVersion: apps/v1
				    kind: DaemonSet
				    metadata: {name: only2}
				    spec:
				      selector: {matchLabels: {app: only2}}
				      template:
				        metadata: {labels: {app: only2}}
				        spec:
				          nodeSelector: {kubernetes.io/hostname: node2}
				          containers: [{name: a}]
				  - apiVersion: v1
				    kind: Pod
				    metadata: {name: solo, labels: {app: solo}}
				    spec:
				      nodeName: node2
				      containers: [{name: a, ports: [{containerPort: 80}]}]
				flows:
				  - {from: client, to: solo:80}
				""";
		CompiledScenario s = new ScenarioCompiler().compile("m.yaml", yaml);
		List<Namespace> agents = pods(s, "agent-");
		assertThat(agents).extracting(Namespace::node).containsExactly("node1", "node2");
		assertThat(agents).allSatisfy(p -> assertThat(p.label()).matches("agent-" + ALPHABET + "{5}"));
		assertThat(pods(s, "only2-")).extracting(Namespace::node).containsExactly("node2");
		assertThat(s.scenario().topology().namespace("default/solo").node()).isEqualTo("node2");
		assertThat(new Engine(s.scenario()).run(1).walks().getFirst().disposition().delivered()).isTrue();
	}

	@Test
	void aNegativeReplicaCountIsRefusedAtItsLine() {
		String yaml = HEAD + DEPLOYMENT.replace("replicas: 3", "replicas: -1");
		assertThat(errors(yaml)).singleElement()
			.satisfies(e -> assertThat(e).startsWith("m.yaml:16:")
				.contains("objects[0].spec.replicas")
				.contains("must be greater than or equal to 0"));
	}

	@Test
	void aSelectorThatDoesNotMatchTheTemplateLabelsIsRefusedAsKubernetesDoes() {
		String yaml = HEAD + DEPLOYMENT.replace("labels: {app: web}", "labels: {app: api}");
		assertThat(errors(yaml)).singleElement()
			.satisfies(e -> assertThat(e).startsWith("m.yaml:21:")
				.contains("objects[0].spec.template.metadata.labels")
				.contains("`selector` does not match template `labels`"));
	}

	@Test
	void aValueOfTheWrongTypeIsAnErrorAtItsLine() {
		String yaml = HEAD + DEPLOYMENT.replace("containerPort: 8080", "containerPort: lots");
		assertThat(errors(yaml)).singleElement()
			.satisfies(e -> assertThat(e).startsWith("m.yaml:28:")
				.contains("objects[0].spec.template.spec.containers[0].ports[0].containerPort")
				.contains("does not read as Kubernetes apps/v1 Deployment: must be an integer (a whole number),"
						+ " not 'lots'"));
	}

	@Test
	void aMissingSelectorIsRequired() {
		String yaml = HEAD + DEPLOYMENT.replace("""
				      selector:
				        matchLabels: {app: web}
				""", "");
		assertThat(errors(yaml)).singleElement()
			.satisfies(e -> assertThat(e).contains("objects[0].spec").contains("spec.selector: Required value"));
	}

	@Test
	void anUnknownFieldIsRefusedWithASuggestion() {
		String yaml = HEAD + DEPLOYMENT.replace("replicas: 3", "replica: 3");
		assertThat(errors(yaml)).singleElement()
			.satisfies(e -> assertThat(e).startsWith("m.yaml:16:")
				.contains("objects[0].spec.replica")
				.contains("did you mean 'replicas'?"));
	}

	@Test
	void aNameClashWithClusterPodsIsOneErrorNamingBothLines() {
		String yaml = HEAD + """
				  - apiVersion: v1
				    kind: Pod
				    metadata: {name: client}
				    spec:
				      containers: [{name: a}]
				flows:
				  - {from: client, to: node/node2:10250}
				""";
		assertThat(errors(yaml)).singleElement()
			.satisfies(e -> assertThat(e).startsWith("m.yaml:14:")
				.contains("pod default/client (made by Pod client) clashes with the pod of that name in"
						+ " cluster.pods[0] (line 10)"));
	}

	@Test
	void aFlowFromAPodOfARefusedWorkloadIsNotReportedAgain() {
		String yaml = HEAD + """
				  - apiVersion: apps/v1
				    kind: StatefulSet
				    metadata: {name: db}
				    spec:
				      replicas: -2
				      selector: {matchLabels: {app: db}}
				      template:
				        metadata: {labels: {app: db}}
				        spec: {containers: [{name: redis}]}
				flows:
				  - {from: db-0, to: client:80}
				""";
		assertThat(errors(yaml)).singleElement().satisfies(e -> assertThat(e).contains("spec.replicas"));
	}

	@Test
	void zeroReplicasMakeNoPodsAndAFlowFromOneIsStillAnError() {
		String yaml = HEAD + DEPLOYMENT.replace("replicas: 3", "replicas: 0")
			.replace("{from: client, to: service/web:80}", "{from: web-0, to: client:80}");
		assertThat(errors(yaml)).singleElement().satisfies(e -> assertThat(e).contains("unknown source 'web-0'"));
	}

	@Test
	void aHostNetworkPodIsNotSupportedYetAndAnUnmatchedNodeSelectorSaysPending() {
		String yaml = HEAD + """
				  - apiVersion: v1
				    kind: Pod
				    metadata: {name: hn}
				    spec:
				      hostNetwork: true
				      containers: [{name: a}]
				  - apiVersion: v1
				    kind: Pod
				    metadata: {name: gpu}
				    spec:
				      nodeSelector: {accelerator: gpu}
				      containers: [{name: a}]
				flows:
				  - {from: client, to: node/node2:10250}
				""";
		assertThat(errors(yaml)).hasSize(2)
			.anySatisfy(e -> assertThat(e).contains("hostNetwork pods are not supported yet"))
			.anySatisfy(
					e -> assertThat(e).contains("no node matches nodeSelector {accelerator: gpu}").contains("Pending"));
	}

	@Test
	void aWrongApiVersionIsRefused() {
		String yaml = HEAD + DEPLOYMENT.replace("apiVersion: apps/v1", "apiVersion: extensions/v1beta1");
		assertThat(errors(yaml)).singleElement()
			.satisfies(e -> assertThat(e).contains("Deployment is served as apiVersion apps/v1"));
	}

	@Test
	void theReplicasCountTowardsTheLimitOfPods() {
		String yaml = HEAD + DEPLOYMENT.replace("replicas: 3", "replicas: 100000000");
		assertThat(errors(yaml)).singleElement()
			.satisfies(e -> assertThat(e).contains("makes 100000000 pods").contains("packetwalk.limits.max-pods"));
	}

	@Test
	void aTimelineRebuildKeepsTheManifestPodsOnce() {
		String yaml = HEAD + DEPLOYMENT + """
				timeline:
				  - create: {name: extra, node: node2, labels: {app: web}, ready: true,
				             containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
				  - flow: {from: client, to: service/web:80}
				""";
		CompiledScenario s = new ScenarioCompiler().compile("m.yaml", yaml);
		var change = (dev.packetwalk.engine.Event.Change) s.scenario().timeline().getFirst();
		long webPods = change.state()
			.topology()
			.namespaces()
			.stream()
			.filter(n -> n.kind() == Namespace.Kind.POD && n.label().startsWith("web-"))
			.count();
		assertThat(webPods).isEqualTo(3);
	}

	private static List<String> errors(String yaml) {
		try {
			new ScenarioCompiler().compile("m.yaml", yaml);
		}
		catch (ScenarioException ex) {
			return ex.problems()
				.stream()
				.filter(p -> p.severity() == ScenarioProblem.Severity.ERROR)
				.map(ScenarioProblem::toString)
				.toList();
		}
		throw new AssertionError("compiled without errors");
	}

	private static List<Namespace> pods(CompiledScenario s, String prefix) {
		return s.scenario()
			.topology()
			.namespaces()
			.stream()
			.filter(n -> n.kind() == Namespace.Kind.POD && n.label().startsWith(prefix))
			.toList();
	}

	private static List<String> names(CompiledScenario s, String prefix) {
		return pods(s, prefix).stream().map(Namespace::label).sorted().toList();
	}

	private static String address(Namespace pod) {
		return pod.devices()
			.stream()
			.filter(d -> d.name().equals("eth0"))
			.findFirst()
			.orElseThrow()
			.addresses()
			.getFirst()
			.address()
			.toString();
	}

}

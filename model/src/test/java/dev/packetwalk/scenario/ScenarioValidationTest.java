package dev.packetwalk.scenario;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Schema validation, YAML limits and the one exception that carries every problem. */
class ScenarioValidationTest {

	static final String VALID = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata:
			  name: two-pods
			cluster:
			  nodes:
			    - name: node1
			  pods:
			    - name: pod1
			      node: node1
			    - name: pod2
			      node: node1
			      containers:
			        - name: web
			          ports:
			            - {name: http, containerPort: 8080, protocol: TCP}
			flows:
			  - id: syn
			    from: pod1
			    to: pod2:8080
			""";

	private final ScenarioCompiler compiler = new ScenarioCompiler();

	private List<ScenarioProblem> problems(String yaml) {
		return problems(compiler, yaml);
	}

	private static List<ScenarioProblem> problems(ScenarioCompiler compiler, String yaml) {
		try {
			compiler.compile("test.yaml", yaml);
		}
		catch (ScenarioException ex) {
			return ex.problems();
		}
		throw new AssertionError("expected problems, the scenario compiled");
	}

	@Test
	void theBaseScenarioIsValid() {
		CompiledScenario s = compiler.compile("test.yaml", VALID);
		assertThat(s.id()).isEqualTo("two-pods");
		assertThat(s.warnings()).isEmpty();
	}

	@Test
	void unknownFieldSaysDidYouMeanAtItsLine() {
		List<ScenarioProblem> p = problems(
				VALID.replace("      node: node1\n    - name: pod2", "      nodee: node1\n    - name: pod2"));
		assertThat(p).anySatisfy(x -> {
			assertThat(x.message()).isEqualTo("unknown field 'nodee' (did you mean 'node'?)");
			assertThat(x.path()).isEqualTo("cluster.pods[0].nodee");
			assertThat(x.line()).isEqualTo(10);
			assertThat(x.column()).isEqualTo(7);
			assertThat(x.severity()).isEqualTo(ScenarioProblem.Severity.ERROR);
		});
	}

	@Test
	void everyProblemComesBackTogether_schemaAndSemantic() {
		String yaml = VALID.replace("  name: two-pods", "  name: two-pods\n  levle: beginner")
			.replace("      node: node1\n    - name: pod2", "      node: nodel\n    - name: pod2")
			.replace("containerPort: 8080", "containerPort: 100000000000000000000")
			.replace("  - id: syn", "  - id: syn\n    protocol: QUIC");
		List<ScenarioProblem> p = problems(yaml);
		assertThat(p).extracting(ScenarioProblem::toString)
			.anyMatch(s -> s
				.startsWith("test.yaml:5:3: error: metadata.levle: unknown field 'levle' (did you mean 'level'?)"))
			.anyMatch(s -> s.contains("cluster.pods[0].node: unknown node 'nodel' (did you mean 'node1'?)"))
			.anyMatch(s -> s.contains("containerPort: must be at most 65535, was 100000000000000000000"))
			.anyMatch(s -> s.contains("flows[0].protocol: "));
		// sorted by line
		assertThat(p).isSortedAccordingTo(java.util.Comparator.comparingInt(ScenarioProblem::line));
	}

	@Test
	void wrongTypeSaysWhatWasExpected() {
		List<ScenarioProblem> p = problems(VALID.replace("  - id: syn", "  - id: syn\n    ttl: lots"));
		assertThat(p).singleElement().satisfies(x -> {
			assertThat(x.path()).isEqualTo("flows[0].ttl");
			assertThat(x.message()).isEqualTo("must be an integer (a whole number), not 'lots'");
			assertThat(x.line()).isEqualTo(19);
		});
	}

	@Test
	void enumSuggestsTheClosestValue() {
		List<ScenarioProblem> p = problems(VALID.replace("cluster:\n", "cluster:\n  network: flannel-vxaln\n"));
		assertThat(p).singleElement()
			.satisfies(x -> assertThat(x.message()).isEqualTo(
					"must be one of kubenet, flannel-vxlan, flannel-host-gw, docker, not 'flannel-vxaln' (did you mean 'flannel-vxlan'?)"));
	}

	@Test
	void missingRequiredFieldIsNamedOnce() {
		List<ScenarioProblem> p = problems(VALID.replace("    to: pod2:8080\n", ""));
		assertThat(p).singleElement().satisfies(x -> {
			assertThat(x.path()).isEqualTo("flows[0].to");
			assertThat(x.message()).startsWith("'to' is required: The destination");
		});
	}

	@Test
	void duplicateKeyIsAnErrorWithItsLine() {
		List<ScenarioProblem> p = problems(VALID.replace("  name: two-pods", "  name: two-pods\n  name: again"));
		assertThat(p).singleElement().satisfies(x -> {
			assertThat(x.line()).isEqualTo(5);
			assertThat(x.message())
				.isEqualTo("duplicate key 'name' (first written at line 4): each key may appear once in a mapping");
		});
	}

	@Test
	void anAliasCopiesItsAnchor() {
		String yaml = VALID.replace("      containers:", "      containers: &web")
				+ "  - {id: again, from: pod1, to: pod3:8080}\n";
		yaml = yaml.replace("flows:", "    - name: pod3\n      node: node1\n      containers: *web\nflows:");
		CompiledScenario s = compiler.compile("test.yaml", yaml);
		assertThat(s.scenario().topology().namespace("default/pod3").listeners()).extracting(l -> l.port())
			.containsExactly(8080);
	}

	@Test
	void aliasesMustBeDefinedFirst() {
		String yaml = VALID.replace("      containers:", "      containers: &web")
				+ "  - {id: again, from: pod1, to: pod2:8080}\n";
		yaml = yaml.replace("    - name: pod2\n",
				"    - name: pod3\n      node: node1\n      containers: *web\n    - name: pod2\n");
		// pod3 listed before pod2 references an anchor defined later: not allowed
		assertThat(problems(yaml)).singleElement()
			.satisfies(x -> assertThat(x.message()).startsWith("unknown alias *web"));
		String ok = VALID + "    labelz: x\n";
		assertThat(problems(ok)).singleElement()
			.satisfies(x -> assertThat(x.message()).contains("did you mean 'label'"));
		String shared = VALID
			.replace("            - {name: http, containerPort: 8080, protocol: TCP}",
					"            - &http {name: http, containerPort: 8080, protocol: TCP}")
			.replace("    - name: pod2\n",
					"    - name: pod3\n      node: node1\n      containers: [{name: w, ports: [*http]}]\n    - name: pod2\n");
		assertThat(problems(shared)).singleElement()
			.satisfies(x -> assertThat(x.message()).startsWith("unknown alias *http"));
		String forward = VALID.replace("      containers:\n        - name: web",
				"      containers: &c\n        - name: web") + "  - {id: two, from: pod1, to: pod3:8080}\n";
		forward = forward.replace("flows:", "  extra: *c\nflows:");
		assertThat(problems(forward)).anySatisfy(x -> assertThat(x.message()).startsWith("unknown field 'extra'"));
	}

	@Test
	void aliasBombIsRefusedQuickly() {
		String bomb = """
				a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
				b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
				c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
				d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
				e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
				f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
				g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
				h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
				i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
				""";
		List<ScenarioProblem> p = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> problems(bomb));
		// a million values are reached before the 51st alias
		assertThat(p).singleElement().satisfies(x -> {
			assertThat(x.message()).contains("once its aliases are expanded").contains("packetwalk.limits.max-values");
			assertThat(x.line()).isEqualTo(7);
		});
	}

	@Test
	void tooManyCollectionAliasesNameTheLimit() {
		StringBuilder y = new StringBuilder("a: &a [x]\n");
		for (int i = 0; i < 51; i++) {
			y.append("b").append(i).append(": *a\n");
		}
		assertThat(problems(y.toString())).singleElement().satisfies(x -> {
			assertThat(x.message())
				.isEqualTo("more than 50 aliases to mappings or sequences (limit packetwalk.limits.max-aliases)");
			assertThat(x.line()).isEqualTo(52);
		});
	}

	@Test
	void fewAliasesThatExpandHugelyHitTheValueLimit() {
		StringBuilder y = new StringBuilder("a0: &a0 [x, x]\n");
		for (int i = 1; i <= 24; i++) {
			y.append("a")
				.append(i)
				.append(": &a")
				.append(i)
				.append(" [*a")
				.append(i - 1)
				.append(", *a")
				.append(i - 1)
				.append("]\n");
		}
		List<ScenarioProblem> p = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> problems(y.toString()));
		assertThat(p).singleElement().satisfies(x -> assertThat(x.message()).contains("packetwalk.limits.max-values"));
	}

	@Test
	void deepNestingIsRefused() {
		String deep = "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
		assertThat(problems(deep)).singleElement()
			.satisfies(x -> assertThat(x.message())
				.isEqualTo("mappings and sequences nest deeper than 100 levels (limit packetwalk.limits.max-depth)"));
	}

	@Test
	void longFilesAreRefusedBeforeParsing() {
		ScenarioCompiler small = new ScenarioCompiler(
				new ScenarioLimits(1000, 50, 100, 1_000_000, 200, 5000, 50, 2000));
		String big = VALID + "intro: " + "x".repeat(2000) + "\n";
		assertThat(problems(small, big)).singleElement()
			.satisfies(x -> assertThat(x.message())
				.isEqualTo("the file is longer than 1000 characters (limit packetwalk.limits.max-code-points)"));
	}

	@Test
	void modelSizeLimitsNameTheSetting() {
		ScenarioCompiler small = new ScenarioCompiler(
				new ScenarioLimits(3_000_000, 50, 100, 1_000_000, 200, 1, 50, 2000));
		assertThat(problems(small, VALID)).singleElement().satisfies(x -> {
			assertThat(x.path()).isEqualTo("cluster.pods");
			assertThat(x.message())
				.isEqualTo("2 pods is more than the limit of 1 (setting packetwalk.limits.max-pods)");
			assertThat(x.line()).isEqualTo(8);
		});
	}

	@Test
	void notYamlAtAll() {
		assertThat(problems("a: [1, 2\n")).singleElement().satisfies(x -> {
			assertThat(x.message())
				.isEqualTo("line 2: a {…} or […] is not closed, or its entries are not separated by ', '");
			assertThat(x.line()).isEqualTo(2);
		});
		assertThat(problems("")).singleElement()
			.satisfies(x -> assertThat(x.message()).startsWith("the file is empty"));
		assertThat(problems("just a string\n")).singleElement()
			.satisfies(x -> assertThat(x.message()).startsWith("a scenario is a mapping"));
		assertThat(problems(VALID + "---\n" + VALID)).singleElement()
			.satisfies(x -> assertThat(x.message()).contains("one YAML document"));
	}

	@Test
	void kubernetesManifestsNeedApiVersionKindAndName() {
		String yaml = VALID
				+ "objects:\n  - apiVersion: v1\n    kind: Service\n    metadata: {namespace: default}\n    spec: {anything: goes}\n";
		assertThat(problems(yaml)).anySatisfy(x -> {
			assertThat(x.path()).isEqualTo("objects[0].metadata.name");
			assertThat(x.message()).startsWith("'name' is required");
		});
	}

	@Test
	void yamlOneOneBooleansStayStrings() {
		// YAML 1.2 core schema: 'yes' is a string, so a label value 'yes' is fine and
		// 'ready: yes' is a type error
		String yaml = VALID.replace("      node: node1\n    - name: pod2",
				"      node: node1\n      labels: {enabled: yes}\n      ready: yes\n    - name: pod2");
		assertThat(problems(yaml)).singleElement().satisfies(x -> {
			assertThat(x.path()).isEqualTo("cluster.pods[0].ready");
			assertThat(x.message()).isEqualTo("must be true or false, not 'yes'");
		});
	}

}

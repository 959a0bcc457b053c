package dev.packetwalk.scenario;

import java.time.Duration;
import java.util.List;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.budget.BudgetExceededException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The pass that places problems at their lines (the YAML read with positions) is bounded
 * as the first read is: a long key holding many values would repeat the key in every
 * value's JSON Pointer (a 4,000-character key over 400,000 values: 1.6 billion
 * characters), so pointers are recorded up to a length and a total, and the read checks
 * the request's budget.
 */
class YamlPositionsBoundTest {

	private static final ScenarioLimits LIMITS = ScenarioLimits.DEFAULTS;

	private static final String HEADER = "apiVersion: packetwalk.dev/v1alpha1\nkind: Scenario\nmetadata: {name: hostile}\n";

	/**
	 * The header, then an unknown top-level key of the given length (an explicit key:
	 * YAML allows only 1,024 characters to an implicit one) over many values, from line
	 * 6.
	 */
	private static String hostile(int keyLength, int values) {
		StringBuilder y = new StringBuilder(HEADER).append("? ").append("k".repeat(keyLength)).append("\n:\n");
		for (int i = 0; i < values; i++) {
			y.append("  - 1\n");
		}
		return y.toString();
	}

	private static long maxPointerChars() {
		return (long) YamlTreeReader.POINTER_CHARS_PER_CODE_POINT * LIMITS.maxCodePoints();
	}

	@Test
	void aLongKeyOverManyValuesRecordsBoundedPointers() {
		String text = hostile(4_000, 400_000);
		assertThat(text.length()).isLessThan(LIMITS.maxCodePoints());
		YamlTreeReader reader = new YamlTreeReader(LIMITS, true);
		YamlTreeReader.Result r = reader.read(text);
		assertThat(reader.pointerChars()).isPositive().isLessThanOrEqualTo(maxPointerChars());
		long recorded = r.values().keySet().stream().mapToLong(String::length).sum();
		assertThat(recorded).isLessThanOrEqualTo(maxPointerChars());
		// the tree is whole; only positions stop
		assertThat(r.root().get("k".repeat(4_000)).size()).isEqualTo(400_000);
		// the values past the bound are placed at their nearest recorded ancestor (the
		// key's value, line 4)
		YamlLocator locator = new YamlLocator(r.values(), r.keys());
		assertThat(locator.at("/" + "k".repeat(4_000) + "/399999").line()).isEqualTo(4);
		assertThat(locator.at("/" + "k".repeat(4_000) + "/0").line()).isEqualTo(6);
	}

	@Test
	void theCompilerPlacesTheProblemAtTheKeyOfAHostileFile() {
		List<ScenarioProblem> problems = problems(hostile(4_000, 400_000));
		problems.forEach(p -> System.out.println(
				"problem: " + p.line() + ":" + p.column() + " " + p.path().substring(0, Math.min(40, p.path().length()))
						+ " " + p.message().substring(0, Math.min(200, p.message().length()))));
		assertThat(problems).anySatisfy(p -> {
			assertThat(p.line()).isEqualTo(4);
			assertThat(p.message()).contains("kkkk");
		});
	}

	@Test
	void aKeyLongerThanAnyRecordedPointerIsPlacedAtItsParent() {
		String text = hostile(1_000_000, 300_000);
		YamlTreeReader reader = new YamlTreeReader(LIMITS, true);
		YamlTreeReader.Result r = reader.read(text);
		assertThat(reader.pointerChars()).isLessThan(1_000);
		assertThat(r.root().get("k".repeat(1_000_000)).size()).isEqualTo(300_000);
		assertThat(problems(text)).isNotEmpty().allSatisfy(p -> assertThat(p.line()).isLessThanOrEqualTo(4));
	}

	@Test
	void anOrdinaryLargeFileRecordsEveryPosition() {
		StringBuilder y = new StringBuilder(HEADER).append("cluster:\n  pods:\n");
		for (int p = 0; p < 5_000; p++) {
			y.append("    - {name: pod")
				.append(p)
				.append(", node: node")
				.append(p % 20)
				.append(", labels: {app: a")
				.append(p % 7)
				.append("}, containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]}\n");
		}
		String text = y.toString();
		YamlTreeReader reader = new YamlTreeReader(LIMITS, true);
		YamlTreeReader.Result r = reader.read(text);
		System.out.printf("ordinary file: %,d characters, %,d values, %,d pointer characters recorded%n", text.length(),
				r.size(), reader.pointerChars());
		// every value has its own position: the bound is far off
		assertThat(new YamlLocator(r.values(), r.keys()).at("/cluster/pods/4999/containers/0/ports/0/containerPort")
			.line()).isEqualTo(6 + 4_999);
		assertThat(reader.pointerChars()).isLessThan(maxPointerChars() / 10);
	}

	@Test
	void thePositionReadChecksTheBudget() {
		String text = hostile(4_000, 400_000);
		Budget budget = Budget.of(Duration.ofMinutes(5), Integer.MAX_VALUE, Long.MAX_VALUE);
		budget.cancel();
		BudgetExceededException ex = catchThrowableOfType(BudgetExceededException.class,
				() -> new YamlTreeReader(LIMITS, true).read(text, budget));
		assertThat(ex).isNotNull();
	}

	private static List<ScenarioProblem> problems(String yaml) {
		try {
			new ScenarioCompiler().compile("test.yaml", yaml,
					Budget.of(Duration.ofSeconds(60), Integer.MAX_VALUE, Long.MAX_VALUE));
		}
		catch (ScenarioException ex) {
			return ex.problems();
		}
		throw new AssertionError("expected problems, the scenario compiled");
	}

}

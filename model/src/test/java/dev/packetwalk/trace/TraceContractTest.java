package dev.packetwalk.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace is the contract between model, API, browser and tests: every step type is
 * named once on its record, documented in docs/api.md, and every golden trace reads back
 * into the same trace.
 */
class TraceContractTest {

	private static final Path API_DOC = Path.of(System.getProperty("api.doc", "../docs/api.md"));

	private static List<String> stepTypeNames() {
		List<String> names = new ArrayList<>();
		for (Class<?> c : Step.class.getPermittedSubclasses()) {
			JsonTypeName n = c.getAnnotation(JsonTypeName.class);
			assertThat(n).as(c.getSimpleName() + " declares its JSON type name with @JsonTypeName").isNotNull();
			names.add(n.value());
		}
		return names;
	}

	@Test
	void everyStepTypeHasOneUniqueName() {
		List<String> names = stepTypeNames();
		assertThat(names).doesNotHaveDuplicates().hasSize(Step.class.getPermittedSubclasses().length);
		assertThat(Arrays.stream(Step.class.getPermittedSubclasses()).map(StepTypeNames.NAMES::get).toList())
			.isEqualTo(names);
	}

	@Test
	void everyStepTypeIsInTheStepTableOfTheApiDoc() throws IOException {
		String doc = Files.readString(API_DOC, StandardCharsets.UTF_8);
		int table = doc.indexOf("| `type` | fields | meaning |");
		assertThat(table).as("docs/api.md has the step table").isPositive();
		Set<String> documented = new LinkedHashSet<>();
		int end = doc.indexOf("\n\n", table);
		String rows = doc.substring(table, end < 0 ? doc.length() : end);
		Matcher m = Pattern.compile("(?m)^\\| `([\\w-]+)` \\|").matcher(rows);
		while (m.find()) {
			documented.add(m.group(1));
		}
		documented.remove("type");
		assertThat(documented).as("step types documented in docs/api.md")
			.containsExactlyInAnyOrderElementsOf(stepTypeNames());
	}

	static Stream<Path> goldens() throws IOException {
		try (Stream<Path> s = Files.list(Path.of(System.getProperty("golden.dir", "src/test/resources/golden")))) {
			List<Path> files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
			assertThat(files).isNotEmpty();
			return files.stream();
		}
	}

	/**
	 * A client reading the JSON gets the same trace: reading a golden and writing it
	 * again gives the same bytes.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("goldens")
	void everyGoldenTraceReadsBack(Path golden) throws IOException {
		String json = Files.readString(golden, StandardCharsets.UTF_8);
		Trace trace = TraceJson.mapper().readValue(json, Trace.class);
		assertThat(TraceJson.pretty(trace)).isEqualTo(json);
	}

}

package dev.packetwalk.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {

	static final Path SCENARIOS = Path.of(System.getProperty("repo.root", ".."), "scenarios");

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(String... args) {
		return ValidateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String out() {
		return out.toString(StandardCharsets.UTF_8);
	}

	@Test
	void dispatchesOnlyTheValidateCommand() {
		assertThat(ValidateCommand.handles(new String[] { "validate", "x.yaml" })).isTrue();
		assertThat(ValidateCommand.handles(new String[] { "--server.port=0" })).isFalse();
		assertThat(ValidateCommand.handles(new String[0])).isFalse();
	}

	@Test
	void theBuiltInScenariosAreValid_warningsArePrinted() {
		assertThat(run("validate", SCENARIOS.toString())).isEqualTo(0);
		assertThat(out()).contains("service-no-endpoints.yaml:")
			.contains(": warning: objects[0].spec.selector: ")
			.doesNotContain(": error: ")
			.contains(" valid, 0 errors, ");
	}

	@Test
	void errorsArePrintedLikeACompilerAndExitNonZero(@TempDir Path dir) throws IOException {
		Path bad = dir.resolve("bad.yaml");
		String text = Files.readString(SCENARIOS.resolve("pod-to-pod-same-node.yaml"))
			.replace("    reply: true", "    replay: true")
			.replace("    - name: pod2\n      node: node1", "    - name: pod2\n      node: nod1");
		Files.writeString(bad, text);
		assertThat(run("validate", SCENARIOS.resolve("pod-to-pod-same-node.yaml").toString(), bad.toString()))
			.isEqualTo(1);
		assertThat(out())
			.contains(bad + ":" + lineOf(text, "node: nod1")
					+ ":13: error: cluster.pods[1].node: unknown node 'nod1' (did you mean 'node1'?)\n")
			.contains(bad + ":" + lineOf(text, "replay: true")
					+ ":5: error: flows[0].replay: unknown field 'replay' (did you mean 'reply'?)\n")
			.contains("2 files checked: 1 valid, ");
	}

	static int lineOf(String text, String needle) {
		return (int) text.substring(0, text.indexOf(needle)).chars().filter(c -> c == '\n').count() + 1;
	}

	@Test
	void usage() {
		assertThat(run("validate")).isEqualTo(2);
		assertThat(run("validate", "--frobnicate")).isEqualTo(2);
		assertThat(run("validate", "/nonexistent/x.yaml")).isEqualTo(1);
		assertThat(out()).contains("/nonexistent/x.yaml:0:0: error: cannot be read");
	}

}

package dev.packetwalk.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.packetwalk.scenario.ScenarioCompiler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImportCommandTest {

	static final Path FIXTURES = Path.of(System.getProperty("repo.root", ".."), "model/src/test/resources/import");

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(byte[] stdin, String... args) {
		return ImportCommand.run(args, new ByteArrayInputStream(stdin),
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	@Test
	void dispatchesOnlyTheImportCommand() {
		assertThat(ImportCommand.handles(new String[] { "import", "dump.yaml" })).isTrue();
		assertThat(ImportCommand.handles(new String[] { "validate", "x.yaml" })).isFalse();
	}

	@Test
	void printsAScenarioThatValidatesAndTheWarningsApart() {
		int status = run(new byte[0], "import", "--name", "lab", FIXTURES.resolve("kind.yaml").toString());
		String yaml = out.toString(StandardCharsets.UTF_8);
		String log = err.toString(StandardCharsets.UTF_8);
		assertThat(status).isZero();
		assertThat(new ScenarioCompiler().compile("lab.yaml", yaml).id()).isEqualTo("lab");
		assertThat(log).contains("warning: Service shop/legacy-db: spec.type: ExternalName",
				"imported 3 nodes, 7 pods, 4 Services, 0 NetworkPolicies; network kubenet, kube-proxy iptables",
				"the scenario validates", "flow shop/frontend-5f7d8b6c9d-lmx2r → service/shop/cart:80");
	}

	@Test
	void readsStandardInputAndTheChosenFlowAndNeverEchoesSecrets() throws Exception {
		byte[] dump = Files.readAllBytes(FIXTURES.resolve("flannel-vxlan.yaml"));
		int status = run(dump, "import", "--from", "web/toolbox", "--to", "service/web/web:80", "-");
		String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
		assertThat(status).isZero();
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("from: web/toolbox", "to: service/web/web:80");
		assertThat(all).contains("Secret web/db-credentials")
			.doesNotContain("aHVudGVyMi1TRUNSRVQtdmFsdWUtOTFiNw", "hunter2", "cm-value-do-not-echo");
	}

	@Test
	void aFlowToAnUnknownServiceDoesNotValidate() {
		int status = run(new byte[0], "import", "--to", "service/shop/nope:80",
				FIXTURES.resolve("kind.yaml").toString());
		assertThat(status).isEqualTo(1);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("error", "nope", "does NOT validate");
	}

	@Test
	void unreadableInputIsUsageError() {
		assertThat(run("kind: [".getBytes(StandardCharsets.UTF_8), "import", "-")).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: stdin:1:");
		assertThat(run(new byte[0], "import")).isEqualTo(2);
	}

}

package dev.packetwalk.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import dev.packetwalk.scenario.ScenarioLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A local scenarios directory: loaded beside the built-in ones, reloaded on change,
 * broken files kept with errors.
 */
public class ScenarioCatalogLocalDirTest {

	@TempDir
	Path dir;

	public static String scenario(String name, String pod2Node) {
		return """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: %s, title: Mine, order: 1}
				cluster:
				  nodes: [{name: node1}]
				  pods:
				    - {name: pod1, node: node1}
				    - name: pod2
				      node: %s
				      containers: [{name: web, ports: [{containerPort: 8080}]}]
				flows:
				  - {from: pod1, to: pod2:8080}
				""".formatted(name, pod2Node);
	}

	private static void write(Path file, String text) throws IOException {
		Files.writeString(file, text, StandardCharsets.UTF_8);
		// make the change visible even on file systems with coarse timestamps
		Files.setLastModifiedTime(file,
				FileTime.fromMillis(System.currentTimeMillis() + (long) (Math.random() * 100_000)));
	}

	@Test
	void loadsReloadsAndKeepsBrokenFilesWithTheirErrors() throws IOException {
		write(dir.resolve("mine.yaml"), scenario("mine", "node1"));
		write(dir.resolve("broken.yaml"), scenario("broken", "nod1"));
		try (ScenarioCatalog catalog = new ScenarioCatalog(ScenarioLimits.DEFAULTS, dir, Duration.ofSeconds(60))) {
			assertThat(catalog.find("pod-to-pod-same-node")).get()
				.extracting(ScenarioCatalog.Entry::valid)
				.isEqualTo(true);
			ScenarioCatalog.Entry mine = catalog.find("mine").orElseThrow();
			assertThat(mine.valid()).isTrue();
			assertThat(mine.origin()).isEqualTo(ScenarioCatalog.Origin.LOCAL);
			ScenarioCatalog.Entry broken = catalog.find("broken").orElseThrow();
			assertThat(broken.valid()).isFalse();
			assertThat(broken.errors()).first().satisfies(p -> {
				assertThat(p.message()).isEqualTo("unknown node 'nod1' (did you mean 'node1'?)");
				assertThat(p.line()).isEqualTo(9);
			});
			assertThat(catalog.all()).extracting(s -> s.id()).contains("mine").doesNotContain("broken");

			// fixing the broken file and breaking the good one, then a scan: both reload,
			// both announced
			StepVerifier.create(catalog.changes().take(2)).then(() -> {
				try {
					write(dir.resolve("broken.yaml"), scenario("broken", "node1"));
					write(dir.resolve("mine.yaml"), "apiVersion: [");
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
				catalog.scan();
			}).expectNext("broken", "mine").expectComplete().verify(Duration.ofSeconds(10));
			assertThat(catalog.find("broken").orElseThrow().valid()).isTrue();
			assertThat(catalog.find("mine").orElseThrow().errors()).singleElement()
				.satisfies(p -> assertThat(p.message()).startsWith("line ").contains("closed"));

			// a removed file leaves the catalogue
			Files.delete(dir.resolve("mine.yaml"));
			assertThat(catalog.scan()).containsExactly("mine");
			assertThat(catalog.find("mine")).isEmpty();
		}
	}

	@Test
	void thePollerPicksUpEditsWithoutAnyCall() throws IOException {
		write(dir.resolve("mine.yaml"), scenario("mine", "node1"));
		try (ScenarioCatalog catalog = new ScenarioCatalog(ScenarioLimits.DEFAULTS, dir, Duration.ofMillis(100))) {
			StepVerifier.create(catalog.changes().filter("mine"::equals).take(1)).then(() -> {
				try {
					write(dir.resolve("mine.yaml"), scenario("mine", "node2"));
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}).expectNext("mine").expectComplete().verify(Duration.ofSeconds(10));
			assertThat(catalog.find("mine").orElseThrow().valid()).isFalse();
		}
	}

	@Test
	void theFileNameMustBeTheScenarioName() throws IOException {
		write(dir.resolve("other.yaml"), scenario("mine", "node1"));
		try (ScenarioCatalog catalog = new ScenarioCatalog(ScenarioLimits.DEFAULTS, dir, Duration.ofSeconds(60))) {
			assertThat(catalog.find("other").orElseThrow().errors()).singleElement()
				.satisfies(p -> assertThat(p.message()).contains("must equal the file name"));
		}
	}

	@Test
	void aMissingDirectoryIsNotAnError() throws IOException {
		try (ScenarioCatalog catalog = new ScenarioCatalog(ScenarioLimits.DEFAULTS, dir.resolve("nope"),
				Duration.ofSeconds(60))) {
			assertThat(catalog.all()).isNotEmpty();
		}
	}

}

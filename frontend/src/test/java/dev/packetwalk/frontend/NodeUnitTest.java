package dev.packetwalk.frontend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pure frontend modules' unit tests ({@code src/test/js/**}{@code /*.test.js}, Node's
 * built-in test runner) as part of the Maven build. Without {@code node} on the PATH they
 * are skipped with a message; with {@code PACKETWALK_REQUIRE_NODE=true} (CI) a missing
 * {@code node} fails the build instead.
 */
class NodeUnitTest {

	private static final Path TESTS = Path.of(System.getProperty("js.tests.dir", "src/test/js"));

	/**
	 * The node binary ({@code -Dnode.binary=...}; by default {@code node} from the PATH).
	 */
	private static final String NODE = System.getProperty("node.binary", "node");

	@Test
	void pureModulesPassTheirNodeTests() throws IOException, InterruptedException {
		String node = nodeOrSkip();
		List<String> files;
		try (Stream<Path> s = Files.walk(TESTS)) {
			files = s.filter(p -> p.getFileName().toString().endsWith(".test.js"))
				.map(Path::toString)
				.sorted()
				.toList();
		}
		assertFalse(files.isEmpty(), "no *.test.js under " + TESTS.toAbsolutePath());
		List<String> command = new ArrayList<>(List.of(node, "--test"));
		command.addAll(files);
		Path log = Files.createTempFile("packetwalk-node-test-", ".txt");
		try {
			Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			boolean finished = p.waitFor(5, TimeUnit.MINUTES);
			if (!finished) {
				p.destroyForcibly();
			}
			String output = Files.readString(log, StandardCharsets.UTF_8);
			System.out.println(output);
			assertTrue(finished, "node --test did not finish within 5 minutes:\n" + output);
			assertEquals(0, p.exitValue(), "node --test " + String.join(" ", files) + " failed:\n" + output);
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

	private static String nodeOrSkip() throws InterruptedException {
		String message;
		try {
			Process p = new ProcessBuilder(NODE, "--version").redirectErrorStream(true).start();
			String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
				int major = Integer.parseInt(version.replaceFirst("^v(\\d+).*", "$1"));
				if (major >= 20) {
					return NODE;
				}
				message = "node " + version
						+ " is too old for the frontend's unit tests (node --test needs 20 or newer)";
			}
			else {
				message = "node --version failed: " + version;
			}
		}
		catch (IOException | NumberFormatException ex) {
			message = "node is not on the PATH (" + ex.getMessage() + ")";
		}
		message += ": the frontend's pure-module tests in " + TESTS + " do not run";
		if ("true".equalsIgnoreCase(System.getenv("PACKETWALK_REQUIRE_NODE"))) {
			fail(message + "; PACKETWALK_REQUIRE_NODE=true makes that a failure");
		}
		assumeTrue(false, message + "; skipping (set PACKETWALK_REQUIRE_NODE=true to fail instead)");
		return null;
	}

}

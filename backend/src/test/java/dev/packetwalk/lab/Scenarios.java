package dev.packetwalk.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;

/** The built-in scenarios under {@code ${repo.root}/scenarios}. */
final class Scenarios {

	private Scenarios() {
	}

	static Path dir() {
		String root = System.getProperty("repo.root", "..");
		return Path.of(root, "scenarios").toAbsolutePath().normalize();
	}

	static List<Path> files() {
		// -Dkernel-lab.scenarios=a,b: only these (to run the lab for a few scenarios; the
		// report keeps the others)
		String only = System.getProperty("kernel-lab.scenarios", "");
		java.util.Set<String> wanted = only.isBlank() ? null : java.util.Set.of(only.split(","));
		try (Stream<Path> s = Files.list(dir())) {
			return s.filter(p -> p.toString().endsWith(".yaml"))
				.filter(p -> wanted == null || wanted.contains(p.getFileName().toString().replaceFirst("\\.yaml$", "")))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static CompiledScenario compile(String name) {
		return compile(dir().resolve(name + ".yaml"));
	}

	static CompiledScenario compile(Path file) {
		try {
			return new ScenarioCompiler().compile(file.toString(), Files.readString(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

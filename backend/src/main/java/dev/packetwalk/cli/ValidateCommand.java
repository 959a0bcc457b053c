package dev.packetwalk.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.scenario.ScenarioProblem;

/**
 * {@code java -jar packetwalk.jar validate <scenario.yaml|directory>...}: checks scenario
 * files without starting the web server, printing
 * {@code file:line:col: error: path: message} (and warnings) like a compiler. Exit status
 * 0 when every file is valid (warnings allowed), 1 when any has an error, 2 for bad
 * usage.
 */
public final class ValidateCommand {

	static final String USAGE = """
			usage: java -jar packetwalk.jar validate <scenario.yaml|directory>...
			  Checks scenario files (a directory: its *.yaml) against the format and the compiler's rules, and prints
			  every problem as file:line:col: severity: path: message. Exit status: 0 all valid, 1 errors, 2 usage.""";

	private ValidateCommand() {
	}

	/** Is this command line for the validator (so the web server must not start)? */
	public static boolean handles(String[] args) {
		return args.length > 0 && args[0].equals("validate");
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		List<Path> files = new ArrayList<>();
		for (int i = handles(args) ? 1 : 0; i < args.length; i++) {
			String a = args[i];
			if (a.equals("--help") || a.equals("-h")) {
				out.println(USAGE);
				return 0;
			}
			if (a.startsWith("-")) {
				err.println("unknown option " + a + "\n" + USAGE);
				return 2;
			}
			Path p = Path.of(a);
			if (Files.isDirectory(p)) {
				try (Stream<Path> s = Files.list(p)) {
					s.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().forEach(files::add);
				}
				catch (IOException ex) {
					err.println(a + ": cannot list: " + ex.getMessage());
					return 2;
				}
			}
			else {
				files.add(p);
			}
		}
		if (files.isEmpty()) {
			err.println(USAGE);
			return 2;
		}
		ScenarioCompiler compiler = new ScenarioCompiler();
		int errors = 0;
		int warnings = 0;
		int bad = 0;
		for (Path f : files) {
			List<ScenarioProblem> problems;
			try {
				CompiledScenario s = compiler.compile(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
				problems = s.warnings();
			}
			catch (ScenarioException ex) {
				problems = ex.problems();
			}
			catch (IOException | RuntimeException ex) {
				problems = List.of(new ScenarioProblem(f.toString(), 0, 0, "", "cannot be read: " + ex,
						ScenarioProblem.Severity.ERROR));
			}
			boolean failed = false;
			for (ScenarioProblem p : problems) {
				out.println(p);
				if (p.severity() == ScenarioProblem.Severity.ERROR) {
					errors++;
					failed = true;
				}
				else {
					warnings++;
				}
			}
			if (failed) {
				bad++;
			}
		}
		out.println(files.size() + " file" + (files.size() == 1 ? "" : "s") + " checked: " + (files.size() - bad)
				+ " valid, " + errors + " error" + (errors == 1 ? "" : "s") + ", " + warnings + " warning"
				+ (warnings == 1 ? "" : "s"));
		return bad == 0 ? 0 : 1;
	}

}

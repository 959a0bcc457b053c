package dev.packetwalk.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;

/**
 * {@code java -jar packetwalk.jar lab <scenario.yaml|dir>... [--keep] [--verbose]} and
 * {@code java -jar packetwalk.jar lab --cleanup}: runs the kernel lab without starting
 * the web server. Exit status: 0 every scenario MATCH, 1 a mismatch or lab error, 2 the
 * lab cannot run here (not root, tools missing) or bad usage.
 */
public final class LabCommand {

	static final String USAGE = """
			usage: java -jar packetwalk.jar lab <scenario.yaml|directory>... [--keep] [--verbose]
			       java -jar packetwalk.jar lab --cleanup
			  Builds each scenario's topology in private network namespaces, replays its flows, and compares what
			  tcpdump sees with the model's trace. Root only. Nothing is connected to the host's network.
			  --keep     leave the namespaces up afterwards and print how to poke at them and delete them
			  --verbose  print every command the lab runs
			  --cleanup  delete namespaces left behind by crashed lab runs (pwlab-* whose process is gone)""";

	private LabCommand() {
	}

	/** Is this command line for the lab (so the web server must not start)? */
	public static boolean handles(String[] args) {
		return args.length > 0 && args[0].equals("lab");
	}

	public static void main(String[] args) {
		System.exit(run(args, System.out, System.err));
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		List<String> files = new ArrayList<>();
		boolean keep = false;
		boolean verbose = false;
		boolean cleanup = false;
		for (int i = handles(args) ? 1 : 0; i < args.length; i++) {
			switch (args[i]) {
				case "--keep" -> keep = true;
				case "--verbose", "-v" -> verbose = true;
				case "--cleanup" -> cleanup = true;
				case "--help", "-h" -> {
					out.println(USAGE);
					return 0;
				}
				default -> {
					if (args[i].startsWith("-")) {
						err.println("unknown option " + args[i] + "\n" + USAGE);
						return 2;
					}
					files.add(args[i]);
				}
			}
		}
		if (files.isEmpty() && !cleanup) {
			err.println(USAGE);
			return 2;
		}
		if (!KernelLab.isRoot()) {
			err.println("pwlab: the kernel lab must run as root (it creates network namespaces). Try: sudo java -jar "
					+ "backend/target/packetwalk.jar lab ...");
			return 2;
		}
		if (cleanup) {
			List<String> gone = KernelLab.cleanupLeftovers(verbose ? out : null);
			out.println(gone.isEmpty() ? "pwlab: no leftover lab namespaces" : "pwlab: deleted " + gone);
			if (files.isEmpty()) {
				return 0;
			}
		}
		KernelLab lab = new KernelLab(err, verbose);
		Optional<String> why = lab.unavailable();
		if (why.isPresent()) {
			err.println("pwlab: cannot run here: " + why.get());
			return 2;
		}
		List<Path> scenarios = new ArrayList<>();
		for (String f : files) {
			Path p = Path.of(f);
			if (Files.isDirectory(p)) {
				try (Stream<Path> s = Files.list(p)) {
					s.filter(x -> x.toString().endsWith(".yaml") || x.toString().endsWith(".yml"))
						.sorted()
						.forEach(scenarios::add);
				}
				catch (IOException ex) {
					err.println("pwlab: cannot list " + p + ": " + ex.getMessage());
					return 2;
				}
			}
			else {
				scenarios.add(p);
			}
		}
		int status = 0;
		int matched = 0;
		for (Path p : scenarios) {
			CompiledScenario cs;
			try {
				cs = new ScenarioCompiler().compile(p.toString(), Files.readString(p));
			}
			catch (IOException ex) {
				err.println("pwlab: cannot read " + p + ": " + ex.getMessage());
				status = Math.max(status, 1);
				continue;
			}
			catch (ScenarioException ex) {
				err.println("pwlab: " + p + " does not compile: " + ex.getMessage());
				status = Math.max(status, 1);
				continue;
			}
			ScenarioReport r = lab.verify(cs, keep);
			out.print(r.render());
			if (r.match()) {
				matched++;
			}
			else {
				status = 1;
			}
		}
		if (scenarios.size() > 1) {
			out.println(matched + "/" + scenarios.size() + " scenarios MATCH");
		}
		return status;
	}

}

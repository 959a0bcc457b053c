package dev.packetwalk.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.importer.ClusterImporter;
import dev.packetwalk.importer.ImportException;
import dev.packetwalk.importer.ImportOptions;
import dev.packetwalk.importer.ImportResult;
import dev.packetwalk.importer.ImportSource;
import dev.packetwalk.importer.ImportWarning;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.scenario.ScenarioProblem;

/**
 * {@code java -jar packetwalk.jar import dump.yaml [more…] > my-cluster.yaml}: turns what
 * {@code kubectl get … -o yaml} printed into a scenario (docs/import.md). The scenario
 * goes to standard output; the warnings, and whether the scenario validates, to standard
 * error. Exit status 0 when it validates, 1 when it does not, 2 for bad usage or an input
 * that cannot be read.
 */
public final class ImportCommand {

	static final String USAGE = """
			usage: java -jar packetwalk.jar import [--name NAME] [--from SOURCE] [--to DESTINATION] [--protocol P] <dump.yaml|->...
			  Reads the output of
			    kubectl get nodes,namespaces,pods,services,endpointslices,networkpolicies -A -o yaml
			  (YAML, several documents, or JSON; '-' is standard input), and optionally the kube-system/kube-proxy and
			  kube-flannel-cfg ConfigMaps, and prints a scenario. Secrets are never read.
			  --name       the scenario's metadata.name (default my-cluster)
			  --from/--to  the flow to follow, e.g. --from shop/frontend-7d9 --to service/shop/cart:80
			               (default: a Ready pod to the first Service port with a Ready endpoint)
			  Exit status: 0 the scenario validates, 1 it does not, 2 usage or unreadable input.""";

	private ImportCommand() {
	}

	/** Is this command line for the importer (so the web server must not start)? */
	public static boolean handles(String[] args) {
		return args.length > 0 && args[0].equals("import");
	}

	public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
		String name = "my-cluster";
		String from = null;
		String to = null;
		String protocol = null;
		List<String> files = new ArrayList<>();
		for (int i = handles(args) ? 1 : 0; i < args.length; i++) {
			String a = args[i];
			switch (a) {
				case "--help", "-h" -> {
					out.println(USAGE);
					return 0;
				}
				case "--name", "--from", "--to", "--protocol" -> {
					if (i + 1 >= args.length) {
						err.println(a + " needs a value\n" + USAGE);
						return 2;
					}
					String v = args[++i];
					switch (a) {
						case "--name" -> name = v;
						case "--from" -> from = v;
						case "--to" -> to = v;
						default -> protocol = v;
					}
				}
				default -> {
					if (a.startsWith("-") && !a.equals("-")) {
						err.println("unknown option " + a + "\n" + USAGE);
						return 2;
					}
					files.add(a);
				}
			}
		}
		if (files.isEmpty()) {
			err.println(USAGE);
			return 2;
		}
		ImportOptions options;
		try {
			options = new ImportOptions(name, from, to, protocol, ImportOptions.DEFAULT_MAX_CODE_POINTS);
		}
		catch (IllegalArgumentException ex) {
			err.println(ex.getMessage());
			return 2;
		}
		List<ImportSource> sources = new ArrayList<>();
		for (String f : files) {
			try {
				String text = f.equals("-") ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
						: Files.readString(Path.of(f), StandardCharsets.UTF_8);
				sources.add(new ImportSource(f.equals("-") ? "stdin" : f, text));
			}
			catch (IOException | RuntimeException ex) {
				err.println(f + ": cannot be read: " + ex.getMessage());
				return 2;
			}
		}
		ImportResult result;
		try {
			result = ClusterImporter.importDumps(sources, options);
		}
		catch (ImportException ex) {
			err.println("error: " + ex.getMessage());
			return 2;
		}
		out.print(result.yaml());
		out.flush();
		for (ImportWarning w : result.warnings()) {
			err.println("warning: " + w);
		}
		List<ScenarioProblem> problems;
		boolean valid;
		try {
			CompiledScenario s = new ScenarioCompiler().compile(name + ".yaml", result.yaml());
			problems = s.warnings();
			valid = true;
		}
		catch (ScenarioException ex) {
			problems = ex.problems();
			valid = false;
		}
		problems.forEach(err::println);
		err.println("imported " + result.summary() + "; " + result.warnings().size() + " warning"
				+ (result.warnings().size() == 1 ? "" : "s") + "; the scenario "
				+ (valid ? "validates" : "does NOT validate") + "; flow " + result.from() + " → " + result.flow().to());
		return valid ? 0 : 1;
	}

}

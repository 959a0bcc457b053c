package dev.packetwalk.lab;

import java.util.List;

/**
 * One command the lab runs, as an argument vector (never through a shell), with optional
 * standard input.
 *
 * @param argv the program and its arguments
 * @param stdin text fed to it, or null
 * @param tolerant a failure is not an error (e.g. a sysctl the kernel may lack)
 */
public record Cmd(List<String> argv, String stdin, boolean tolerant) {

	public Cmd {
		argv = List.copyOf(argv);
		if (argv.isEmpty()) {
			throw new IllegalArgumentException("empty command");
		}
	}

	public static Cmd of(String... argv) {
		return new Cmd(List.of(argv), null, false);
	}

	public Cmd orTolerate() {
		return new Cmd(argv, stdin, true);
	}

	public Cmd withStdin(String text) {
		return new Cmd(argv, text, tolerant);
	}

	/**
	 * The command as a shell line (for --keep and error messages; never executed that
	 * way).
	 */
	public String line() {
		StringBuilder sb = new StringBuilder();
		for (String a : argv) {
			if (!sb.isEmpty()) {
				sb.append(' ');
			}
			sb.append(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
		}
		if (stdin != null) {
			sb.append(" <<'EOF' ...");
		}
		return sb.toString();
	}

}

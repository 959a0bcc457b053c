package dev.packetwalk.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the lab's commands: argument vectors, no shell, every one checked by
 * {@link Safety} first. Background processes (listeners, tcpdump) are remembered by their
 * PID so the lab stops exactly those and nothing else.
 */
final class Exec {

	record Result(int exit, String stdout, String stderr) {
	}

	/** A background process the lab started, with its output collected. */
	static final class Proc {

		final Process process;

		final String what;

		private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

		private final List<String> stderrLines = Collections.synchronizedList(new ArrayList<>());

		private final List<String> stdoutLines = Collections.synchronizedList(new ArrayList<>());

		private final Thread outReader;

		private final Thread errReader;

		Proc(Process process, String what, boolean binaryStdout) {
			this.process = process;
			this.what = what;
			// platform threads: a pipe read pins a virtual thread's carrier, and a large
			// scenario keeps hundreds of
			// listeners and captures reading at once (more than the carrier pool will
			// compensate for)
			this.outReader = Thread.ofPlatform().daemon().name("pwlab-out").start(() -> {
				if (binaryStdout) {
					copy(process.getInputStream(), stdout);
				}
				else {
					lines(process.getInputStream(), stdoutLines);
				}
			});
			this.errReader = Thread.ofPlatform()
				.daemon()
				.name("pwlab-err")
				.start(() -> lines(process.getErrorStream(), stderrLines));
		}

		long pid() {
			return process.pid();
		}

		/** Writes one line to the process's standard input (an interactive process). */
		void tell(String line) {
			try {
				OutputStream in = process.getOutputStream();
				in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
				in.flush();
			}
			catch (IOException ex) {
				throw new LabException("cannot talk to " + what + ": " + ex.getMessage(), ex);
			}
		}

		/**
		 * Waits until stdout has more than {@code count} lines, the process dies, or time
		 * runs out; returns the line after the first {@code count}, or null.
		 */
		String awaitLineAfter(int count, long millis) throws InterruptedException {
			long end = System.nanoTime() + millis * 1_000_000;
			while (System.nanoTime() < end && process.isAlive()) {
				synchronized (stdoutLines) {
					if (stdoutLines.size() > count) {
						return stdoutLines.get(count);
					}
				}
				Thread.sleep(10);
			}
			outReader.join(200);
			synchronized (stdoutLines) {
				return stdoutLines.size() > count ? stdoutLines.get(count) : null;
			}
		}

		/**
		 * Waits until a line containing {@code text} appears on stdout or stderr, the
		 * process dies, or time runs out.
		 */
		boolean awaitLine(String text, long millis) throws InterruptedException {
			long end = System.nanoTime() + millis * 1_000_000;
			while (System.nanoTime() < end) {
				if (contains(stdoutLines, text) || contains(stderrLines, text)) {
					return true;
				}
				if (!process.isAlive()) {
					outReader.join(200);
					errReader.join(200);
					return contains(stdoutLines, text) || contains(stderrLines, text);
				}
				Thread.sleep(10);
			}
			return false;
		}

		private static boolean contains(List<String> lines, String text) {
			synchronized (lines) {
				return lines.stream().anyMatch(l -> l.contains(text));
			}
		}

		/**
		 * SIGTERM to this PID (tcpdump flushes and exits), then SIGKILL if it lingers;
		 * waits for the output.
		 */
		void stop() {
			if (process.isAlive()) {
				process.destroy();
				try {
					if (!process.waitFor(3, TimeUnit.SECONDS)) {
						process.destroyForcibly();
						process.waitFor(3, TimeUnit.SECONDS);
					}
				}
				catch (InterruptedException ex) {
					process.destroyForcibly();
					Thread.currentThread().interrupt();
				}
			}
			try {
				outReader.join(3000);
				errReader.join(3000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		byte[] stdoutBytes() {
			synchronized (stdout) {
				return stdout.toByteArray();
			}
		}

		List<String> stdoutLines() {
			synchronized (stdoutLines) {
				return List.copyOf(stdoutLines);
			}
		}

		String stderr() {
			synchronized (stderrLines) {
				return String.join("\n", stderrLines);
			}
		}

		private void copy(InputStream in, ByteArrayOutputStream to) {
			byte[] buf = new byte[8192];
			try (in) {
				int n;
				while ((n = in.read(buf)) >= 0) {
					synchronized (to) {
						to.write(buf, 0, n);
					}
				}
			}
			catch (IOException ignored) {
				// the process ended
			}
		}

		private static void lines(InputStream in, List<String> to) {
			try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
				String l;
				while ((l = r.readLine()) != null) {
					to.add(l);
				}
			}
			catch (IOException ignored) {
				// the process ended
			}
		}

	}

	private final Predicate<String> ours;

	private final java.io.PrintStream trace;

	Exec(Predicate<String> ours, java.io.PrintStream trace) {
		this.ours = ours;
		this.trace = trace;
	}

	Result run(Cmd cmd) {
		Safety.check(cmd.argv(), ours);
		if (trace != null) {
			trace.println("+ " + cmd.line());
		}
		try {
			Process p = new ProcessBuilder(cmd.argv()).start();
			Proc collector = new Proc(p, cmd.line(), false);
			try (OutputStream in = p.getOutputStream()) {
				if (cmd.stdin() != null) {
					in.write(cmd.stdin().getBytes(StandardCharsets.UTF_8));
				}
			}
			if (!p.waitFor(60, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new LabException("timed out: " + cmd.line());
			}
			collector.stop();
			Result r = new Result(p.exitValue(), String.join("\n", collector.stdoutLines()), collector.stderr());
			if (r.exit() != 0 && !cmd.tolerant()) {
				throw new LabException("'" + cmd.line() + "' failed (exit " + r.exit() + "): " + r.stderr().strip());
			}
			return r;
		}
		catch (IOException ex) {
			throw new LabException("cannot run " + cmd.argv().getFirst() + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LabException("interrupted while running " + cmd.line(), ex);
		}
	}

	Proc start(Cmd cmd, boolean binaryStdout) {
		return start(cmd, binaryStdout, false);
	}

	/**
	 * As {@link #start(Cmd, boolean)}; with {@code interactive} the process's standard
	 * input stays open for {@link Proc#tell(String)}.
	 */
	Proc start(Cmd cmd, boolean binaryStdout, boolean interactive) {
		Safety.check(cmd.argv(), ours);
		if (trace != null) {
			trace.println("+ " + cmd.line() + " &");
		}
		try {
			Process p = new ProcessBuilder(cmd.argv()).start();
			if (!interactive) {
				p.getOutputStream().close();
			}
			return new Proc(p, cmd.line(), binaryStdout);
		}
		catch (IOException ex) {
			throw new LabException("cannot start " + cmd.argv().getFirst() + ": " + ex.getMessage(), ex);
		}
	}

}

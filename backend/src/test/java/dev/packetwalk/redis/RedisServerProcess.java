package dev.packetwalk.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian package {@code redis-server}) started by a test on
 * a free loopback port, with no persistence, stopped by its PID. Absent: the test is
 * skipped with a message, unless {@code PACKETWALK_REQUIRE_REDIS=true} (as in
 * {@code .ci/run}), where it fails.
 */
public final class RedisServerProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path dir;

	private RedisServerProcess(Process process, int port, Path dir) {
		this.process = process;
		this.port = port;
		this.dir = dir;
	}

	/** The redis-server binary, or null. */
	static Path binary() {
		for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
			Path p = Path.of(candidate);
			if (Files.isExecutable(p)) {
				return p;
			}
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String d : path.split(java.io.File.pathSeparator)) {
				Path p = Path.of(d, "redis-server");
				if (Files.isExecutable(p)) {
					return p;
				}
			}
		}
		return null;
	}

	/**
	 * Starts one, or skips (fails when required) the calling test when there is no
	 * redis-server.
	 */
	public static RedisServerProcess startOrSkip() throws IOException, InterruptedException {
		Path bin = binary();
		if (bin == null) {
			String message = "no redis-server on this machine (Debian: apt-get install redis-server); the Redis tests need one";
			if ("true".equalsIgnoreCase(System.getenv("PACKETWALK_REQUIRE_REDIS"))) {
				Assertions.fail(message + " and PACKETWALK_REQUIRE_REDIS=true");
			}
			Assumptions.abort(message);
		}
		Path dir = Files.createTempDirectory("pw-redis");
		IOException last = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			int port = freePort();
			Process p = new ProcessBuilder(bin.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
					"--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes")
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("redis.log").toFile())
				.start();
			RedisServerProcess r = new RedisServerProcess(p, port, dir);
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (System.nanoTime() < deadline && p.isAlive()) {
				try {
					if (r.ping()) {
						return r;
					}
				}
				catch (IOException ex) {
					last = ex;
				}
				Thread.sleep(50);
			}
			r.close();
		}
		throw new IOException("redis-server did not answer PING; see " + dir.resolve("redis.log"), last);
	}

	public int port() {
		return port;
	}

	/** PING over a plain socket. */
	boolean ping() throws IOException {
		try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
			s.setSoTimeout(2000);
			OutputStream out = s.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = s.getInputStream();
			byte[] b = new byte[7];
			int n = in.readNBytes(b, 0, 7);
			return new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return s.getLocalPort();
		}
	}

	@Override
	public void close() {
		process.destroy();
		try {
			if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}

}

package dev.packetwalk.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's scheduling priority on Linux, where a thread has its own
 * nice value: {@code renice -n 10 -p TID} (raising one's own nice value needs no
 * privilege; the thread's id is read from {@code /proc/thread-self}).
 * {@link Thread#setPriority} does not do this: HotSpot ignores Java priorities on Linux
 * by default, and the foreign-function API that could call {@code setpriority(2)}
 * directly is a preview in Java 21, the release this builds for. Used by the catalogue's
 * warm-up threads, so that on a busy machine Spring's startup thread and the request
 * threads go first; on an idle core the warm-up runs at full speed as before. Elsewhere,
 * or if it fails, nothing changes.
 */
final class LowPriority {

	private static final Logger log = LoggerFactory.getLogger(LowPriority.class);

	/** The nice value given (0 is the default, 19 the lowest priority). */
	static final int NICE = 10;

	private LowPriority() {
	}

	/** Gives the calling thread nice value {@link #NICE}; true when it was set. */
	static boolean forThisThread() {
		Path self = Path.of("/proc/thread-self");
		if (!Files.exists(self)) {
			return false;
		}
		try {
			// "PID/task/TID"
			String link = Files.readSymbolicLink(self).toString();
			String tid = link.substring(link.lastIndexOf('/') + 1);
			Process p = new ProcessBuilder("renice", "-n", String.valueOf(NICE), "-p", tid).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Could not lower the thread's priority: {}", ex.toString());
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}

package dev.packetwalk.web;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.packetwalk.trace.TraceJson;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * A JSON answer (a trace, a probe, a namespace's tables) written by Jackson's streaming
 * generator straight into chunks of bytes that become the response's data buffers: never
 * one String, never a copy of the whole, and never more than {@code max-trace-size}
 * bytes. The chunks are filled before the answer starts so that a trace over the limit is
 * still a clear 422 ({@link TraceTooLargeException}) rather than a 200 cut off halfway;
 * what was written is dropped at once. The bytes are exactly {@link TraceJson#write}'s
 * (the golden files'). Posted traces are written this way per request; catalogue traces
 * once, and their chunks kept by {@link TraceCache}.
 */
final class JsonChunks {

	static final int CHUNK = 64 * 1024;

	private JsonChunks() {
	}

	/**
	 * The value's JSON as data buffers; throws {@link TraceTooLargeException} past
	 * {@code maxBytes}.
	 */
	static Flux<DataBuffer> write(Object value, long maxBytes) {
		return buffers(chunks(value, maxBytes));
	}

	/**
	 * The value's JSON in chunks of at most 64 KB, each exactly as long as its bytes;
	 * throws {@link TraceTooLargeException} past {@code maxBytes}.
	 */
	static List<byte[]> chunks(Object value, long maxBytes) {
		Chunks out = new Chunks(maxBytes);
		try {
			TraceJson.mapper().writeValue(out, value);
		}
		catch (RuntimeException ex) {
			// thrown from a write inside a serializer, Jackson wraps it with the path it
			// was
			// at
			for (Throwable t = ex; t != null; t = t.getCause()) {
				if (t instanceof TooLarge) {
					throw new TraceTooLargeException(maxBytes);
				}
			}
			throw ex;
		}
		return out.finish();
	}

	/**
	 * Chunks as read-only data buffers over the same bytes (nothing copied; the chunks
	 * may be cached and served again).
	 */
	static Flux<DataBuffer> buffers(List<byte[]> chunks) {
		return Flux.fromIterable(chunks)
			.map(chunk -> DefaultDataBufferFactory.sharedInstance.wrap(ByteBuffer.wrap(chunk).asReadOnlyBuffer()));
	}

	/** The bytes the chunks hold together. */
	static long length(List<byte[]> chunks) {
		long n = 0;
		for (byte[] chunk : chunks) {
			n += chunk.length;
		}
		return n;
	}

	/**
	 * Thrown inside Jackson's write when the limit is passed; unwrapped by
	 * {@link #chunks}.
	 */
	static final class TooLarge extends RuntimeException {

		TooLarge() {
			super(null, null, false, false);
		}

	}

	/**
	 * Bytes written into chunks of 64 KB (or one block's size when a whole block is
	 * larger), at most {@code max} in all ({@link TooLarge} past it). Closing it does
	 * nothing: Jackson closes its target.
	 */
	static final class Chunks extends OutputStream {

		private final long max;

		private final List<byte[]> full = new ArrayList<>();

		private byte[] current = new byte[CHUNK];

		private int used;

		private long total;

		Chunks(long max) {
			this.max = max;
		}

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) {
			count(len);
			while (len > 0) {
				if (used == current.length) {
					full.add(current);
					current = new byte[CHUNK];
					used = 0;
				}
				int n = Math.min(len, current.length - used);
				System.arraycopy(b, off, current, used, n);
				used += n;
				off += n;
				len -= n;
			}
		}

		/**
		 * Writes a block that is never split over two chunks (an SSE event, so that
		 * nothing can come between its parts on the wire).
		 */
		void whole(byte[] b, int len) {
			count(len);
			if (used + len > current.length) {
				closeCurrent();
				current = new byte[Math.max(CHUNK, len)];
			}
			System.arraycopy(b, 0, current, used, len);
			used += len;
		}

		/** The chunk the next byte goes to (its index in {@link #finish()}'s list). */
		int chunk() {
			return full.size();
		}

		/** Where the next byte goes in its chunk. */
		int offset() {
			return used;
		}

		private void count(int len) {
			total += len;
			if (total > max) {
				full.clear();
				current = null;
				throw new TooLarge();
			}
		}

		private void closeCurrent() {
			if (used > 0) {
				full.add(used == current.length ? current : Arrays.copyOf(current, used));
			}
			used = 0;
		}

		/** The chunks written, each exactly as long as its bytes. */
		List<byte[]> finish() {
			closeCurrent();
			current = new byte[0];
			return List.copyOf(full);
		}

	}

}

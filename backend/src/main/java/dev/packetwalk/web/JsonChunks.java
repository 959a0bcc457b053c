package dev.packetwalk.web;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.trace.TraceJson;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * A JSON answer (a trace) written by Jackson's streaming generator straight into chunks
 * of bytes that become the response's data buffers: never one String, never a copy of the
 * whole, and never more than {@code max-trace-size} bytes. The chunks are filled before
 * the answer starts so that a trace over the limit is still a clear 422
 * ({@link TraceTooLargeException}) rather than a 200 cut off halfway; what was written is
 * dropped at once. The bytes are exactly {@link TraceJson#write}'s (the golden files').
 */
final class JsonChunks {

	private static final int CHUNK = 64 * 1024;

	private JsonChunks() {
	}

	/**
	 * The value's JSON as data buffers; throws {@link TraceTooLargeException} past
	 * {@code maxBytes}.
	 */
	static Flux<DataBuffer> write(Object value, long maxBytes) {
		Chunks out = new Chunks(maxBytes);
		try {
			TraceJson.mapper().writeValue(out, value);
		}
		catch (TooLarge ex) {
			throw new TraceTooLargeException(maxBytes);
		}
		return Flux.fromIterable(out.buffers());
	}

	/**
	 * Thrown inside Jackson's write when the limit is passed; unwrapped by
	 * {@link #write}.
	 */
	private static final class TooLarge extends RuntimeException {

		TooLarge() {
			super(null, null, false, false);
		}

	}

	private static final class Chunks extends OutputStream {

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
			total += len;
			if (total > max) {
				full.clear();
				current = null;
				throw new TooLarge();
			}
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

		List<DataBuffer> buffers() {
			List<DataBuffer> out = new ArrayList<>(full.size() + 1);
			for (byte[] chunk : full) {
				out.add(DefaultDataBufferFactory.sharedInstance.wrap(chunk));
			}
			out.add(DefaultDataBufferFactory.sharedInstance.wrap(java.nio.ByteBuffer.wrap(current, 0, used)));
			return out;
		}

	}

}

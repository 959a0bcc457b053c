package dev.packetwalk.web;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;

import reactor.core.publisher.Mono;

/**
 * A request body as UTF-8 text, refused with 413 as soon as it is known to exceed a
 * limit.
 */
final class BodyReader {

	private BodyReader() {
	}

	/**
	 * The body as text, refused with 413 as soon as it is known to be too large, and with
	 * 400 when it is not UTF-8 (rather than reading replacement characters into names and
	 * addresses).
	 */
	static Mono<String> text(ServerHttpRequest request, long maxBody) {
		return text(request, maxBody, () -> new BodyTooLargeException(maxBody));
	}

	/** The same with the error to give when the body is too large. */
	static Mono<String> text(ServerHttpRequest request, long maxBody,
			java.util.function.Supplier<BodyTooLargeException> tooLarge) {
		long declared = request.getHeaders().getContentLength();
		if (declared > maxBody) {
			return Mono.error(tooLarge.get());
		}
		// each buffer is copied and released at once, exactly once; the copy never grows
		// past the limit.
		// (DataBufferUtils.join with a limit released a chunked body's buffers twice when
		// it overflowed, and Netty then
		// closed the connection with IllegalReferenceCountException instead of answering
		// 413.)
		return request.getBody()
			.collect(() -> new java.io.ByteArrayOutputStream((int) Math.max(32, Math.min(declared, maxBody))),
					(out, buffer) -> {
						try {
							if (out.size() + (long) buffer.readableByteCount() > maxBody) {
								throw tooLarge.get();
							}
							byte[] bytes = new byte[buffer.readableByteCount()];
							buffer.read(bytes);
							out.writeBytes(bytes);
						}
						finally {
							DataBufferUtils.release(buffer);
						}
					})
			.map(out -> ScenarioInputController.utf8(java.nio.ByteBuffer.wrap(out.toByteArray())));
	}

}

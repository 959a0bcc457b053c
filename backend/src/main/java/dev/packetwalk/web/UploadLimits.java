package dev.packetwalk.web;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.packetwalk.config.LimitsProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.WebFilterChain;

/**
 * A request body must arrive in time (issue 23): within
 * {@code packetwalk.limits.max-request-time} of the request's arrival, and, after a first
 * second, at least at {@code packetwalk.limits.min-upload-rate} bytes a second on average
 * since the arrival. A body that trickles in slower, or stalls, is answered 408 as soon
 * as it falls behind ({@link UploadTooSlowException}), without waiting for the rest; the
 * connection is then closed. Every endpoint that reads a body reads it through this
 * filter; the size limits (413 on a {@code Content-Length} above the limit, before
 * anything is read) are each endpoint's own ({@link BodyReader}), except for the live
 * session endpoints, whose JSON Spring's codecs read: a {@code Content-Length} above
 * {@code spring.codec.max-in-memory-size} is refused here, before a byte is read.
 */
@Component
class UploadLimits implements WebFilter {

	/** The first second of an upload is not held to the rate. */
	static final Duration GRACE = Duration.ofSeconds(1);

	private final Duration maxTime;

	private final long minRate;

	/** The largest body Spring's codecs read (the live session endpoints' JSON). */
	private final long codecMax;

	UploadLimits(LimitsProperties limits) {
		this(limits, DataSize.ofKilobytes(256));
	}

	@Autowired
	UploadLimits(LimitsProperties limits, @Value("${spring.codec.max-in-memory-size:256KB}") DataSize codecMax) {
		this.maxTime = limits.maxRequestTime();
		this.minRate = limits.minUploadRate().toBytes();
		this.codecMax = codecMax.toBytes();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders h = request.getHeaders();
		if (h.getContentLength() <= 0 && !h.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
			return chain.filter(exchange);
		}
		long arrived = System.nanoTime();
		boolean tooLarge = codecMax >= 0 && h.getContentLength() > codecMax
				&& request.getPath().pathWithinApplication().value().startsWith("/api/live");
		ServerHttpRequest timed = new ServerHttpRequestDecorator(request) {
			@Override
			public Flux<DataBuffer> getBody() {
				if (tooLarge) {
					// the codec gets the error instead of the body: 413, nothing read
					return Flux.error(new BodyTooLargeException(codecMax, "The live session's body",
							"spring.codec.max-in-memory-size", "Request body too large"));
				}
				return limited(super.getBody(), arrived);
			}
		};
		return chain.filter(exchange.mutate().request(timed).build());
	}

	/** The body, failing with {@link UploadTooSlowException} when it falls behind. */
	Flux<DataBuffer> limited(Flux<DataBuffer> body, long arrived) {
		return Flux.defer(() -> {
			long[] received = { 0 };
			return body.doOnNext(b -> received[0] += b.readableByteCount())
				.timeout(Mono.delay(untilDue(arrived, 0)), b -> Mono.delay(untilDue(arrived, received[0])))
				.onErrorMap(TimeoutException.class, ex -> tooSlow(arrived, received[0]));
		});
	}

	/**
	 * How long until the body is late: its next bytes are due by the rate (what has
	 * arrived buys time), the whole body by the deadline.
	 */
	private Duration untilDue(long arrived, long received) {
		long deadline = arrived + maxTime.toNanos();
		if (minRate > 0) {
			double bought = received * 1e9 / minRate;
			long byRate = arrived + GRACE.toNanos() + (long) Math.min(bought, (double) maxTime.toNanos());
			deadline = Math.min(deadline, byRate);
		}
		return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
	}

	private UploadTooSlowException tooSlow(long arrived, long received) {
		Duration took = Duration.ofNanos(System.nanoTime() - arrived);
		if (took.compareTo(maxTime) >= 0 || minRate <= 0) {
			return new UploadTooSlowException("The request body did not arrive within " + maxTime.toMillis()
					+ " ms (setting packetwalk.limits.max-request-time); " + received + " bytes had arrived.");
		}
		return new UploadTooSlowException("The request body arrives slower than " + minRate
				+ " bytes a second (setting packetwalk.limits.min-upload-rate): " + received + " bytes in "
				+ took.toMillis() + " ms.");
	}

}

package dev.packetwalk.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import reactor.netty.NettyPipeline;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Netty answers some requests itself, before the application sees them: 400 for a request
 * it cannot decode, 414 for a request line too long, 431 for headers too large. Those
 * answers get the security headers too ({@link SecurityHeaders} sets them on every answer
 * the application writes; this adds the missing ones on the way out, for any answer that
 * has none).
 */
@Component
class NettyErrorHeaders implements NettyServerCustomizer {

	@Override
	public reactor.netty.http.server.HttpServer apply(reactor.netty.http.server.HttpServer server) {
		return server.doOnChannelInit((observer, channel, address) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline().addAfter(NettyPipeline.HttpCodec, "packetwalk.errorHeaders", new Outbound());
			}
		});
	}

	private static final class Outbound extends ChannelOutboundHandlerAdapter {

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			if (msg instanceof HttpResponse r && !r.headers().contains("X-Content-Type-Options")) {
				HttpHeaders h = r.headers();
				h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
				h.set("X-Content-Type-Options", "nosniff");
				h.set("Referrer-Policy", "strict-origin-when-cross-origin");
				h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
			}
			super.write(ctx, msg, promise);
		}

	}

}

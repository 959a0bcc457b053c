package dev.packetwalk.web;

import java.net.URI;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.test.http.server.LocalTestWebServer;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.client.reactive.ClientHttpResponseDecorator;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;

/**
 * The tests' {@code WebTestClient} against a running server releases every response
 * buffer it receives. Spring's WebTestClient records a response body nobody asked for (a
 * test that checks only the status: {@code exchange().expectStatus().isOk()}) by
 * subscribing to it and copying each Netty buffer without releasing it
 * (spring-projects/spring-framework#36050, open for 7.0.10): every such answer leaked its
 * buffers, and the tests that force a GC (DroppedConnectionsTest) then saw Netty's "LEAK:
 * ByteBuf.release() was not called" ERROR, logged for a buffer an earlier test class's
 * client had dropped. Here each buffer the server sends is copied to the heap and
 * released at once, whatever the test does with the body. Applied to every test with
 * {@code @AutoConfigureWebTestClient} (test resources' AutoConfigureWebTestClient
 * imports); a mock-server client (no running server) is left as it is.
 * <p>
 * {@link TestClientLeakTest} checks it.
 */
@AutoConfiguration
public class ReleasingTestClientConfiguration {

	@Bean
	WebTestClientBuilderCustomizer releasingResponseBuffers(ApplicationContext context) {
		return builder -> {
			if (LocalTestWebServer.get(context) != null) {
				builder.clientConnector(new ReleasingConnector(new ReactorClientHttpConnector()));
			}
		};
	}

	/** A connector whose response bodies are heap copies of what Netty read. */
	static final class ReleasingConnector implements ClientHttpConnector {

		private final ClientHttpConnector delegate;

		ReleasingConnector(ClientHttpConnector delegate) {
			this.delegate = delegate;
		}

		@Override
		public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
				Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
			return delegate.connect(method, uri, requestCallback).flatMap(ReleasingConnector::onHeap);
		}

		/**
		 * An answer read whole into a heap array, its buffers released; an event stream
		 * (which may never end) is passed on as it comes, each buffer copied.
		 */
		private static Mono<ClientHttpResponse> onHeap(ClientHttpResponse response) {
			if (MediaType.TEXT_EVENT_STREAM.isCompatibleWith(response.getHeaders().getContentType())) {
				return Mono.just(new ClientHttpResponseDecorator(response) {
					@Override
					public Flux<DataBuffer> getBody() {
						return super.getBody().map(ReleasingConnector::copy);
					}
				});
			}
			return DataBufferUtils.join(response.getBody())
				.map(ReleasingConnector::copy)
				.defaultIfEmpty(DefaultDataBufferFactory.sharedInstance.wrap(new byte[0]))
				.map(body -> new ClientHttpResponseDecorator(response) {
					@Override
					public Flux<DataBuffer> getBody() {
						return Flux.just(body.slice(0, body.readableByteCount()));
					}
				});
		}

		private static DataBuffer copy(DataBuffer buffer) {
			try {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				return DefaultDataBufferFactory.sharedInstance.wrap(bytes);
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}

	}

}

package dev.packetwalk.web;

import dev.packetwalk.config.PacketWalkProperties;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Security headers on every response: a Content-Security-Policy without inline scripts
 * except the editor's import map, allowed by its hash ({@link ImportMap}; every asset is
 * served by the app, so 'self' is enough and the player works offline), no MIME sniffing,
 * a strict referrer policy, and the allowed frame ancestors (configurable for embedding
 * the player in slides).
 */
@Component
class SecurityHeaders implements WebFilter {

	private static final String BASE = "default-src 'self'; script-src 'self' %s; style-src 'self' 'unsafe-inline'; "
			+ "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
			+ "form-action 'self'; frame-ancestors ";

	private final String csp;

	/**
	 * For {@code /embed/**}: its own frame ancestors
	 * ({@code packetwalk.embed-frame-ancestors}, default any).
	 */
	private final String embedCsp;

	SecurityHeaders(PacketWalkProperties props, ImportMap importMap) {
		String base = BASE.formatted(importMap.cspSource());
		this.csp = base + props.frameAncestors();
		this.embedCsp = base + props.embedFrameAncestors();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		HttpHeaders h = exchange.getResponse().getHeaders();
		boolean embed = exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/embed/");
		h.set("Content-Security-Policy", embed ? embedCsp : csp);
		h.set("X-Content-Type-Options", "nosniff");
		h.set("Referrer-Policy", "strict-origin-when-cross-origin");
		h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
		return chain.filter(exchange);
	}

}

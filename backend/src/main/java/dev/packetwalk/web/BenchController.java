package dev.packetwalk.web;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bare WebFlux SSE endpoints for the load generator (docs/performance.md, "Server: SSE
 * streams"), only with {@code packetwalk.bench.enabled=true}: the baseline the real
 * endpoints are measured against, in the same JVM and on the same server.
 * <ul>
 * <li>{@code GET /bench/scenarios/{id}/events}: the very events of
 * {@code /api/scenarios/{id}/events} (default seed, no pacing), serialized once and
 * replayed from memory: no trace is computed per request.</li>
 * <li>{@code GET /bench/live/events} and {@code POST /bench/live/step}: one shared sink,
 * what a live session's follower stream is without sessions, tokens, counting or
 * validation.</li>
 * </ul>
 */
@RestController
@RequestMapping("/bench")
@ConditionalOnProperty(prefix = "packetwalk.bench", name = "enabled", havingValue = "true")
class BenchController {

	private final ScenarioCatalog catalog;

	private final ConcurrentHashMap<String, List<ServerSentEvent<String>>> events = new ConcurrentHashMap<>();

	private final Sinks.Many<String> live = Sinks.many().replay().latest();

	BenchController(ScenarioCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping(path = "/scenarios/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> scenarioEvents(@PathVariable String id) {
		return Flux.fromIterable(events.computeIfAbsent(id, this::serialize));
	}

	private List<ServerSentEvent<String>> serialize(String id) {
		ScenarioCatalog.Entry e = CatalogLookup.existing(catalog, id);
		Trace trace = catalog.trace(e, null);
		List<TraceEvents.StepEvent> steps = TraceEvents.steps(trace);
		List<ServerSentEvent<String>> out = new java.util.ArrayList<>();
		for (TraceEvents.StepEvent s : steps) {
			out.add(ServerSentEvent.builder(TraceJson.write(s))
				.id(Integer.toString(s.seq()))
				.event(TraceEvents.typeName(s.data()))
				.build());
		}
		out.add(ServerSentEvent.builder(TraceJson.write(TraceEvents.end(trace, steps.size())))
			.id(Integer.toString(steps.size()))
			.event("end")
			.build());
		return List.copyOf(out);
	}

	@GetMapping(path = "/live/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> liveEvents() {
		return live.asFlux().map(data -> ServerSentEvent.builder(data).event("state").build());
	}

	@PostMapping("/live/step")
	synchronized ResponseEntity<Void> step(@RequestBody String data) {
		live.emitNext(data, Sinks.EmitFailureHandler.FAIL_FAST);
		return ResponseEntity.noContent().build();
	}

}

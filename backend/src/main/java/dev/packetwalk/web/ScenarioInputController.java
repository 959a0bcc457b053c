package dev.packetwalk.web;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.config.LimitsProperties;
import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.scenario.ScenarioProblem;
import dev.packetwalk.trace.Trace;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Scenarios sent in the request body (an editor, a script): {@code POST /api/trace} runs
 * one and returns its trace, {@code POST /api/validate} only checks it. Bodies above
 * {@code packetwalk.limits.max-body-size} get 413 without being read further.
 */
@RestController
class ScenarioInputController {

	/** The file name problems of a posted scenario carry. */
	static final String FILE = "request.yaml";

	/** {@code POST /api/validate}'s answer. */
	record Validation(boolean valid, List<ApiExceptionHandler.ProblemJson> errors,
			List<ApiExceptionHandler.ProblemJson> warnings) {
	}

	private final ScenarioCompiler compiler;

	private final long maxBody;

	private final LimitsProperties limits;

	private final Metrics metrics;

	private final WorkLanes lanes;

	ScenarioInputController(LimitsProperties limits, Metrics metrics, WorkLanes lanes) {
		this.lanes = lanes;
		this.compiler = new ScenarioCompiler(limits.toLimits());
		this.maxBody = limits.maxBodySize().toBytes();
		this.limits = limits;
		this.metrics = metrics;
	}

	/**
	 * The trace of the posted scenario: the same bytes {@code /api/scenarios/{id}/trace}
	 * gives for a built-in one.
	 */
	@PostMapping(path = "/api/trace", consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
			MediaType.TEXT_PLAIN_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Flux<DataBuffer>>> trace(ServerHttpRequest request, @RequestParam(required = false) Long seed) {
		Budget arrived = lanes.budget();
		return body(request).flatMap(text -> lanes.posted(arrived, budget -> {
			CompiledScenario s = compiler.compile(FILE, text, budget);
			Trace t = new Engine(s.scenario(), limits.maxHops()).run(seed == null ? s.seed() : seed, budget);
			metrics.traceComputed("posted");
			return ResponseEntity.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.body(JsonChunks.write(t, limits.maxTraceSize().toBytes()));
		}));
	}

	/**
	 * A namespace's tables after a step of the posted scenario's trace (as
	 * {@code /api/scenarios/{id}/state}).
	 */
	@PostMapping(path = "/api/state", consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
			MediaType.TEXT_PLAIN_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Flux<DataBuffer>>> state(ServerHttpRequest request, @RequestParam(required = false) Long seed,
			@RequestParam(required = false) Integer step, @RequestParam(required = false) String namespace) {
		Budget arrived = lanes.budget();
		return body(request).flatMap(text -> lanes.posted(arrived, budget -> {
			CompiledScenario s = compiler.compile(FILE, text, budget);
			StateQuery q = StateQuery.of(s.scenario(), step, namespace);
			return q.answer(new Engine(s.scenario(), limits.maxHops()), seed == null ? s.seed() : seed, budget,
					limits.maxTraceSize().toBytes());
		}));
	}

	/**
	 * {@code {valid, errors[], warnings[]}}; 200 whether or not the scenario is valid.
	 */
	@PostMapping(path = "/api/validate", consumes = { "application/yaml", "application/x-yaml", "text/yaml",
			"text/x-yaml", MediaType.TEXT_PLAIN_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Validation> validate(ServerHttpRequest request) {
		Budget arrived = lanes.budget();
		return body(request).flatMap(text -> lanes.posted(arrived, budget -> {
			try {
				CompiledScenario s = compiler.compile(FILE, text, budget);
				return new Validation(true, List.of(), ApiExceptionHandler.errors(s.warnings()));
			}
			catch (ScenarioException ex) {
				List<ScenarioProblem> errors = ex.problems()
					.stream()
					.filter(p -> p.severity() == ScenarioProblem.Severity.ERROR)
					.toList();
				List<ScenarioProblem> warnings = ex.problems()
					.stream()
					.filter(p -> p.severity() == ScenarioProblem.Severity.WARNING)
					.toList();
				return new Validation(false, ApiExceptionHandler.errors(errors), ApiExceptionHandler.errors(warnings));
			}
		}));
	}

	/**
	 * The body as text, refused with 413 as soon as it is known to be too large, and with
	 * 400 when it is not UTF-8 (rather than reading replacement characters into names and
	 * addresses).
	 */
	private Mono<String> body(ServerHttpRequest request) {
		return BodyReader.text(request, maxBody);
	}

	static String utf8(java.nio.ByteBuffer bytes) {
		java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
			.onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
		int start = bytes.position();
		java.nio.CharBuffer out = java.nio.CharBuffer
			.allocate((int) (bytes.remaining() * (double) decoder.maxCharsPerByte()) + 1);
		java.nio.charset.CoderResult r = decoder.decode(bytes, out, true);
		if (r.isError()) {
			throw new NotUtf8Exception(bytes.position() - start);
		}
		decoder.flush(out);
		return out.flip().toString();
	}

}

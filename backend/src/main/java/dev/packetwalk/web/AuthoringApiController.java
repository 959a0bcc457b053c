package dev.packetwalk.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.config.LimitsProperties;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the scenario editor needs beside validation and tracing: a scenario's YAML as
 * written ({@code GET /api/scenarios/{id}/yaml}), and a posted scenario resolved the way
 * {@code GET /api/scenarios/{id}} resolves a built-in one ({@code POST /api/resolve}), so
 * the player can draw a draft's topology.
 */
@RestController
class AuthoringApiController {

	static final MediaType YAML = new MediaType("application", "yaml", StandardCharsets.UTF_8);

	private final ScenarioCatalog catalog;

	private final ScenarioCompiler compiler;

	private final long maxBody;

	private final WorkLanes lanes;

	AuthoringApiController(ScenarioCatalog catalog, LimitsProperties limits, WorkLanes lanes) {
		this.lanes = lanes;
		this.catalog = catalog;
		this.compiler = new ScenarioCompiler(limits.toLimits());
		this.maxBody = limits.maxBodySize().toBytes();
	}

	/**
	 * The scenario's file exactly as written; a local file with errors too, so the editor
	 * can fix it.
	 */
	@GetMapping(path = "/api/scenarios/{id}/yaml")
	Mono<ResponseEntity<String>> yaml(@PathVariable String id) {
		ScenarioCatalog.Entry e = CatalogLookup.existing(catalog, id);
		return Mono.fromCallable(() -> {
			// a local file's version (ETag) is that of the file as it is now, which a
			// save must still find
			String text = e.origin() == ScenarioCatalog.Origin.LOCAL ? read(e) : e.scenario().source();
			ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
				.contentType(YAML)
				.header(HttpHeaders.CONTENT_DISPOSITION,
						ContentDisposition.inline().filename(id + ".yaml", StandardCharsets.UTF_8).build().toString());
			if (e.origin() == ScenarioCatalog.Origin.LOCAL) {
				ok.eTag(ScenarioCatalog.version(text));
			}
			return ok.body(text);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Saves the body as {@code <id>.yaml} in the scenarios directory
	 * ({@code packetwalk.scenarios.writable=true}): {@code If-Match} names the version
	 * the editor opened (the GET's ETag), {@code If-None-Match: *} (or neither) creates a
	 * new file. 200 with the new ETag; 403 when saving is off or the name is not a file
	 * name; 409 when the file is not the version opened. The scenario may have errors: it
	 * is listed with them, as any local file.
	 */
	@PutMapping(path = "/api/scenarios/{id}/yaml", consumes = { "application/yaml", "application/x-yaml", "text/yaml",
			"text/x-yaml", MediaType.TEXT_PLAIN_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<java.util.Map<String, Object>>> save(@PathVariable String id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, ServerHttpRequest request) {
		String base = ifMatch == null || ifMatch.isBlank() ? null
				: ifMatch.strip().replaceFirst("^W/", "").replace("\"", "");
		return body(request).publishOn(Schedulers.boundedElastic()).map(text -> {
			try {
				String version = catalog.save(id, text, base);
				return ResponseEntity.ok()
					.eTag(version)
					.body(java.util.Map.<String, Object>of("id", id, "file", id + ".yaml"));
			}
			catch (ScenarioCatalog.Conflict ex) {
				throw new SaveRefusedException(org.springframework.http.HttpStatus.CONFLICT, ex.getMessage());
			}
			catch (ScenarioCatalog.Refused ex) {
				throw new SaveRefusedException(org.springframework.http.HttpStatus.FORBIDDEN, ex.getMessage());
			}
			catch (IOException ex) {
				throw new SaveRefusedException(org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR,
						"the file could not be written");
			}
		});
	}

	/**
	 * The posted scenario resolved: the same JSON {@code GET /api/scenarios/{id}} gives.
	 * Invalid: 400 with errors.
	 */
	@PostMapping(path = "/api/resolve", consumes = { "application/yaml", "application/x-yaml", "text/yaml",
			"text/x-yaml", MediaType.TEXT_PLAIN_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ScenarioApiController.Detail> resolve(ServerHttpRequest request) {
		dev.packetwalk.budget.Budget arrived = lanes.budget();
		return body(request).flatMap(text -> lanes.posted(arrived, budget -> {
			CompiledScenario s = compiler.compile(ScenarioInputController.FILE, text, budget);
			return new ScenarioApiController.Detail(s.id(), s.title(), s.summary(), s.tags(), s.level(), s.chapter(),
					s.order(), s.intro(), s.takeaway(), s.seed(),
					s.scenario().sentFlows().stream().map(ScenarioApiController.FlowInfo::of).toList(),
					s.scenario().everyNamespace(), null);
		}));
	}

	private String read(ScenarioCatalog.Entry e) {
		try {
			return catalog.readLocal(e);
		}
		catch (IOException ex) {
			// the catalogue's reasons name no server path; anything else is said without
			// its text
			String why = ex instanceof ScenarioCatalog.Refused ? ex.getMessage() : "it cannot be read";
			throw new NotFoundException("The file of scenario '" + e.id() + "' is not served: " + why + ".");
		}
	}

	/**
	 * The body as text, refused with 413 as soon as it is known to be too large (as POST
	 * /api/trace does).
	 */
	private Mono<String> body(ServerHttpRequest request) {
		if (request.getHeaders().getContentLength() > maxBody) {
			return Mono.error(new BodyTooLargeException(maxBody));
		}
		return DataBufferUtils.join(request.getBody(), (int) Math.min(Integer.MAX_VALUE, maxBody)).map(buffer -> {
			try {
				return buffer.toString(StandardCharsets.UTF_8);
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).defaultIfEmpty("").onErrorMap(DataBufferLimitException.class, ex -> new BodyTooLargeException(maxBody));
	}

}

package dev.packetwalk.web;

import java.util.List;

import dev.packetwalk.config.ImportProperties;
import dev.packetwalk.config.LimitsProperties;
import dev.packetwalk.importer.ClusterImporter;
import dev.packetwalk.importer.ImportException;
import dev.packetwalk.importer.ImportOptions;
import dev.packetwalk.importer.ImportResult;
import dev.packetwalk.importer.ImportSource;
import dev.packetwalk.importer.ImportWarning;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.scenario.ScenarioProblem;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/import}: the body is what {@code kubectl get … -o yaml|json} printed;
 * the answer is the scenario the model makes of it (its YAML, whether it validates, the
 * import's warnings, and what a flow can start from and go to). Nothing is stored: the
 * page keeps the dump and the scenario in the browser.
 */
@RestController
class ImportController {

	/** The answer: the scenario and everything the page shows about it. */
	record Imported(String yaml, boolean valid, List<ApiExceptionHandler.ProblemJson> errors,
			List<WarningJson> warnings, String summary, List<String> sources,
			List<ImportResult.Destination> destinations, FlowJson flow) {
	}

	/** An import warning: the object ({@code Kind ns/name}), the field, what was done. */
	record WarningJson(String object, String field, String message) {

		static WarningJson of(ImportWarning w) {
			return new WarningJson(w.object(), w.field(), w.message());
		}

	}

	record FlowJson(String from, String to, String protocol, String kind) {
	}

	private final long maxBody;

	private final LimitsProperties limits;

	private final ScenarioCompiler compiler;

	ImportController(ImportProperties properties, LimitsProperties limits) {
		this.maxBody = properties.maxBodySize().toBytes();
		this.limits = limits;
		this.compiler = new ScenarioCompiler(limits.toLimits());
	}

	@PostMapping(path = "/api/import",
			consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
					MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Imported> importDump(ServerHttpRequest request, @RequestParam(required = false) String name,
			@RequestParam(required = false) String from, @RequestParam(required = false) String to,
			@RequestParam(required = false) String protocol) {
		ImportOptions options;
		try {
			options = new ImportOptions(name == null || name.isBlank() ? "my-cluster" : name, from, to, protocol,
					(int) maxBody);
		}
		catch (IllegalArgumentException ex) {
			return Mono.error(new BadRequestException(ex.getMessage()));
		}
		return BodyReader
			.text(request, maxBody,
					() -> new BodyTooLargeException(maxBody, "The dump", "packetwalk.import.max-body-size"))
			.publishOn(Schedulers.boundedElastic())
			.map(text -> answer(text, options))
			.timeout(limits.maxRequestTime(), Mono.error(() -> new TooExpensiveException(limits.maxRequestTime())));
	}

	private Imported answer(String text, ImportOptions options) {
		ImportResult r;
		try {
			r = ClusterImporter.importDumps(List.of(new ImportSource("pasted", text)), options);
		}
		catch (ImportException ex) {
			throw new BadRequestException(ex.getMessage());
		}
		boolean valid;
		List<ScenarioProblem> errors;
		try {
			CompiledScenario s = compiler.compile(options.name() + ".yaml", r.yaml());
			valid = s.scenario() != null;
			errors = List.of();
		}
		catch (ScenarioException ex) {
			valid = false;
			errors = ex.problems().stream().filter(p -> p.severity() == ScenarioProblem.Severity.ERROR).toList();
		}
		return new Imported(r.yaml(), valid, ApiExceptionHandler.errors(errors),
				r.warnings().stream().map(WarningJson::of).toList(), r.summary(), r.sources(), r.destinations(),
				new FlowJson(r.from(), r.flow().to(), r.flow().protocol(), r.flow().kind()));
	}

}

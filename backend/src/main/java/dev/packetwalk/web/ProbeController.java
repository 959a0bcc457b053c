package dev.packetwalk.web;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.engine.Probe;
import dev.packetwalk.net.Protocol;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * One ad-hoc connection through a scenario, as a cell of the reachability grid asks for
 * it: {@code GET /api/scenarios/{id}/probe?from=x/a&to=y/b&port=80&protocol=TCP&seed=N}
 * returns the trace of that single flow. The model builds and walks it ({@link Probe});
 * this class only transports parameters and the trace.
 */
@RestController
class ProbeController {

	private final ScenarioCatalog catalog;

	private final WorkLanes lanes;

	private final TraceCache traces;

	ProbeController(ScenarioCatalog catalog, WorkLanes lanes, TraceCache traces) {
		this.catalog = catalog;
		this.lanes = lanes;
		this.traces = traces;
	}

	@GetMapping(path = "/api/scenarios/{id}/probe", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Flux<DataBuffer>>> probe(@PathVariable String id, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(required = false) String port,
			@RequestParam(required = false) String protocol, @RequestParam(required = false) String seed) {
		ScenarioCatalog.Entry e = CatalogLookup.runnable(catalog, id);
		Probe probe = probe(required("from", from), required("to", to), number("port", port),
				protocol == null || protocol.isBlank() ? Protocol.TCP : protocol(protocol));
		long runSeed = seed == null || seed.isBlank() ? e.scenario().seed() : number("seed", seed);
		try {
			probe.flow(e.scenario().scenario()); // names an unknown pod before any work
													// is scheduled
		}
		catch (Probe.ProbeException ex) {
			throw new ParameterException(HttpStatus.NOT_FOUND, ex.parameter(), ex.getMessage());
		}
		return traces
			.json(lanes, e, runSeed, "probe " + probe, budget -> probe.run(e.scenario().scenario(), runSeed, budget))
			.map(ScenarioApiController::json);
	}

	@ExceptionHandler(ParameterException.class)
	ProblemDetail parameter(ParameterException ex) {
		ProblemDetail pd = ProblemBodies.of(ex.status(), ex.getMessage(),
				ex.status() == HttpStatus.NOT_FOUND ? "Not found" : "Bad request", "bad-parameter");
		pd.setProperty("parameter", ex.parameter());
		return pd;
	}

	private static Probe probe(String from, String to, long port, Protocol protocol) {
		if (port < 1 || port > 65535) {
			throw ParameterException.bad("port", "port must be 1..65535, was " + port);
		}
		try {
			return new Probe(from, to, (int) port, protocol);
		}
		catch (Probe.ProbeException ex) {
			throw ParameterException.bad(ex.parameter(), ex.getMessage());
		}
	}

	private static String required(String name, String value) {
		if (value == null || value.isBlank()) {
			throw ParameterException.bad(name, "the query parameter '" + name + "' is required");
		}
		return value;
	}

	private static long number(String name, String value) {
		String v = required(name, value).trim();
		try {
			return Long.parseLong(v);
		}
		catch (NumberFormatException ex) {
			throw ParameterException.bad(name, name + " must be a number, was '" + value + "'");
		}
	}

	private static Protocol protocol(String value) {
		try {
			return Protocol.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw ParameterException.bad("protocol", "protocol must be TCP, UDP or SCTP, was '" + value + "'");
		}
	}

}

package dev.packetwalk.web;

import java.util.List;

import dev.packetwalk.budget.BudgetExceededException;
import dev.packetwalk.config.LimitsProperties;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.scenario.ScenarioProblem;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.util.DisconnectedClientHelper;

/** Turns the API's errors into {@code application/problem+json} bodies (RFC 9457). */
@RestControllerAdvice(basePackageClasses = ApiExceptionHandler.class)
class ApiExceptionHandler {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ApiExceptionHandler.class);

	private final Metrics metrics;

	private final LimitsProperties limits;

	ApiExceptionHandler(Metrics metrics, LimitsProperties limits) {
		this.metrics = metrics;
		this.limits = limits;
	}

	@ExceptionHandler(ScenarioNotFoundException.class)
	ProblemDetail notFound(ScenarioNotFoundException ex) {
		ProblemDetail pd = ProblemBodies.of(HttpStatus.NOT_FOUND, ex.getMessage(), "Scenario not found",
				"scenario-not-found");
		pd.setProperty("scenario", ex.id());
		return pd;
	}

	@ExceptionHandler(NotFoundException.class)
	ProblemDetail notFound(NotFoundException ex) {
		return ProblemBodies.of(HttpStatus.NOT_FOUND, ex.getMessage(), "Not found");
	}

	/**
	 * A parameter of a state request (or any controller without its own handler): 400/404
	 * naming it.
	 */
	@ExceptionHandler(ParameterException.class)
	ProblemDetail parameter(ParameterException ex) {
		ProblemDetail pd = ProblemBodies.of(ex.status(), ex.getMessage(),
				ex.status() == HttpStatus.NOT_FOUND ? "Not found" : "Bad request", "bad-parameter");
		pd.setProperty("parameter", ex.parameter());
		return pd;
	}

	@ExceptionHandler(SaveRefusedException.class)
	ProblemDetail saveRefused(SaveRefusedException ex) {
		return ProblemBodies.of(ex.status(), ex.getMessage(), "Not saved");
	}

	@ExceptionHandler(BadRequestException.class)
	ProblemDetail badRequest(BadRequestException ex) {
		return ProblemBodies.of(HttpStatus.BAD_REQUEST, ex.getMessage(), "Bad request");
	}

	/**
	 * A posted scenario does not compile: every problem, each with its place in the file.
	 */
	@ExceptionHandler(ScenarioException.class)
	ProblemDetail invalid(ScenarioException ex) {
		ProblemDetail pd = ProblemBodies
			.of(HttpStatus.BAD_REQUEST,
					ex.problems().size() == 1 ? ex.problems().get(0).toString()
							: ex.problems().size() + " problems in the scenario",
					"Invalid scenario", "invalid-scenario");
		pd.setProperty("errors", errors(ex.problems()));
		return pd;
	}

	/** A local scenario file with errors was asked to run. */
	@ExceptionHandler(InvalidScenarioException.class)
	ProblemDetail invalid(InvalidScenarioException ex) {
		ProblemDetail pd = ProblemBodies.of(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage(), "Scenario has errors",
				"invalid-scenario");
		pd.setProperty("scenario", ex.id());
		pd.setProperty("errors", errors(ex.errors()));
		return pd;
	}

	@ExceptionHandler(BodyTooLargeException.class)
	ProblemDetail tooLarge(BodyTooLargeException ex) {
		return ProblemBodies.of(HttpStatus.CONTENT_TOO_LARGE, ex.getMessage(), ex.title());
	}

	/**
	 * A body that trickles in ({@link UploadLimits}): answered at once, and the
	 * connection closed (the rest of the body is not read).
	 */
	@ExceptionHandler(UploadTooSlowException.class)
	ResponseEntity<ProblemDetail> uploadTooSlow(UploadTooSlowException ex) {
		return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT)
			.header(org.springframework.http.HttpHeaders.CONNECTION, "close")
			.body(ProblemBodies.of(HttpStatus.REQUEST_TIMEOUT, ex.getMessage(), "Request body too slow",
					"upload-too-slow"));
	}

	@ExceptionHandler(NotUtf8Exception.class)
	ProblemDetail notUtf8(NotUtf8Exception ex) {
		ProblemDetail pd = ProblemBodies.of(HttpStatus.BAD_REQUEST, ex.getMessage(), "Scenario is not UTF-8",
				"not-utf-8");
		pd.setProperty("offset", ex.offset());
		return pd;
	}

	@ExceptionHandler(TooExpensiveException.class)
	ProblemDetail tooExpensive(TooExpensiveException ex) {
		return ProblemBodies.of(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage(), "Scenario too expensive",
				"too-expensive");
	}

	/**
	 * The model stopped the work: its time was up (422, as
	 * {@link TooExpensiveException}), or its trace grew past {@code max-trace-steps} or
	 * {@code max-trace-size} (422, the model's sentence names the limit). A cancelled
	 * budget has nobody waiting; should an answer still be due, it is 503.
	 */
	@ExceptionHandler(BudgetExceededException.class)
	ResponseEntity<ProblemDetail> budget(BudgetExceededException ex) {
		return switch (ex.reason()) {
			case TIME -> ResponseEntity.unprocessableContent()
				.body(tooExpensive(new TooExpensiveException(limits.maxRequestTime())));
			case STEPS,
					SIZE ->
				ResponseEntity.unprocessableContent()
					.body(ProblemBodies.of(HttpStatus.UNPROCESSABLE_CONTENT,
							"The trace would be too large: " + ex.getMessage() + ".", "Trace too large",
							"trace-too-large"));
			case CANCELLED -> tooBusy(new TooBusyException("posted", limits.maxRequestTime()));
		};
	}

	@ExceptionHandler(TraceTooLargeException.class)
	ProblemDetail traceTooLarge(TraceTooLargeException ex) {
		return ProblemBodies.of(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage(), "Trace too large",
				"trace-too-large");
	}

	/** A work lane is full: refused at once, with a hint when to come back. */
	@ExceptionHandler(TooBusyException.class)
	ResponseEntity<ProblemDetail> tooBusy(TooBusyException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(org.springframework.http.HttpHeaders.RETRY_AFTER, "2")
			.body(ProblemBodies.of(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage(), "Server busy", "busy"));
	}

	/**
	 * Anything else: a Spring error response keeps its status and body; a bug is logged
	 * with its stack trace and answered with a 500 problem that says nothing about the
	 * code.
	 */
	@ExceptionHandler(Exception.class)
	Mono<ResponseEntity<ProblemDetail>> unexpected(Exception ex) {
		if (ex instanceof ErrorResponse er) {
			return Mono.just(ResponseEntity.status(er.getStatusCode()).headers(er.getHeaders()).body(er.getBody()));
		}
		if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
			// the client went away while its answer was written (a reset, a lost
			// connection): nobody to answer, nothing
			// wrong on the server; the stream it was reading logs its end (SseStreams)
			metrics.clientGone();
			log.trace("Client went away while its answer was written: {}", ex.toString());
			return Mono.empty();
		}
		log.error("Unexpected error answering a request", ex);
		return Mono.just(ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
			.body(ProblemBodies.of(HttpStatus.INTERNAL_SERVER_ERROR,
					"Something went wrong on the server; the error has been logged.", "Internal error")));
	}

	/**
	 * One problem as the API shows it; severity in lower case ({@code error},
	 * {@code warning}).
	 */
	record ProblemJson(String file, int line, int column, String path, String message, String severity) {

		static ProblemJson of(ScenarioProblem p) {
			return new ProblemJson(p.file(), p.line(), p.column(),
					ProblemBodies.truncated(p.path(), ProblemBodies.MAX_DETAIL),
					ProblemBodies.truncated(p.message(), ProblemBodies.MAX_DETAIL),
					p.severity().name().toLowerCase(java.util.Locale.ROOT));
		}

	}

	/** The most problems one answer lists; a last entry says how many more there are. */
	static final int MAX_LISTED = 100;

	/**
	 * The problems as the API lists them: each message cut at
	 * {@link ProblemBodies#MAX_DETAIL} characters, at most {@link #MAX_LISTED} of them
	 * and then one entry that says how many were left out (placed at the first of those),
	 * so an answer stays small whatever was sent.
	 */
	static List<ProblemJson> errors(List<ScenarioProblem> problems) {
		List<ProblemJson> out = new java.util.ArrayList<>();
		for (int i = 0; i < problems.size() && i < MAX_LISTED; i++) {
			out.add(ProblemJson.of(problems.get(i)));
		}
		if (problems.size() > MAX_LISTED) {
			ScenarioProblem next = problems.get(MAX_LISTED);
			out.add(new ProblemJson(
					next.file(), next.line(), next.column(), "", "… and " + (problems.size() - MAX_LISTED)
							+ " more problems, not listed (the first " + MAX_LISTED + " are)",
					next.severity().name().toLowerCase(java.util.Locale.ROOT)));
		}
		return out;
	}

}

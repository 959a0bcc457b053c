package dev.packetwalk.web.live;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.packetwalk.web.ProblemBodies;

/** The live API's errors as {@code application/problem+json}. */
@RestControllerAdvice(assignableTypes = LiveController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class LiveExceptionHandler {

	@ExceptionHandler(LiveSessionNotFoundException.class)
	ProblemDetail notFound(LiveSessionNotFoundException ex) {
		ProblemDetail pd = ProblemBodies.of(HttpStatus.NOT_FOUND, ex.getMessage(), "Live session not found",
				"live-session-not-found");
		pd.setProperty("code", ex.code());
		return pd;
	}

	@ExceptionHandler(LiveForbiddenException.class)
	ProblemDetail forbidden(LiveForbiddenException ex) {
		return ProblemBodies.of(HttpStatus.FORBIDDEN, ex.getMessage(), "Not the presenter", "not-the-presenter");
	}

	@ExceptionHandler(LiveLimitException.class)
	ProblemDetail limit(LiveLimitException ex) {
		return ProblemBodies.of(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage(), "Live limit reached");
	}

	@ExceptionHandler(LiveBadRequestException.class)
	ProblemDetail badRequest(LiveBadRequestException ex) {
		return ProblemBodies.of(HttpStatus.BAD_REQUEST, ex.getMessage(), "Bad live view");
	}

}

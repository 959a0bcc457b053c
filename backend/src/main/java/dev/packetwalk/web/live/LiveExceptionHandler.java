package dev.packetwalk.web.live;

import java.net.URI;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The live API's errors as {@code application/problem+json}. */
@RestControllerAdvice(assignableTypes = LiveController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class LiveExceptionHandler {

	@ExceptionHandler(LiveSessionNotFoundException.class)
	ProblemDetail notFound(LiveSessionNotFoundException ex) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		pd.setTitle("Live session not found");
		pd.setType(URI.create("https://packetwalk.dev/problems/live-session-not-found"));
		pd.setProperty("code", ex.code());
		return pd;
	}

	@ExceptionHandler(LiveForbiddenException.class)
	ProblemDetail forbidden(LiveForbiddenException ex) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, ex.getMessage());
		pd.setTitle("Not the presenter");
		pd.setType(URI.create("https://packetwalk.dev/problems/not-the-presenter"));
		return pd;
	}

	@ExceptionHandler(LiveLimitException.class)
	ProblemDetail limit(LiveLimitException ex) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		pd.setTitle("Live limit reached");
		return pd;
	}

	@ExceptionHandler(LiveBadRequestException.class)
	ProblemDetail badRequest(LiveBadRequestException ex) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		pd.setTitle("Bad live view");
		return pd;
	}

}

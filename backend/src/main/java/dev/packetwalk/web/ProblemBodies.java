package dev.packetwalk.web;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** The {@code application/problem+json} bodies (RFC 9457) the exception handlers answer with. */
public final class ProblemBodies {

	private static final String TYPES = "https://packetwalk.dev/problems/";

	private ProblemBodies() {
	}

	/** A problem with a status, a detail for the reader and a short title; the type is {@code about:blank}. */
	public static ProblemDetail of(HttpStatusCode status, String detail, String title) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
		pd.setTitle(title);
		return pd;
	}

	/** The same, with a type of its own: {@code https://packetwalk.dev/problems/{type}}. */
	public static ProblemDetail of(HttpStatusCode status, String detail, String title, String type) {
		ProblemDetail pd = of(status, detail, title);
		pd.setType(URI.create(TYPES + type));
		return pd;
	}

}

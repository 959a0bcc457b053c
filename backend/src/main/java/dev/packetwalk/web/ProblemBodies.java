package dev.packetwalk.web;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * The {@code application/problem+json} bodies (RFC 9457) the exception handlers answer
 * with.
 */
public final class ProblemBodies {

	private static final String TYPES = "https://packetwalk.dev/problems/";

	private ProblemBodies() {
	}

	/**
	 * The most characters of a {@code detail} (and of any one problem's message); the
	 * rest is cut with a marker.
	 */
	public static final int MAX_DETAIL = 1_000;

	/**
	 * The text, or its first {@code max} characters and a marker saying how many were
	 * cut: errors echo what they were sent (names, keys, values), and an answer must not
	 * grow with a hostile input.
	 */
	public static String truncated(String text, int max) {
		if (text == null || text.length() <= max) {
			return text;
		}
		int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
		return text.substring(0, end) + "… [" + (text.length() - end) + " more characters not shown]";
	}

	/**
	 * A problem with a status, a detail for the reader and a short title; the type is
	 * {@code about:blank}.
	 */
	public static ProblemDetail of(HttpStatusCode status, String detail, String title) {
		ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, truncated(detail, MAX_DETAIL));
		pd.setTitle(title);
		return pd;
	}

	/**
	 * The same, with a type of its own: {@code https://packetwalk.dev/problems/{type}}.
	 */
	public static ProblemDetail of(HttpStatusCode status, String detail, String title, String type) {
		ProblemDetail pd = of(status, detail, title);
		pd.setType(URI.create(TYPES + type));
		return pd;
	}

}

package dev.packetwalk.web;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The exchanges the API tests make again and again, each with the checks every caller
 * made: a scenario posted as YAML with the status it must get, and an error that must
 * come as a problem body ({@code application/problem+json}).
 */
final class ApiRequests {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	private ApiRequests() {
	}

	/**
	 * POSTs {@code body} (a scenario or any bytes) as YAML to {@code uri}; expects
	 * {@code status}.
	 */
	static WebTestClient.ResponseSpec postYaml(WebTestClient client, String uri, Object body, int status) {
		return client.post().uri(uri).contentType(YAML).bodyValue(body).exchange().expectStatus().isEqualTo(status);
	}

	/** {@link #postYaml}, answered with a problem body: its JSON to check further. */
	static WebTestClient.BodyContentSpec postProblem(WebTestClient client, String uri, Object body, int status) {
		return problem(postYaml(client, uri, body, status));
	}

	/**
	 * GETs {@code uri}; expects {@code status} and a problem body: its JSON to check
	 * further.
	 */
	static WebTestClient.BodyContentSpec getProblem(WebTestClient client, String uri, int status) {
		return problem(client.get().uri(uri).exchange().expectStatus().isEqualTo(status));
	}

	/** The answer is a problem body (RFC 9457): its JSON to check further. */
	static WebTestClient.BodyContentSpec problem(WebTestClient.ResponseSpec response) {
		return response.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody();
	}

}

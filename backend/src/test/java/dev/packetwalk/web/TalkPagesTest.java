package dev.packetwalk.web;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages built for talks: the embeddable player, a live session's follower page, the
 * speaker-notes window. The embed's frame ancestors come from
 * {@code packetwalk.embed-frame-ancestors}, the rest from
 * {@code packetwalk.frame-ancestors}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "packetwalk.frame-ancestors='self'", "packetwalk.embed-frame-ancestors=https://slides.example" })
@AutoConfigureWebTestClient
class TalkPagesTest {

	@Autowired
	WebTestClient client;

	private String page(String uri) {
		return client.get()
			.uri(uri)
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	@Test
	void theEmbedIsThePlayerWithoutTheSiteChrome() {
		String html = page("/embed/pod-to-pod-same-node?seed=4&step=3");
		assertThat(html).contains("data-mode=\"embed\"")
			.contains("data-scenario-id=\"pod-to-pod-same-node\"")
			.contains("data-testid=\"embed-open\"")
			.contains("/js/main.js")
			.doesNotContain("class=\"appbar\"")
			.doesNotContain("data-testid=\"btn-present\"")
			.doesNotContain("<script>"); // CSP: no inline scripts
		client.get().uri("/embed/no-such-scenario").exchange().expectStatus().isNotFound();
	}

	@Test
	void theEmbedHasItsOwnFrameAncestors() {
		client.get()
			.uri("/embed/pod-to-pod-same-node")
			.exchange()
			.expectHeader()
			.value("Content-Security-Policy",
					csp -> assertThat(csp).endsWith("frame-ancestors https://slides.example"));
		client.get()
			.uri("/scenarios/pod-to-pod-same-node")
			.exchange()
			.expectHeader()
			.value("Content-Security-Policy", csp -> assertThat(csp).endsWith("frame-ancestors 'self'"));
	}

	@Test
	void thePlayerOffersShareAndPresenterMode() {
		String html = page("/scenarios/pod-to-pod-same-node");
		assertThat(html).contains("data-mode=\"player\"")
			.contains("data-testid=\"btn-share\"")
			.contains("data-testid=\"btn-present\"")
			.contains("data-testid=\"presenter-bar\"")
			.contains("data-testid=\"blackout\"")
			.contains("class=\"appbar\"");
	}

	@Test
	void aFollowerPageOpensAtThePresentersView() {
		Created c = client.post()
			.uri("/api/live")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"scenario\":\"pod-to-service\",\"seed\":11,\"step\":7}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Created.class)
			.returnResult()
			.getResponseBody();
		String html = page("/live/" + c.code().toLowerCase());
		assertThat(html).contains("data-mode=\"live\"")
			.contains("data-scenario-id=\"pod-to-service\"")
			.contains("data-live-code=\"" + c.code() + "\"")
			.contains("data-link-seed=\"11\"")
			.contains("data-link-step=\"7\"")
			.doesNotContain("data-testid=\"btn-present\"")
			.doesNotContain(c.token());
	}

	record Created(String code, String token) {
	}

	@Test
	void anEndedOrUnknownSessionPageIs404WithAWayOut() {
		String html = client.get()
			.uri("/live/ABCDEFGHJKMN")
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(html).contains("data-testid=\"live-ended\"").contains("ABCDEFGHJKMN");
	}

	@Test
	void theSpeakerNotesWindow() {
		assertThat(page("/presenter/notes")).contains("data-testid=\"notes\"").contains("/js/notes.js");
	}

}

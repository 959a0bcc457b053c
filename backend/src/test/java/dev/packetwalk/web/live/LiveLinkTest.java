package dev.packetwalk.web.live;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The live link the presenter shows the room, with no {@code packetwalk.public-url}:
 * built from the name the request came in under (its Host header), so a presenter who
 * opened the page as {@code packetwalk.lan} never shows the room a {@code 127.0.0.1}
 * link.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class LiveLinkTest {

	@Autowired
	WebTestClient client;

	record Created(String code, String followUrl, String link) {
	}

	static Created create(WebTestClient client, String host) {
		WebTestClient.RequestBodySpec post = client.post().uri("/api/live");
		if (host != null) {
			post = post.header(HttpHeaders.HOST, host);
		}
		return post.exchange().expectStatus().isCreated().expectBody(Created.class).returnResult().getResponseBody();
	}

	@Test
	void theLinkNamesTheHostTheRequestCameInUnder() {
		Created c = create(client, "packetwalk.lan:8080");
		assertThat(c.followUrl()).isEqualTo("/live/" + c.code());
		assertThat(c.link()).isEqualTo("http://packetwalk.lan:8080/live/" + c.code());
		Created local = create(client, null);
		assertThat(local.link()).matches("http://(localhost|127\\.0\\.0\\.1):\\d+/live/" + local.code());
	}

	@Test
	void aConfiguredPublicUrlIsCheckedAtStartup() {
		assertThat(LiveController.publicBase(null)).isNull();
		assertThat(LiveController.publicBase("  ")).isNull();
		assertThat(LiveController.publicBase("https://talk.example.org/pw/")).isEqualTo("https://talk.example.org/pw");
		assertThatThrownBy(() -> LiveController.publicBase("talk.example.org"))
			.hasMessageContaining("packetwalk.public-url must be an absolute http(s) URL");
		assertThatThrownBy(() -> LiveController.publicBase("ftp://talk.example.org"))
			.hasMessageContaining("packetwalk.public-url");
		assertThatThrownBy(() -> LiveController.publicBase("https://talk.example.org/?x=1"))
			.hasMessageContaining("no query");
		assertThatThrownBy(() -> LiveController.publicBase("http://exa mple"))
			.hasMessageContaining("packetwalk.public-url is not a URL");
	}

}

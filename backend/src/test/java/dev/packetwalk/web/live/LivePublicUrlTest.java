package dev.packetwalk.web.live;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code packetwalk.public-url} set, the live link is built from it, whatever name
 * the request used.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "packetwalk.public-url=https://talk.example.org/packetwalk/")
@AutoConfigureWebTestClient
class LivePublicUrlTest {

	@Autowired
	WebTestClient client;

	@Test
	void theConfiguredPublicUrlWins() {
		LiveLinkTest.Created c = LiveLinkTest.create(client, "127.0.0.1:8080");
		assertThat(c.link()).isEqualTo("https://talk.example.org/packetwalk/live/" + c.code());
	}

}

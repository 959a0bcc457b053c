package dev.packetwalk.catalog;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.packetwalk.scenario.ScenarioLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fast start: the application serves before the built-in scenarios are compiled. Here the
 * warm-up pool is held back by a latch (as if compiling took forever): liveness is UP at
 * once, readiness is not; a request for a scenario compiles that one on demand and
 * succeeds; the catalogue list is answered from the built-ins' headers, compiling
 * nothing, and equals the list once they are compiled; then readiness is UP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StartupWarmupTest {

	/** The warm-up pool: nothing it is given runs before the latch opens. */
	static final CountDownLatch HELD = new CountDownLatch(1);

	static final Executor HELD_POOL = task -> Thread.ofVirtual().start(() -> {
		try {
			HELD.await();
			task.run();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	});

	@TestConfiguration
	static class HeldWarmup {

		@Bean
		@Primary
		ScenarioCatalog heldCatalog() {
			return new ScenarioCatalog(new BuiltInScenarios(HELD_POOL), ScenarioLimits.DEFAULTS, null,
					Duration.ofSeconds(1));
		}

	}

	@Autowired
	WebTestClient client;

	@Autowired
	ScenarioCatalog catalog;

	@AfterAll
	static void release() {
		HELD.countDown();
	}

	@Test
	@Order(1)
	void livenessIsUpWhileTheCatalogueIsNotReady() {
		assertThat(catalog.ready()).as("nothing compiled yet").isFalse();
		client.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("OUT_OF_SERVICE");
	}

	@Test
	@Order(2)
	void aRequestDuringWarmupWaitsForItsScenarioAndSucceeds() {
		String trace = client.get()
			.uri("/api/scenarios/pod-to-service/trace?seed=3")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(trace).contains("\"scenario\":\"pod-to-service\"");
		client.get()
			.uri("/api/scenarios/pod-to-pod-vxlan/events?delayMs=0")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value(body -> assertThat(body).contains("event:end"));
		assertThat(catalog.ready()).as("only the scenarios asked for are compiled").isFalse();
		client.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
	}

	@Test
	@Order(3)
	void theCatalogueListCompilesNothingAndIsTheCompiledOnesList() {
		String early = client.get()
			.uri("/api/scenarios")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(catalog.ready()).as("the list is answered from the built-ins' headers").isFalse();
		client.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
		catalog.all(); // compiles the rest on this thread
		assertThat(catalog.ready()).isTrue();
		String compiled = client.get()
			.uri("/api/scenarios")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(early).as("the list before and after compiling").isEqualTo(compiled);
		assertThat(catalog.lines()).hasSize(new BuiltInScenarios(Runnable::run).all().size())
			.allSatisfy(line -> assertThat(line.entry()).isNotNull());
		client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void thePoolAloneCompilesEveryBuiltIn() throws Exception {
		CountDownLatch gate = new CountDownLatch(1);
		BuiltInScenarios b = new BuiltInScenarios(task -> Thread.ofVirtual().start(() -> {
			try {
				gate.await();
				task.run();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}));
		assertThat(b.ready()).isFalse();
		assertThat(b.has("pod-to-service")).isTrue();
		assertThat(b.has("no-such-scenario")).isFalse();
		gate.countDown();
		b.whenReady().get(60, TimeUnit.SECONDS);
		assertThat(b.ready()).isTrue();
		assertThat(b.all().keySet()).contains("pod-to-service", "pod-to-pod-same-node");
	}

	@Test
	void theProcesssBuiltInsCompileNothingUntilTheWarmupStarts() throws Exception {
		BuiltInScenarios b = BuiltInScenarios.unstarted();
		Thread.sleep(300);
		assertThat(b.ready()).isFalse();
		assertThat(b.whenReady()).as("no warm-up before start()").isNotDone();
		assertThat(b.headers()).containsKey("pod-to-service");
		assertThat(b.get("pod-to-service")).as("a request compiles the one it asks for").isPresent();
		assertThat(b.ready()).isFalse();
		b.start();
		b.start(); // a second call does nothing
		b.whenReady().get(60, TimeUnit.SECONDS);
		assertThat(b.ready()).isTrue();
	}

}

package dev.packetwalk.container;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds the image from the repository's Dockerfile, starts it and asks it for the
 * scenario list. Skipped (reported as skipped) where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerImageTest {

	static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();

	@Container
	static final GenericContainer<?> APP = new GenericContainer<>(
			new ImageFromDockerfile("packetwalk-test", true).withFileFromPath(".", ROOT))
		.withExposedPorts(8080)
		// as deploy/packetwalk.yaml runs it: read-only root filesystem, a writable /tmp
		// only
		.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
		.withTmpFs(java.util.Map.of("/tmp", "rw,size=64m"))
		.waitingFor(Wait.forHttp("/actuator/health/readiness").forStatusCode(200))
		.withStartupTimeout(Duration.ofMinutes(3));

	@Test
	void servesTheScenarioList() throws Exception {
		HttpResponse<String> res = HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(URI.create("http://" + APP.getHost() + ":" + APP.getMappedPort(8080) + "/api/scenarios"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(res.statusCode()).isEqualTo(200);
		assertThat(res.body()).contains("pod-to-pod-same-node");
	}

	@Test
	void runsAsANonRootUser() throws Exception {
		assertThat(APP.execInContainer("id", "-u").getStdout().trim()).isEqualTo("10001");
	}

	@Test
	void livenessAndReadinessAnswer() throws Exception {
		for (String path : new String[] { "/actuator/health/liveness", "/actuator/health/readiness" }) {
			HttpResponse<String> res = HttpClient.newHttpClient()
				.send(HttpRequest
					.newBuilder(URI.create("http://" + APP.getHost() + ":" + APP.getMappedPort(8080) + path))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(res.statusCode()).as(path).isEqualTo(200);
		}
	}

}

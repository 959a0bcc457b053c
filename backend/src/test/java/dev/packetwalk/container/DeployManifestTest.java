package dev.packetwalk.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/packetwalk.yaml runs the image the way the image expects (no cluster needed to check that). */
class DeployManifestTest {

	static List<JsonNode> documents() throws IOException {
		Path file = DockerImageTest.ROOT.resolve("deploy/packetwalk.yaml");
		List<JsonNode> docs = new ArrayList<>();
		try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(Files.readString(file))) {
			while (it.hasNext()) {
				JsonNode n = it.next();
				if (n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0) {
					docs.add(n);
				}
			}
		}
		return docs;
	}

	@Test
	void theDeploymentProbesTheActuatorAndRunsLockedDown() throws IOException {
		JsonNode deployment = documents().stream().filter(d -> d.path("kind").asString().equals("Deployment")).findFirst().orElseThrow();
		JsonNode pod = deployment.at("/spec/template/spec");
		JsonNode c = pod.at("/containers/0");
		assertThat(c.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
		assertThat(c.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/readiness");
		assertThat(c.at("/startupProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
		assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
		assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
		assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
		assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
		assertThat(c.at("/resources/requests/memory").asString()).isNotEmpty();
		assertThat(c.at("/resources/limits/memory").asString()).isNotEmpty();
		// the only writable place is /tmp, where the image puts java.io.tmpdir
		assertThat(c.at("/volumeMounts/0/mountPath").asString()).isEqualTo("/tmp");
		assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();
		assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
	}

	@Test
	void theServiceSelectsTheDeploymentsPods() throws IOException {
		List<JsonNode> docs = documents();
		JsonNode deployment = docs.stream().filter(d -> d.path("kind").asString().equals("Deployment")).findFirst().orElseThrow();
		JsonNode service = docs.stream().filter(d -> d.path("kind").asString().equals("Service")).findFirst().orElseThrow();
		assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/template/metadata/labels"));
		assertThat(service.at("/spec/ports/0/targetPort").asString()).isEqualTo("http");
	}

	@Test
	void theImageMatchesTheManifest() throws IOException {
		String dockerfile = Files.readString(DockerImageTest.ROOT.resolve("Dockerfile"));
		assertThat(dockerfile).contains("USER 10001").contains("-Djava.io.tmpdir=/tmp").contains("MaxRAMPercentage")
			.contains("extract --layers");
	}

}

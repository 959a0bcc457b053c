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

/**
 * deploy/packetwalk.yaml runs the image the way the image expects (no cluster needed to
 * check that).
 */
class DeployManifestTest {

	static List<JsonNode> documents() throws IOException {
		return documents("deploy/packetwalk.yaml");
	}

	static List<JsonNode> documents(String path) throws IOException {
		Path file = DockerImageTest.ROOT.resolve(path);
		List<JsonNode> docs = new ArrayList<>();
		try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class)
			.readValues(Files.readString(file))) {
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
		JsonNode deployment = documents().stream()
			.filter(d -> d.path("kind").asString().equals("Deployment"))
			.findFirst()
			.orElseThrow();
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

	/**
	 * deploy/packetwalk-replicas.yaml: 3 replicas on the Redis store, a Service with no
	 * affinity, the Redis.
	 */
	@Test
	void theReplicasVariantSharesLiveSessionsThroughRedis() throws IOException {
		List<JsonNode> docs = documents("deploy/packetwalk-replicas.yaml");
		JsonNode app = docs.stream()
			.filter(d -> d.path("kind").asString().equals("Deployment")
					&& d.at("/metadata/name").asString().equals("packetwalk"))
			.findFirst()
			.orElseThrow();
		JsonNode redis = docs.stream()
			.filter(d -> d.path("kind").asString().equals("Deployment")
					&& d.at("/metadata/name").asString().equals("packetwalk-redis"))
			.findFirst()
			.orElseThrow();
		assertThat(app.at("/spec/replicas").asInt()).isEqualTo(3);
		JsonNode env = app.at("/spec/template/spec/containers/0/env");
		java.util.Map<String, String> vars = new java.util.HashMap<>();
		env.forEach(e -> vars.put(e.path("name").asString(), e.path("value").asString()));
		assertThat(vars).containsEntry("PACKETWALK_LIVE_STORE", "redis")
			.containsEntry("SPRING_DATA_REDIS_HOST", "packetwalk-redis");
		assertThat(app.at("/spec/template/spec/containers/0/readinessProbe/httpGet/path").asString())
			.isEqualTo("/actuator/health/readiness");
		JsonNode service = docs.stream()
			.filter(d -> d.path("kind").asString().equals("Service")
					&& d.at("/metadata/name").asString().equals("packetwalk"))
			.findFirst()
			.orElseThrow();
		assertThat(service.at("/spec/sessionAffinity").isMissingNode()).as("no affinity needed").isTrue();
		assertThat(service.at("/spec/selector")).isEqualTo(app.at("/spec/template/metadata/labels"));
		JsonNode redisService = docs.stream()
			.filter(d -> d.path("kind").asString().equals("Service")
					&& d.at("/metadata/name").asString().equals("packetwalk-redis"))
			.findFirst()
			.orElseThrow();
		assertThat(redisService.at("/spec/selector")).isEqualTo(redis.at("/spec/template/metadata/labels"));
		assertThat(redisService.at("/spec/ports/0/port").asInt())
			.isEqualTo(Integer.parseInt(vars.getOrDefault("SPRING_DATA_REDIS_PORT", "6379")));
	}

	@Test
	void theServiceSelectsTheDeploymentsPods() throws IOException {
		List<JsonNode> docs = documents();
		JsonNode deployment = docs.stream()
			.filter(d -> d.path("kind").asString().equals("Deployment"))
			.findFirst()
			.orElseThrow();
		JsonNode service = docs.stream()
			.filter(d -> d.path("kind").asString().equals("Service"))
			.findFirst()
			.orElseThrow();
		assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/template/metadata/labels"));
		assertThat(service.at("/spec/ports/0/targetPort").asString()).isEqualTo("http");
	}

	@Test
	void theImageMatchesTheManifest() throws IOException {
		String dockerfile = Files.readString(DockerImageTest.ROOT.resolve("Dockerfile"));
		assertThat(dockerfile).contains("USER 10001")
			.contains("-Djava.io.tmpdir=/tmp")
			.contains("MaxRAMPercentage")
			.contains("extract --layers");
	}

}

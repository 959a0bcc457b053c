package dev.packetwalk.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads NetworkPolicy manifests (YAML text or already-parsed maps) into the real fabric8
 * types with Jackson 3.
 */
public final class PolicyYaml {

	private static final ObjectMapper YAML = YAMLMapper.builder().build();

	private PolicyYaml() {
	}

	/**
	 * Converts one manifest map (as a scenario's {@code objects} list holds it). It must
	 * be {@code apiVersion: networking.k8s.io/v1}, {@code kind: NetworkPolicy}.
	 */
	public static NetworkPolicy convert(Map<String, Object> manifest) {
		if (manifest == null) {
			throw new IllegalArgumentException("NetworkPolicy manifest is empty");
		}
		Object kind = manifest.get("kind");
		Object apiVersion = manifest.get("apiVersion");
		if (!"NetworkPolicy".equals(kind) || !"networking.k8s.io/v1".equals(apiVersion)) {
			throw new IllegalArgumentException(
					"expected apiVersion networking.k8s.io/v1, kind NetworkPolicy; got apiVersion " + apiVersion
							+ ", kind " + kind);
		}
		try {
			return YAML.convertValue(manifest, NetworkPolicy.class);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"this manifest does not read as a networking.k8s.io/v1 NetworkPolicy: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads every document of a YAML stream ({@code ---} separated); empty documents are
	 * skipped.
	 */
	@SuppressWarnings("unchecked")
	public static List<NetworkPolicy> read(String yaml) {
		List<NetworkPolicy> result = new ArrayList<>();
		try (var docs = YAML.readerFor(Map.class).readValues(yaml)) {
			while (docs.hasNextValue()) {
				Map<String, Object> doc = (Map<String, Object>) docs.nextValue();
				if (doc != null && !doc.isEmpty()) {
					result.add(convert(doc));
				}
			}
		}
		return result;
	}

	/** Reads and compiles: the policies as the engine uses them. */
	public static List<Policy> compile(String yaml) {
		return PolicyCompiler.compileAll(read(yaml));
	}

}

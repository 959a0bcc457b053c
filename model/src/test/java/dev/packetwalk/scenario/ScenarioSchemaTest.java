package dev.packetwalk.scenario;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written schema and the {@link ScenarioDocument} records must agree: every
 * record component has a schema property of the same name (with a description), and no
 * schema property lacks a component, recursively.
 */
class ScenarioSchemaTest {

	@Test
	void schemaAndRecordsAgree() {
		List<String> mismatches = new ArrayList<>();
		compare(ScenarioDocument.class, ScenarioSchema.node(), "", mismatches);
		assertThat(mismatches).isEmpty();
	}

	/**
	 * The names an editor offers are the pod networks and proxy modes the compiler has,
	 * in the same order.
	 */
	@Test
	void networkAndProxyModeEnumsAreTheSealedStrategies() {
		JsonNode cluster = ScenarioSchema.node().at("/$defs/cluster/properties");
		List<String> networks = new ArrayList<>();
		cluster.get("network").get("enum").forEach(n -> networks.add(n.asString()));
		List<String> modes = new ArrayList<>();
		cluster.get("proxyMode").get("enum").forEach(n -> modes.add(n.asString()));
		assertThat(networks).isEqualTo(PodNetwork.names());
		assertThat(modes).isEqualTo(ProxyMode.names());
		assertThat(PodNetwork.ALL).extracting(n -> (Object) n.getClass())
			.containsExactlyInAnyOrder((Object[]) PodNetwork.class.getPermittedSubclasses());
		assertThat(ProxyMode.ALL).extracting(n -> (Object) n.getClass())
			.containsExactlyInAnyOrder((Object[]) ProxyMode.class.getPermittedSubclasses());
	}

	@Test
	void isDraft202012WithDescriptionsForEditors() {
		JsonNode schema = ScenarioSchema.node();
		assertThat(schema.get("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
		assertThat(schema.at("/properties/apiVersion/const").asString()).isEqualTo(ScenarioCompiler.API_VERSION);
		// manifests: apiVersion, kind and metadata.name required, anything else allowed
		JsonNode manifest = schema.at("/$defs/manifest");
		assertThat(manifest.get("required").toString()).contains("apiVersion", "kind", "metadata");
		assertThat(manifest.at("/properties/metadata/required").toString()).contains("name");
		assertThat(manifest.has("additionalProperties")).isFalse();
	}

	private static void compare(Class<?> record, JsonNode schema, String path, List<String> mismatches) {
		JsonNode props = resolve(schema).path("properties");
		Set<String> schemaNames = new TreeSet<>();
		props.propertyNames().forEach(schemaNames::add);
		Set<String> componentNames = new TreeSet<>();
		for (RecordComponent c : record.getRecordComponents()) {
			// the name in the file: the component's, or the one Jackson reads it by
			// (wait: → pause, a Java name clash)
			com.fasterxml.jackson.annotation.JsonProperty renamed = c.getAccessor()
				.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
			String name = renamed != null ? renamed.value() : c.getName();
			componentNames.add(name);
			String where = path + "/" + name;
			JsonNode prop = props.get(name);
			if (prop == null) {
				mismatches.add(where + ": record component " + record.getSimpleName() + "." + c.getName()
						+ " has no schema property");
				continue;
			}
			if (!prop.has("description") && !resolve(prop).has("description")) {
				mismatches.add(where + ": schema property has no description");
			}
			Class<?> nested = nestedRecord(c.getGenericType());
			if (nested != null) {
				JsonNode target = resolve(prop);
				if (c.getType() == List.class) {
					target = resolve(target.path("items"));
				}
				compare(nested, target, where, mismatches);
			}
		}
		for (String name : schemaNames) {
			if (!componentNames.contains(name)) {
				mismatches.add(path + "/" + name + ": schema property has no component in " + record.getSimpleName());
			}
		}
		if (!resolve(schema).path("additionalProperties").isBoolean()) {
			mismatches.add(path + ": schema must say additionalProperties: false (unknown fields are errors)");
		}
	}

	/**
	 * The record a component holds, directly or as the element of a list; null otherwise.
	 */
	private static Class<?> nestedRecord(Type type) {
		if (type instanceof Class<?> c) {
			return c.isRecord() ? c : null;
		}
		if (type instanceof ParameterizedType p && p.getRawType() == List.class
				&& p.getActualTypeArguments()[0] instanceof Class<?> e && e.isRecord()) {
			return e;
		}
		return null;
	}

	private static JsonNode resolve(JsonNode schema) {
		JsonNode n = schema;
		while (n.has("$ref")) {
			n = ScenarioSchema.schemaAt(List.of(n.get("$ref").asString().substring(2).split("/")));
		}
		return n;
	}

}

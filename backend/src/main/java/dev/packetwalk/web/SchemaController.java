package dev.packetwalk.web;

import dev.packetwalk.scenario.ScenarioSchema;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The scenario format's JSON Schema, for editors: every built-in scenario starts with
 * {@code # yaml-language-server: $schema=http://localhost:8080/schema/scenario.schema.json}.
 */
@RestController
class SchemaController {

	static final MediaType SCHEMA_JSON = MediaType.parseMediaType("application/schema+json");

	@GetMapping("/schema/scenario.schema.json")
	ResponseEntity<String> scenarioSchema() {
		return ResponseEntity.ok()
			.contentType(SCHEMA_JSON)
			.cacheControl(CacheControl.noCache())
			// editors running in a browser fetch it from another origin
			.header("Access-Control-Allow-Origin", "*")
			.body(ScenarioSchema.text());
	}

}

package dev.packetwalk.trace;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trace's JSON form, shared by the golden files, the API and the tests: record
 * components in declaration order, nulls omitted, so the same trace always prints the
 * same bytes.
 */
public final class TraceJson {

	private static final ObjectMapper MAPPER = JsonMapper.builder()
		.changeDefaultPropertyInclusion(
				incl -> incl.withValueInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL))
		.build();

	private static final ObjectMapper PRETTY = MAPPER.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();

	private TraceJson() {
	}

	public static ObjectMapper mapper() {
		return MAPPER;
	}

	public static String write(Object value) {
		return MAPPER.writeValueAsString(value);
	}

	public static String pretty(Object value) {
		return PRETTY.writeValueAsString(value) + "\n";
	}

}

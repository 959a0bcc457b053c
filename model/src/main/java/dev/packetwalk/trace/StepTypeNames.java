package dev.packetwalk.trace;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** The JSON type name of every step record, read once from its {@link JsonTypeName}. */
final class StepTypeNames {

	static final ClassValue<String> NAMES = new ClassValue<>() {
		@Override
		protected String computeValue(Class<?> type) {
			JsonTypeName name = type.getAnnotation(JsonTypeName.class);
			if (name == null) {
				throw new IllegalStateException(type.getName() + " is a step without @JsonTypeName");
			}
			return name.value();
		}
	};

	private StepTypeNames() {
	}

}

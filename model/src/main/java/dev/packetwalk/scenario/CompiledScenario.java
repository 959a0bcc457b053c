package dev.packetwalk.scenario;

import java.util.List;

import dev.packetwalk.engine.Scenario;

/**
 * A scenario ready to run: its catalogue entry, the engine's input, the default seed and
 * any warnings.
 */
public record CompiledScenario(String id, String title, String summary, List<String> tags, String level, String chapter,
		int order, String intro, String takeaway, long seed, Scenario scenario, List<ScenarioProblem> warnings,
		String source) {

	public CompiledScenario {
		tags = List.copyOf(tags);
		warnings = List.copyOf(warnings);
	}

}

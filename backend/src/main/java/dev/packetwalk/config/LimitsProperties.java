package dev.packetwalk.config;

import dev.packetwalk.scenario.ScenarioLimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code packetwalk.limits.*}: how big a scenario may be (docs/scenario-format.md, "Limits"). Unset values keep
 * {@link ScenarioLimits#DEFAULTS}.
 *
 * @param maxBodySize the largest scenario body {@code POST /api/trace} and {@code /api/validate} accept (413 above)
 */
@ConfigurationProperties("packetwalk.limits")
public record LimitsProperties(Integer maxCodePoints, Integer maxAliases, Integer maxDepth, Integer maxValues,
		Integer maxNodes, Integer maxPods, Integer maxFlows, Integer maxObjects, @DefaultValue("1MB") DataSize maxBodySize) {

	/** The model's limits: these settings over the defaults. */
	public ScenarioLimits toLimits() {
		ScenarioLimits d = ScenarioLimits.DEFAULTS;
		return new ScenarioLimits(or(maxCodePoints, d.maxCodePoints()), or(maxAliases, d.maxAliases()),
				or(maxDepth, d.maxDepth()), or(maxValues, d.maxValues()), or(maxNodes, d.maxNodes()),
				or(maxPods, d.maxPods()), or(maxFlows, d.maxFlows()), or(maxObjects, d.maxObjects()));
	}

	private static int or(Integer value, int fallback) {
		return value == null ? fallback : value;
	}

}

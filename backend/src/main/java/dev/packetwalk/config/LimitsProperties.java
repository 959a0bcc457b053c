package dev.packetwalk.config;

import java.time.Duration;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.scenario.ScenarioLimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code packetwalk.limits.*}: how big a scenario may be and how much work one request
 * may cause (docs/scenario-format.md, "Limits"; docs/api.md). Unset scenario values keep
 * {@link ScenarioLimits#DEFAULTS}.
 *
 * @param maxBodySize the largest scenario body {@code POST /api/trace} and
 * {@code /api/validate} accept (413 above)
 * @param maxHops the namespaces one walk may cross before it is dropped with
 * {@code HOP_LIMIT} (posted and local scenarios; built-in ones keep the model's 64)
 * @param maxRequestTime how long compiling and tracing one posted scenario may take
 * before the request is answered with 422 (the size limits keep the work bounded; this is
 * the backstop)
 * @param maxConcurrentWork threads per work lane (posted scenarios; catalogue work); 0 =
 * the number of processors
 * @param maxQueuedWork posted-scenario requests waiting for a thread; one more is
 * answered 503 with {@code Retry-After} at once
 * @param maxQueuedCatalogWork catalogue requests (built-in and local scenarios: cheap, an
 * audience's worth at once) waiting for a thread; one more: 503
 * @param maxTraceSteps the steps one trace may hold (422 above)
 * @param maxTraceSize the characters of narration, labels and payload text one trace may
 * hold, and the bytes of its JSON answer (422 above)
 * @param minUploadRate the slowest a request body may arrive, in bytes a second on
 * average since the request arrived (after its first second); slower: 408 at once. 0 =
 * only max-request-time bounds an upload
 */
@ConfigurationProperties("packetwalk.limits")
public record LimitsProperties(Integer maxCodePoints, Integer maxAliases, Integer maxDepth, Integer maxValues,
		Integer maxNodes, Integer maxPods, Integer maxFlows, Integer maxObjects, Integer maxRules,
		@DefaultValue("1MB") DataSize maxBodySize, @DefaultValue("64") int maxHops,
		@DefaultValue("10s") Duration maxRequestTime, @DefaultValue("0") int maxConcurrentWork,
		@DefaultValue("8") int maxQueuedWork, @DefaultValue("1000") int maxQueuedCatalogWork,
		@DefaultValue("100000") int maxTraceSteps, @DefaultValue("16MB") DataSize maxTraceSize,
		@DefaultValue("1KB") DataSize minUploadRate) {

	/** The default trace limits (100,000 steps, 16 MB) and upload rate (1 KB/s). */
	public LimitsProperties(Integer maxCodePoints, Integer maxAliases, Integer maxDepth, Integer maxValues,
			Integer maxNodes, Integer maxPods, Integer maxFlows, Integer maxObjects, Integer maxRules,
			DataSize maxBodySize, int maxHops, Duration maxRequestTime, int maxConcurrentWork, int maxQueuedWork,
			int maxQueuedCatalogWork) {
		this(maxCodePoints, maxAliases, maxDepth, maxValues, maxNodes, maxPods, maxFlows, maxObjects, maxRules,
				maxBodySize, maxHops, maxRequestTime, maxConcurrentWork, maxQueuedWork, maxQueuedCatalogWork, 100_000,
				DataSize.ofMegabytes(16), DataSize.ofKilobytes(1));
	}

	@ConstructorBinding
	public LimitsProperties {
		if (maxConcurrentWork == 0) {
			maxConcurrentWork = Runtime.getRuntime().availableProcessors();
		}
		if (maxConcurrentWork < 1 || maxQueuedWork < 1 || maxQueuedCatalogWork < 1) {
			throw new IllegalArgumentException(
					"packetwalk.limits.max-concurrent-work, max-queued-work and max-queued-catalog-work must be at least 1");
		}
		if (maxHops < 2 || maxHops > 255) {
			throw new IllegalArgumentException("packetwalk.limits.max-hops must be 2..255, was " + maxHops);
		}
		if (maxRequestTime.isNegative() || maxRequestTime.isZero()) {
			throw new IllegalArgumentException(
					"packetwalk.limits.max-request-time must be positive, was " + maxRequestTime);
		}
		if (minUploadRate.toBytes() < 0) {
			throw new IllegalArgumentException(
					"packetwalk.limits.min-upload-rate must be 0 or more, was " + minUploadRate);
		}
		if (maxTraceSteps < 1 || maxTraceSize.toBytes() < 1024) {
			throw new IllegalArgumentException(
					"packetwalk.limits.max-trace-steps must be at least 1 and max-trace-size at least 1KB");
		}
	}

	/**
	 * A budget without a deadline (catalogue work): max-trace-steps and max-trace-size;
	 * it ends when cancelled.
	 */
	public Budget untimedBudget() {
		return Budget.untimed(maxTraceSteps, maxTraceSize.toBytes());
	}

	/**
	 * A budget for one request, starting now: max-request-time, max-trace-steps,
	 * max-trace-size.
	 */
	public Budget budget() {
		return Budget.of(maxRequestTime, maxTraceSteps, maxTraceSize.toBytes());
	}

	/** The model's limits: these settings over the defaults. */
	public ScenarioLimits toLimits() {
		ScenarioLimits d = ScenarioLimits.DEFAULTS;
		return new ScenarioLimits(or(maxCodePoints, d.maxCodePoints()), or(maxAliases, d.maxAliases()),
				or(maxDepth, d.maxDepth()), or(maxValues, d.maxValues()), or(maxNodes, d.maxNodes()),
				or(maxPods, d.maxPods()), or(maxFlows, d.maxFlows()), or(maxObjects, d.maxObjects()),
				or(maxRules, d.maxRules()));
	}

	private static int or(Integer value, int fallback) {
		return value == null ? fallback : value;
	}

}

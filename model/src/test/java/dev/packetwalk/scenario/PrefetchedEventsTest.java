package dev.packetwalk.scenario;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A large file's events are parsed on another thread ({@link PrefetchedEvents}): the
 * tree, the positions and every problem must be what reading them in turn gives, and a
 * reader that gives up early must not leave the parser behind.
 */
class PrefetchedEventsTest {

	private static final ScenarioLimits LIMITS = ScenarioLimits.DEFAULTS;

	/**
	 * About 1.6 million characters of pods, with an anchor, an alias and block and flow
	 * styles mixed.
	 */
	private static String large(String tail) {
		StringBuilder y = new StringBuilder(
				"apiVersion: packetwalk.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: big\n")
			.append("defaults: &labels {app: web, tier: front}\ncluster:\n  pods:\n");
		for (int p = 0; p < 14_000; p++) {
			if (p % 1_000 == 0) {
				y.append("    - name: pod")
					.append(p)
					.append("\n      node: node")
					.append(p % 20)
					.append("\n      labels: *labels\n");
			}
			else {
				y.append("    - {name: pod")
					.append(p)
					.append(", node: node")
					.append(p % 20)
					.append(", ip: 10.64.")
					.append(p / 250)
					.append('.')
					.append(2 + p % 250)
					.append(", labels: {app: a")
					.append(p % 7)
					.append("}, containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]}\n");
			}
		}
		return y.append(tail).toString();
	}

	private static YamlTreeReader.Result read(String text, boolean positions, boolean prefetch) {
		return new YamlTreeReader(LIMITS, positions, prefetch ? 1 : Integer.MAX_VALUE).read(text);
	}

	@Test
	void theTreeAndItsPositionsAreTheSameEitherWay() {
		String text = large("flows: []\n");
		assertThat(text.length()).isGreaterThanOrEqualTo(YamlTreeReader.PREFETCH_CHARS);
		for (boolean positions : new boolean[] { false, true }) {
			YamlTreeReader.Result inTurn = read(text, positions, false);
			YamlTreeReader.Result ahead = read(text, positions, true);
			assertThat(ahead.root()).isEqualTo(inTurn.root());
			assertThat(ahead.size()).isEqualTo(inTurn.size());
			assertThat(ahead.values()).isEqualTo(inTurn.values());
			assertThat(ahead.keys()).isEqualTo(inTurn.keys());
		}
		assertThat(new YamlTreeReader(LIMITS, false).read(text).root()).isEqualTo(read(text, false, false).root());
	}

	private static YamlTreeReader.YamlReadException problem(String text, boolean prefetch) {
		return catchThrowableOfType(YamlTreeReader.YamlReadException.class, () -> read(text, true, prefetch));
	}

	/**
	 * A syntax error at the end (the parser's), a duplicate key at the end (the
	 * reader's): the same either way.
	 */
	@Test
	void problemsNearTheEndAreReportedAsInTurn() {
		for (String tail : new String[] { "flows: [ {id: a\n", "cluster: {}\n", "flows:\n  - {id: x, id: y}\n" }) {
			String text = large(tail);
			YamlTreeReader.YamlReadException inTurn = problem(text, false);
			YamlTreeReader.YamlReadException ahead = problem(text, true);
			assertThat(inTurn).as(tail).isNotNull();
			assertThat(ahead.getMessage()).isEqualTo(inTurn.getMessage());
			assertThat(ahead.line()).isEqualTo(inTurn.line());
			assertThat(ahead.column()).isEqualTo(inTurn.column());
		}
	}

	/**
	 * The reader stops at its own limit long before the parser is done: the parser thread
	 * must stop too.
	 */
	@Test
	void aReaderThatGivesUpEarlyStopsTheParser() {
		String text = large("flows: []\n");
		ScenarioLimits d = ScenarioLimits.DEFAULTS;
		ScenarioLimits few = new ScenarioLimits(d.maxCodePoints(), d.maxAliases(), d.maxDepth(), 5_000, d.maxNodes(),
				d.maxPods(), d.maxFlows(), d.maxObjects(), d.maxRules());
		long before = producers();
		for (int i = 0; i < 20; i++) {
			YamlTreeReader.YamlReadException ex = assertTimeoutPreemptively(Duration.ofSeconds(30),
					() -> catchThrowableOfType(YamlTreeReader.YamlReadException.class,
							() -> new YamlTreeReader(few, false, 1).read(text)));
			assertThat(ex.getMessage()).contains("more than 5000 values");
		}
		// each producer ends within a batch of being interrupted
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			while (producers() > before) {
				Thread.sleep(20);
			}
		});
	}

	private static long producers() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(t -> t.getName().equals("packetwalk-yaml-events"))
			.count();
	}

}

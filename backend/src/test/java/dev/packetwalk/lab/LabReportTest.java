package dev.packetwalk.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.packetwalk.scenario.CompiledScenario;

/**
 * The kernel lab's report as the build bundles it. Needs no root: it checks the committed
 * report against the built-in scenarios and the current model; {@link KernelLabTest}
 * checks it against a real lab run where one can run.
 */
class LabReportTest {

	private static final LabReport BUNDLED = LabReport.read(KernelLabTest.bundledReport());

	private static final String RERUN = " (run the lab as root: ./mvnw -B verify -pl backend -am -Dtest=KernelLabTest"
			+ " -Dsurefire.failIfNoSpecifiedTests=false -Dkernel-lab.update=true)";

	@Test
	void theBuildBundlesTheCommittedReport() {
		assertThat(LabReport.bundled()).as("classpath:" + LabReport.RESOURCE).isEqualTo(BUNDLED);
		assertThat(BUNDLED.kernel()).matches("\\d+\\.\\d+.*");
		assertThat(BUNDLED.date()).matches("\\d{4}-\\d{2}-\\d{2}");
	}

	@Test
	void everyBuiltInScenarioHasAnEntryAndNothingElseDoes() {
		List<String> ids = Scenarios.files()
			.stream()
			.map(Scenarios::compile)
			.map(CompiledScenario::id)
			.sorted()
			.toList();
		assertThat(BUNDLED.scenarios().keySet()).as("scenarios in the bundled lab report" + RERUN)
			.containsExactlyElementsOf(ids);
	}

	@Test
	void everyEntryIsAMatchOrModelOnlyForTheReasonTheLabGives() {
		for (Path file : Scenarios.files()) {
			CompiledScenario cs = Scenarios.compile(file);
			LabReport.Entry e = BUNDLED.scenarios().get(cs.id());
			var notHere = KernelLab.notReplayable(cs.scenario());
			if (notHere.isPresent()) {
				// IPVS (no ip_vs module here) or a timeline that waits longer than the
				// lab sits through: never a MATCH (SCTP is replayed by the lab's
				// raw-socket
				// player)
				assertThat(e.result()).as(cs.id()).isEqualTo(LabReport.MODEL_ONLY);
				assertThat(e.reason()).as(cs.id())
					.isEqualTo(notHere.get())
					.containsAnyOf("ip_vs", "the timeline waits");
			}
			else {
				assertThat(e.result()).as(cs.id()).isEqualTo(LabReport.MATCH);
			}
			// the scenario's seed, or the one whose trace reproduced the kernel's random
			// choices
			assertThat(e.seed()).as(cs.id()).isBetween(0L, Math.max(cs.seed(), KernelLab.SEED_SEARCH));
		}
	}

	@Test
	void theReportIsAboutTheCurrentModel() {
		for (Path file : Scenarios.files()) {
			CompiledScenario cs = Scenarios.compile(file);
			assertThat(BUNDLED.scenarios().get(cs.id()).fingerprint())
				.as("fingerprint of " + cs.id()
						+ ": the model or the scenario changed what the wire shows since the lab ran" + RERUN)
				.isEqualTo(LabReport.fingerprint(cs));
		}
	}

	@Test
	void theFingerprintFollowsWhatTheWireShows() {
		CompiledScenario same = Scenarios.compile("pod-to-pod-same-node");
		CompiledScenario other = Scenarios.compile("pod-to-service");
		assertThat(LabReport.fingerprint(same))
			.isEqualTo(LabReport.fingerprint(Scenarios.compile("pod-to-pod-same-node")))
			.isNotEqualTo(LabReport.fingerprint(other))
			.startsWith("sha256:");
	}

	@Test
	void aMatchWithFlowsItDidNotReplaySaysWhich() {
		FlowVerdict ok = new FlowVerdict("a", "a", true, "", List.of(), List.of(), List.of());
		FlowVerdict denied = FlowVerdict.modelOnly("b", "b", "", "denied by NetworkPolicy");
		LabReport.Entry e = LabReport.Entry.of(new ScenarioReport("x", 3, List.of(ok, denied), null, List.of()),
				"sha256:00");
		assertThat(e.result()).isEqualTo("MATCH");
		assertThat(e.reason()).isEqualTo("1 of 2 flows not replayed: denied by NetworkPolicy");
		FlowVerdict bad = new FlowVerdict("c", "c", false, "", List.of("first divergence: request leg", "dst port"),
				List.of(), List.of());
		LabReport.Entry m = LabReport.Entry.of(new ScenarioReport("x", 3, List.of(ok, bad), null, List.of()),
				"sha256:00");
		assertThat(m.result()).isEqualTo("MISMATCH");
		assertThat(m.reason()).contains("flow c", "first divergence");
	}

	@Test
	void writesAndReadsBack(@TempDir Path dir) {
		Path f = dir.resolve("r.json");
		BUNDLED.write(f);
		assertThat(LabReport.read(f)).isEqualTo(BUNDLED);
	}

}

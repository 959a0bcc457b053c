package dev.packetwalk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.lab.LabReport;

/** What the badge may claim: only a current lab result for a built-in scenario. */
class LabVerdictsTest {

	private static final ScenarioCatalog CATALOG;

	static {
		try {
			CATALOG = new ScenarioCatalog();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static ScenarioCatalog.Entry entry(String id) {
		return CATALOG.find(id).orElseThrow();
	}

	private static LabReport report(String id, String result, String fingerprint) {
		return new LabReport("6.18.44-test", "2026-12-01",
				Map.of(id, new LabReport.Entry(result, null, 1, fingerprint)));
	}

	@Test
	void aCurrentMatchIsShown() {
		ScenarioCatalog.Entry e = entry("pod-to-pod-same-node");
		LabVerdicts.Verified v = new LabVerdicts(report(e.id(), "MATCH", LabReport.fingerprint(e.scenario()))).of(e);
		assertThat(v).isEqualTo(new LabVerdicts.Verified("6.18.44-test", "2026-12-01", "MATCH", null));
		assertThat(v.match()).isTrue();
		assertThat(v.kernelShort()).isEqualTo("6.18");
	}

	@Test
	void aStaleEntryClaimsNothing() {
		ScenarioCatalog.Entry e = entry("pod-to-pod-same-node");
		assertThat(new LabVerdicts(report(e.id(), "MATCH", "sha256:feed")).of(e)).isNull();
	}

	@Test
	void aScenarioWithoutAnEntryClaimsNothing() {
		ScenarioCatalog.Entry e = entry("pod-to-pod-same-node");
		assertThat(new LabVerdicts(report("another", "MATCH", "sha256:feed")).of(e)).isNull();
		assertThat(new LabVerdicts(null).of(e)).isNull();
	}

	@Test
	void aLocalFileNeverGetsTheBuiltInsVerdict() {
		ScenarioCatalog.Entry b = entry("pod-to-pod-same-node");
		ScenarioCatalog.Entry local = new ScenarioCatalog.Entry(b.id(), b.scenario(), b.engine(), java.util.List.of(),
				ScenarioCatalog.Origin.LOCAL, "/tmp/pod-to-pod-same-node.yaml");
		assertThat(new LabVerdicts(report(b.id(), "MATCH", LabReport.fingerprint(b.scenario()))).of(local)).isNull();
	}

}

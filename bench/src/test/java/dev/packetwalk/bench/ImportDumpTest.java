package dev.packetwalk.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.packetwalk.importer.ClusterImporter;
import dev.packetwalk.importer.ImportOptions;
import dev.packetwalk.importer.ImportResult;
import dev.packetwalk.importer.ImportSource;
import dev.packetwalk.scenario.ScenarioCompiler;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's generated dump is what it claims: 2,000 pods that import into a valid
 * scenario.
 */
class ImportDumpTest {

	@Test
	void theGeneratedDumpImportsIntoAValidScenarioOf2000Pods() {
		String text = ImportDump.generate(20, 100);
		ImportResult r = ClusterImporter.importDumps(List.of(new ImportSource("dump.yaml", text)),
				ImportOptions.DEFAULTS);
		assertThat(r.summary()).startsWith("20 nodes, 2000 pods, 200 Services, 10 NetworkPolicies");
		// 200 Services × 10 endpoints on 20 nodes is about 128,000 rules: above the
		// default limit of 50,000
		var d = dev.packetwalk.scenario.ScenarioLimits.DEFAULTS;
		var limits = new dev.packetwalk.scenario.ScenarioLimits(d.maxCodePoints(), d.maxAliases(), d.maxDepth(),
				d.maxValues(), d.maxNodes(), d.maxPods(), d.maxFlows(), d.maxObjects(), 200_000);
		assertThat(new ScenarioCompiler(limits).compile("my-cluster.yaml", r.yaml()).scenario()).isNotNull();
		System.out.println("dump: " + text.length() + " characters");
	}

}

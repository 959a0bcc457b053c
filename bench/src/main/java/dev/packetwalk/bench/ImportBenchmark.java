package dev.packetwalk.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.packetwalk.importer.ClusterImporter;
import dev.packetwalk.importer.ImportOptions;
import dev.packetwalk.importer.ImportResult;
import dev.packetwalk.importer.ImportSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The cluster import of a generated 2,000-pod dump ({@link ImportDump}: 20 nodes × 100
 * pods, 200 Services with their EndpointSlices, managedFields and status as kubectl
 * prints them, about 10 MB):
 * <ul>
 * <li>{@code importDump}: the whole import, from the text to the scenario's YAML and
 * warnings;
 * <li>{@code parseOnly}: the baseline, the same text parsed into maps by the YAML parser
 * the import uses.
 * </ul>
 * <pre>java -jar bench/target/benchmarks.jar ImportBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class ImportBenchmark {

	@State(Scope.Benchmark)
	public static class Dump {

		String text;

		@Setup
		public void generate() {
			text = ImportDump.generate(20, 100);
		}

	}

	@Benchmark
	public ImportResult importDump(Dump d) {
		return ClusterImporter.importDumps(List.of(new ImportSource("dump.yaml", d.text)), ImportOptions.DEFAULTS);
	}

	@Benchmark
	public int parseOnly(Dump d) {
		int n = 0;
		for (Object doc : new Load(
				LoadSettings.builder().setCodePointLimit(ImportOptions.DEFAULT_MAX_CODE_POINTS).build())
			.loadAllFromString(d.text)) {
			n += doc == null ? 0 : 1;
		}
		return n;
	}

}

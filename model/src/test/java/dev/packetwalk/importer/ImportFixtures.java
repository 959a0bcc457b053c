package dev.packetwalk.importer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/** The dumps under src/test/resources/import/ and what tests do with them. */
final class ImportFixtures {

	static final List<String> ALL = List.of("kind.yaml", "flannel-vxlan.yaml", "kubeadm-ipvs.json", "gke.yaml");

	private ImportFixtures() {
	}

	static String text(String name) {
		try (InputStream in = ImportFixtures.class.getResourceAsStream("/import/" + name)) {
			if (in == null) {
				throw new IllegalArgumentException("no fixture " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static ImportResult load(String name, ImportOptions options) {
		return ClusterImporter.importDumps(List.of(new ImportSource(name, text(name))), options);
	}

	static CompiledScenario compile(ImportResult r) {
		return new ScenarioCompiler().compile("imported.yaml", r.yaml());
	}

	static Trace trace(ImportResult r) {
		CompiledScenario s = compile(r);
		return new Engine(s.scenario()).run(s.seed());
	}

	/** The address the request of the (last) walk of the flow was delivered to. */
	static String deliveredTo(Trace t) {
		Walk request = t.walks().stream().filter(w -> w.leg() == Walk.Leg.REQUEST).reduce((a, b) -> b).orElseThrow();
		if (!request.disposition().delivered()) {
			throw new AssertionError("not delivered: " + request.label() + " " + request.disposition());
		}
		Step last = request.hops().getLast().steps().getLast();
		return ((Step.Deliver) last).packet().ip().dst().toString();
	}

}

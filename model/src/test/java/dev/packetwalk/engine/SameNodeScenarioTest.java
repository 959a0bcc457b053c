package dev.packetwalk.engine;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import org.junit.jupiter.api.Test;

class SameNodeScenarioTest {

	@Test
	void prints() throws Exception {
		String text = Files.readString(Path.of(System.getProperty("scenarios.dir"), "pod-to-pod-same-node.yaml"));
		CompiledScenario s = new ScenarioCompiler().compile("pod-to-pod-same-node.yaml", text);
		Trace t = new Engine(s.scenario()).run(s.seed());
		System.out.println(TraceJson.pretty(t));
	}

}

package dev.packetwalk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenarios written from docs/scenario-format.md alone validate and run: one authored as
 * a newcomer would ({@code src/test/resources/authored/}), and the complete example in
 * the document itself.
 */
class AuthoredScenarioTest {

	@Test
	void theNewcomersDnsLookupValidatesAndRuns() throws IOException {
		String text;
		try (InputStream in = getClass().getResourceAsStream("/authored/dns-lookup-same-node.yaml")) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		CompiledScenario s = new ScenarioCompiler().compile("dns-lookup-same-node.yaml", text);
		assertThat(s.warnings()).isEmpty();
		Trace trace = new Engine(s.scenario()).run(s.seed());
		String json = TraceJson.write(trace);
		assertThat(trace.walks()).hasSize(2);
		assertThat(json).contains("\"outcome\":\"DELIVERED\"").doesNotContain("\"outcome\":\"DROPPED\"");
		// the query from the chosen port to 53, the answer back
		assertThat(json).contains("\"proto\":\"udp\",\"srcPort\":40000,\"dstPort\":53")
			.contains("\"proto\":\"udp\",\"srcPort\":53,\"dstPort\":40000");
	}

	@Test
	void theDocumentsCompleteExampleValidatesAndRuns() throws IOException {
		String doc = Files.readString(Path.of(System.getProperty("repo.root", ".."), "docs", "scenario-format.md"));
		Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
		String example = null;
		while (example == null && m.find()) {
			if (m.group(1).contains("kind: Scenario")) {
				example = m.group(1);
			}
		}
		assertThat(example).as("the complete example in docs/scenario-format.md").isNotNull();
		CompiledScenario s = new ScenarioCompiler().compile("udp-query-same-node.yaml", example);
		Trace trace = new Engine(s.scenario()).run(s.seed());
		assertThat(trace.walks()).hasSize(2);
		assertThat(TraceJson.write(trace)).doesNotContain("\"outcome\":\"DROPPED\"");
	}

}

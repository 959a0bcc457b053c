package dev.packetwalk.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.Trace;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The built-in scenarios, loaded from {@code classpath:scenarios/*.yaml} at startup and compiled once. A built-in
 * scenario that does not compile stops the application: the build's tests guarantee they all do.
 */
@Component
public class ScenarioCatalog {

	/** One loaded scenario and its engine (the indexed network is reused by every run). */
	public record Entry(CompiledScenario scenario, Engine engine) {
	}

	private final Map<String, Entry> entries = new LinkedHashMap<>();

	public ScenarioCatalog() throws IOException {
		ScenarioCompiler compiler = new ScenarioCompiler();
		Resource[] resources = new PathMatchingResourcePatternResolver().getResources("classpath*:scenarios/*.yaml");
		Arrays.sort(resources, Comparator.comparing(Resource::getFilename));
		List<Entry> loaded = new ArrayList<>();
		for (Resource r : resources) {
			String text;
			try (InputStream in = r.getInputStream()) {
				text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			CompiledScenario s = compiler.compile(r.getFilename(), text);
			loaded.add(new Entry(s, new Engine(s.scenario())));
		}
		loaded.sort(Comparator.comparing((Entry e) -> e.scenario().order()).thenComparing(e -> e.scenario().id()));
		for (Entry e : loaded) {
			entries.put(e.scenario().id(), e);
		}
	}

	public List<CompiledScenario> all() {
		return entries.values().stream().map(Entry::scenario).toList();
	}

	public Optional<Entry> find(String id) {
		return Optional.ofNullable(entries.get(id));
	}

	public Trace trace(Entry e, Long seed) {
		return e.engine().run(seed == null ? e.scenario().seed() : seed);
	}

}

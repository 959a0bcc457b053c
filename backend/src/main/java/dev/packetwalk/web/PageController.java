package dev.packetwalk.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.scenario.CompiledScenario;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The HTML pages: the scenario library and the player. */
@Controller
class PageController {

	/** The library's sections: one chapter and its scenarios, in catalogue order. */
	record Chapter(String title, List<CompiledScenario> scenarios) {
	}

	private final ScenarioCatalog catalog;

	PageController(ScenarioCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/")
	String index(Model model) {
		List<CompiledScenario> all = catalog.all();
		model.addAttribute("scenarios", all);
		model.addAttribute("chapters", chapters(all));
		model.addAttribute("broken", catalog.entries().stream().filter(e -> !e.valid()).toList());
		return "index";
	}

	@GetMapping("/scenarios/{id}")
	String player(@PathVariable String id, Model model) {
		ScenarioCatalog.Entry e = catalog.find(id).orElseThrow(() -> new ScenarioNotFoundException(id));
		if (!e.valid()) {
			// a local file with errors: show them (the page reloads itself when the file changes)
			model.addAttribute("entry", e);
			return "invalid";
		}
		model.addAttribute("scenario", e.scenario());
		return "player";
	}

	/**
	 * Groups the catalogue (already sorted by {@code order}) by chapter; a chapter comes where its first scenario
	 * does.
	 */
	static List<Chapter> chapters(List<CompiledScenario> scenarios) {
		Map<String, List<CompiledScenario>> byChapter = new LinkedHashMap<>();
		for (CompiledScenario s : scenarios) {
			String chapter = (s.chapter() == null || s.chapter().isBlank()) ? "More scenarios" : s.chapter();
			byChapter.computeIfAbsent(chapter, c -> new ArrayList<>()).add(s);
		}
		return byChapter.entrySet().stream().map(e -> new Chapter(e.getKey(), List.copyOf(e.getValue()))).toList();
	}

}

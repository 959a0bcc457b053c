package dev.packetwalk.web;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.scenario.CompiledScenario;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The HTML pages: the scenario library and the player. */
@Controller
class PageController {

	private final ScenarioCatalog catalog;

	PageController(ScenarioCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/")
	String index(Model model) {
		model.addAttribute("scenarios", catalog.all());
		return "index";
	}

	@GetMapping("/scenarios/{id}")
	String player(@PathVariable String id, Model model) {
		CompiledScenario s = catalog.find(id).orElseThrow(() -> new ScenarioNotFoundException(id)).scenario();
		model.addAttribute("scenario", s);
		return "player";
	}

}

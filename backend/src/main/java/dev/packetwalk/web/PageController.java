package dev.packetwalk.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.web.live.LiveSessions;
import dev.packetwalk.web.live.LiveState;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The HTML pages: the scenario library, the player, the embeddable player
 * ({@code /embed/{id}}), a live session's follower page ({@code /live/{code}}) and the
 * presenter's speaker-notes window.
 */
@Controller
class PageController {

	/** The library's sections: one chapter and its scenarios, in catalogue order. */
	record Chapter(String title, List<CompiledScenario> scenarios) {
	}

	private final ScenarioCatalog catalog;

	private final LiveSessions live;

	private final LabVerdicts verdicts;

	private final RandomChoices random;

	PageController(ScenarioCatalog catalog, LiveSessions live, LabVerdicts verdicts, RandomChoices random) {
		this.catalog = catalog;
		this.live = live;
		this.verdicts = verdicts;
		this.random = random;
	}

	@GetMapping("/")
	String index(Model model) {
		List<CompiledScenario> all = catalog.all();
		model.addAttribute("scenarios", all);
		model.addAttribute("chapters", chapters(all));
		model.addAttribute("broken", catalog.entries().stream().filter(e -> !e.valid()).toList());
		model.addAttribute("pairs", EvidencePageController.PAIRS);
		return "index";
	}

	@GetMapping("/scenarios/{id}")
	String player(@PathVariable String id, Model model) {
		ScenarioCatalog.Entry e = CatalogLookup.existing(catalog, id);
		if (!e.valid()) {
			// a local file with errors: show them (the page reloads itself when the file
			// changes)
			model.addAttribute("entry", e);
			return "invalid";
		}
		model.addAttribute("scenario", e.scenario());
		model.addAttribute("mode", "player");
		model.addAttribute("verified", verdicts.of(e));
		model.addAttribute("randomFlows", random.flows(e));
		// presenter mode's scenario switcher: a talk moves through several scenarios
		// without leaving the mode
		model.addAttribute("catalog", catalog.all());
		return "player";
	}

	/**
	 * The player without the site's chrome, for an iframe in slides or a blog post; same
	 * deep-link parameters.
	 */
	@GetMapping("/embed/{id}")
	String embed(@PathVariable String id, Model model) {
		ScenarioCatalog.Entry e = CatalogLookup.runnable(catalog, id);
		model.addAttribute("scenario", e.scenario());
		model.addAttribute("mode", "embed");
		return "embed";
	}

	/**
	 * A follower's page: the player at the presenter's current view, kept in sync over
	 * SSE by live.js.
	 */
	@GetMapping("/live/{code}")
	Mono<String> live(@PathVariable String code, Model model, ServerHttpResponse response) {
		return live.current(code).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()).map(found -> {
			LiveState state = found.orElse(null);
			ScenarioCatalog.Entry e = state == null ? null
					: catalog.find(state.scenario()).filter(ScenarioCatalog.Entry::valid).orElse(null);
			if (e == null) {
				response.setStatusCode(HttpStatus.NOT_FOUND);
				model.addAttribute("code", code);
				return "live-ended";
			}
			model.addAttribute("scenario", e.scenario());
			model.addAttribute("mode", "live");
			model.addAttribute("liveCode", LiveSessions.normalize(code));
			model.addAttribute("live", state);
			return "live";
		});
	}

	/**
	 * The speaker-notes window a presenter opens beside the projected player (synced over
	 * BroadcastChannel).
	 */
	@GetMapping("/presenter/notes")
	String notes() {
		return "notes";
	}

	/**
	 * Groups the catalogue (already sorted by {@code order}) by chapter; a chapter comes
	 * where its first scenario does.
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

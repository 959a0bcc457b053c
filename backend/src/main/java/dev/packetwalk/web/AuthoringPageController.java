package dev.packetwalk.web;

import java.util.List;

import dev.packetwalk.catalog.ScenarioCatalog;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The authoring pages: the scenario editor ({@code /editor}: a scratch draft;
 * {@code /editor/{id}}: a scenario's YAML), the player on a draft
 * ({@code /editor/{id}/play}: the page posts the draft kept in the browser), and a
 * NetworkPolicy scenario's reachability grid ({@code /scenarios/{id}/reachability}).
 */
@Controller
class AuthoringPageController {

	/** The draft key of the scratch pad ({@code /editor}). */
	static final String SCRATCH = "new";

	/** A scenario the editor can open, for its picker. */
	record Choice(String id, String title, String chapter) {
	}

	private final ScenarioCatalog catalog;

	private final ImportMap importMap;

	AuthoringPageController(ScenarioCatalog catalog, ImportMap importMap) {
		this.catalog = catalog;
		this.importMap = importMap;
	}

	@GetMapping("/editor")
	String scratch(Model model) {
		return editor(SCRATCH, null, model);
	}

	@GetMapping("/editor/{id}")
	String editor(@PathVariable String id, Model model) {
		if (catalog.find(id).isEmpty()) {
			if (!SCRATCH.equals(id)) {
				throw new ScenarioNotFoundException(id);
			}
			return editor(SCRATCH, null, model);
		}
		return editor(id, id, model);
	}

	private String editor(String draftKey, String scenarioId, Model model) {
		List<Choice> choices = catalog.entries()
			.stream()
			.map(e -> e.valid() ? new Choice(e.id(), e.scenario().title(), e.scenario().chapter())
					: new Choice(e.id(), e.id() + " (has errors)", "Scenarios with errors"))
			.toList();
		model.addAttribute("draftKey", draftKey);
		model.addAttribute("scenarioId", scenarioId == null ? "" : scenarioId);
		model.addAttribute("choices", choices);
		model.addAttribute("importMap", importMap.json());
		model.addAttribute("writable", catalog.writable());
		return "editor";
	}

	/**
	 * The player on a draft: the page is the player's, its scenario a placeholder; the
	 * browser posts the draft stored under {@code id} to {@code POST /api/resolve} and
	 * {@code POST /api/trace}.
	 */
	@GetMapping("/editor/{id}/play")
	String playDraft(@PathVariable String id, Model model) {
		model.addAttribute("scenario", new DraftView(id));
		model.addAttribute("mode", "player");
		model.addAttribute("catalog", catalog.all());
		return "player";
	}

	@GetMapping("/scenarios/{id}/reachability")
	String reachability(@PathVariable String id, Model model) {
		ScenarioCatalog.Entry e = CatalogLookup.runnable(catalog, id);
		model.addAttribute("scenario", e.scenario());
		model.addAttribute("hasPolicies", e.scenario().scenario().policies() != null);
		return "reachability";
	}

}

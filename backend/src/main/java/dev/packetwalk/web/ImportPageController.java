package dev.packetwalk.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /import}: paste or upload what kubectl printed, pick a source and a destination,
 * play that flow. The page posts the dump to {@code POST /api/import} and plays the
 * scenario as an editor draft ({@code /editor/import/play}).
 */
@Controller
class ImportPageController {

	@GetMapping("/import")
	String page() {
		return "import";
	}

}

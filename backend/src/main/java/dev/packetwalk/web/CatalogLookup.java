package dev.packetwalk.web;

import dev.packetwalk.catalog.ScenarioCatalog;

/**
 * A scenario id from a URL, looked up in the catalogue: what every page and endpoint
 * answers when it is not there.
 */
final class CatalogLookup {

	private CatalogLookup() {
	}

	/** The entry, valid or not (a local file with errors); 404 when there is none. */
	static ScenarioCatalog.Entry existing(ScenarioCatalog catalog, String id) {
		return catalog.find(id).orElseThrow(() -> new ScenarioNotFoundException(id));
	}

	/**
	 * The entry, which must compile (a local file with errors: 422 with its errors); 404
	 * when there is none.
	 */
	static ScenarioCatalog.Entry runnable(ScenarioCatalog catalog, String id) {
		ScenarioCatalog.Entry e = existing(catalog, id);
		if (!e.valid()) {
			throw new InvalidScenarioException(id, e.errors());
		}
		return e;
	}

}

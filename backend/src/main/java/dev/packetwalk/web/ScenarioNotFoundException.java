package dev.packetwalk.web;

/** A request named a scenario id the catalogue does not have. */
class ScenarioNotFoundException extends RuntimeException {

	private final String id;

	ScenarioNotFoundException(String id) {
		super("No scenario with id '" + id + "'. GET /api/scenarios lists the ids.");
		this.id = id;
	}

	String id() {
		return id;
	}

}

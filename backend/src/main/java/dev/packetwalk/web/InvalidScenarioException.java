package dev.packetwalk.web;

import java.util.List;

import dev.packetwalk.scenario.ScenarioProblem;

/**
 * A request named a local scenario whose file does not compile: there is nothing to run
 * until it is fixed.
 */
class InvalidScenarioException extends RuntimeException {

	private final String id;

	private final List<ScenarioProblem> errors;

	InvalidScenarioException(String id, List<ScenarioProblem> errors) {
		super("Scenario '" + id + "' has errors; fix its file and it reloads.");
		this.id = id;
		this.errors = List.copyOf(errors);
	}

	String id() {
		return id;
	}

	List<ScenarioProblem> errors() {
		return errors;
	}

}

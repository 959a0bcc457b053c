package dev.packetwalk.scenario;

import java.util.List;
import java.util.stream.Collectors;

/** A scenario that cannot be compiled, with every problem found (not just the first). */
public class ScenarioException extends RuntimeException {

	private final List<ScenarioProblem> problems;

	public ScenarioException(List<ScenarioProblem> problems) {
		super(problems.stream().map(ScenarioProblem::toString).collect(Collectors.joining("\n")));
		this.problems = List.copyOf(problems);
	}

	public List<ScenarioProblem> problems() {
		return problems;
	}

}

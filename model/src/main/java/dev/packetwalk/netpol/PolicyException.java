package dev.packetwalk.netpol;

import java.util.List;

/**
 * A NetworkPolicy the API server would reject; {@link #problems()} lists every problem,
 * each naming policy and field.
 */
public class PolicyException extends IllegalArgumentException {

	private final List<String> problems;

	public PolicyException(List<String> problems) {
		super(String.join("\n", problems));
		this.problems = List.copyOf(problems);
	}

	public List<String> problems() {
		return problems;
	}

}

package dev.packetwalk.lab;

import java.util.List;

/**
 * The verdict for one scenario: MATCH when every flow matched.
 *
 * @param scenario the scenario id
 * @param seed the seed the model's trace was made with
 * @param flows one verdict per flow, in order
 * @param error why the lab could not finish (then the scenario is not a match), or null
 * @param keptCommands with {@code --keep}: how to poke at and delete the namespaces (empty otherwise)
 */
public record ScenarioReport(String scenario, long seed, List<FlowVerdict> flows, String error,
		List<String> keptCommands) {

	public ScenarioReport {
		flows = List.copyOf(flows);
		keptCommands = List.copyOf(keptCommands);
	}

	public boolean match() {
		return error == null && !flows.isEmpty() && flows.stream().allMatch(FlowVerdict::match);
	}

	public String render() {
		StringBuilder sb = new StringBuilder();
		sb.append("scenario ").append(scenario).append(" (seed ").append(seed).append("): ")
			.append(match() ? "MATCH" : error != null ? "ERROR" : "MISMATCH").append('\n');
		if (error != null) {
			sb.append("  ").append(error).append('\n');
		}
		for (FlowVerdict f : flows) {
			sb.append(f.render());
		}
		if (!keptCommands.isEmpty()) {
			sb.append('\n');
			keptCommands.forEach(c -> sb.append(c).append('\n'));
		}
		return sb.toString();
	}

}

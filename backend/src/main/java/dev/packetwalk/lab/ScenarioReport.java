package dev.packetwalk.lab;

import java.util.List;

/**
 * The verdict for one scenario: MATCH when every flow matched.
 *
 * @param scenario the scenario id
 * @param seed the seed the model's trace was made with
 * @param flows one verdict per flow, in order
 * @param error why the lab could not finish (then the scenario is not a match), or null
 * @param keptCommands with {@code --keep}: how to poke at and delete the namespaces
 * (empty otherwise)
 * @param notes scenario-wide facts (e.g. which seed reproduces the kernel's random
 * choices)
 */
public record ScenarioReport(String scenario, long seed, List<FlowVerdict> flows, String error,
		List<String> keptCommands, List<String> notes) {

	public ScenarioReport {
		flows = List.copyOf(flows);
		keptCommands = List.copyOf(keptCommands);
		notes = List.copyOf(notes);
	}

	public ScenarioReport(String scenario, long seed, List<FlowVerdict> flows, String error,
			List<String> keptCommands) {
		this(scenario, seed, flows, error, keptCommands, List.of());
	}

	/**
	 * No error and no mismatch: every flow the kernel replayed matched (flows the lab
	 * cannot replay are reported as model-only and do not count either way).
	 */
	public boolean match() {
		return error == null && !flows.isEmpty() && flows.stream().allMatch(f -> f.match() || f.isModelOnly());
	}

	/** Nothing was replayed in a kernel: every flow is model-only. */
	public boolean modelOnly() {
		return error == null && !flows.isEmpty() && flows.stream().allMatch(FlowVerdict::isModelOnly);
	}

	/** MATCH, MISMATCH, ERROR or MODEL ONLY. */
	public String status() {
		return error != null ? "ERROR" : modelOnly() ? "MODEL ONLY" : match() ? "MATCH" : "MISMATCH";
	}

	public String render() {
		StringBuilder sb = new StringBuilder();
		sb.append("scenario ")
			.append(scenario)
			.append(" (seed ")
			.append(seed)
			.append("): ")
			.append(status())
			.append('\n');
		if (error != null) {
			sb.append("  ").append(error).append('\n');
		}
		for (String n : notes) {
			sb.append("  note: ").append(n).append('\n');
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

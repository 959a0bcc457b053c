package dev.packetwalk.lab;

import java.util.List;

/**
 * The result of comparing one flow: MATCH, or the first divergence in readable form.
 *
 * @param flowId the flow
 * @param label its label
 * @param match whether the kernel did what the model says
 * @param summary one line: counts, client outcome, last place seen
 * @param diff the readable difference (empty on a match)
 * @param notes facts worth knowing that do not decide the verdict (kernel-generated errors, VXLAN source ports...)
 * @param seen every deduplicated kernel observation of the flow, in time order (for the report's detail)
 */
public record FlowVerdict(String flowId, String label, boolean match, String summary, List<String> diff,
		List<String> notes, List<Observation> seen) {

	public FlowVerdict {
		diff = List.copyOf(diff);
		notes = List.copyOf(notes);
		seen = List.copyOf(seen);
	}

	public String render() {
		StringBuilder sb = new StringBuilder();
		sb.append("  flow ").append(flowId).append(" (").append(label).append("): ").append(match ? "MATCH" : "MISMATCH")
			.append('\n');
		sb.append("    ").append(summary).append('\n');
		for (String d : diff) {
			sb.append("    ").append(d).append('\n');
		}
		for (String n : notes) {
			sb.append("    note: ").append(n).append('\n');
		}
		return sb.toString();
	}

}

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
 * @param notes facts worth knowing that do not decide the verdict (kernel-generated
 * errors, VXLAN source ports...)
 * @param seen every deduplicated kernel observation of the flow, in time order (for the
 * report's detail)
 * @param modelOnly why the lab cannot replay this flow in a kernel (then it is neither a
 * match nor a mismatch), or null
 */
public record FlowVerdict(String flowId, String label, boolean match, String summary, List<String> diff,
		List<String> notes, List<Observation> seen, String modelOnly) {

	public FlowVerdict {
		diff = List.copyOf(diff);
		notes = List.copyOf(notes);
		seen = List.copyOf(seen);
		if (modelOnly != null && match) {
			throw new IllegalArgumentException("a flow the kernel did not replay cannot be a match");
		}
	}

	public FlowVerdict(String flowId, String label, boolean match, String summary, List<String> diff,
			List<String> notes, List<Observation> seen) {
		this(flowId, label, match, summary, diff, notes, seen, null);
	}

	/** A flow the lab does not replay, with the reason. */
	public static FlowVerdict modelOnly(String flowId, String label, String summary, String why) {
		return new FlowVerdict(flowId, label, false, summary, List.of(), List.of(), List.of(), why);
	}

	/** Neither a mismatch nor a replayed match: the kernel was not asked. */
	public boolean isModelOnly() {
		return modelOnly != null;
	}

	/** The same verdict with one more note. */
	public FlowVerdict withNote(String note) {
		List<String> more = new java.util.ArrayList<>(notes);
		more.add(note);
		return new FlowVerdict(flowId, label, match, summary, diff, more, seen, modelOnly);
	}

	public String render() {
		StringBuilder sb = new StringBuilder();
		sb.append("  flow ")
			.append(flowId)
			.append(" (")
			.append(label)
			.append("): ")
			.append(match ? "MATCH" : modelOnly != null ? "MODEL ONLY" : "MISMATCH")
			.append('\n');
		sb.append("    ").append(summary).append('\n');
		if (modelOnly != null) {
			sb.append("    not replayed: ").append(modelOnly).append('\n');
		}
		for (String d : diff) {
			sb.append("    ").append(d).append('\n');
		}
		for (String n : notes) {
			sb.append("    note: ").append(n).append('\n');
		}
		return sb.toString();
	}

}

package dev.packetwalk.web;

import java.util.Map;
import java.util.WeakHashMap;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.lab.LabReport;

import org.springframework.stereotype.Component;

/**
 * "Verified on Linux": the kernel lab's verdict on a built-in scenario, from the report
 * the build bundles ({@link LabReport#RESOURCE}). A scenario gets one only when it is
 * built in, the report has an entry for it, and that entry's fingerprint is the current
 * model's (so a scenario or model changed since the lab ran claims nothing). A local
 * file, even one that shadows a built-in id, never does.
 */
@Component
public class LabVerdicts {

	/**
	 * What the API and the player show.
	 *
	 * @param kernel the kernel release the lab ran on ({@code 6.18.44-...})
	 * @param date the day of the lab run
	 * @param result MATCH (hop for hop), MODEL ONLY (the lab cannot build it here), or
	 * MISMATCH / ERROR
	 * @param reason why, when not a plain MATCH; else null
	 */
	public record Verified(String kernel, String date, String result, String reason) {

		public boolean match() {
			return LabReport.MATCH.equals(result);
		}

		public boolean modelOnly() {
			return LabReport.MODEL_ONLY.equals(result);
		}

		/** {@code 6.18} of {@code 6.18.44-fc-v1147}: what the badge names. */
		public String kernelShort() {
			String[] parts = kernel.split("[.-]");
			return parts.length >= 2 ? parts[0] + "." + parts[1] : kernel;
		}

	}

	private final LabReport report;

	/**
	 * The fingerprint check runs the model once per scenario; remembered per compiled
	 * engine.
	 */
	private final Map<Object, Verified> memo = new WeakHashMap<>();

	private static final Verified NONE = new Verified("", "", "", null);

	public LabVerdicts() {
		this(LabReport.bundled());
	}

	LabVerdicts(LabReport report) {
		this.report = report;
	}

	/** The verdict for a catalogue entry, or null when there is none to show. */
	public Verified of(ScenarioCatalog.Entry e) {
		if (report == null || !e.valid() || e.origin() != ScenarioCatalog.Origin.BUILT_IN) {
			return null;
		}
		LabReport.Entry entry = report.scenarios().get(e.id());
		if (entry == null) {
			return null;
		}
		Verified v;
		synchronized (memo) {
			v = memo.get(e.engine());
		}
		if (v == null) {
			boolean current = entry.fingerprint().equals(LabReport.fingerprint(e.scenario()));
			v = current ? new Verified(report.kernel(), report.date(), entry.result(), entry.reason()) : NONE;
			synchronized (memo) {
				memo.put(e.engine(), v);
			}
		}
		return v == NONE ? null : v;
	}

}

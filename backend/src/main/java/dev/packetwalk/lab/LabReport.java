package dev.packetwalk.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.engine.Flow;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.trace.Trace;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The kernel lab's report on the built-in scenarios, as the build bundles it
 * ({@code classpath:kernel-lab/report.json}, written by {@code KernelLabTest} from a real
 * lab run with {@code -Dkernel-lab.update=true}). Each entry carries the
 * {@link #fingerprint fingerprint} of what the lab compared: the model's trace projected
 * onto the observation points. An entry whose fingerprint is not the current model's is
 * stale (the scenario or the model changed since the run) and claims nothing.
 *
 * @param kernel the kernel release the lab ran on ({@code uname -r})
 * @param date the day of the run, ISO-8601 ({@code 2026-12-03})
 * @param scenarios one entry per scenario id, sorted by id
 */
public record LabReport(String kernel, String date, Map<String, Entry> scenarios) {

	/** The lab's verdict statuses, as {@link ScenarioReport#status()} names them. */
	public static final String MATCH = "MATCH";

	public static final String MODEL_ONLY = "MODEL ONLY";

	/** Where the build bundles the report. */
	public static final String RESOURCE = "kernel-lab/report.json";

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	/**
	 * One scenario's verdict.
	 *
	 * @param result MATCH, MODEL ONLY, MISMATCH or ERROR
	 * @param reason why, when not MATCH (the lab's own words); for a MATCH with flows the
	 * lab did not replay, which and why; else null
	 * @param seed the seed of the model's trace the kernel run was judged against: the
	 * scenario's, or the first one that reproduces the kernel's random choices (see
	 * docs/kernel-lab.md)
	 * @param fingerprint {@link LabReport#fingerprint} of the scenario when the lab ran
	 * it
	 */
	public record Entry(String result, String reason, long seed, String fingerprint) {

		public Entry {
			if (result == null || result.isBlank()) {
				throw new IllegalArgumentException("a lab report entry needs a result");
			}
			if (fingerprint == null || fingerprint.isBlank()) {
				throw new IllegalArgumentException("a lab report entry needs the scenario's fingerprint");
			}
		}

		/** The entry for one finished lab run of a scenario. */
		public static Entry of(ScenarioReport r, String fingerprint) {
			String status = r.status();
			String reason = switch (status) {
				case MATCH -> {
					List<FlowVerdict> skipped = r.flows().stream().filter(FlowVerdict::isModelOnly).toList();
					yield skipped.isEmpty() ? null : skipped.size() + " of " + r.flows().size()
							+ " flows not replayed: " + skipped.getFirst().modelOnly();
				}
				case MODEL_ONLY -> r.flows().getFirst().modelOnly();
				default -> r.error() != null ? r.error() : r.flows()
					.stream()
					.filter(f -> !f.match() && !f.isModelOnly())
					.map(f -> "flow " + f.flowId() + ": " + String.join(" ", f.diff().stream().limit(2).toList()))
					.findFirst()
					.orElse(status);
			};
			return new Entry(status, reason, r.seed(), fingerprint);
		}

	}

	public LabReport {
		scenarios = java.util.Collections.unmodifiableMap(new TreeMap<>(scenarios));
	}

	/** The report bundled in the build, or null when there is none. */
	public static LabReport bundled() {
		try (InputStream in = LabReport.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			return in == null ? null : read(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static LabReport read(InputStream in) {
		return JSON.readValue(in, LabReport.class);
	}

	public static LabReport read(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			return read(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public void write(Path file) {
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, JSON.writeValueAsString(this) + "\n", StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** This report with one more (or a replaced) entry. */
	public LabReport with(String id, Entry e) {
		Map<String, Entry> all = new TreeMap<>(scenarios);
		all.put(id, e);
		return new LabReport(kernel, date, all);
	}

	/**
	 * What the lab compares for a scenario, hashed: every flow's projection of the
	 * model's trace at the scenario seed (observation points with their headers,
	 * dispositions, where each walk ends, the client socket's fate). A change to the
	 * scenario or the model that changes what the wire shows changes the fingerprint; one
	 * that does not (a caption, a new trace field) leaves it.
	 */
	public static String fingerprint(CompiledScenario cs) {
		Trace trace = new Engine(cs.scenario()).run(cs.seed());
		StringBuilder sb = new StringBuilder();
		for (Flow f : cs.scenario().sentFlows()) {
			FlowExpectation e = Projection.expect(trace, f.id());
			sb.append("flow ").append(e.flowId()).append(' ').append(e.protocol()).append('\n');
			e.observations().forEach(o -> sb.append(o).append('\n'));
			sb.append(e.request()).append(' ').append(e.requestEnd()).append('\n');
			sb.append(e.reply()).append(' ').append(e.replyEnd()).append('\n');
			e.clientOutcomes().stream().map(Enum::name).sorted().forEach(o -> sb.append(o).append(' '));
			sb.append('\n');
		}
		try {
			byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
			return "sha256:" + HexFormat.of().formatHex(d);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

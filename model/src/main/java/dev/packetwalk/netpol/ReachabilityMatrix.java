package dev.packetwalk.netpol;

import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.net.Protocol;

/**
 * The verdict for every ordered pair of pods on one port and protocol, the model's answer
 * to an upstream e2e reachability probe. {@code rows.get(i).get(j)} is pod i to pod j.
 */
public record ReachabilityMatrix(List<PolicyPod> pods, Protocol protocol, int port, List<List<Verdict>> rows) {

	public ReachabilityMatrix {
		pods = List.copyOf(pods);
		rows = rows.stream().map(List::copyOf).toList();
		int n = pods.size();
		if (rows.size() != n || rows.stream().anyMatch(r -> r.size() != n)) {
			throw new IllegalArgumentException("a reachability matrix is square: one row and one column per pod");
		}
	}

	public Verdict verdict(PolicyPod from, PolicyPod to) {
		int i = pods.indexOf(from);
		int j = pods.indexOf(to);
		if (i < 0 || j < 0) {
			throw new IllegalArgumentException("pod " + (i < 0 ? from : to) + " is not in this matrix");
		}
		return rows.get(i).get(j);
	}

	public boolean allowed(PolicyPod from, PolicyPod to) {
		return verdict(from, to).allowed();
	}

	/** Every verdict, row by row. */
	public List<Verdict> cells() {
		return rows.stream().flatMap(List::stream).toList();
	}

	/** Every denied pair's one-line reason, row by row. */
	public List<String> deniedReasons() {
		return cells().stream().filter(v -> !v.allowed()).map(Verdict::summary).toList();
	}

	/**
	 * Upstream's {@code TruthTable.PrettyPrint} layout: a header {@code -} then every
	 * pod, one row per source pod, {@code .} for allowed and {@code X} for blocked, cells
	 * separated by tabs.
	 */
	public String toTruthTable() {
		List<String> lines = new ArrayList<>();
		List<String> header = new ArrayList<>();
		header.add("-");
		pods.forEach(p -> header.add(p.id()));
		lines.add(String.join("\t", header));
		for (int i = 0; i < pods.size(); i++) {
			List<String> line = new ArrayList<>();
			line.add(pods.get(i).id());
			for (Verdict v : rows.get(i)) {
				line.add(v.allowed() ? "." : "X");
			}
			lines.add(String.join("\t", line));
		}
		return String.join("\n", lines);
	}

}

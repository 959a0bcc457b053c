package dev.packetwalk.lab;

import java.util.List;

/**
 * The lab's guard rail: before any command runs, it must be confined to a namespace of
 * this run. Allowed are only
 * <ul>
 * <li>{@code ip netns add|del <lab ns>}, {@code ip netns list},
 * {@code ip netns pids <lab-prefixed ns>};</li>
 * <li>{@code ip -n <lab ns> ...} (any peer named with {@code netns} must be a lab
 * namespace too);</li>
 * <li>{@code bridge -n <lab ns> ...};</li>
 * <li>{@code ip netns exec <lab ns> ...} (sysctl, iptables-restore, tcpdump, python3 all
 * run inside).</li>
 * </ul>
 * Anything else (an {@code ip link add} in the root namespace, a bare sysctl, iptables on
 * the host) is refused.
 */
public final class Safety {

	private Safety() {
	}

	/**
	 * Throws {@link IllegalStateException} unless the command is confined to a namespace
	 * accepted by {@code ours}.
	 */
	public static void check(List<String> argv, java.util.function.Predicate<String> ours) {
		String why = violation(argv, ours);
		if (why != null) {
			throw new IllegalStateException("refusing to run '" + String.join(" ", argv) + "': " + why);
		}
	}

	static String violation(List<String> a, java.util.function.Predicate<String> ours) {
		if (a.size() >= 3 && a.get(0).equals("ip") && a.get(1).equals("netns")) {
			String verb = a.get(2);
			if (verb.equals("list") && a.size() == 3) {
				return null;
			}
			if (a.size() < 4) {
				return "incomplete ip netns command";
			}
			String ns = a.get(3);
			if (verb.equals("pids")) {
				return ns.startsWith(LabNames.ROOT_PREFIX) ? null : "not a lab namespace: " + ns;
			}
			if (verb.equals("add") || verb.equals("del") || verb.equals("delete") || verb.equals("exec")) {
				return ours.test(ns) ? null : "not a namespace of this lab run: " + ns;
			}
			return "ip netns " + verb + " is not used by the lab";
		}
		if (a.size() >= 4 && (a.get(0).equals("ip") || a.get(0).equals("bridge")) && a.get(1).equals("-n")) {
			if (!ours.test(a.get(2))) {
				return "not a namespace of this lab run: " + a.get(2);
			}
			for (int i = 3; i < a.size() - 1; i++) {
				if (a.get(i).equals("netns") && !ours.test(a.get(i + 1))) {
					return "a link end would be placed outside the lab: netns " + a.get(i + 1);
				}
			}
			return null;
		}
		return "only commands confined to a lab namespace may run (ip -n, bridge -n, ip netns exec)";
	}

}

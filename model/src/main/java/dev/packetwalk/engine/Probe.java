package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.trace.Trace;

/**
 * An ad-hoc connection through a scenario's cluster, like a cell of the reachability grid
 * or upstream's e2e probe: a socket in pod {@code from} opens a connection to pod
 * {@code to}'s address on {@code port}. The scenario's own flows are left out; its
 * topology, rules, policies and DNS are unchanged, so the walk is what that connection
 * would do.
 *
 * @param from the sending pod, as its namespace id ({@code <k8s namespace>/<pod>}, e.g.
 * {@code x/a})
 * @param to the receiving pod, the same way
 * @param port the destination port, 1..65535
 * @param protocol TCP (a SYN is sent), UDP or SCTP (an association: its INIT first)
 */
public record Probe(String from, String to, int port, Protocol protocol) {

	/** The flow id every probe walk carries. */
	public static final String FLOW_ID = "probe";

	/**
	 * A probe that names something the scenario does not have, or asks for what a probe
	 * cannot send.
	 */
	public static final class ProbeException extends IllegalArgumentException {

		private final String parameter;

		ProbeException(String parameter, String message) {
			super(message);
			this.parameter = parameter;
		}

		/** Which of {@code from}, {@code to}, {@code port}, {@code protocol} is wrong. */
		public String parameter() {
			return parameter;
		}

	}

	public Probe {
		if (from == null || from.isBlank()) {
			throw new ProbeException("from", "from names the sending pod (namespace/pod)");
		}
		if (to == null || to.isBlank()) {
			throw new ProbeException("to", "to names the receiving pod (namespace/pod)");
		}
		if (port < 1 || port > 65535) {
			throw new ProbeException("port", "port must be 1..65535, was " + port);
		}
		if (protocol != Protocol.TCP && protocol != Protocol.UDP && protocol != Protocol.SCTP) {
			throw new ProbeException("protocol", "protocol must be TCP, UDP or SCTP, was " + protocol);
		}
	}

	/** The pods of the scenario a probe may name, in topology order. */
	public static List<String> pods(Scenario scenario) {
		return scenario.topology()
			.namespaces()
			.stream()
			.filter(ns -> ns.kind() == Namespace.Kind.POD)
			.map(Namespace::id)
			.toList();
	}

	/**
	 * The one flow this probe sends in {@code scenario}: with a reply, as a connection
	 * probe expects one.
	 */
	public Flow flow(Scenario scenario) {
		pod(scenario, "from", from);
		Ip dst = address(pod(scenario, "to", to));
		String label = "probe " + from + " → " + to + ":" + port + "/" + protocol.name();
		return new Flow(FLOW_ID, label, from, null, null, 0, dst, port, protocol, Payload.Bytes.EMPTY, 64, true, true);
	}

	/** The scenario sending only this probe. */
	public Scenario scenario(Scenario scenario) {
		return new Scenario(scenario.id(), scenario.topology(), List.of(flow(scenario)), scenario.dns(),
				scenario.policies(), scenario.ipvs());
	}

	/** The probe's trace: deterministic for a scenario and seed, like every run. */
	public Trace run(Scenario scenario, long seed) {
		return run(scenario, seed, Budget.UNLIMITED);
	}

	/**
	 * The probe's trace within a budget (as {@link Engine#run(long, Budget)}): the same
	 * trace when it finishes.
	 */
	public Trace run(Scenario scenario, long seed, Budget budget) {
		return new Engine(scenario(scenario)).run(seed, budget);
	}

	private static Namespace pod(Scenario scenario, String parameter, String id) {
		Namespace ns = scenario.topology().namespace(id);
		if (ns == null || ns.kind() != Namespace.Kind.POD) {
			throw new ProbeException(parameter, "scenario '" + scenario.id() + "' has no pod '" + id + "' (pods: "
					+ String.join(", ", pods(scenario)) + ")");
		}
		return ns;
	}

	/**
	 * The pod's address: the first one on its first device that is not the loopback
	 * (eth0).
	 */
	private static Ip address(Namespace pod) {
		for (Device d : pod.devices()) {
			if (!(d instanceof Device.Loopback) && !d.addresses().isEmpty()) {
				return d.addresses().getFirst().address();
			}
		}
		throw new ProbeException("to", "pod '" + pod.id() + "' has no address");
	}

}

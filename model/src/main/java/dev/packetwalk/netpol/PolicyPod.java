package dev.packetwalk.netpol;

import java.util.Map;

import dev.packetwalk.net.Ip;

/**
 * A pod as NetworkPolicy sees it: where it lives, its labels, its IP, its node (for the
 * own-node exemption) and its named container ports (for named ports in rules).
 */
public record PolicyPod(String namespace, String name, Map<String, String> labels, Ip ip, String nodeName,
		Map<String, PortProto> namedPorts) {

	public PolicyPod {
		if (namespace == null || namespace.isBlank() || name == null || name.isBlank()) {
			throw new IllegalArgumentException("a pod needs a namespace and a name");
		}
		if (ip == null) {
			throw new IllegalArgumentException("pod " + namespace + "/" + name + " needs an IP");
		}
		if (nodeName == null || nodeName.isBlank()) {
			throw new IllegalArgumentException("pod " + namespace + "/" + name + " needs a node");
		}
		labels = Map.copyOf(labels == null ? Map.of() : labels);
		namedPorts = Map.copyOf(namedPorts == null ? Map.of() : namedPorts);
	}

	/** {@code namespace/name}, as the upstream e2e tables print pods. */
	public String id() {
		return namespace + "/" + name;
	}

	@Override
	public String toString() {
		return id();
	}

}

package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Ip;

import java.util.Map;

/**
 * One EndpointSlice endpoint: its address, the port number for each service port name
 * (the key is the service port's name, {@code ""} for an unnamed port), the node it runs
 * on ({@code null} or empty when unknown) and its conditions.
 *
 * <p>
 * Conditions follow the EndpointSlice API: {@code ready} means serving and not
 * terminating, so a ready endpoint must be serving and must not be terminating.
 */
public record Endpoint(Ip ip, Map<String, Integer> ports, String nodeName, boolean ready, boolean serving,
		boolean terminating) {

	public Endpoint {
		if (ip == null) {
			throw new IllegalArgumentException("endpoint needs an address");
		}
		if (ports == null || ports.isEmpty()) {
			throw new IllegalArgumentException("endpoint " + ip + " needs at least one port");
		}
		ports = Map.copyOf(ports);
		for (Map.Entry<String, Integer> e : ports.entrySet()) {
			if (e.getValue() == null || e.getValue() < 1 || e.getValue() > 65535) {
				throw new IllegalArgumentException(
						"endpoint " + ip + " port '" + e.getKey() + "' must be 1..65535, was " + e.getValue());
			}
		}
		if (ready && (!serving || terminating)) {
			throw new IllegalArgumentException(
					"endpoint " + ip + ": ready implies serving and not terminating (EndpointSlice conditions)");
		}
		if (nodeName == null) {
			nodeName = "";
		}
	}

	/** A ready endpoint with one port under the given service-port name. */
	public static Endpoint ready(Ip ip, String portName, int port, String nodeName) {
		return new Endpoint(ip, Map.of(portName, port), nodeName, true, true, false);
	}

	/** A ready endpoint for an unnamed service port. */
	public static Endpoint ready(Ip ip, int port, String nodeName) {
		return ready(ip, "", port, nodeName);
	}

	/**
	 * A terminating endpoint that still serves (the fallback kube-proxy uses when nothing
	 * is ready).
	 */
	public static Endpoint servingTerminating(Ip ip, String portName, int port, String nodeName) {
		return new Endpoint(ip, Map.of(portName, port), nodeName, false, true, true);
	}

	public boolean isLocal(String node) {
		return !nodeName.isEmpty() && nodeName.equals(node);
	}

}

package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Protocol;

import java.util.regex.Pattern;

/**
 * One entry of {@code spec.ports}. {@code targetPort} is already resolved to a number;
 * {@code nodePort} is 0 when the port has none. The name may be empty (only allowed when
 * the service has a single port; checked by {@link KubeService}).
 */
public record ServicePort(String name, Protocol protocol, int port, int targetPort, int nodePort) {

	private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

	public ServicePort {
		if (name == null) {
			throw new IllegalArgumentException("service port name may be empty but not null");
		}
		if (!name.isEmpty() && !PORT_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("service port name must be a DNS label, was '" + name + "'");
		}
		if (protocol == null || protocol == Protocol.ICMP) {
			throw new IllegalArgumentException("service port protocol must be TCP, UDP or SCTP, was " + protocol);
		}
		requirePort("port", port);
		requirePort("targetPort", targetPort);
		if (nodePort != 0) {
			requirePort("nodePort", nodePort);
		}
	}

	public static ServicePort of(String name, Protocol protocol, int port, int targetPort) {
		return new ServicePort(name, protocol, port, targetPort, 0);
	}

	public static ServicePort tcp(String name, int port, int targetPort) {
		return new ServicePort(name, Protocol.TCP, port, targetPort, 0);
	}

	public ServicePort withNodePort(int nodePort) {
		return new ServicePort(name, protocol, port, targetPort, nodePort);
	}

	private static void requirePort(String what, int value) {
		if (value < 1 || value > 65535) {
			throw new IllegalArgumentException("service " + what + " must be 1..65535, was " + value);
		}
	}

}

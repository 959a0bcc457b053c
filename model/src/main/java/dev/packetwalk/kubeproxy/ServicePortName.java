package dev.packetwalk.kubeproxy;

/**
 * kube-proxy's {@code ServicePortName}: prints as {@code ns/name:port}, or
 * {@code ns/name} when the port is unnamed ({@code fmtPortName} in
 * {@code pkg/proxy/types.go}). This string is what the chain hashes and rule comments
 * use.
 */
public record ServicePortName(ServiceRef service, String port) {

	public ServicePortName {
		if (service == null) {
			throw new IllegalArgumentException("ServicePortName needs a service");
		}
		if (port == null) {
			throw new IllegalArgumentException("ServicePortName port name may be empty but not null");
		}
	}

	@Override
	public String toString() {
		return port.isEmpty() ? service.toString() : service + ":" + port;
	}

}

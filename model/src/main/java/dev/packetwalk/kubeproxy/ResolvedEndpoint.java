package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Ip;

/**
 * An endpoint as kube-proxy sees it for one service port: address, the target port for
 * that port name, its conditions and whether it runs on this node. Prints as
 * {@code ip:port} ({@code BaseEndpointInfo.String()}).
 */
public record ResolvedEndpoint(Ip ip, int port, boolean ready, boolean serving, boolean terminating, boolean local) {

	public ResolvedEndpoint {
		if (ip == null) {
			throw new IllegalArgumentException("resolved endpoint needs an address");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("resolved endpoint port must be 1..65535, was " + port);
		}
	}

	/**
	 * {@code net.JoinHostPort(ip, port)}; the model is IPv4-only so no brackets are
	 * needed.
	 */
	@Override
	public String toString() {
		return ip + ":" + port;
	}

}

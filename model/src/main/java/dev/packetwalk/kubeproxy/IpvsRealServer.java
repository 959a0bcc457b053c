package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Ip;

/** An IPVS destination. kube-proxy always uses weight 1 and NAT ("Masq") forwarding. */
public record IpvsRealServer(Ip ip, int port, int weight, Forward forward) implements Comparable<IpvsRealServer> {

	/** IPVS forwarding methods, named as {@code ipvsadm} prints them. */
	public enum Forward {

		MASQ("Masq"), LOCAL("Local"), TUNNEL("Tunnel"), ROUTE("Route");

		private final String ipvsadmName;

		Forward(String ipvsadmName) {
			this.ipvsadmName = ipvsadmName;
		}

		public String ipvsadmName() {
			return ipvsadmName;
		}

	}

	public IpvsRealServer {
		if (ip == null || forward == null) {
			throw new IllegalArgumentException("real server needs an address and a forwarding method");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("real server port must be 1..65535, was " + port);
		}
		if (weight < 0) {
			throw new IllegalArgumentException("real server weight must be >= 0, was " + weight);
		}
	}

	public static IpvsRealServer masq(Ip ip, int port) {
		return new IpvsRealServer(ip, port, 1, Forward.MASQ);
	}

	/** ipvsadm's destination order: address (numerically), then port. */
	@Override
	public int compareTo(IpvsRealServer o) {
		int c = ip.compareTo(o.ip);
		return c != 0 ? c : Integer.compare(port, o.port);
	}

	@Override
	public String toString() {
		return ip + ":" + port;
	}

}

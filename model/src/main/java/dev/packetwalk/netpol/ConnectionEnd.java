package dev.packetwalk.netpol;

import dev.packetwalk.net.Ip;

/**
 * One end of a connection: a pod of the cluster, or an address that is not a pod (outside
 * host, node).
 */
public sealed interface ConnectionEnd {

	Ip ip();

	/** A pod; policies can select it and its labels and namespace matter. */
	record Pod(PolicyPod pod) implements ConnectionEnd {

		public Pod {
			if (pod == null) {
				throw new IllegalArgumentException("a pod end needs a pod");
			}
		}

		@Override
		public Ip ip() {
			return pod.ip();
		}

		@Override
		public String toString() {
			return pod.id();
		}

	}

	/** An address that is no pod: only ipBlock peers can match it. */
	record External(Ip ip) implements ConnectionEnd {

		public External {
			if (ip == null) {
				throw new IllegalArgumentException("an external end needs an IP");
			}
		}

		@Override
		public String toString() {
			return ip.toString();
		}

	}

	static ConnectionEnd of(PolicyPod pod) {
		return new Pod(pod);
	}

	static ConnectionEnd of(Ip ip) {
		return new External(ip);
	}

}

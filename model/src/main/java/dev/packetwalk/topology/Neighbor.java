package dev.packetwalk.topology;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;

/**
 * A permanent neighbour (ARP) entry, as {@code ip neigh} prints it:
 * {@code 10.244.2.0 dev flannel.1 lladdr ... PERMANENT}.
 */
public record Neighbor(Ip ip, String dev, Mac mac) {

	public Neighbor {
		if (ip == null || dev == null || mac == null) {
			throw new IllegalArgumentException("a neighbour entry names the address, device and MAC");
		}
	}

	public String text() {
		return ip + " dev " + dev + " lladdr " + mac + " PERMANENT";
	}

}

package dev.packetwalk.topology;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;

/**
 * A route in a namespace's main table, printed the way {@code ip route} prints it.
 *
 * @param dst destination prefix ({@code 0.0.0.0/0} is {@code default})
 * @param via gateway, or null for a directly connected (scope link) route
 * @param dev output device
 * @param onlink the gateway is reachable on the device even though no prefix covers it
 * @param proto who installed it: {@code kernel} for connected routes, {@code static}, {@code boot}...
 * @param src preferred source address, or null
 * @param metric lower wins among equal prefixes
 */
public record Route(Cidr dst, Ip via, String dev, boolean onlink, String proto, Ip src, int metric) {

	public Route {
		if (dst == null || dev == null) {
			throw new IllegalArgumentException("a route needs a destination and a device");
		}
		dst = dst.asNetwork();
		if (metric < 0) {
			throw new IllegalArgumentException("route metric cannot be negative");
		}
	}

	public static Route connected(Cidr net, String dev, Ip src) {
		return new Route(net, null, dev, false, "kernel", src, 0);
	}

	public static Route via(Cidr net, Ip gw, String dev) {
		return new Route(net, gw, dev, false, null, null, 0);
	}

	public boolean isDefault() {
		return dst.prefix() == 0;
	}

	/** {@code ip route} text. */
	public String text() {
		StringBuilder sb = new StringBuilder(isDefault() ? "default" : dst.prefix() == 32 ? dst.address().toString() : dst.toString());
		if (via != null) {
			sb.append(" via ").append(via);
		}
		sb.append(" dev ").append(dev);
		if (proto != null) {
			sb.append(" proto ").append(proto);
		}
		if (via == null) {
			sb.append(" scope link");
		}
		if (src != null) {
			sb.append(" src ").append(src);
		}
		if (metric != 0) {
			sb.append(" metric ").append(metric);
		}
		if (onlink) {
			sb.append(" onlink");
		}
		return sb.toString();
	}

}

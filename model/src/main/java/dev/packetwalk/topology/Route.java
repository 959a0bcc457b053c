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
 * @param proto who installed it: {@code kernel} for connected routes, {@code static},
 * {@code boot}...
 * @param src preferred source address, or null
 * @param metric lower wins among equal prefixes
 * @param multipath ECMP next hops ({@code nexthop via A dev X nexthop via B dev Y}),
 * chosen per flow by a hash of its addresses and ports
 * ({@code fib_multipath_hash_policy=1}); null for an ordinary route, which then uses
 * {@code via}/{@code dev}
 */
public record Route(Cidr dst, Ip via, String dev, boolean onlink, String proto, Ip src, int metric,
		java.util.List<Nexthop> multipath) {

	/**
	 * One ECMP next hop; {@code note} says why it is (or is not) in use, e.g. the health
	 * check's result; a {@code dead} next hop is skipped (as {@code ip route} marks it).
	 */
	public record Nexthop(Ip via, String dev, String note, boolean dead) {
		public Nexthop {
			if (via == null || dev == null) {
				throw new IllegalArgumentException("an ECMP next hop needs a gateway and a device");
			}
		}
	}

	public Route(Cidr dst, Ip via, String dev, boolean onlink, String proto, Ip src, int metric) {
		this(dst, via, dev, onlink, proto, src, metric, null);
	}

	/**
	 * An ECMP route: {@code dev} and {@code via} are those of the first next hop (what
	 * {@code ip route get} shows).
	 */
	public static Route multipath(Cidr dst, String proto, java.util.List<Nexthop> hops) {
		Nexthop first = hops.stream().filter(h -> !h.dead()).findFirst().orElse(null);
		if (first == null) {
			throw new IllegalArgumentException("a multipath route to " + dst + " needs at least one live next hop");
		}
		return new Route(dst, first.via(), first.dev(), false, proto, null, 0, java.util.List.copyOf(hops));
	}

	public boolean isMultipath() {
		return multipath != null;
	}

	/** The single-path route this flow takes through an ECMP route. */
	public Route pick(Nexthop hop) {
		return new Route(dst, hop.via(), hop.dev(), false, proto, src, metric, null);
	}

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
		if (multipath != null) {
			StringBuilder m = new StringBuilder(dst.prefix() == 32 ? dst.address().toString() : dst.toString());
			if (proto != null) {
				m.append(" proto ").append(proto);
			}
			for (Nexthop h : multipath) {
				m.append(" nexthop via ")
					.append(h.via())
					.append(" dev ")
					.append(h.dev())
					.append(" weight 1")
					.append(h.dead() ? " dead" : "");
			}
			return m.toString();
		}
		StringBuilder sb = new StringBuilder(
				isDefault() ? "default" : dst.prefix() == 32 ? dst.address().toString() : dst.toString());
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

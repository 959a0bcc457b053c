package dev.packetwalk.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.engine.Flow;
import dev.packetwalk.engine.Scenario;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Listener;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.topology.Route;
import dev.packetwalk.topology.Topology;
import dev.packetwalk.trace.Trace;

/**
 * Tiny topologies built in code for tests: namespaces, veth pairs, bridges, routes,
 * listeners; then flows.
 *
 * <pre>
 * Lab lab = new Lab();
 * lab.ns("a").ns("b").veth("a", "eth0", "10.0.0.1/24", "b", "eth0", "10.0.0.2/24").listen("b", TCP, 80);
 * Trace t = lab.tcp("a", "10.0.0.2", 80).run();
 * </pre>
 */
public final class Lab {

	private final Map<String, NsPlan> namespaces = new LinkedHashMap<>();

	private final List<Flow> flows = new ArrayList<>();

	private static final class NsPlan {

		final String id;

		final Namespace.Kind kind;

		final List<Device> devices = new ArrayList<>();

		final List<Route> routes = new ArrayList<>();

		final List<Neighbor> neighbors = new ArrayList<>();

		final List<Listener> listeners = new ArrayList<>();

		String iptables = "";

		boolean forward;

		boolean brNf;

		NsPlan(String id, Namespace.Kind kind) {
			this.id = id;
			this.kind = kind;
			devices.add(new Device.Loopback("lo", Mac.ZERO, 65536, List.of(Cidr.parse("127.0.0.1/8")), null));
		}

	}

	public Lab ns(String id) {
		return ns(id, Namespace.Kind.HOST);
	}

	public Lab ns(String id, Namespace.Kind kind) {
		namespaces.put(id, new NsPlan(id, kind));
		return this;
	}

	public Lab router(String id) {
		ns(id, Namespace.Kind.ROUTER);
		namespaces.get(id).forward = true;
		return this;
	}

	public Lab forwarding(String id, boolean on) {
		namespaces.get(id).forward = on;
		return this;
	}

	public Lab iptables(String id, String rules) {
		namespaces.get(id).iptables = rules;
		return this;
	}

	/** A veth pair; an address of "-" means none. */
	public Lab veth(String nsA, String devA, String addrA, String nsB, String devB, String addrB) {
		add(nsA, new Device.Veth(devA, Mac.derive(nsA + "/" + devA), 1500, addrs(addrA), null,
				new Device.Endpoint(nsB, devB)));
		add(nsB, new Device.Veth(devB, Mac.derive(nsB + "/" + devB), 1500, addrs(addrB), null,
				new Device.Endpoint(nsA, devA)));
		return this;
	}

	public Lab bridge(String ns, String name, String addr) {
		add(ns, new Device.Bridge(name, Mac.derive(ns + "/" + name), 1500, addrs(addr), null));
		namespaces.get(ns).brNf = true;
		return this;
	}

	/** A veth pair whose {@code nsB} end is a port of bridge {@code bridge}. */
	public Lab port(String nsA, String devA, String addrA, String nsB, String devB, String bridge) {
		add(nsA, new Device.Veth(devA, Mac.derive(nsA + "/" + devA), 1500, addrs(addrA), null,
				new Device.Endpoint(nsB, devB)));
		add(nsB, new Device.Veth(devB, Mac.derive(nsB + "/" + devB), 1500, List.of(), bridge,
				new Device.Endpoint(nsA, devA)));
		return this;
	}

	/** Puts a bridge port in hairpin mode. */
	public Lab hairpin(String ns, String dev) {
		NsPlan p = namespaces.get(ns);
		for (int i = 0; i < p.devices.size(); i++) {
			Device d = p.devices.get(i);
			if (d.name().equals(dev) && d instanceof Device.Veth v) {
				p.devices.set(i,
						new Device.Veth(v.name(), v.mac(), v.mtu(), v.addresses(), v.master(), v.peer(), true));
			}
		}
		return this;
	}

	public Lab mtu(String ns, String dev, int mtu) {
		NsPlan p = namespaces.get(ns);
		for (int i = 0; i < p.devices.size(); i++) {
			Device d = p.devices.get(i);
			if (d.name().equals(dev) && d instanceof Device.Veth v) {
				p.devices.set(i, new Device.Veth(v.name(), v.mac(), mtu, v.addresses(), v.master(), v.peer()));
			}
		}
		return this;
	}

	/**
	 * A route in {@code ip route} words: {@code "10.1.0.0/16 via 10.0.0.2 dev eth0"},
	 * {@code "default dev eth0"}.
	 */
	public Lab route(String ns, String spec) {
		String[] w = spec.trim().split("\\s+");
		Cidr dst = w[0].equals("default") ? Cidr.parse("0.0.0.0/0") : Cidr.parse(w[0]);
		Ip via = null;
		String dev = null;
		int metric = 0;
		boolean onlink = false;
		for (int i = 1; i < w.length; i++) {
			switch (w[i]) {
				case "via" -> via = Ip.parse(w[++i]);
				case "dev" -> dev = w[++i];
				case "metric" -> metric = Integer.parseInt(w[++i]);
				case "onlink" -> onlink = true;
				default -> throw new IllegalArgumentException("unknown route word " + w[i]);
			}
		}
		namespaces.get(ns).routes.add(new Route(dst, via, dev, onlink, null, null, metric));
		return this;
	}

	/**
	 * An ECMP route: {@code nexthops} in words, {@code "10.0.1.1 dev ex"}, each one a
	 * live next hop.
	 */
	public Lab multipath(String ns, String dst, String... nexthops) {
		List<Route.Nexthop> hops = new ArrayList<>();
		for (String h : nexthops) {
			String[] w = h.trim().split("\\s+(dev\\s+)?");
			hops.add(new Route.Nexthop(Ip.parse(w[0]), w[1], null, false));
		}
		namespaces.get(ns).routes.add(Route.multipath(Cidr.parse(dst), "static", hops));
		return this;
	}

	public Lab neighbor(String ns, String ip, String dev, Mac mac) {
		namespaces.get(ns).neighbors.add(new Neighbor(Ip.parse(ip), dev, mac));
		return this;
	}

	public Lab listen(String ns, Protocol p, int port) {
		namespaces.get(ns).listeners.add(new Listener(p, port, "server"));
		return this;
	}

	public Lab tcp(String from, String dst, int port) {
		return flow(from, dst, port, Protocol.TCP, 64, 0);
	}

	public Lab flow(String from, String dst, int port, Protocol proto, int ttl, int size) {
		flows.add(new Flow("f" + (flows.size() + 1), null, from, null, null, 0, Ip.parse(dst), port, proto,
				new Payload.Bytes(size), ttl, true, true));
		return this;
	}

	public Topology topology() {
		List<Namespace> list = new ArrayList<>();
		for (NsPlan p : namespaces.values()) {
			list.add(new Namespace(p.id, p.id, p.kind, p.id, p.devices, p.routes, p.neighbors, p.iptables, p.forward,
					p.brNf, p.listeners));
		}
		return new Topology(list);
	}

	public Scenario scenario() {
		return new Scenario("lab", topology(), flows);
	}

	public Trace run() {
		return run(1);
	}

	public Trace run(long seed) {
		return new Engine(scenario()).run(seed);
	}

	private void add(String ns, Device d) {
		NsPlan p = namespaces.get(ns);
		if (p == null) {
			throw new IllegalArgumentException("declare namespace " + ns + " first");
		}
		p.devices.add(d);
	}

	private static List<Cidr> addrs(String a) {
		return a == null || a.equals("-") ? List.of() : List.of(Cidr.parse(a));
	}

}

package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.conntrack.ConntrackEntry;
import dev.packetwalk.kubeproxy.IpvsRealServer;
import dev.packetwalk.kubeproxy.IpvsVirtualServer;
import dev.packetwalk.net.Ip;

/**
 * A node's IPVS persistence templates (kube-proxy's {@code sessionAffinity: ClientIP} in
 * ipvs mode: {@code ipvsadm -A ... -p 10800}), after the kernel's
 * {@code ip_vs_sched_persist}, {@code ip_vs_check_template} and {@code ip_vs_conn_expire}
 * (net/netfilter/ipvs):
 * <ul>
 * <li>the first connection from a client address to a persistent virtual server is
 * scheduled and creates a template (client address, port 0, virtual address and port →
 * real server) with {@code timeout} = the service's persistence timeout;</li>
 * <li>every later new connection from that client finds the template, goes to the same
 * real server and becomes one the template controls; {@code ip_vs_conn_put} arms the
 * template's timer again for its {@code timeout}; a template whose real server is gone or
 * has weight 0 is not used and a new one is made;</li>
 * <li>when the timer runs out while a connection the template controls is still in the
 * IPVS connection table ({@code n_control > 0}), the kernel sets the template's
 * {@code timeout} to 60 s and arms it again ({@code expire_later}), so it goes at the
 * first 60-second run-out that finds none (and a connection that reuses it after that
 * arms it for 60 s only).</li>
 * </ul>
 * An IPVS connection entry lives for its state's IPVS timeout after its last packet
 * ({@code ipvsadm --set}'s defaults: TCP 900 s once ESTABLISHED, which the model takes as
 * soon as the reply passed, as the handshake's last ACK follows at once; 60 s in SYN_RECV
 * before a reply; UDP 300 s).
 */
final class IpvsPersistence {

	private static final class Template {

		final IpvsVirtualServer vs;

		final Ip client;

		final IpvsRealServer real;

		long armedUntil;

		/** What the timer is armed for: the persistence timeout, 60 s after a delay. */
		long timeout;

		final List<ConntrackEntry> controlled = new ArrayList<>();

		Template(IpvsVirtualServer vs, Ip client, IpvsRealServer real) {
			this.vs = vs;
			this.client = client;
			this.real = real;
			this.timeout = vs.persistenceTimeout();
		}

		/**
		 * Runs the timer up to {@code now}: every run-out that finds a controlled
		 * connection still in the IPVS table arms it again for 60 s; returns when the
		 * template went, or -1 while it lives.
		 */
		long advance(long now) {
			while (armedUntil <= now) {
				if (!controlledAliveAt(armedUntil)) {
					return armedUntil;
				}
				timeout = 60;
				armedUntil += 60;
			}
			return -1;
		}

		private boolean controlledAliveAt(long t) {
			for (ConntrackEntry e : controlled) {
				if (e.lastSeen() >= 0 && e.lastSeen() + ipvsTimeout(e) > t) {
					return true;
				}
			}
			return false;
		}

		/**
		 * When the timer would let the template go, run up to {@code now} without
		 * changing it; -1 while it lives.
		 */
		long wouldGo(long now) {
			long until = armedUntil;
			while (until <= now) {
				if (!controlledAliveAt(until)) {
					return until;
				}
				until += 60;
			}
			return -1;
		}

		/**
		 * Its line in {@code ipvsadm -Lnc} at {@code now}: the time left of its timer.
		 */
		String line(long now) {
			long until = armedUntil;
			while (until <= now) {
				until += 60;
			}
			return IpvsConnections.format(vs.protocol().name(), until - now, "NONE", client + ":0",
					vs.address() + ":" + vs.port(), real.ip() + ":" + real.port());
		}

		/**
		 * As {@code ipvsadm -Lnc} prints a template:
		 * {@code TCP NONE client:0 vip:port real:port}.
		 */
		String text() {
			return vs.protocol().name() + " NONE " + client + ":0 " + vs.address() + ":" + vs.port() + " " + real.ip()
					+ ":" + real.port();
		}

	}

	/** The IPVS connection entry's timeout in its state (ipvsadm --set defaults). */
	static int ipvsTimeout(ConntrackEntry e) {
		return switch (e.original().protocol()) {
			case TCP -> e.seenReply() ? 900 : 60;
			case UDP -> 300;
			case ICMP -> 60;
			case SCTP -> IpvsSctpState.of(e).timeout;
		};
	}

	/**
	 * IPVS's own state of an SCTP connection, named as {@code ipvsadm -Lnc} prints it,
	 * with its timeout (ip_vs_proto_sctp.c's tables, client INPUT and server OUTPUT),
	 * from the chunks conntrack saw: the client's INIT makes {@code INIT1} (4 s), the
	 * server's INIT ACK {@code C-SENT}, the client's COOKIE ECHO {@code C-REPLIED} (61 s
	 * each, IPVS's maximum RTO), the server's COOKIE ACK {@code ESTABLISHED} (15 min); a
	 * SHUTDOWN from the client {@code S-RECEIVED}, from the server {@code S-SENT}, the
	 * SHUTDOWN ACK {@code S-ACK-SENT}, SHUTDOWN COMPLETE {@code CLOSED}.
	 */
	enum IpvsSctpState {

		NONE("NONE", 2), INIT1("INIT1", 4), COOKIE_SENT("C-SENT", 61), COOKIE_REPLIED("C-REPLIED", 61),
		ESTABLISHED("ESTABLISHED", 900), SHUTDOWN_SENT("S-SENT", 61), SHUTDOWN_RECEIVED("S-RECEIVED", 61),
		SHUTDOWN_ACK_SENT("S-ACK-SENT", 61), CLOSED("CLOSED", 61);

		final String text;

		final int timeout;

		IpvsSctpState(String text, int timeout) {
			this.text = text;
			this.timeout = timeout;
		}

		static IpvsSctpState of(ConntrackEntry e) {
			return switch (e.sctpState()) {
				case NONE -> NONE;
				case CLOSED -> e.seenReply() ? CLOSED : INIT1;
				case COOKIE_WAIT -> COOKIE_SENT;
				case COOKIE_ECHOED -> COOKIE_REPLIED;
				case ESTABLISHED, HEARTBEAT_SENT -> ESTABLISHED;
				case SHUTDOWN_SENT -> SHUTDOWN_RECEIVED;
				case SHUTDOWN_RECD -> SHUTDOWN_SENT;
				case SHUTDOWN_ACK_SENT -> SHUTDOWN_ACK_SENT;
			};
		}

	}

	private final Map<String, Template> templates = new LinkedHashMap<>();

	private static String key(IpvsVirtualServer vs, Ip client) {
		return vs.protocol() + " " + vs.address() + ":" + vs.port() + " " + client;
	}

	/**
	 * The real server the client's live template names, or null (no template, it expired,
	 * or its real server is no longer usable: then it is dropped).
	 */
	IpvsRealServer lookup(IpvsVirtualServer vs, Ip client, long now) {
		Template t = templates.get(key(vs, client));
		if (t == null) {
			return null;
		}
		boolean usable = vs.realServers()
			.stream()
			.anyMatch(r -> r.ip().equals(t.real.ip()) && r.port() == t.real.port() && r.weight() > 0);
		if (t.advance(now) >= 0 || !usable) {
			templates.remove(key(vs, client));
			return null;
		}
		return t.real;
	}

	/**
	 * A new connection from the client went to {@code real}: its template (made if
	 * needed) is armed for the full persistence timeout and controls the connection.
	 */
	void connected(IpvsVirtualServer vs, Ip client, IpvsRealServer real, long now, ConntrackEntry connection) {
		Template t = templates.computeIfAbsent(key(vs, client), k -> new Template(vs, client, real));
		t.armedUntil = now + t.timeout;
		if (connection != null && !t.controlled.contains(connection)) {
			t.controlled.add(connection);
		}
	}

	/**
	 * The live templates as {@code ipvsadm -Lnc} prints them at {@code now}, by their
	 * key, in the order made; the timers do not run (the trace is not changed).
	 */
	Map<String, String> lines(long now) {
		Map<String, String> out = new LinkedHashMap<>();
		templates.forEach((key, t) -> {
			if (t.wouldGo(now) < 0) {
				out.put(key, t.line(now));
			}
		});
		return out;
	}

	/** The key and line of the client's template for the virtual server, or null. */
	Map.Entry<String, String> line(IpvsVirtualServer vs, Ip client, long now) {
		Template t = templates.get(key(vs, client));
		return t == null ? null : Map.entry(key(vs, client), t.line(now));
	}

	/**
	 * Time passes from {@code before} to {@code now}: the templates that were live at
	 * {@code before} and are gone at {@code now} leave the table; returns them as
	 * {@code ipvsadm -Lnc} printed them, with why.
	 */
	List<String> expire(long before, long now) {
		List<String> out = new ArrayList<>();
		for (Iterator<Template> it = templates.values().iterator(); it.hasNext();) {
			Template t = it.next();
			long gone = t.advance(now);
			if (gone >= 0) {
				it.remove();
				if (gone > before) {
					out.add("IPVS persistent template " + t.text() + " (its -p " + t.vs.persistenceTimeout()
							+ " s timer ran out with no connection it controls left)");
				}
			}
		}
		return out;
	}

}

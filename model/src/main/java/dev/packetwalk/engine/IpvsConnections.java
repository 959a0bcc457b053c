package dev.packetwalk.engine;

import java.util.Locale;

import dev.packetwalk.conntrack.ConntrackEntry;

/**
 * An IPVS connection entry as {@code ipvsadm -Lnc} prints it (ipvsadm's {@code list_conn}
 * / {@code print_conn} over {@code /proc/net/ip_vs_conn}): protocol, the time left of its
 * timer as {@code mm:ss}, IPVS's state of it, the client ({@code source}), the virtual
 * server ({@code virtual}) and the real server ({@code destination}), numeric. The
 * model's masquerading connections come from their conntrack entry: the original tuple's
 * source and destination, the reply's source. IPVS's own timeouts ({@code ipvsadm --set}
 * defaults): TCP SYN_RECV 60 s until the reply, ESTABLISHED 900 s; UDP 300 s (state
 * {@code UDP}); SCTP in ip_vs_proto_sctp.c's states
 * ({@link IpvsPersistence.IpvsSctpState}).
 */
final class IpvsConnections {

	/** The two header lines {@code ipvsadm -Lnc} prints. */
	static final String HEADER = "IPVS connection entries\n" + String.format(Locale.ROOT,
			"pro expire %-11s %-18s %-18s %s", "state", "source", "virtual", "destination");

	private IpvsConnections() {
	}

	/** The seconds left of the entry's IPVS timer at {@code now}, never below 0. */
	static long remaining(ConntrackEntry e, long now) {
		long since = e.lastSeen() < 0 ? 0 : now - e.lastSeen();
		return Math.max(0, IpvsPersistence.ipvsTimeout(e) - since);
	}

	/** Has the IPVS entry's timer run out by {@code now} (no packet for its timeout)? */
	static boolean expiredAt(ConntrackEntry e, long now) {
		return e.lastSeen() >= 0 && remaining(e, now) == 0;
	}

	/** The entry's line at {@code now} (the run's clock, seconds). */
	static String line(ConntrackEntry e, long now) {
		return line(e, now, e.reply().src() + ":" + e.reply().sport());
	}

	/** The entry's line at {@code now}, its real server {@code destination}. */
	static String line(ConntrackEntry e, long now, String destination) {
		long left = remaining(e, now);
		String state = switch (e.original().protocol()) {
			case TCP -> e.seenReply() ? "ESTABLISHED" : "SYN_RECV";
			case UDP -> "UDP";
			case ICMP -> "ICMP";
			case SCTP -> IpvsPersistence.IpvsSctpState.of(e).text;
		};
		return format(e.original().protocol().name(), left, state, e.original().src() + ":" + e.original().sport(),
				e.original().dst() + ":" + e.original().dport(), destination);
	}

	/** A line in ipvsadm's columns, {@code left} seconds printed as {@code mm:ss}. */
	static String format(String protocol, long left, String state, String source, String virtual, String destination) {
		return String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s", protocol,
				String.format(Locale.ROOT, "%02d:%02d", left / 60, left % 60), state, source, virtual, destination);
	}

}

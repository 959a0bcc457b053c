package dev.packetwalk.conntrack;

import java.util.Locale;

/**
 * One tracked connection: the tuple of its first packet and the tuple a reply must carry.
 * When NAT rewrote the first packet, the reply tuple differs from the inverted original;
 * that difference is what conntrack undoes on every later packet, without consulting the
 * nat table again.
 */
public final class ConntrackEntry {

	private final Tuple original;

	private Tuple reply;

	private boolean seenReply;

	private boolean confirmed;

	private int packets;

	/** When the entry last saw a packet (the run's clock, seconds); -1: not yet. */
	private long lastSeen = -1;

	/** When it first saw a reply; -1: not yet. */
	private long replyAt = -1;

	/** A UDP entry still busy two seconds after its first reply (a stream). */
	private boolean stream;

	/**
	 * TCP: a packet in the original direction passed after the reply (the handshake's
	 * last ACK or data): ESTABLISHED.
	 */
	private boolean originalAfterReply;

	/** SCTP: the association's state as nf_conntrack_proto_sctp tracks it. */
	private SctpState sctpState = SctpState.NONE;

	/**
	 * SCTP: the verification tag each direction must carry (index 0: original, 1: reply),
	 * learnt from the INIT and INIT ACK's Initiate Tags; 0 while unknown.
	 */
	private final long[] sctpVtag = new long[2];

	/** SCTP: the kernel set IPS_ASSURED (the association reached ESTABLISHED). */
	private boolean sctpAssured;

	/**
	 * SCTP conntrack's states (enum sctp_conntrack) with their default timeouts in
	 * seconds ({@code /proc/sys/net/netfilter/nf_conntrack_sctp_timeout_*}, checked on
	 * 6.18).
	 */
	public enum SctpState {

		NONE(10), CLOSED(10), COOKIE_WAIT(3), COOKIE_ECHOED(3), ESTABLISHED(210), SHUTDOWN_SENT(3), SHUTDOWN_RECD(3),
		SHUTDOWN_ACK_SENT(3), HEARTBEAT_SENT(30);

		private final int timeout;

		SctpState(int timeout) {
			this.timeout = timeout;
		}

		/** The state's default timeout, seconds. */
		public int timeout() {
			return timeout;
		}

	}

	ConntrackEntry(Tuple original) {
		this.original = original;
		this.reply = original.inverse();
	}

	public Tuple original() {
		return original;
	}

	public Tuple reply() {
		return reply;
	}

	/** DNAT: the reply will come from the new destination. */
	public void dnat(dev.packetwalk.net.Ip ip, int port) {
		requireUnconfirmed();
		reply = new Tuple(reply.protocol(), ip, port, reply.dst(), reply.dport());
	}

	/** SNAT/MASQUERADE: the reply will be addressed to the new source. */
	public void snat(dev.packetwalk.net.Ip ip, int port) {
		requireUnconfirmed();
		reply = new Tuple(reply.protocol(), reply.src(), reply.sport(), ip, port);
	}

	private void requireUnconfirmed() {
		if (confirmed) {
			throw new IllegalStateException(
					"NAT bindings are fixed once a connection is confirmed (nat table sees only the first packet)");
		}
	}

	public boolean isDnat() {
		return !reply.src().equals(original.dst()) || reply.sport() != original.dport();
	}

	public boolean isSnat() {
		return !reply.dst().equals(original.src()) || reply.dport() != original.sport();
	}

	public boolean seenReply() {
		return seenReply;
	}

	void markReply() {
		seenReply = true;
	}

	public boolean confirmed() {
		return confirmed;
	}

	void confirm() {
		confirmed = true;
	}

	void count() {
		packets++;
	}

	/** A packet in the original direction: after a reply, TCP is ESTABLISHED. */
	void originalPacket() {
		if (seenReply) {
			originalAfterReply = true;
		}
	}

	/**
	 * SCTP: the packet's chunk moves the association's state as
	 * {@code nf_conntrack_sctp_packet} does (the table
	 * {@code sctp_conntracks[dir][chunk]} of net/netfilter/nf_conntrack_proto_sctp.c): an
	 * INIT in the original direction records the reply direction's tag (its Initiate Tag)
	 * and leaves the entry CLOSED; the INIT ACK records the original direction's tag and
	 * moves it to COOKIE_WAIT; COOKIE ECHO to COOKIE_ECHOED; COOKIE ACK in the reply
	 * direction to ESTABLISHED, which sets ASSURED. DATA and SACK leave the state as it
	 * is. A packet whose verification tag is not the one its direction must carry (RFC
	 * 9260 8.5; INIT, COOKIE ECHO, ABORT, SHUTDOWN ACK, SHUTDOWN COMPLETE and
	 * HEARTBEAT(-ACK) are checked their own way) is invalid: the state does not move.
	 * @param direction the packet's direction relative to the entry
	 * @param sctp the packet's SCTP header
	 * @return false when conntrack finds the packet invalid (the kernel's -NF_ACCEPT)
	 */
	public boolean sctp(ConntrackTable.Direction direction, dev.packetwalk.packet.Transport.Sctp sctp) {
		int dir = direction == ConntrackTable.Direction.ORIGINAL ? 0 : 1;
		String chunk = sctp.chunk();
		boolean ownCheck = switch (chunk) {
			case "INIT", "SHUTDOWN COMPLETE", "COOKIE ECHO", "ABORT", "SHUTDOWN ACK", "HEARTBEAT", "HEARTBEAT ACK" ->
				true;
			default -> false;
		};
		if (!ownCheck && sctp.vtag() != sctpVtag[dir]) {
			return false;
		}
		// RFC 9260 8.5.1: a COOKIE ECHO carries the tag the INIT ACK gave; an ABORT or
		// SHUTDOWN COMPLETE its direction's tag (the model sets no T bit)
		if ((chunk.equals("COOKIE ECHO") || chunk.equals("ABORT") || chunk.equals("SHUTDOWN COMPLETE"))
				&& sctp.vtag() != sctpVtag[dir]) {
			return false;
		}
		SctpState next = nextSctpState(dir, sctpState, chunk);
		if (next == null) {
			return false;
		}
		if (chunk.equals("INIT")) {
			sctpVtag[1 - dir] = sctp.initTag();
		}
		else if (chunk.equals("INIT ACK")) {
			if (sctpVtag[1 - dir] != 0 && sctpVtag[1 - dir] != sctp.initTag()) {
				return false;
			}
			sctpVtag[1 - dir] = sctp.initTag();
		}
		if (next != sctpState && next == SctpState.ESTABLISHED) {
			sctpAssured = true;
		}
		sctpState = next;
		return true;
	}

	private static final SctpState sNO = SctpState.NONE;

	private static final SctpState sCL = SctpState.CLOSED;

	private static final SctpState sCW = SctpState.COOKIE_WAIT;

	private static final SctpState sCE = SctpState.COOKIE_ECHOED;

	private static final SctpState sES = SctpState.ESTABLISHED;

	private static final SctpState sSS = SctpState.SHUTDOWN_SENT;

	private static final SctpState sSR = SctpState.SHUTDOWN_RECD;

	private static final SctpState sSA = SctpState.SHUTDOWN_ACK_SENT;

	private static final SctpState sHS = SctpState.HEARTBEAT_SENT;

	/** null: invalid (sIV). */
	private static final SctpState sIV = null;

	/**
	 * The kernel's {@code sctp_conntracks[2][11][9]}: direction, chunk (INIT, INIT ACK,
	 * ABORT, SHUTDOWN, SHUTDOWN ACK, ERROR, COOKIE ECHO, COOKIE ACK, SHUTDOWN COMPLETE,
	 * HEARTBEAT, HEARTBEAT ACK), current state (NONE .. HEARTBEAT_SENT).
	 */
	private static final SctpState[][][] SCTP_CONNTRACKS = {
			{ { sCL, sCL, sCW, sCE, sES, sCL, sCL, sSA, sCW }, { sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sCL },
					{ sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL }, { sCL, sCL, sCW, sCE, sSS, sSS, sSR, sSA, sCL },
					{ sSA, sCL, sCW, sCE, sES, sSA, sSA, sSA, sSA }, { sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sCL },
					{ sCL, sCL, sCE, sCE, sES, sSS, sSR, sSA, sCL }, { sCL, sCL, sCW, sES, sES, sSS, sSR, sSA, sCL },
					{ sCL, sCL, sCW, sCE, sES, sSS, sSR, sCL, sCL }, { sHS, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS },
					{ sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS } },
			{ { sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sIV }, { sIV, sCW, sCW, sCE, sES, sSS, sSR, sSA, sIV },
					{ sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sIV }, { sIV, sCL, sCW, sCE, sSR, sSS, sSR, sSA, sIV },
					{ sIV, sCL, sCW, sCE, sES, sSA, sSA, sSA, sIV }, { sIV, sCL, sCW, sCL, sES, sSS, sSR, sSA, sIV },
					{ sIV, sCL, sCE, sCE, sES, sSS, sSR, sSA, sIV }, { sIV, sCL, sCW, sES, sES, sSS, sSR, sSA, sIV },
					{ sIV, sCL, sCW, sCE, sES, sSS, sSR, sCL, sIV }, { sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS },
					{ sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sES } } };

	private static final java.util.List<String> SCTP_CHUNKS = java.util.List.of("INIT", "INIT ACK", "ABORT", "SHUTDOWN",
			"SHUTDOWN ACK", "ERROR", "COOKIE ECHO", "COOKIE ACK", "SHUTDOWN COMPLETE", "HEARTBEAT", "HEARTBEAT ACK");

	/** sctp_new_state: other chunks (DATA, SACK) keep the state. */
	private static SctpState nextSctpState(int dir, SctpState current, String chunk) {
		int i = SCTP_CHUNKS.indexOf(chunk);
		return i < 0 ? current : SCTP_CONNTRACKS[dir][i][current.ordinal()];
	}

	/** SCTP: the association's conntrack state (NONE for other protocols). */
	public SctpState sctpState() {
		return sctpState;
	}

	/** When the entry last saw a packet (the run's clock, seconds); -1: not yet. */
	public long lastSeen() {
		return lastSeen;
	}

	public int packets() {
		return packets;
	}

	/**
	 * A packet of the connection passes at {@code now}: its timeout starts again (the
	 * kernel's nf_ct_refresh).
	 */
	public void touch(long now) {
		if (seenReply && replyAt < 0) {
			replyAt = now;
		}
		else if (seenReply && now - replyAt >= 2) {
			stream = true;
		}
		lastSeen = now;
	}

	/**
	 * The timeout the kernel gives the entry now, in seconds (nf_conntrack's defaults):
	 * TCP 120 before the reply (SYN_SENT) and 432000 after it (ESTABLISHED once the
	 * handshake's last ACK, which the model does not draw, has passed); UDP 30, or 120
	 * once it is a stream (traffic two seconds or more after the first reply); ICMP 30.
	 */
	public int timeoutSeconds() {
		return switch (original.protocol()) {
			case TCP -> seenReply ? 432000 : 120;
			case UDP -> stream ? 120 : 30;
			case ICMP -> 30;
			case SCTP -> sctpState.timeout();
		};
	}

	/** Has the entry timed out by {@code now} (no packet for its timeout)? */
	public boolean expiredAt(long now) {
		return lastSeen >= 0 && now - lastSeen >= timeoutSeconds();
	}

	/**
	 * A line as {@code conntrack -L} prints it at the moment of the entry's last packet:
	 * the state's full timeout.
	 */
	public String text() {
		return text(lastSeen < 0 ? 0 : lastSeen);
	}

	/**
	 * A line as {@code conntrack -L} prints it at {@code now} (the run's clock, seconds):
	 * the state and the seconds left of its timeout, counting down from the last packet
	 * (the kernel prints {@code nf_ct_expires / HZ}), {@code [UNREPLIED]} before a reply
	 * and {@code [ASSURED]} once the kernel set IPS_ASSURED. The state's timeouts are the
	 * defaults of {@code /proc/sys/net/netfilter/nf_conntrack_*_timeout*} (checked on the
	 * lab's kernel, 6.18): TCP SYN_SENT 120, SYN_RECV 60 (the reply seen, the handshake's
	 * last ACK not yet), ESTABLISHED 432000 (a packet in the original direction after the
	 * reply; or any time later, as the ACK the model does not draw follows the SYN-ACK at
	 * once), UDP 30, or 120 once a stream, ICMP 30; SCTP prints its association's state
	 * (CLOSED 10 after the INIT, COOKIE_WAIT 3 after the INIT ACK, COOKIE_ECHOED 3,
	 * ESTABLISHED 210 and ASSURED after the COOKIE ACK).
	 */
	public String text(long now) {
		String proto = original.protocol().lower();
		String state = switch (original.protocol()) {
			case TCP -> (!seenReply ? "SYN_SENT" : established(now) ? "ESTABLISHED" : "SYN_RECV") + " ";
			case UDP, ICMP -> "";
			case SCTP -> sctpState.name() + " ";
		};
		boolean assured = switch (original.protocol()) {
			case TCP -> established(now);
			case UDP -> stream;
			case ICMP -> false;
			case SCTP -> sctpAssured;
		};
		return String.format(Locale.ROOT, "%-8s %d %d %s%s %s%s%s mark=0 use=1", proto, original.protocol().number(),
				remaining(now), state, original.text(), seenReply ? "" : "[UNREPLIED] ", reply.text(),
				assured ? " [ASSURED]" : "");
	}

	/** TCP after the reply: has the handshake's last ACK passed by {@code now}? */
	private boolean established(long now) {
		return seenReply && (originalAfterReply || (replyAt >= 0 && now > replyAt));
	}

	/**
	 * The seconds left of the entry's timeout at {@code now}: its state's timeout minus
	 * the time since its last packet, never below 0.
	 */
	public long remaining(long now) {
		int timeout = switch (original.protocol()) {
			case TCP -> !seenReply ? 120 : established(now) ? 432000 : 60;
			case UDP, ICMP, SCTP -> timeoutSeconds();
		};
		long since = lastSeen < 0 ? 0 : now - lastSeen;
		return Math.max(0, timeout - since);
	}

}

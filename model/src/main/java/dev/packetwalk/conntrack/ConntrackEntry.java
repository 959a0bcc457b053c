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
	 * once), UDP 30, or 120 once a stream, ICMP 30.
	 */
	public String text(long now) {
		String proto = original.protocol().lower();
		String state;
		boolean assured;
		switch (original.protocol()) {
			case TCP -> {
				String s = !seenReply ? "SYN_SENT" : established(now) ? "ESTABLISHED" : "SYN_RECV";
				state = s + " ";
				assured = established(now);
			}
			case UDP -> {
				state = "";
				assured = stream;
			}
			case ICMP -> {
				state = "";
				assured = false;
			}
			default -> throw new IllegalStateException();
		}
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
			case UDP, ICMP -> timeoutSeconds();
		};
		long since = lastSeen < 0 ? 0 : now - lastSeen;
		return Math.max(0, timeout - since);
	}

}

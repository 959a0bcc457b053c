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
	 * A line as {@code conntrack -L} prints it (timeouts are the kernel's defaults for
	 * the state).
	 */
	public String text() {
		String proto = original.protocol().lower();
		String state;
		int timeout;
		switch (original.protocol()) {
			case TCP -> {
				state = seenReply ? "SYN_RECV " : "SYN_SENT ";
				timeout = seenReply ? 60 : 120;
			}
			case UDP -> {
				state = "";
				timeout = 30;
			}
			case ICMP -> {
				state = "";
				timeout = 30;
			}
			default -> throw new IllegalStateException();
		}
		return String.format(Locale.ROOT, "%-8s %d %d %s%s %s%s mark=0 use=1", proto, original.protocol().number(),
				timeout, state, original.text(), seenReply ? "" : "[UNREPLIED] ", reply.text());
	}

}

package dev.packetwalk.lab;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;

/**
 * Decodes a classic pcap stream ({@code tcpdump -w -}, link type Ethernet, micro- or
 * nanosecond timestamps) into observations: Ethernet, IPv4, TCP/UDP/ICMP/SCTP, and VXLAN
 * with its inner frame. Pure; non-IPv4 frames are skipped. An SCTP packet is read as its
 * common header (ports, verification tag) and its first chunk (type, and the initiate tag
 * of an INIT or INIT ACK): the lab's SCTP player bundles no chunks.
 */
public final class PcapDecoder {

	/**
	 * The UDP payload the lab's client sends, and the echo its server returns (see
	 * {@code pwlab.py}).
	 */
	public static final byte[] REQUEST_MARK = "PWLAB-REQ".getBytes(StandardCharsets.US_ASCII);

	public static final byte[] REPLY_MARK = "PWLAB-REP".getBytes(StandardCharsets.US_ASCII);

	private static final int LINKTYPE_ETHERNET = 1;

	private final Protocol flowProtocol;

	private final Set<Integer> vxlanPorts;

	private final boolean continued;

	public PcapDecoder(Protocol flowProtocol, Set<Integer> vxlanPorts) {
		this(flowProtocol, vxlanPorts, false);
	}

	/**
	 * @param flowProtocol the protocol of the flow being replayed (decides which packets
	 * are request and reply)
	 * @param vxlanPorts UDP destination ports that carry VXLAN (from the topology's VXLAN
	 * devices)
	 * @param continued the flow is an open TCP connection's next segment (a timeline's
	 * {@code continues}): its request is the data segment ({@code P.}) and its reply the
	 * bare ACK, not the handshake (for an SCTP association: DATA and SACK, not INIT,
	 * COOKIE ECHO and their answers)
	 */
	public PcapDecoder(Protocol flowProtocol, Set<Integer> vxlanPorts, boolean continued) {
		this.flowProtocol = flowProtocol;
		this.vxlanPorts = Set.copyOf(vxlanPorts);
		this.continued = continued;
	}

	public List<Observation> decode(byte[] pcap, String namespace, String device, Observation.Direction dir) {
		List<Observation> out = new ArrayList<>();
		if (pcap.length < 24) {
			return out;
		}
		ByteBuffer b = ByteBuffer.wrap(pcap);
		int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
		boolean nano;
		if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
			b.order(ByteOrder.LITTLE_ENDIAN);
		}
		else {
			b.order(ByteOrder.BIG_ENDIAN);
			magic = b.getInt(0);
			if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
				throw new IllegalArgumentException("not a pcap stream (magic " + Integer.toHexString(magic) + ")");
			}
		}
		nano = magic == 0xa1b23c4d;
		int linkType = b.getInt(20);
		if (linkType != LINKTYPE_ETHERNET) {
			throw new IllegalArgumentException(
					"pcap link type " + linkType + " on " + device + "; the lab reads Ethernet (1) only");
		}
		int pos = 24;
		while (pos + 16 <= pcap.length) {
			long sec = b.getInt(pos) & 0xffffffffL;
			long frac = b.getInt(pos + 4) & 0xffffffffL;
			int incl = b.getInt(pos + 8);
			pos += 16;
			if (incl < 0 || pos + incl > pcap.length) {
				break; // truncated last record (capture stopped mid-write)
			}
			long t = sec * 1_000_000_000L + (nano ? frac : frac * 1000);
			Frame f = frame(pcap, pos, incl);
			pos += incl;
			if (f == null) {
				continue;
			}
			Frame basis = f.inner != null ? f.inner : f;
			out.add(new Observation(namespace, device, dir, classify(basis), f.headers, f.inner == null ? -1 : f.vni,
					f.inner == null ? null : f.inner.headers, t));
		}
		return out;
	}

	private record Frame(Headers headers, byte[] payloadHead, int icmpType, int vni, Frame inner) {
	}

	Observation.Leg classify(Frame f) {
		Protocol p = f.headers.protocol();
		String flags = f.headers.flags();
		if (p == Protocol.ICMP) {
			if (flowProtocol == Protocol.ICMP && (f.icmpType == 8 || f.icmpType == 0)) {
				return f.icmpType == 8 ? Observation.Leg.REQUEST : Observation.Leg.REPLY;
			}
			return Observation.Leg.ERROR;
		}
		if (p != flowProtocol) {
			return Observation.Leg.OTHER;
		}
		if (p == Protocol.SCTP) {
			// the association as the model walks it: INIT, COOKIE ECHO and DATA from the
			// client, INIT ACK, COOKIE ACK and SACK back (continued: its next DATA and
			// SACK); an ABORT is the stack's refusal, as a RST is TCP's; the shutdown is
			// the rest of the connection
			return switch (flags) {
				case "INIT", "COOKIE ECHO" -> continued ? Observation.Leg.OTHER : Observation.Leg.REQUEST;
				case "INIT ACK", "COOKIE ACK" -> continued ? Observation.Leg.OTHER : Observation.Leg.REPLY;
				case "DATA" -> Observation.Leg.REQUEST;
				case "SACK" -> Observation.Leg.REPLY;
				case "ABORT" -> Observation.Leg.ERROR;
				default -> Observation.Leg.OTHER;
			};
		}
		if (p == Protocol.TCP) {
			if (flags.contains("R")) {
				return Observation.Leg.ERROR;
			}
			if (continued) {
				return switch (flags) {
					case "P." -> Observation.Leg.REQUEST;
					case "." -> Observation.Leg.REPLY;
					default -> Observation.Leg.OTHER;
				};
			}
			return switch (flags) {
				case "S" -> Observation.Leg.REQUEST;
				case "S." -> Observation.Leg.REPLY;
				default -> Observation.Leg.OTHER;
			};
		}
		if (startsWith(f.payloadHead, REQUEST_MARK)) {
			return Observation.Leg.REQUEST;
		}
		if (startsWith(f.payloadHead, REPLY_MARK)) {
			return Observation.Leg.REPLY;
		}
		return Observation.Leg.OTHER;
	}

	private static boolean startsWith(byte[] data, byte[] prefix) {
		if (data.length < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (data[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Decodes an Ethernet frame at {@code off}; null when it is not an IPv4 packet the
	 * lab understands.
	 */
	private Frame frame(byte[] d, int off, int len) {
		int end = off + len;
		if (len < 14 + 20) {
			return null;
		}
		Mac dst = mac(d, off);
		Mac src = mac(d, off + 6);
		int type = u16(d, off + 12);
		int ip = off + 14;
		if (type == 0x8100) {
			type = u16(d, off + 16);
			ip += 4;
		}
		if (type != 0x0800 || ip + 20 > end || (d[ip] >> 4 & 0xf) != 4) {
			return null;
		}
		int ihl = (d[ip] & 0xf) * 4;
		int ttl = d[ip + 8] & 0xff;
		int proto = d[ip + 9] & 0xff;
		int fragOffset = u16(d, ip + 6) & 0x1fff;
		Ip s = new Ip(i32(d, ip + 12));
		Ip t = new Ip(i32(d, ip + 16));
		int l4 = ip + ihl;
		Protocol p = switch (proto) {
			case 6 -> Protocol.TCP;
			case 17 -> Protocol.UDP;
			case 1 -> Protocol.ICMP;
			case 132 -> Protocol.SCTP;
			default -> null;
		};
		if (p == null || fragOffset != 0 || l4 + 8 > end) {
			return null;
		}
		switch (p) {
			case TCP -> {
				if (l4 + 14 > end) {
					return null;
				}
				int dataOff = l4 + ((d[l4 + 12] >> 4) & 0xf) * 4;
				return new Frame(
						new Headers(src, dst, s, t, p, u16(d, l4), u16(d, l4 + 2), tcpFlags(d[l4 + 13] & 0xff), ttl),
						head(d, dataOff, end), -1, -1, null);
			}
			case UDP -> {
				int sport = u16(d, l4);
				int dport = u16(d, l4 + 2);
				Headers h = new Headers(src, dst, s, t, p, sport, dport, "", ttl);
				int data = l4 + 8;
				if (vxlanPorts.contains(dport) && data + 8 + 14 <= end && (d[data] & 0x08) != 0) {
					int vni = ((d[data + 4] & 0xff) << 16) | ((d[data + 5] & 0xff) << 8) | (d[data + 6] & 0xff);
					Frame inner = frame(d, data + 8, end - data - 8);
					if (inner != null) {
						return new Frame(h, new byte[0], -1, vni, inner);
					}
				}
				return new Frame(h, head(d, data, end), -1, -1, null);
			}
			case ICMP -> {
				int icmpType = d[l4] & 0xff;
				int code = d[l4 + 1] & 0xff;
				int id = icmpType == 0 || icmpType == 8 ? u16(d, l4 + 4) : 0;
				return new Frame(new Headers(src, dst, s, t, p, id, id, "icmp " + icmpType + "/" + code, ttl),
						head(d, l4 + 8, end), icmpType, -1, null);
			}
			case SCTP -> {
				// common header (12 bytes), then the first chunk: type, flags, length
				if (l4 + 16 > end) {
					return null;
				}
				int chunk = d[l4 + 12] & 0xff;
				long vtag = i32(d, l4 + 4) & 0xffffffffL;
				long initTag = (chunk == 1 || chunk == 2) && l4 + 20 <= end ? i32(d, l4 + 16) & 0xffffffffL : 0;
				return new Frame(new Headers(src, dst, s, t, p, u16(d, l4), u16(d, l4 + 2), sctpChunk(chunk), ttl,
						new Headers.SctpTags(vtag, initTag)), head(d, l4 + 16, end), -1, -1, null);
			}
		}
		return null;
	}

	/**
	 * An SCTP chunk type as tcpdump names it (print-sctp.c), {@code chunk 0x..} for the
	 * rest.
	 */
	static String sctpChunk(int type) {
		return switch (type) {
			case 0 -> "DATA";
			case 1 -> "INIT";
			case 2 -> "INIT ACK";
			case 3 -> "SACK";
			case 4 -> "HB REQ";
			case 5 -> "HB ACK";
			case 6 -> "ABORT";
			case 7 -> "SHUTDOWN";
			case 8 -> "SHUTDOWN ACK";
			case 9 -> "OP ERR";
			case 10 -> "COOKIE ECHO";
			case 11 -> "COOKIE ACK";
			case 12 -> "ECN ECHO";
			case 13 -> "ECN CWR";
			case 14 -> "SHUTDOWN COMPLETE";
			default -> "chunk 0x" + Integer.toHexString(type);
		};
	}

	/** tcpdump's notation: F S R P then '.' for ACK, then U E W. */
	static String tcpFlags(int f) {
		StringBuilder sb = new StringBuilder();
		if ((f & 0x01) != 0) {
			sb.append('F');
		}
		if ((f & 0x02) != 0) {
			sb.append('S');
		}
		if ((f & 0x04) != 0) {
			sb.append('R');
		}
		if ((f & 0x08) != 0) {
			sb.append('P');
		}
		if ((f & 0x10) != 0) {
			sb.append('.');
		}
		if ((f & 0x20) != 0) {
			sb.append('U');
		}
		if ((f & 0x40) != 0) {
			sb.append('E');
		}
		if ((f & 0x80) != 0) {
			sb.append('W');
		}
		return sb.isEmpty() ? "none" : sb.toString();
	}

	private static byte[] head(byte[] d, int from, int end) {
		if (from >= end) {
			return new byte[0];
		}
		return java.util.Arrays.copyOfRange(d, from, Math.min(end, from + 16));
	}

	private static Mac mac(byte[] d, int off) {
		long v = 0;
		for (int i = 0; i < 6; i++) {
			v = (v << 8) | (d[off + i] & 0xff);
		}
		return new Mac(v);
	}

	private static int u16(byte[] d, int off) {
		return ((d[off] & 0xff) << 8) | (d[off + 1] & 0xff);
	}

	private static int i32(byte[] d, int off) {
		return ((d[off] & 0xff) << 24) | ((d[off + 1] & 0xff) << 16) | ((d[off + 2] & 0xff) << 8) | (d[off + 3] & 0xff);
	}

}

package dev.packetwalk.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A 48-bit Ethernet address. */
public record Mac(long value) {

	public static final Mac BROADCAST = new Mac(0xffff_ffff_ffffL);

	public static final Mac ZERO = new Mac(0);

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	public Mac {
		if ((value & ~0xffff_ffff_ffffL) != 0) {
			throw new IllegalArgumentException("a MAC address has 48 bits");
		}
	}

	@JsonCreator
	public static Mac parse(String text) {
		String hex = text.replace(":", "").replace("-", "");
		if (hex.length() != 12) {
			throw new IllegalArgumentException("'" + text + "' is not a MAC address (expected six hex bytes)");
		}
		try {
			return new Mac(Long.parseLong(hex, 16));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + text + "' is not a MAC address (expected six hex bytes)");
		}
	}

	/**
	 * A locally administered unicast MAC derived from a stable name, the way the model
	 * gives every device the same address on every run (the kernel picks random ones; we
	 * need replayable traces).
	 */
	public static Mac derive(String seedName) {
		byte[] h = sha256(seedName);
		long v = 0;
		for (int i = 0; i < 6; i++) {
			v = (v << 8) | (h[i] & 0xff);
		}
		// locally administered (bit 1 of first octet set), unicast (bit 0 clear)
		v = (v & ~(0x01L << 40)) | (0x02L << 40);
		return new Mac(v);
	}

	static byte[] sha256(String s) {
		return SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * One digest per thread: {@code MessageDigest.getInstance} looks the provider up on
	 * every call.
	 */
	private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by the JDK", ex);
		}
	});

	/**
	 * A {@code vethXXXXXXXX} host-side name derived from a stable name (eight hex digits,
	 * as the CNI bridge plugin).
	 */
	public static String vethName(String seedName) {
		byte[] h = sha256("veth:" + seedName);
		return "veth" + HexFormat.of().formatHex(h, 0, 4);
	}

	public boolean isBroadcast() {
		return value == BROADCAST.value;
	}

	@JsonValue
	@Override
	public String toString() {
		char[] out = new char[17];
		for (int i = 5, at = 0; i >= 0; i--) {
			int b = (int) (value >>> (8 * i)) & 0xff;
			out[at++] = HEX[b >>> 4];
			out[at++] = HEX[b & 0xf];
			if (i > 0) {
				out[at++] = ':';
			}
		}
		return new String(out);
	}

}

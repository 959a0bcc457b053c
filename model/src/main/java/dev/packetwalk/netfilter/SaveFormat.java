package dev.packetwalk.netfilter;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Small formatting rules of iptables-save, shared by matches and targets. */
final class SaveFormat {

	/** Characters iptables' {@code xtables_save_string} leaves unquoted. */
	private static final String NO_QUOTE = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	/** 2^31: libxt_statistic and xt_statistic scale probabilities to 31 bits. */
	static final long STATISTIC_SCALE = 0x8000_0000L;

	private SaveFormat() {
	}

	/**
	 * Writes a string argument as {@code xtables_save_string} does: bare when it is
	 * non-empty and made only of letters, digits, {@code _} and {@code -}; otherwise in
	 * double quotes with {@code "}, {@code \} and {@code '} escaped by a backslash.
	 */
	static String quote(String value) {
		boolean bare = !value.isEmpty();
		for (int i = 0; i < value.length() && bare; i++) {
			bare = NO_QUOTE.indexOf(value.charAt(i)) >= 0;
		}
		if (bare) {
			return value;
		}
		StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\' || c == '\'') {
				sb.append('\\');
			}
			sb.append(c);
		}
		return sb.append('"').toString();
	}

	/** {@code 0x%x} of an unsigned 32-bit value. */
	static String hex(int v) {
		return "0x" + Integer.toHexString(v);
	}

	/**
	 * The kernel's 31-bit probability as libxt_statistic stores it:
	 * {@code lround(p * 2^31)}.
	 */
	static long scaleProbability(double p) {
		return Math.round(p * STATISTIC_SCALE);
	}

	/**
	 * {@code printf("%.11f", stored / 2^31)}: the exact binary value rounded half-even,
	 * as glibc does.
	 */
	static String probability(long stored) {
		return new BigDecimal((double) stored / STATISTIC_SCALE).setScale(11, RoundingMode.HALF_EVEN).toPlainString();
	}

	/**
	 * Parses an unsigned 32-bit number as {@code strtoul(s, NULL, 0)}: 0x… hex, 0… octal,
	 * else decimal.
	 */
	static int parseUnsigned32(String text) {
		String s = text;
		int radix = 10;
		if (s.startsWith("0x") || s.startsWith("0X")) {
			s = s.substring(2);
			radix = 16;
		}
		else if (s.length() > 1 && s.startsWith("0")) {
			s = s.substring(1);
			radix = 8;
		}
		if (s.isEmpty()) {
			throw new IllegalArgumentException("'" + text + "' is not a number");
		}
		for (int i = 0; i < s.length(); i++) {
			if (Character.digit(s.charAt(i), radix) < 0) {
				throw new IllegalArgumentException("'" + text + "' is not a number");
			}
		}
		long v;
		try {
			v = Long.parseLong(s, radix);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + text + "' does not fit in 32 bits");
		}
		if (v > 0xffff_ffffL) {
			throw new IllegalArgumentException("'" + text + "' does not fit in 32 bits");
		}
		return (int) v;
	}

	/** A decimal number without sign, for ports, seconds and counts. */
	static long parseDecimal(String text, String what, long max) {
		if (text.isEmpty() || text.length() > 12 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
			throw new IllegalArgumentException(what + " '" + text + "' is not a decimal number");
		}
		long v = Long.parseLong(text);
		if (v > max) {
			throw new IllegalArgumentException(what + " " + v + " is above " + max);
		}
		return v;
	}

	/**
	 * Names the model prints bare (chain, ipset and recent-list names): no blanks, quotes
	 * or backslashes.
	 */
	static boolean isPrintableName(String name) {
		if (name == null || name.isEmpty()) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\') {
				return false;
			}
		}
		return true;
	}

}

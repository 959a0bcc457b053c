package dev.packetwalk.netpol;

/**
 * Why the closest rule of an isolating policy did not allow a connection. Rules whose
 * peer matched but port did not are closest, then rules whose port matched but peer did
 * not, then rules that missed both.
 */
public record NearMiss(String policy, Direction direction, int rule, Kind kind, String detail) {

	public enum Kind {

		/** The peer matched; no port entry did. */
		PORT_MISMATCH,
		/** A port entry matched (or the rule has none); no peer did. */
		PEER_MISMATCH,
		/** Neither matched. */
		PEER_AND_PORT_MISMATCH

	}

	public NearMiss {
		if (policy == null || direction == null || kind == null || detail == null) {
			throw new IllegalArgumentException("a near miss needs policy, direction, kind and detail");
		}
	}

	public String describe() {
		String what = switch (kind) {
			case PORT_MISMATCH -> "matches the peer but not the port";
			case PEER_MISMATCH -> "matches the port but not the peer";
			case PEER_AND_PORT_MISMATCH -> "matches neither the peer nor the port";
		};
		return "policy " + policy + " " + direction.field() + " rule " + rule + " " + what + ": " + detail;
	}

}

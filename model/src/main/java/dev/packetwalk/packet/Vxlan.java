package dev.packetwalk.packet;

/** The 8-byte VXLAN header (RFC 7348): just the VNI that matters here. */
public record Vxlan(int vni) {

	public static final int HEADER_BYTES = 8;

	public Vxlan {
		if (vni < 0 || vni > 0xffffff) {
			throw new IllegalArgumentException("VXLAN VNI is 24 bits, was " + vni);
		}
	}

}

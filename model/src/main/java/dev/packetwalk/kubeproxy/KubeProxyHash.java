package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Protocol;
import org.apache.commons.codec.binary.Base32;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's chain names (IPT-PROXIER {@code portProtoHash} /
 * {@code servicePortEndpointChainName}, NFT-PROXIER {@code hashAndTruncate}): SHA-256,
 * RFC 4648 base32 (alphabet A-Z2-7), truncated.
 */
public final class KubeProxyHash {

	public static final String SVC_PREFIX = "KUBE-SVC-";

	public static final String SVL_PREFIX = "KUBE-SVL-";

	public static final String EXT_PREFIX = "KUBE-EXT-";

	public static final String FW_PREFIX = "KUBE-FW-";

	public static final String SEP_PREFIX = "KUBE-SEP-";

	/** iptables chain names are at most 28 characters (comment in IPT-PROXIER). */
	public static final int IPTABLES_CHAIN_NAME_MAX = 28;

	/**
	 * nftables chain base names are cut to this length, ending in "..." (NFT-PROXIER
	 * chainNameBaseLengthMax).
	 */
	public static final int NFT_CHAIN_NAME_BASE_MAX = 240;

	private static final Base32 BASE32 = new Base32();

	/**
	 * One digest per thread: {@code MessageDigest.getInstance} looks the provider up on
	 * every call.
	 */
	private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JDK ships SHA-256", e);
		}
	});

	private KubeProxyHash() {
	}

	/** RFC 4648 base32 of SHA-256(text), first {@code n} characters. */
	static String hash(String text, int n) {
		byte[] digest = SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));
		if (n < 0 || n > MAX_UNPADDED) {
			return BASE32.encodeAsString(digest).substring(0, n);
		}
		// the first n characters of the RFC 4648 encoding, computed directly: character i
		// is bits 5i..5i+4 of the
		// digest (the same characters as Base32.encodeAsString(digest).substring(0, n),
		// without encoding all of it)
		char[] out = new char[n];
		for (int i = 0; i < n; i++) {
			int bit = 5 * i;
			int b = bit >>> 3;
			int pair = (digest[b] & 0xff) << 8 | (b + 1 < digest.length ? digest[b + 1] & 0xff : 0);
			out[i] = ALPHABET.charAt(pair >>> (11 - (bit & 7)) & 31);
		}
		return new String(out);
	}

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

	/**
	 * Characters of a SHA-256 digest's encoding that hold only digest bits (the 52nd is
	 * partly padding).
	 */
	private static final int MAX_UNPADDED = 51;

	/**
	 * The 16-character suffix shared by KUBE-SVC/SVL/EXT/FW: hash of
	 * {@code "ns/name[:portName]" + lower(protocol)}, concatenated with no separator.
	 */
	public static String servicePortChainSuffix(String namespace, String name, String portName, Protocol protocol) {
		return hash(new ServicePortName(new ServiceRef(namespace, name), portName) + protocol.lower(), 16);
	}

	public static String servicePortChainSuffix(ServicePortName spn, Protocol protocol) {
		return hash(spn + protocol.lower(), 16);
	}

	/**
	 * The 16-character suffix of KUBE-SEP: hash of the service-port string, the protocol
	 * and {@code "ip:port"}.
	 */
	public static String endpointChainSuffix(String namespace, String name, String portName, Protocol protocol,
			String endpoint) {
		return endpointChainSuffix(new ServicePortName(new ServiceRef(namespace, name), portName), protocol, endpoint);
	}

	public static String endpointChainSuffix(ServicePortName spn, Protocol protocol, String endpoint) {
		return hash(spn + protocol.lower() + endpoint, 16);
	}

	public static String svcChain(ServicePortName spn, Protocol protocol) {
		return SVC_PREFIX + servicePortChainSuffix(spn, protocol);
	}

	public static String svlChain(ServicePortName spn, Protocol protocol) {
		return SVL_PREFIX + servicePortChainSuffix(spn, protocol);
	}

	public static String extChain(ServicePortName spn, Protocol protocol) {
		return EXT_PREFIX + servicePortChainSuffix(spn, protocol);
	}

	public static String fwChain(ServicePortName spn, Protocol protocol) {
		return FW_PREFIX + servicePortChainSuffix(spn, protocol);
	}

	public static String sepChain(ServicePortName spn, Protocol protocol, String endpoint) {
		return SEP_PREFIX + endpointChainSuffix(spn, protocol, endpoint);
	}

	/**
	 * nftables {@code hashAndTruncate}: {@code base32(sha256(name))[:8] + "-" + name},
	 * cut to 240 characters with a trailing {@code "..."} when longer. Chain names add a
	 * prefix such as {@code service-} or {@code endpoint-}.
	 */
	public static String nftChainName(String name) {
		String s = hash(name, 8) + "-" + name;
		if (s.length() > NFT_CHAIN_NAME_BASE_MAX) {
			s = s.substring(0, NFT_CHAIN_NAME_BASE_MAX - 3) + "...";
		}
		return s;
	}

	/**
	 * {@code prefix + nftChainName(name)}, e.g.
	 * {@code service-ULMVA6XW-ns1/svc1/tcp/p80}.
	 */
	public static String nftChainName(String prefix, String name) {
		return prefix + nftChainName(name);
	}

}

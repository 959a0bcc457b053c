package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.packetwalk.net.Protocol.TCP;
import static dev.packetwalk.net.Protocol.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Vectors from kubernetes-datapath-facts.md sections 1.2 and 3.1. */
class KubeProxyHashTest {

	@ParameterizedTest(name = "{0}/{1}:{2} {3} -> {4}")
	@CsvSource(delimiter = '|', nullValues = "null", textBlock = """
			ns1         | svc1       | p80     | TCP | XPGD46QRK7WJZT7O
			ns2         | svc2       | p80     | TCP | GNZBNJ2PO5MGZ6GT
			ns3         | svc3       | p80     | TCP | X27LE4BHSL4DOUIK
			ns4         | svc4       | p80     | TCP | 4SW47YFZTEDKD3PK
			ns5         | svc5       | p80     | TCP | NUKIZ6OKUXPJNT4C
			default     | kubernetes | https   | TCP | NPX46M4PTMTKRN6Y
			kube-system | kube-dns   | dns     | UDP | TCOU7JCQXEZGVUNU
			kube-system | kube-dns   | dns-tcp | TCP | ERIFXISQEP7F7OF4
			kube-system | kube-dns   | metrics | TCP | JD5MR3NA4I4DYORP
			default     | my-nginx   | ''      | TCP | L65ENXXZWWSAPRCR
			ns1         | svc1       | p80     | UDP | OJWW7NSBVZTDHXNW
			""")
	void servicePortChains(String ns, String name, String port, Protocol protocol, String expected) {
		assertThat(KubeProxyHash.servicePortChainSuffix(ns, name, port, protocol)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}/{1}:{2} {3} {4} -> {5}")
	@CsvSource(delimiter = '|', textBlock = """
			ns1         | svc1       | p80   | TCP | 10.180.0.1:80      | SXIVWICOYRO3J4NJ
			ns2         | svc2       | p80   | TCP | 10.180.0.2:80      | RS4RBKLTHTF2IUXJ
			ns3         | svc3       | p80   | TCP | 10.180.0.3:80      | OYPFS5VJICHGATKP
			ns4         | svc4       | p80   | TCP | 10.180.0.4:80      | UKSFD7AGPMPPLUHC
			ns4         | svc4       | p80   | TCP | 10.180.0.5:80      | C6EBXVWJJZMIWKLZ
			ns5         | svc5       | p80   | TCP | 10.180.0.3:80      | I77PXRDZVX7PMWMN
			default     | my-nginx   | ''    | TCP | 10.244.2.3:80      | TIQJFJVSHRJZTTZW
			default     | my-nginx   | ''    | TCP | 10.244.3.3:80      | MEZP33SDGZXSPSO5
			default     | kubernetes | https | TCP | 172.20.0.2:6443    | ME73ZWD7U6KL3OSU
			kube-system | kube-dns   | dns   | UDP | 10.244.0.2:53      | YIL6JZP7A3QYXJU2
			ns1         | svc1       | p80   | TCP | [fd00:10:180::1]:80 | OGYCNMB4EMRUSJ6N
			""")
	void endpointChains(String ns, String name, String port, Protocol protocol, String endpoint, String expected) {
		assertThat(KubeProxyHash.endpointChainSuffix(ns, name, port, protocol, endpoint)).isEqualTo(expected);
	}

	@Test
	void chainNamesUsePrefixesAndFitIptablesLimit() {
		ServicePortName spn = new ServicePortName(ServiceRef.of("ns2", "svc2"), "p80");
		assertThat(KubeProxyHash.svcChain(spn, TCP)).isEqualTo("KUBE-SVC-GNZBNJ2PO5MGZ6GT");
		assertThat(KubeProxyHash.svlChain(spn, TCP)).isEqualTo("KUBE-SVL-GNZBNJ2PO5MGZ6GT");
		assertThat(KubeProxyHash.extChain(spn, TCP)).isEqualTo("KUBE-EXT-GNZBNJ2PO5MGZ6GT");
		assertThat(KubeProxyHash.fwChain(spn, TCP)).isEqualTo("KUBE-FW-GNZBNJ2PO5MGZ6GT");
		assertThat(KubeProxyHash.sepChain(spn, TCP, "10.180.0.2:80")).isEqualTo("KUBE-SEP-RS4RBKLTHTF2IUXJ");
		assertThat(KubeProxyHash.svcChain(spn, TCP)).hasSizeLessThanOrEqualTo(KubeProxyHash.IPTABLES_CHAIN_NAME_MAX);
	}

	@Test
	void negativeVectors() {
		// Upper-case protocol is wrong (kube-proxy lower-cases): this is what you would
		// get.
		assertThat(KubeProxyHash.hash("ns1/svc1:p80TCP", 16)).isEqualTo("3UP2Z6VMNQ3MME3P");
		assertThat(KubeProxyHash.servicePortChainSuffix("ns1", "svc1", "p80", TCP)).isNotEqualTo("3UP2Z6VMNQ3MME3P");
		// SCTP: the lower-case protocol, as for TCP and UDP
		assertThat(KubeProxyHash.hash("ns1/svc1:p80sctp", 16)).isEqualTo("GFCIFIA5VTFSTMSM");
		assertThat(KubeProxyHash.servicePortChainSuffix("ns1", "svc1", "p80", dev.packetwalk.net.Protocol.SCTP))
			.isEqualTo("GFCIFIA5VTFSTMSM");
		// Same port name, other protocol: another chain.
		assertThat(KubeProxyHash.servicePortChainSuffix("ns1", "svc1", "p80", UDP))
			.isNotEqualTo(KubeProxyHash.servicePortChainSuffix("ns1", "svc1", "p80", TCP));
		// A colon is only added for named ports: "default/my-nginx:" would hash
		// differently.
		assertThat(KubeProxyHash.hash("default/my-nginx:tcp", 16)).isNotEqualTo("L65ENXXZWWSAPRCR");
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			ns1/svc1/tcp/p80                 | ULMVA6XW
			ns1/svc1/tcp/p80__10.180.0.1/80  | 5OJB2KTY
			ns4/svc4/tcp/p80                 | LAUZTJTB
			ns4/svc4/tcp/p80__10.180.0.4/80  | UNZV3OEC
			ns4/svc4/tcp/p80__10.180.0.5/80  | 5RFCDDV7
			ns2/svc2/tcp/p80                 | 42NFTM6N
			ns3/svc3/tcp/p80                 | 4AT6LBPK
			ns5/svc5/tcp/p80                 | HVFWP5L3
			default/kubernetes/tcp/https     | 2QRHZV4L
			kube-system/kube-dns/udp/dns     | FY5PMXPG
			kube-system/kube-dns/tcp/dns-tcp | NWBZK7IH
			""")
	void nftablesHashAndTruncate(String name, String hash) {
		assertThat(KubeProxyHash.nftChainName(name)).isEqualTo(hash + "-" + name);
	}

	@Test
	void nftablesFullNames() {
		assertThat(KubeProxyHash.nftChainName("service-", "ns1/svc1/tcp/p80"))
			.isEqualTo("service-ULMVA6XW-ns1/svc1/tcp/p80");
		assertThat(KubeProxyHash.nftChainName("endpoint-", "ns1/svc1/tcp/p80__10.180.0.1/80"))
			.isEqualTo("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
	}

	@Test
	void nftablesLongNamesAreTruncatedWithEllipsis() {
		String longName = "ns/" + "x".repeat(300);
		String s = KubeProxyHash.nftChainName(longName);
		assertThat(s).hasSize(KubeProxyHash.NFT_CHAIN_NAME_BASE_MAX)
			.endsWith("...")
			.startsWith(KubeProxyHash.hash(longName, 8) + "-ns/");
	}

	@Test
	void portNamesMustBeLabels() {
		assertThatThrownBy(() -> KubeProxyHash.servicePortChainSuffix("ns1", "Svc1", "p80", TCP))
			.hasMessageContaining("DNS label");
	}

	@Test
	void directEncodingEqualsCommonsCodecForEveryLength() throws Exception {
		org.apache.commons.codec.binary.Base32 base32 = new org.apache.commons.codec.binary.Base32();
		for (int k = 0; k < 200; k++) {
			String text = "default/svc" + k + ":http" + (k % 2 == 0 ? "tcp" : "udp10.0.0." + k + ":80");
			String full = base32.encodeAsString(java.security.MessageDigest.getInstance("SHA-256")
				.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
			for (int n = 0; n <= 52; n++) {
				assertThat(KubeProxyHash.hash(text, n)).as(text + " n=" + n).isEqualTo(full.substring(0, n));
			}
		}
	}

}

package dev.packetwalk.netfilter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The normalisations iptables-save applies, one at a time. */
class PrintTest {

	private static String canonical(String table, String rule) {
		String chains = table.equals("nat") ? ":KUBE-SVC-X - [0:0]\n" : "";
		String printed = RuleSet.parse("*" + table + "\n" + chains + rule + "\nCOMMIT\n").print();
		return printed.lines().filter(l -> l.startsWith("-A")).findFirst().orElseThrow();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					or-mark becomes set-xmark v/v      | nat    | -A POSTROUTING -j MARK --or-mark 0x4000                 | -A POSTROUTING -j MARK --set-xmark 0x4000/0x4000
					xor-mark becomes set-xmark v/0     | nat    | -A POSTROUTING -j MARK --xor-mark 0x4000                | -A POSTROUTING -j MARK --set-xmark 0x4000/0x0
					and-mark becomes set-xmark 0/~v    | filter | -A INPUT -j MARK --and-mark 0xff00                      | -A INPUT -j MARK --set-xmark 0x0/0xffff00ff
					set-mark widens the mask           | filter | -A INPUT -j MARK --set-mark 0x10/0x01                   | -A INPUT -j MARK --set-xmark 0x10/0x11
					set-mark without mask              | filter | -A INPUT -j MARK --set-mark 0x10                        | -A INPUT -j MARK --set-xmark 0x10/0xffffffff
					mark match keeps its mask          | nat    | -A POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN  | -A POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
					full mask is not printed           | filter | -A INPUT -m mark --mark 010/0xffffffff                   | -A INPUT -m mark --mark 0x8
					probability 1/5                    | filter | -A INPUT -m statistic --mode random --probability 0.2000000000 | -A INPUT -m statistic --mode random --probability 0.20000000019
					probability 1/3                    | filter | -A INPUT -m statistic --mode random --probability 0.3333333333 | -A INPUT -m statistic --mode random --probability 0.33333333349
					probability 1/2                    | filter | -A INPUT -m statistic --mode random --probability 0.5   | -A INPUT -m statistic --mode random --probability 0.50000000000
					probability 1/6                    | filter | -A INPUT -m statistic --mode random --probability 0.1666666667 | -A INPUT -m statistic --mode random --probability 0.16666666651
					probability 1/7                    | filter | -A INPUT -m statistic --mode random --probability 0.1428571429 | -A INPUT -m statistic --mode random --probability 0.14285714272
					REJECT default                     | filter | -A INPUT -j REJECT                                      | -A INPUT -j REJECT --reject-with icmp-port-unreachable
					REJECT alias                       | filter | -A INPUT -j REJECT --reject-with host-prohib            | -A INPUT -j REJECT --reject-with icmp-host-prohibited
					addresses gain a prefix length     | filter | -A INPUT -d 172.30.0.44 -s 10.0.0.0/8 -j ACCEPT          | -A INPUT -s 10.0.0.0/8 -d 172.30.0.44/32 -j ACCEPT
					host bits are cleared              | filter | -A INPUT -d 172.30.0.44/24 -j ACCEPT                    | -A INPUT -d 172.30.0.0/24 -j ACCEPT
					dotted masks become prefixes       | filter | -A INPUT -d 1.2.3.4/255.255.0.0 -j ACCEPT               | -A INPUT -d 1.2.0.0/16 -j ACCEPT
					a /0 address is dropped            | filter | -A INPUT -s 0.0.0.0/0 -j ACCEPT                          | -A INPUT -j ACCEPT
					header options come first          | filter | -A FORWARD -p udp -o eth0 -i veth+ ! -d 10.1.0.0/16 -s 1.2.3.4 -j ACCEPT | -A FORWARD -s 1.2.3.4/32 ! -d 10.1.0.0/16 -i veth+ -o eth0 -p udp -j ACCEPT
					-i + is dropped                    | filter | -A INPUT -i + -j ACCEPT                                  | -A INPUT -j ACCEPT
					numeric protocol                   | filter | -A INPUT -p 17 -j ACCEPT                                 | -A INPUT -p udp -j ACCEPT
					-p all is dropped                  | filter | -A INPUT -p all -j ACCEPT                                | -A INPUT -j ACCEPT
					implicit tcp match at its place    | filter | -A INPUT -p tcp -m comment --comment x --dport 80 -m mark --mark 1 --sport 5 -j ACCEPT | -A INPUT -p tcp -m comment --comment x -m tcp --sport 5 --dport 80 -m mark --mark 0x1 -j ACCEPT
					port ranges                        | filter | -A INPUT -p tcp -m tcp --sport :1000 --dport 1000: -j ACCEPT | -A INPUT -p tcp -m tcp --sport 0:1000 --dport 1000:65535 -j ACCEPT
					same-port range                    | filter | -A INPUT -p tcp -m tcp --dport 80:80 -j ACCEPT          | -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
					full range is dropped              | filter | -A INPUT -p tcp -m tcp --dport 0:65535 -j ACCEPT        | -A INPUT -p tcp -m tcp -j ACCEPT
					ctstate in kernel order            | filter | -A INPUT -m conntrack --ctstate DNAT,ESTABLISHED,RELATED -j ACCEPT | -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT
					addrtype src before dst            | filter | -A INPUT -m addrtype --dst-type LOCAL ! --src-type LOCAL | -A INPUT -m addrtype ! --src-type LOCAL --dst-type LOCAL
					recent spells out its defaults     | filter | -A INPUT -m recent --name foo --rcheck --seconds 60 --reap -j DROP | -A INPUT -m recent --rcheck --seconds 60 --reap --name foo --mask 255.255.255.255 --rsource -j DROP
					recent default list name           | filter | -A INPUT -m recent --set                                 | -A INPUT -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource
					plain comment stays bare           | filter | -A INPUT -m comment --comment plain_word-1               | -A INPUT -m comment --comment plain_word-1
					slash needs quotes                 | filter | -A INPUT -m comment --comment ns4/svc4:p80               | -A INPUT -m comment --comment "ns4/svc4:p80"
					quotes and apostrophes escaped     | filter | -A INPUT -m comment --comment "it's a \\"b\\""          | -A INPUT -m comment --comment "it\\'s a \\"b\\""
					a bang is a comment too            | filter | -A INPUT -m comment --comment "!"                        | -A INPUT -m comment --comment "!"
					recent reaps before counting hits  | filter | -A INPUT -m recent --name x --rcheck --hitcount 3 --reap --seconds 5 | -A INPUT -m recent --rcheck --seconds 5 --reap --hitcount 3 --name x --mask 255.255.255.255 --rsource
					empty comment                      | filter | -A INPUT -m comment --comment ""                         | -A INPUT -m comment --comment ""
					SNAT flags                         | nat    | -A POSTROUTING -p udp -j SNAT --random-fully --to-source 1.2.3.4:1000-2000 | -A POSTROUTING -p udp -j SNAT --to-source 1.2.3.4:1000-2000 --random-fully
					MASQUERADE ports and flags         | nat    | -A POSTROUTING -p tcp -j MASQUERADE --random --to-ports 1024-2000 | -A POSTROUTING -p tcp -j MASQUERADE --to-ports 1024-2000 --random
					goto                               | nat    | -A PREROUTING -g KUBE-SVC-X                              | -A PREROUTING -g KUBE-SVC-X
					ipvs prints the libxt_ipvs order   | filter | -A OUTPUT -s 203.0.113.120 -m ipvs --vaddr 203.0.113.120 --vproto tcp --vport 443 -j DROP | -A OUTPUT -s 203.0.113.120/32 -m ipvs --vproto 6 --vaddr 203.0.113.120 --vport 443 -j DROP
					ipvs --ipvs implied by options     | filter | -A OUTPUT -m ipvs --ipvs ! --vaddr 10.0.0.0/255.0.0.0 -j DROP | -A OUTPUT -m ipvs ! --vaddr 10.0.0.0/8 -j DROP
					ipvs property alone                | filter | -A OUTPUT -m ipvs ! --ipvs -j ACCEPT                      | -A OUTPUT -m ipvs ! --ipvs -j ACCEPT
					rule without target                | nat    | -A KUBE-SVC-X -m comment --comment "S loadbalancer IP"   | -A KUBE-SVC-X -m comment --comment "S loadbalancer IP"
					""")
	void normalises(String what, String table, String input, String expected) {
		assertThat(canonical(table, input)).as(what).isEqualTo(expected);
	}

	@Test
	void reproducesTheKindDumpLinesOfSection17() {
		// KIND-DUMP: default/my-nginx, as kube-proxy writes it; the real iptables-save
		// lines follow.
		RuleSet rules = RuleSet
			.parse("""
					*nat
					:KUBE-SERVICES - [0:0]
					:KUBE-MARK-MASQ - [0:0]
					:KUBE-POSTROUTING - [0:0]
					:KUBE-SVC-L65ENXXZWWSAPRCR - [0:0]
					:KUBE-SEP-TIQJFJVSHRJZTTZW - [0:0]
					:KUBE-SEP-MEZP33SDGZXSPSO5 - [0:0]
					-A KUBE-SERVICES -m comment --comment "default/my-nginx cluster IP" -m tcp -p tcp -d 10.96.86.215 --dport 80 -j KUBE-SVC-L65ENXXZWWSAPRCR
					-A KUBE-SVC-L65ENXXZWWSAPRCR -m comment --comment "default/my-nginx cluster IP" -m tcp -p tcp -d 10.96.86.215 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
					-A KUBE-SVC-L65ENXXZWWSAPRCR -m comment --comment "default/my-nginx -> 10.244.2.3:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-TIQJFJVSHRJZTTZW
					-A KUBE-SVC-L65ENXXZWWSAPRCR -m comment --comment "default/my-nginx -> 10.244.3.3:80" -j KUBE-SEP-MEZP33SDGZXSPSO5
					-A KUBE-SEP-TIQJFJVSHRJZTTZW -m comment --comment default/my-nginx -s 10.244.2.3 -j KUBE-MARK-MASQ
					-A KUBE-SEP-TIQJFJVSHRJZTTZW -m comment --comment default/my-nginx -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:80
					-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
					-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
					-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
					-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
					COMMIT
					""");

		assertThat(rules.print().lines()).contains(
				"-A KUBE-SERVICES -d 10.96.86.215/32 -p tcp -m comment --comment \"default/my-nginx cluster IP\" -m tcp --dport 80 -j KUBE-SVC-L65ENXXZWWSAPRCR",
				"-A KUBE-SVC-L65ENXXZWWSAPRCR ! -s 10.244.0.0/16 -d 10.96.86.215/32 -p tcp -m comment --comment \"default/my-nginx cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ",
				"-A KUBE-SVC-L65ENXXZWWSAPRCR -m comment --comment \"default/my-nginx -> 10.244.2.3:80\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-TIQJFJVSHRJZTTZW",
				"-A KUBE-SVC-L65ENXXZWWSAPRCR -m comment --comment \"default/my-nginx -> 10.244.3.3:80\" -j KUBE-SEP-MEZP33SDGZXSPSO5",
				"-A KUBE-SEP-TIQJFJVSHRJZTTZW -s 10.244.2.3/32 -m comment --comment \"default/my-nginx\" -j KUBE-MARK-MASQ",
				"-A KUBE-SEP-TIQJFJVSHRJZTTZW -p tcp -m comment --comment \"default/my-nginx\" -m tcp -j DNAT --to-destination 10.244.2.3:80",
				"-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
				"-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
				"-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
				"-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
	}

	@Test
	void userChainsPrintSortedByNameAfterTheBuiltinChains() {
		RuleSet rules = RuleSet
			.parse("*filter\n:zeta - [0:0]\n:KUBE-B - [0:0]\n:Alpha - [0:0]\n:KUBE-A - [0:0]\nCOMMIT\n");

		assertThat(rules.print()).isEqualTo("""
				*filter
				:INPUT ACCEPT [0:0]
				:FORWARD ACCEPT [0:0]
				:OUTPUT ACCEPT [0:0]
				:Alpha - [0:0]
				:KUBE-A - [0:0]
				:KUBE-B - [0:0]
				:zeta - [0:0]
				COMMIT
				""");
	}

	@Test
	void insertAndDeleteCommandsShapeTheTable() {
		RuleSet rules = RuleSet.parse("""
				*filter
				:OLD - [0:0]
				-X OLD
				-A INPUT -j ACCEPT
				-I INPUT -j DROP
				-I INPUT 2 -j RETURN
				COMMIT
				""");

		assertThat(rules.print()).isEqualTo("""
				*filter
				:INPUT ACCEPT [0:0]
				:FORWARD ACCEPT [0:0]
				:OUTPUT ACCEPT [0:0]
				-A INPUT -j DROP
				-A INPUT -j RETURN
				-A INPUT -j ACCEPT
				COMMIT
				""");
	}

}

package dev.packetwalk.netfilter;

import java.util.List;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Ipv4;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;
import org.junit.jupiter.api.Test;

import static dev.packetwalk.netfilter.Packets.table;
import static dev.packetwalk.netfilter.Packets.tcp;
import static dev.packetwalk.netfilter.Packets.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SCTP in iptables ({@code -p sctp -m sctp --sport/--dport}, xt_sctp) and nftables
 * ({@code sctp dport}, {@code sctp sport}, {@code meta l4proto sctp}, the
 * {@code th dport} of kube-proxy's verdict-map keys).
 */
class SctpMatchTest {

	static Packet sctp(String src, int sport, String dst, int dport) {
		return Packet.of(new Ipv4(Ip.parse(src), Ip.parse(dst), Protocol.SCTP, Ipv4.DEFAULT_TTL, true),
				new Transport.Sctp(sport, dport, 0, Transport.Sctp.INIT, 42), Payload.Bytes.EMPTY);
	}

	static Verdict input(RuleSet rules, Packet p) {
		return rules.evaluate(Table.FILTER, Hook.INPUT, EvalContext.of(p)).verdict();
	}

	@Test
	void iptablesSctpPortsMatchOnlySctp() {
		RuleSet rules = table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -p sctp -m sctp --dport 3868 -j DROP",
				"-A INPUT -p sctp -m sctp --sport 5000:5010 -j REJECT");
		assertThat(input(rules, sctp("10.0.0.1", 40000, "10.0.0.2", 3868))).isEqualTo(Verdict.DROP);
		assertThat(input(rules, sctp("10.0.0.1", 5005, "10.0.0.2", 80)))
			.isEqualTo(new Verdict.Reject(Target.RejectWith.ICMP_PORT_UNREACHABLE));
		assertThat(input(rules, sctp("10.0.0.1", 40000, "10.0.0.2", 80))).isEqualTo(Verdict.ACCEPT);
		assertThat(input(rules, tcp("10.0.0.1", 40000, "10.0.0.2", 3868))).isEqualTo(Verdict.ACCEPT);
		assertThat(input(rules, udp("10.0.0.1", 5005, "10.0.0.2", 80))).isEqualTo(Verdict.ACCEPT);
	}

	@Test
	void iptablesSavePrintsSctpAsIptablesDoes() {
		// kube-proxy writes "-m sctp -p sctp ... --dport"; iptables-save puts -p first,
		// loads the sctp match implicitly for a bare --dport, and accepts protocol 132
		RuleSet rules = table("nat", ":KUBE-SERVICES - [0:0]",
				"-A KUBE-SERVICES -m comment --comment \"default/hss:diameter cluster IP\" -m sctp -p sctp -d 10.9.3.86/32 --dport 3868 -j DNAT --to-destination 10.11.5.3:3868",
				"-A KUBE-SERVICES -p 132 --dport 3869 -j ACCEPT");
		assertThat(rules.print()).contains(
				"-A KUBE-SERVICES -d 10.9.3.86/32 -p sctp -m comment --comment \"default/hss:diameter cluster IP\" -m sctp --dport 3868 -j DNAT --to-destination 10.11.5.3:3868",
				"-A KUBE-SERVICES -p sctp -m sctp --dport 3869 -j ACCEPT");
		assertThat(RuleSet.parse(rules.print()).print()).isEqualTo(rules.print());
	}

	@Test
	void anSctpMatchNeedsProtocolSctp() {
		assertThatThrownBy(() -> table("filter", "-A INPUT -p tcp -m sctp --dport 80 -j DROP"))
			.hasMessageContaining("SCTP match requires '-p sctp'");
	}

	@Test
	void nftSctpPortsAndL4proto() {
		NftRuleset rs = NftRuleset.parse("""
				add table ip kube-proxy
				add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }
				add rule ip kube-proxy filter-input sctp dport 3868 drop
				add rule ip kube-proxy filter-input sctp sport 5000 meta l4proto sctp reject
				""");
		assertThat(rs.listRuleset()).contains("sctp dport 3868 drop", "sctp sport 5000 meta l4proto sctp reject");
		assertThat(nft(rs, sctp("10.0.0.1", 40000, "10.0.0.2", 3868))).isEqualTo(Verdict.DROP);
		assertThat(nft(rs, sctp("10.0.0.1", 5000, "10.0.0.2", 80))).isInstanceOf(Verdict.Reject.class);
		assertThat(nft(rs, tcp("10.0.0.1", 40000, "10.0.0.2", 3868))).isEqualTo(Verdict.ACCEPT);
		assertThat(nft(rs, tcp("10.0.0.1", 5000, "10.0.0.2", 80))).isEqualTo(Verdict.ACCEPT);
	}

	@Test
	void nftVerdictMapKeysReadSctpPorts() {
		NftRuleset rs = NftRuleset.parse("""
				add table ip kube-proxy
				add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }
				add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }
				add rule ip kube-proxy filter-input ip daddr . meta l4proto . th dport vmap @service-ips
				add element ip kube-proxy service-ips { 10.9.3.86 . sctp . 3868 : drop }
				""");
		assertThat(nft(rs, sctp("10.0.0.1", 40000, "10.9.3.86", 3868))).isEqualTo(Verdict.DROP);
		assertThat(nft(rs, tcp("10.0.0.1", 40000, "10.9.3.86", 3868))).isEqualTo(Verdict.ACCEPT);
	}

	static Verdict nft(NftRuleset rs, Packet p) {
		List<NftRuleset.BaseChain> chains = rs.baseChains(dev.packetwalk.netfilter.Hook.INPUT);
		return NftEvaluator
			.evaluate(rs, chains.getFirst().chain(),
					new NftEvaluator.Context(p, "eth0", CtState.NEW, ip -> false, () -> 0,
							new NftEvaluator.DynamicSets(), 0))
			.verdict();
	}

}

package dev.packetwalk.netfilter;

import static dev.packetwalk.netfilter.Packets.draws;
import static dev.packetwalk.netfilter.Packets.podToService;
import static dev.packetwalk.netfilter.Packets.table;
import static dev.packetwalk.netfilter.Packets.tcp;
import static dev.packetwalk.netfilter.Packets.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.packetwalk.net.Ip;

/**
 * Walking packets through tables: verdicts, chain traversal, and what each match and
 * target does.
 */
class EvaluationTest {

	private static EvalResult filterInput(RuleSet rules, EvalContext ctx) {
		return rules.evaluate(Table.FILTER, Hook.INPUT, ctx);
	}

	private static EvalContext any() {
		return EvalContext.of(tcp("10.0.0.1", 1234, "10.0.0.2", 80));
	}

	@Nested
	class Verdicts {

		@Test
		void acceptEndsTheTraversalAtTheFirstMatchingRule() {
			RuleSet rules = table("filter", "-A INPUT -s 192.168.0.0/16 -j DROP", "-A INPUT -j ACCEPT",
					"-A INPUT -j DROP");

			EvalResult r = filterInput(rules, any());

			assertThat(r.verdict()).isEqualTo(Verdict.ACCEPT);
			assertThat(r.rulesEvaluated()).isEqualTo(2);
			assertThat(r.hits()).singleElement().satisfies(h -> {
				assertThat(h.ruleNumber()).isEqualTo(2);
				assertThat(h.ruleText()).isEqualTo("-A INPUT -j ACCEPT");
				assertThat(h.action()).isEqualTo(RuleHit.Action.TERMINAL);
			});
			assertThat(r.appliedPolicy()).isEmpty();
		}

		@Test
		void dropAndRejectEndTheTraversal() {
			assertThat(filterInput(table("filter", "-A INPUT -j DROP", "-A INPUT -j ACCEPT"), any()).verdict())
				.isEqualTo(Verdict.DROP);
			assertThat(filterInput(table("filter", "-A INPUT -j REJECT", "-A INPUT -j ACCEPT"), any()).verdict())
				.isEqualTo(new Verdict.Reject(Target.RejectWith.ICMP_PORT_UNREACHABLE));
			assertThat(
					filterInput(table("filter", "-A INPUT -p tcp -j REJECT --reject-with tcp-reset"), any()).verdict())
				.isEqualTo(new Verdict.Reject(Target.RejectWith.TCP_RESET));
		}

		@Test
		void fallingOffABuiltinChainAppliesItsPolicy() {
			RuleSet rules = table("filter", ":INPUT DROP [0:0]", "-A INPUT -s 192.168.0.0/16 -j ACCEPT");

			EvalResult r = filterInput(rules, any());

			assertThat(r.verdict()).isEqualTo(Verdict.DROP);
			assertThat(r.policy()).isEqualTo(new EvalResult.AppliedPolicy(Table.FILTER, "INPUT", Policy.DROP));
			assertThat(r.rulesEvaluated()).isEqualTo(1);
			assertThat(r.hits()).isEmpty();
		}

		@Test
		void returnInABuiltinChainAppliesItsPolicy() {
			RuleSet rules = table("filter", ":INPUT DROP [0:0]", "-A INPUT -j RETURN", "-A INPUT -j ACCEPT");

			EvalResult r = filterInput(rules, any());

			assertThat(r.verdict()).isEqualTo(Verdict.DROP);
			assertThat(r.policy().policy()).isEqualTo(Policy.DROP);
			assertThat(r.hits()).extracting(RuleHit::action).containsExactly(RuleHit.Action.RETURN);
		}

		@Test
		void aRuleWithoutTargetOnlyCounts() {
			EvalResult r = filterInput(table("filter", "-A INPUT -m comment --comment counter", "-A INPUT -j DROP"),
					any());

			assertThat(r.hits()).extracting(RuleHit::action)
				.containsExactly(RuleHit.Action.CONTINUE, RuleHit.Action.TERMINAL);
			assertThat(r.verdict()).isEqualTo(Verdict.DROP);
		}

		@Test
		void aTableHasNoChainAtAForeignHook() {
			assertThatThrownBy(() -> table("filter").evaluate(Table.FILTER, Hook.PREROUTING, any()))
				.hasMessageContaining("has no PREROUTING chain");
		}

	}

	@Nested
	class Chains {

		@Test
		void fallingOffAUserChainReturnsToTheRuleAfterTheJump() {
			RuleSet rules = table("filter", ":CHECK - [0:0]", "-A INPUT -j CHECK", "-A INPUT -j DROP",
					"-A CHECK -s 192.168.0.0/16 -j ACCEPT");

			EvalResult r = filterInput(rules, any());

			assertThat(r.verdict()).isEqualTo(Verdict.DROP);
			assertThat(r.hits()).extracting(h -> h.chain() + "#" + h.ruleNumber() + " " + h.action())
				.containsExactly("INPUT#1 JUMP", "INPUT#2 TERMINAL");
			assertThat(r.rulesEvaluated()).isEqualTo(3);
		}

		@Test
		void returnGoesBackToTheCaller() {
			RuleSet rules = table("filter", ":CHECK - [0:0]", "-A INPUT -j CHECK", "-A INPUT -j ACCEPT",
					"-A CHECK -j RETURN", "-A CHECK -j DROP");

			EvalResult r = filterInput(rules, any());

			assertThat(r.verdict()).isEqualTo(Verdict.ACCEPT);
			assertThat(r.rulesEvaluated()).isEqualTo(3);
		}

		@Test
		void gotoDoesNotComeBack() {
			// -g: the end of B returns to A's caller (INPUT), skipping the rest of A
			RuleSet rules = table("filter", ":A - [0:0]", ":B - [0:0]", "-A INPUT -j A", "-A INPUT -j ACCEPT",
					"-A A -g B", "-A A -j DROP", "-A B -s 192.168.0.0/16 -j DROP");

			EvalResult r = filterInput(rules, any());

			assertThat(r.verdict()).isEqualTo(Verdict.ACCEPT);
			assertThat(r.hits()).extracting(h -> h.chain() + "#" + h.ruleNumber() + " " + h.action())
				.containsExactly("INPUT#1 JUMP", "A#1 GOTO", "INPUT#2 TERMINAL");
		}

		@Test
		void gotoFromTheBuiltinChainEndsInItsPolicy() {
			RuleSet rules = table("filter", ":INPUT DROP [0:0]", ":B - [0:0]", "-A INPUT -g B", "-A INPUT -j ACCEPT",
					"-A B -j RETURN");

			EvalResult r = filterInput(rules, any());

			assertThat(r.verdict()).isEqualTo(Verdict.DROP);
			assertThat(r.policy().chain()).isEqualTo("INPUT");
		}

	}

	@Nested
	class Marks {

		@Test
		void markIsNotTerminalAndLaterRulesSeeTheNewMark() {
			RuleSet rules = table("filter", "-A INPUT -j MARK --or-mark 0x4000",
					"-A INPUT -m mark --mark 0x4000/0x4000 -j ACCEPT", "-A INPUT -j DROP");

			EvalResult r = filterInput(rules, any());

			assertThat(r.verdict()).isEqualTo(Verdict.ACCEPT);
			assertThat(r.mark()).isEqualTo(0x4000);
			assertThat(r.hits()).extracting(RuleHit::action)
				.containsExactly(RuleHit.Action.MARK, RuleHit.Action.TERMINAL);
		}

		@Test
		void orSetsAndXorClearsTheMasqueradeBit() {
			assertThat(Target.Mark.orMark(0x4000).apply(0x1)).isEqualTo(0x4001);
			assertThat(Target.Mark.xorMark(0x4000).apply(0x4001)).isEqualTo(0x1);
			assertThat(Target.Mark.andMark(0xff00).apply(0x12345)).isEqualTo(0x2300);
			assertThat(Target.Mark.setMark(0x10, 0xf0).apply(0xfff)).isEqualTo(0xf1f);
		}

		@Test
		void kubePostroutingMasqueradesMarkedPacketsAndClearsTheBit() {
			RuleSet rules = RuleSet.parse(RealIptablesSaveTest.resource("kube-nat-svc4.restore"));
			EvalContext marked = any().withPacket(any().packet().withMark(0x4000)).withDevices(null, "eth0");

			EvalResult r = rules.evaluate(Table.NAT, Hook.POSTROUTING, marked);

			assertThat(r.nat()).isEqualTo(Target.Masquerade.plain());
			assertThat(r.mark()).isZero();
			assertThat(r.hits()).extracting(h -> h.chain() + "#" + h.ruleNumber())
				.containsExactly("POSTROUTING#1", "KUBE-POSTROUTING#2", "KUBE-POSTROUTING#3");
		}

		@Test
		void kubePostroutingLetsUnmarkedPacketsThroughUnchanged() {
			RuleSet rules = RuleSet.parse(RealIptablesSaveTest.resource("kube-nat-svc4.restore"));

			EvalResult r = rules.evaluate(Table.NAT, Hook.POSTROUTING, any());

			assertThat(r.natAction()).isEmpty();
			assertThat(r.verdict()).isEqualTo(Verdict.ACCEPT);
			assertThat(r.policy()).isEqualTo(new EvalResult.AppliedPolicy(Table.NAT, "POSTROUTING", Policy.ACCEPT));
		}

	}

	@Nested
	class ClusterIpDnat {

		private final RuleSet rules = RuleSet.parse(RealIptablesSaveTest.resource("kube-nat-svc4.restore"));

		@Test
		void aDrawBelowOneHalfTakesTheFirstEndpoint() {
			EvalResult r = rules.evaluate(Table.NAT, Hook.PREROUTING,
					podToService("172.30.0.44", 80).withRandom(draws(0x3fff_ffff)));

			assertThat(r.nat()).isEqualTo(Target.Dnat.to(Ip.parse("10.180.0.4"), 80));
			assertThat(r.hits()).extracting(h -> h.chain() + "#" + h.ruleNumber() + " " + h.action())
				.containsExactly("PREROUTING#1 JUMP", "KUBE-SERVICES#1 JUMP", "KUBE-SVC-4SW47YFZTEDKD3PK#2 JUMP",
						"KUBE-SEP-UKSFD7AGPMPPLUHC#2 TERMINAL");
			// PREROUTING 1, KUBE-SERVICES 1, KUBE-SVC 2 (masq rule tested, not matched),
			// KUBE-SEP 2
			assertThat(r.rulesEvaluated()).isEqualTo(6);
			assertThat(r.mark()).isZero();
		}

		@Test
		void aDrawOfOneHalfOrMoreTakesTheLastEndpoint() {
			EvalResult r = rules.evaluate(Table.NAT, Hook.PREROUTING,
					podToService("172.30.0.44", 80).withRandom(draws(0x4000_0000)));

			assertThat(r.nat()).isEqualTo(Target.Dnat.to(Ip.parse("10.180.0.5"), 80));
		}

		@Test
		void offClusterClientsAreMarkedForMasquerade() {
			EvalContext fromOutside = EvalContext.of(tcp("192.168.1.10", 5555, "172.30.0.44", 80));

			EvalResult r = rules.evaluate(Table.NAT, Hook.PREROUTING, fromOutside);

			assertThat(r.mark()).isEqualTo(0x4000);
			assertThat(r.hits()).extracting(RuleHit::chain).contains("KUBE-MARK-MASQ");
		}

		@Test
		void otherTrafficFallsThroughToNodePortsOnlyForLocalDestinations() {
			EvalContext toNode = EvalContext.of(tcp("192.168.1.10", 5555, "192.168.1.2", 30080))
				.withLocal(ip -> ip.equals(Ip.parse("192.168.1.2")));

			EvalResult r = rules.evaluate(Table.NAT, Hook.PREROUTING, toNode);

			assertThat(r.hits()).extracting(h -> h.chain() + "#" + h.ruleNumber())
				.containsExactly("PREROUTING#1", "KUBE-SERVICES#2");
			assertThat(r.natAction()).isEmpty();
		}

	}

	@Nested
	class MatchesOneByOne {

		private boolean matches(String ruleSpec, EvalContext ctx) {
			RuleSet rules = table("filter", "-A FORWARD " + ruleSpec + " -j ACCEPT");
			return rules.evaluate(Table.FILTER, Hook.FORWARD, ctx).hits().size() == 1;
		}

		@Test
		void addresses() {
			EvalContext ctx = EvalContext.of(tcp("10.244.1.5", 40000, "172.30.0.44", 80));
			assertThat(matches("-s 10.244.0.0/16", ctx)).isTrue();
			assertThat(matches("! -s 10.244.0.0/16", ctx)).isFalse();
			assertThat(matches("-d 172.30.0.44", ctx)).isTrue();
			assertThat(matches("-d 172.30.0.45", ctx)).isFalse();
			assertThat(matches("! -d 172.30.0.45/32", ctx)).isTrue();
		}

		@Test
		void interfacesWithWildcardsAndMissingDevices() {
			EvalContext ctx = any().withDevices("veth1234", "cni0");
			assertThat(matches("-i veth+", ctx)).isTrue();
			assertThat(matches("-i veth", ctx)).isFalse();
			assertThat(matches("! -i eth0", ctx)).isTrue();
			assertThat(matches("-o cni0", ctx)).isTrue();
			assertThat(matches("! -o cni+", ctx)).isFalse();
			EvalContext noDevices = any();
			assertThat(matches("-i veth+", noDevices)).isFalse();
			assertThat(matches("! -i veth+", noDevices)).isTrue();
		}

		@Test
		void protocolAndPorts() {
			EvalContext web = EvalContext.of(tcp("10.0.0.1", 1500, "10.0.0.2", 80));
			assertThat(matches("-p tcp", web)).isTrue();
			assertThat(matches("! -p tcp", web)).isFalse();
			assertThat(matches("-p udp", web)).isFalse();
			assertThat(matches("-p tcp --dport 80", web)).isTrue();
			assertThat(matches("-p tcp -m tcp --dport 81", web)).isFalse();
			assertThat(matches("-p tcp -m tcp ! --dport 81", web)).isTrue();
			assertThat(matches("-p tcp -m tcp --sport 1024:65535", web)).isTrue();
			assertThat(matches("-p tcp -m tcp ! --sport 1000:2000", web)).isFalse();
			assertThat(matches("-p udp -m udp --dport 80", EvalContext.of(udp("10.0.0.1", 53, "10.0.0.2", 80))))
				.isTrue();
			assertThat(matches("-p icmp", EvalContext.of(Packets.ping("10.0.0.1", "10.0.0.2")))).isTrue();
		}

		@Test
		void commentAlwaysMatches() {
			assertThat(matches("-m comment --comment \"anything at all\"", any())).isTrue();
		}

		@Test
		void markWithMask() {
			EvalContext marked = any().withPacket(any().packet().withMark(0x4001));
			assertThat(matches("-m mark --mark 0x4000/0x4000", marked)).isTrue();
			assertThat(matches("-m mark --mark 0x4000", marked)).isFalse();
			assertThat(matches("-m mark ! --mark 0x4000/0x4000", marked)).isFalse();
		}

		@Test
		void conntrackStatesAndNatFlags() {
			EvalContext established = any().withConntrack(CtState.ESTABLISHED, false, false);
			assertThat(matches("-m conntrack --ctstate RELATED,ESTABLISHED", established)).isTrue();
			assertThat(matches("-m conntrack --ctstate NEW", established)).isFalse();
			assertThat(matches("-m conntrack ! --ctstate NEW", established)).isTrue();
			assertThat(matches("-m conntrack --ctstate INVALID", any().withConntrack(CtState.INVALID, false, false)))
				.isTrue();
			EvalContext dnatted = any().withConntrack(CtState.NEW, true, false);
			assertThat(matches("-m conntrack --ctstate DNAT", dnatted)).isTrue();
			assertThat(matches("-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT", dnatted)).isFalse();
			assertThat(matches("-m conntrack --ctstate SNAT", dnatted)).isFalse();
		}

		@Test
		void addrtypeLocal() {
			EvalContext toNode = EvalContext.of(tcp("10.0.0.9", 1234, "192.168.1.2", 30080))
				.withLocal(ip -> ip.equals(Ip.parse("192.168.1.2")));
			assertThat(matches("-m addrtype --dst-type LOCAL", toNode)).isTrue();
			assertThat(matches("-m addrtype --src-type LOCAL", toNode)).isFalse();
			assertThat(matches("-m addrtype ! --src-type LOCAL --dst-type LOCAL", toNode)).isTrue();
		}

		@Test
		void ipsetsAreAskedWithTheirDirections() {
			IpSets clusterIps = (name, dirs, packet) -> {
				assertThat(name).isEqualTo("KUBE-CLUSTER-IP");
				assertThat(dirs).containsExactly(IpSetDirection.DST, IpSetDirection.DST);
				return packet.dst().equals(Ip.parse("172.30.0.44")) && packet.l4().dstPort() == 80;
			};
			assertThat(matches("-m set --match-set KUBE-CLUSTER-IP dst,dst",
					podToService("172.30.0.44", 80).withIpSets(clusterIps)))
				.isTrue();
			assertThat(matches("-m set --match-set KUBE-CLUSTER-IP dst,dst",
					podToService("172.30.0.44", 81).withIpSets(clusterIps)))
				.isFalse();
			assertThat(matches("-m set ! --match-set KUBE-CLUSTER-IP dst,dst",
					podToService("172.30.0.44", 81).withIpSets(clusterIps)))
				.isTrue();
			assertThatThrownBy(() -> matches("-m set --match-set NOPE dst", any()))
				.hasMessageContaining("ipset NOPE does not exist");
		}

		/**
		 * xt_ipvs: --vproto/--vaddr/--vport imply --ipvs, so a packet IPVS has not
		 * handled matches none of them, negated or not; kube-proxy's KUBE-IPVS-OUT-FILTER
		 * rule.
		 */
		@Test
		void ipvsMatchesThePacketsVirtualService() {
			String rule = "-s 203.0.113.120 -m ipvs --vaddr 203.0.113.120 --vproto tcp --vport 443";
			EvalContext fromVip = EvalContext.of(tcp("203.0.113.120", 40000, "10.244.2.5", 8080));
			EvalContext.IpvsConnection lb = new EvalContext.IpvsConnection(Ip.parse("203.0.113.120"), 443);
			assertThat(matches(rule, fromVip.withIpvs(lb))).isTrue();
			assertThat(matches(rule, fromVip)).as("IPVS has not handled it").isFalse();
			assertThat(matches(rule, fromVip.withIpvs(new EvalContext.IpvsConnection(Ip.parse("203.0.113.120"), 80))))
				.isFalse();
			assertThat(matches("-m ipvs ! --vport 443", fromVip)).as("negated options imply --ipvs too").isFalse();
			assertThat(matches("-m ipvs ! --vport 80", fromVip.withIpvs(lb))).isTrue();
			assertThat(matches("-m ipvs --vproto udp", fromVip.withIpvs(lb))).isFalse();
			assertThat(matches("-m ipvs --ipvs", fromVip.withIpvs(lb))).isTrue();
			assertThat(matches("-m ipvs ! --ipvs", fromVip)).isTrue();
			assertThat(matches("-m ipvs --vaddr 203.0.113.0/24", fromVip.withIpvs(lb))).isTrue();
			assertThatThrownBy(() -> matches("-m ipvs ! --ipvs --vport 80", fromVip))
				.hasMessageContaining("! --ipvs cannot be together with other options");
			assertThatThrownBy(() -> matches("-m ipvs --vmethod GATE", fromVip)).hasMessageContaining("not modelled");
			assertThatThrownBy(() -> matches("-m ipvs", fromVip)).hasMessageContaining("At least one option");
		}

		@Test
		void matchesAreTestedInOrderAndStopAtTheFirstMiss() {
			// the statistic match behind a failing address test never draws
			int[] drawn = { 0 };
			EvalContext ctx = any().withRandom(() -> {
				drawn[0]++;
				return 0;
			});
			assertThat(matches("-s 192.168.0.0/16 -m statistic --mode random --probability 1", ctx)).isFalse();
			assertThat(drawn[0]).isZero();
		}

	}

	@Nested
	class Recent {

		private static final String AFFINITY = RealIptablesSaveTest.resource("kube-nat-affinity.restore");

		private final RuleSet rules = RuleSet.parse(AFFINITY);

		@Test
		void setRecordsTheSourceAndRcheckFindsItWithinTheTimeout() {
			RecentLists recent = new RecentLists();
			EvalContext first = podToService("172.30.0.45", 80).withRecent(recent).withNow(1000);

			EvalResult r1 = rules.evaluate(Table.NAT, Hook.PREROUTING, first);

			assertThat(r1.hits()).extracting(h -> h.chain() + "#" + h.ruleNumber())
				.containsExactly("PREROUTING#1", "KUBE-SERVICES#1", "KUBE-SVC-NUKIZ6OKUXPJNT4C#2",
						"KUBE-SEP-I77PXRDZVX7PMWMN#2");
			assertThat(recent.lastSeen("KUBE-SEP-I77PXRDZVX7PMWMN", Ip.parse("10.244.1.5"))).hasValue(1000);

			EvalResult r2 = rules.evaluate(Table.NAT, Hook.PREROUTING, first.withNow(1000 + 10800));

			assertThat(r2.hits()).extracting(h -> h.chain() + "#" + h.ruleNumber())
				.contains("KUBE-SVC-NUKIZ6OKUXPJNT4C#1");
			assertThat(recent.lastSeen("KUBE-SEP-I77PXRDZVX7PMWMN", Ip.parse("10.244.1.5"))).hasValue(1000 + 10800);
		}

		@Test
		void rcheckMissesAfterTheTimeout() {
			RecentLists recent = new RecentLists();
			recent.record("KUBE-SEP-I77PXRDZVX7PMWMN", Ip.parse("10.244.1.5"), 1000);

			EvalResult r = rules.evaluate(Table.NAT, Hook.PREROUTING,
					podToService("172.30.0.45", 80).withRecent(recent).withNow(1000 + 10801));

			assertThat(r.hits()).extracting(h -> h.chain() + "#" + h.ruleNumber())
				.doesNotContain("KUBE-SVC-NUKIZ6OKUXPJNT4C#1");
		}

		@Test
		void reapForgetsTheLeastRecentlySeenAddressWhenItIsStale() {
			// as xt_recent: reaping happens while checking a known address, and only the
			// LRU entry goes
			RecentLists recent = new RecentLists();
			recent.record("L", Ip.parse("10.0.0.7"), 0);
			recent.record("L", Ip.parse("10.0.0.8"), 10);
			recent.record("L", Ip.parse("10.0.0.1"), 90);
			RuleSet r = table("filter", "-A INPUT -m recent --name L --rcheck --seconds 60 --reap -j DROP");

			EvalResult result = filterInput(r, any().withRecent(recent).withNow(100));

			assertThat(result.verdict()).isEqualTo(Verdict.DROP);
			assertThat(recent.snapshot("L")).containsOnlyKeys(Ip.parse("10.0.0.8"), Ip.parse("10.0.0.1"));
		}

		@Test
		void updateRefreshesOnlyOnAHitAndRemoveForgets() {
			RecentLists recent = new RecentLists();
			recent.record("L", Ip.parse("10.0.0.1"), 10);
			RuleSet update = table("filter", "-A INPUT -m recent --name L --update --seconds 60 -j DROP");
			RuleSet remove = table("filter", "-A INPUT -m recent --name L --remove -j DROP");

			assertThat(filterInput(update, any().withRecent(recent).withNow(50)).verdict()).isEqualTo(Verdict.DROP);
			assertThat(recent.lastSeen("L", Ip.parse("10.0.0.1"))).hasValue(50);
			assertThat(filterInput(update, any().withRecent(recent).withNow(200)).verdict()).isEqualTo(Verdict.ACCEPT);
			assertThat(recent.lastSeen("L", Ip.parse("10.0.0.1"))).hasValue(50);
			assertThat(filterInput(remove, any().withRecent(recent)).verdict()).isEqualTo(Verdict.DROP);
			assertThat(recent.lastSeen("L", Ip.parse("10.0.0.1"))).isEmpty();
		}

		@Test
		void rdestRecordsTheDestinationAndHitcountNeedsEnoughStamps() {
			RecentLists recent = new RecentLists();
			RuleSet set = table("filter", "-A INPUT -m recent --name D --set --rdest");
			RuleSet check = table("filter",
					"-A INPUT -m recent --name D --rcheck --seconds 10 --hitcount 3 --rdest -j DROP");
			for (int t = 0; t < 2; t++) {
				filterInput(set, any().withRecent(recent).withNow(t));
			}
			assertThat(recent.lastSeen("D", Ip.parse("10.0.0.2"))).hasValue(1);
			assertThat(filterInput(check, any().withRecent(recent).withNow(5)).verdict()).isEqualTo(Verdict.ACCEPT);
			filterInput(set, any().withRecent(recent).withNow(2));
			assertThat(filterInput(check, any().withRecent(recent).withNow(5)).verdict()).isEqualTo(Verdict.DROP);
		}

	}

	@Test
	void filterKubeForwardAcceptsMarkedAndEstablishedTrafficDespiteTheDropPolicy() {
		RuleSet rules = RuleSet.parse(RealIptablesSaveTest.resource("kube-filter.restore"));
		EvalContext marked = EvalContext.of(tcp("192.168.1.10", 5555, "10.244.2.3", 8080).withMark(0x4000))
			.withDevices("eth0", "flannel.1");
		EvalContext reply = EvalContext.of(tcp("10.244.2.3", 8080, "192.168.1.10", 5555))
			.withDevices("flannel.1", "eth0")
			.withConntrack(CtState.ESTABLISHED, true, false);
		EvalContext stranger = EvalContext.of(tcp("192.168.1.10", 5555, "10.244.2.3", 8080))
			.withDevices("eth0", "flannel.1");

		assertThat(rules.evaluate(Table.FILTER, Hook.FORWARD, marked).hits()).extracting(RuleHit::ruleText)
			.contains(
					"-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT");
		assertThat(rules.evaluate(Table.FILTER, Hook.FORWARD, reply).verdict()).isEqualTo(Verdict.ACCEPT);
		EvalResult dropped = rules.evaluate(Table.FILTER, Hook.FORWARD, stranger);
		assertThat(dropped.verdict()).isEqualTo(Verdict.DROP);
		assertThat(dropped.policy().chain()).isEqualTo("FORWARD");
	}

	@Test
	void serviceWithoutEndpointsIsRejectedInFilter() {
		RuleSet rules = RuleSet.parse(RealIptablesSaveTest.resource("kube-filter.restore"));

		EvalResult r = rules.evaluate(Table.FILTER, Hook.OUTPUT,
				EvalContext.of(tcp("192.168.1.2", 4000, "172.30.0.46", 80)));

		assertThat(r.verdict()).isEqualTo(new Verdict.Reject(Target.RejectWith.ICMP_PORT_UNREACHABLE));
		assertThat(r.hits()).last().extracting(RuleHit::chain).isEqualTo("KUBE-SERVICES");
	}

	@Test
	void tablesRunInKernelPriorityOrderAtEachHook() {
		assertThat(Table.atHook(Hook.PREROUTING)).containsExactly(Table.RAW, Table.MANGLE, Table.NAT);
		assertThat(Table.atHook(Hook.OUTPUT)).containsExactly(Table.RAW, Table.MANGLE, Table.NAT, Table.FILTER);
		assertThat(Table.atHook(Hook.INPUT)).containsExactly(Table.MANGLE, Table.FILTER, Table.NAT);
		assertThat(Table.atHook(Hook.FORWARD)).containsExactly(Table.MANGLE, Table.FILTER);
		assertThat(Table.atHook(Hook.POSTROUTING)).containsExactly(Table.MANGLE, Table.NAT);
		assertThat(Table.NAT.builtinChains()).containsExactly(Hook.PREROUTING, Hook.INPUT, Hook.OUTPUT,
				Hook.POSTROUTING);
		assertThat(List.of(Table.values())).extracting(Table::label).containsExactly("raw", "mangle", "nat", "filter");
	}

}

package dev.packetwalk.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the parser refuses, and that it says where and why. */
class ParseErrorTest {

	private static IptablesParseException refusal(String text) {
		try {
			RuleSet.parse(text);
		}
		catch (IptablesParseException ex) {
			return ex;
		}
		throw new AssertionError("expected the parser to refuse:\n" + text);
	}

	@Test
	void theSection17ExcerptAsPrintedJumpsToAnUndeclaredChain() {
		// The facts file shows the excerpt without ':KUBE-NODEPORTS'; iptables-restore
		// refuses that too.
		String excerpt = """
				*nat
				:KUBE-SERVICES - [0:0]
				:KUBE-MARK-MASQ - [0:0]
				-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-MARK-MASQ
				-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
				COMMIT
				""";

		IptablesParseException ex = refusal(excerpt);

		assertThat(ex.line()).isEqualTo(5);
		assertThat(ex.token()).isEqualTo("KUBE-NODEPORTS");
		assertThat(ex.getMessage()).startsWith("line 5: ").contains("Chain 'KUBE-NODEPORTS' does not exist");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					unknown option             | -A INPUT --bogus -j ACCEPT                                      | --bogus        | unknown or unsupported option
					unsupported match          | -A INPUT -m limit --limit 5/s -j ACCEPT                          | limit          | is not supported by the model (tcp
					option of unsupported kind | -A INPUT -m conntrack --ctorigdst 1.2.3.4 -j ACCEPT             | --ctorigdst    | unknown or unsupported option
					unsupported target         | -A INPUT -j LOG --log-prefix x                                   | LOG            | not supported by the model
					unknown target option      | -A INPUT -j ACCEPT --to-destination 1.2.3.4                      | --to-destination | unknown or unsupported option
					two sources                | -A INPUT -s 1.2.3.4 -s 2.3.4.5 -j ACCEPT                         | -s             | multiple -s flags not allowed
					two targets                | -A INPUT -j ACCEPT -j DROP                                       | -j             | multiple -j flags not allowed
					tcp match without -p tcp   | -A INPUT -m tcp --dport 80 -j ACCEPT                             | -m tcp --dport 80 -j ACCEPT | TCP match requires
					--dport without any -p     | -A INPUT --dport 80 -j ACCEPT                                    | --dport        | unknown or unsupported option
					bad ctstate                | -A INPUT -m conntrack --ctstate FOO -j ACCEPT                    | FOO            | bad ctstate
					probability above one      | -A INPUT -m statistic --mode random --probability 1.5 -j ACCEPT  | 1.5            | between 0 and 1
					statistic nth mode         | -A INPUT -m statistic --mode nth --every 2 -j ACCEPT             | nth            | only random
					bad address                | -A INPUT -s 300.1.1.1 -j ACCEPT                                  | 300.1.1.1      | not an IPv4 address
					host name                  | -A INPUT -d example.com -j ACCEPT                                | example.com    | not an IPv4 address
					address list               | -A INPUT -d 1.1.1.1,2.2.2.2 -j ACCEPT                            | 1.1.1.1,2.2.2.2 | one rule per address
					reversed port range        | -A INPUT -p tcp -m tcp --dport 2000:1000 -j ACCEPT               | 2000:1000      | min > max
					service name port          | -A INPUT -p tcp --dport http -j ACCEPT                            | http           | service names are not supported
					unsupported protocol       | -A INPUT -p gre -j ACCEPT                                        | gre            | not supported by the model
					-o at INPUT                | -A INPUT -o eth0 -j ACCEPT                                       | ACCEPT         | use -o with INPUT
					DNAT in filter             | -A INPUT -j DNAT --to-destination 10.0.0.1                       | DNAT           | only valid in the nat table
					tcp-reset without -p tcp   | -A INPUT -j REJECT --reject-with tcp-reset                       | -j REJECT --reject-with tcp-reset | tcp-reset needs
					negated -m                 | -A INPUT ! -m comment --comment x                                | -m             | cannot be used with -m
					old-style negation         | -A INPUT -s ! 1.2.3.4 -j ACCEPT                                  | -s             | before the option
					jump to built-in chain     | -A INPUT -j FORWARD                                              | FORWARD        | cannot jump to built-in chain
					comment without text       | -A INPUT -m comment -j ACCEPT                                    | comment        | must be specified
					recent without command     | -A INPUT -m recent --name x -j ACCEPT                            | recent         | --set, --rcheck, --update or --remove
					recent reap without secs   | -A INPUT -m recent --rcheck --reap -j ACCEPT                     | recent         | --reap needs --seconds
					option after the target    | -A INPUT -p icmp -j ACCEPT -m mark --mark 1/0x1 --bogus          | --bogus        | unknown or unsupported option
					unknown command            | -D INPUT 1                                                       | -D             | unknown or unsupported command
					append to undeclared chain | -A NOPE -j ACCEPT                                                | NOPE           | does not exist in table filter
					""")
	void refusesWithLineTokenAndReason(String what, String rule, String token, String reason) {
		IptablesParseException ex = refusal("*filter\n:X - [0:0]\n" + rule + "\nCOMMIT\n");

		assertThat(ex.line()).as(what).isEqualTo(3);
		assertThat(ex.token()).as(what).isEqualTo(token);
		assertThat(ex.reason()).as(what).contains(reason);
	}

	@Test
	void theNatTableRefusesToDrop() {
		IptablesParseException ex = refusal("*nat\n-A PREROUTING -s 10.0.0.0/8 -j DROP\nCOMMIT\n");

		assertThat(ex.line()).isEqualTo(2);
		assertThat(ex.reason()).contains("not intended for filtering");
	}

	@Test
	void aJumpLoopReachableFromABuiltinChainIsRefusedAtTheRuleThatClosesIt() {
		IptablesParseException ex = refusal("""
				*filter
				:A - [0:0]
				:B - [0:0]
				-A FORWARD -j A
				-A A -j B
				-A B -j A
				COMMIT
				""");

		assertThat(ex.line()).isEqualTo(6);
		assertThat(ex.reason()).contains("jump loop A -> B -> A");
	}

	@Test
	void aLoopNoBuiltinChainReachesIsAcceptedAsIptablesRestoreDoes() {
		RuleSet rules = RuleSet.parse("*filter\n:A - [0:0]\n-A A -g A\nCOMMIT\n");

		assertThat(rules.chain(Table.FILTER, "A")).isPresent();
	}

	@Test
	void nestingDeeperThanNftablesAllowsIsRefused() {
		StringBuilder sb = new StringBuilder("*filter\n");
		for (int i = 1; i <= 16; i++) {
			sb.append(":C").append(i).append(" - [0:0]\n");
		}
		sb.append("-A INPUT -j C1\n");
		for (int i = 1; i < 16; i++) {
			sb.append("-A C").append(i).append(" -j C").append(i + 1).append('\n');
		}
		sb.append("COMMIT\n");

		IptablesParseException ex = refusal(sb.toString());

		// as observed: iptables-restore (nf_tables) fails "line 33: ... rule in chain
		// C15" (Too many links)
		assertThat(ex.line()).isEqualTo(33);
		assertThat(ex.reason()).contains("Too many links");
	}

	@Test
	void dnatInAUserChainReachedFromPostroutingIsRefused() {
		IptablesParseException ex = refusal("""
				*nat
				:A - [0:0]
				-A A -j DNAT --to-destination 1.1.1.1
				-A POSTROUTING -j A
				COMMIT
				""");

		assertThat(ex.line()).isEqualTo(3);
		assertThat(ex.reason()).contains("DNAT in chain A is reached from POSTROUTING");
	}

	@Test
	void structuralMistakesNameTheirLine() {
		assertThat(refusal("-A INPUT -j ACCEPT\n").reason()).contains("not inside a table");
		assertThat(refusal("*filter\n-A INPUT -j ACCEPT\n").reason()).contains("COMMIT expected");
		assertThat(refusal("*security\nCOMMIT\n").token()).isEqualTo("security");
		assertThat(refusal("*filter\n:X ACCEPT [0:0]\nCOMMIT\n").reason()).contains("cannot have a policy");
		assertThat(refusal("*filter\n:INPUT - [0:0]\nCOMMIT\n").reason()).contains("ACCEPT or DROP");
		assertThat(refusal("*filter\n:ABCDEFGHIJKLMNOPQRSTUVWXYZ123 - [0:0]\nCOMMIT\n").reason()).contains("too long");
		assertThat(refusal("*filter\n:ACCEPT - [0:0]\nCOMMIT\n").reason()).contains("invalid chain name");
		assertThat(refusal("*filter\nCOMMIT\n*filter\nCOMMIT\n").line()).isEqualTo(3);
		assertThat(refusal("*filter\n-A INPUT -m comment --comment \"open\nCOMMIT\n").reason())
			.contains("unterminated");
		assertThat(refusal("*filter\n:X - [0:0]\n-A X -j ACCEPT\n-X X\nCOMMIT\n").reason()).contains("not empty");
		assertThat(refusal("*filter\n:X - [0:0]\n-A INPUT -j X\n-X X\nCOMMIT\n").reason()).contains("still referenced");
	}

	@Test
	void programmaticRuleSetsGetTheSameChecks() {
		Chain input = Chain.builtin(Table.FILTER, Hook.INPUT, Policy.ACCEPT,
				java.util.List.of(Rule.of("INPUT", new Target.Jump("MISSING"))));

		assertThatThrownBy(() -> RuleSet.of(java.util.List.of(input))).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("table filter, chain INPUT, rule 1")
			.hasMessageContaining("Chain 'MISSING' does not exist");
	}

}

package dev.packetwalk.netfilter;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large texts take other paths: their rule lines are read ahead on all cores
 * ({@link RuleSetParser#PARALLEL_LINES}) and their tables checked on two
 * ({@link TableCheck#PARALLEL_CHAINS}). Those paths must give the rule set, or the
 * refusal, that reading line by line gives.
 */
class LargeTextParseTest {

	private static final int SERVICES = 6_000;

	/**
	 * A kube-proxy-shaped nat table: per Service a KUBE-SVC chain jumping to two KUBE-SEP
	 * chains (statistic, DNAT, masquerade mark), the dispatch rules in KUBE-SERVICES.
	 * About 42,000 lines and 12,000 chains.
	 */
	private static List<String> lines() {
		List<String> l = new ArrayList<>();
		l.add("*nat");
		l.add(":PREROUTING ACCEPT [0:0]");
		l.add(":OUTPUT ACCEPT [0:0]");
		l.add(":POSTROUTING ACCEPT [0:0]");
		l.add(":KUBE-SERVICES - [0:0]");
		l.add(":KUBE-MARK-MASQ - [0:0]");
		l.add(":KUBE-POSTROUTING - [0:0]");
		for (int s = 0; s < SERVICES; s++) {
			l.add(":KUBE-SVC-" + s + " - [0:0]");
			l.add(":KUBE-SEP-" + s + "A - [0:0]");
			l.add(":KUBE-SEP-" + s + "B - [0:0]");
		}
		l.add("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
		l.add("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
		l.add("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING");
		l.add("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000");
		l.add("-A KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE");
		for (int s = 0; s < SERVICES; s++) {
			String vip = "10.96." + (s / 250) + "." + (1 + s % 250);
			String a = "10.64." + (s / 250) + "." + (2 + s % 250);
			String b = "10.65." + (s / 250) + "." + (2 + s % 250);
			l.add("-A KUBE-SERVICES -m comment --comment \"default/svc" + s + ":http cluster IP\" -m tcp -p tcp -d "
					+ vip + " --dport 80 -j KUBE-SVC-" + s);
			l.add("-A KUBE-SVC-" + s + " -m comment --comment default/svc" + s
					+ ":http -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-" + s + "A");
			l.add("-A KUBE-SVC-" + s + " -m comment --comment default/svc" + s + ":http -j KUBE-SEP-" + s + "B");
			l.add("-A KUBE-SEP-" + s + "A -s " + a + " -j KUBE-MARK-MASQ");
			l.add("-A KUBE-SEP-" + s + "A -m tcp -p tcp -j DNAT --to-destination " + a + ":8080");
			l.add("-A KUBE-SEP-" + s + "B -s " + b + " -j KUBE-MARK-MASQ");
			l.add("-A KUBE-SEP-" + s + "B -m tcp -p tcp -j DNAT --to-destination " + b + ":8080");
		}
		l.add("COMMIT");
		return l;
	}

	private static RuleSet parse(String text, boolean ahead) {
		return new RuleSetParser(text, ahead ? 1 : Integer.MAX_VALUE).parse();
	}

	@Test
	void theTextIsLargeEnoughToTakeTheParallelPaths() {
		List<String> lines = lines();
		assertThat(lines.size()).isGreaterThanOrEqualTo(RuleSetParser.PARALLEL_LINES);
		assertThat(3 * SERVICES).isGreaterThanOrEqualTo(TableCheck.PARALLEL_CHAINS);
	}

	@Test
	void readingAheadGivesTheRuleSetReadingInTurnGives() {
		String text = String.join("\n", lines()) + "\n";
		RuleSet inTurn = parse(text, false);
		RuleSet ahead = parse(text, true);
		assertThat(ahead).isEqualTo(inTurn);
		assertThat(ahead.print()).isEqualTo(inTurn.print());
		assertThat(RuleSet.parse(text)).isEqualTo(inTurn);
		assertThat(inTurn.chains(Table.NAT)).hasSize(4 + 3 + 3 * SERVICES); // nat has
																			// INPUT too,
																			// created
																			// empty
	}

	private static IptablesParseException refusal(String text, boolean ahead) {
		try {
			parse(text, ahead);
		}
		catch (IptablesParseException ex) {
			return ex;
		}
		throw new AssertionError("expected a refusal");
	}

	/**
	 * Breaks the text at one or two places and checks that both ways report the same
	 * first problem: a bad rule, an unknown chain, an unterminated quote, a rule outside
	 * any table; with two problems the earlier line wins, whether it is a problem of the
	 * rule itself (found ahead) or of where it goes (found in turn).
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					bad address late               | 40000 | -A KUBE-SERVICES -d 300.1.1.1 -j KUBE-MARK-MASQ |       |
					unknown chain late             | 40000 | -A KUBE-SERVICES -j KUBE-NOPE                    |       |
					unterminated quote             | 30000 | -A KUBE-SERVICES -m comment --comment "open -j KUBE-MARK-MASQ | |
					rule error before chain error  | 25000 | -A KUBE-SERVICES -s 1.2.3.4 -s 2.3.4.5 -j KUBE-MARK-MASQ | 35000 | -A KUBE-NOPE -j KUBE-MARK-MASQ
					chain error before rule error  | 25000 | -A KUBE-NOPE -j KUBE-MARK-MASQ | 35000 | -A KUBE-SERVICES -s 1.2.3.4 -s 2.3.4.5 -j KUBE-MARK-MASQ
					bad option twice               | 21000 | -A KUBE-SERVICES --bogus -j KUBE-MARK-MASQ | 41000 | -A KUBE-SERVICES -j LOG
					""")
	void theFirstProblemInLineOrderIsReportedEitherWay(String name, int line, String rule, Integer line2,
			String rule2) {
		List<String> lines = lines();
		lines.set(line - 1, rule);
		if (line2 != null) {
			lines.set(line2 - 1, rule2);
		}
		String text = String.join("\n", lines) + "\n";
		IptablesParseException inTurn = refusal(text, false);
		IptablesParseException ahead = refusal(text, true);
		assertThat(inTurn.line()).isEqualTo(line);
		assertThat(ahead.line()).isEqualTo(inTurn.line());
		assertThat(ahead.token()).isEqualTo(inTurn.token());
		assertThat(ahead.getMessage()).isEqualTo(inTurn.getMessage());
	}

	@Test
	void aRuleBeforeAnyTableIsRefusedAtItsLineEitherWay() {
		List<String> lines = new ArrayList<>(List.of("-A KUBE-SERVICES -j KUBE-MARK-MASQ"));
		lines.addAll(lines());
		String text = String.join("\n", lines) + "\n";
		assertThat(refusal(text, true).getMessage()).isEqualTo(refusal(text, false).getMessage())
			.startsWith("line 1:")
			.contains("not inside a table");
	}

	/**
	 * The whole-table checks of a large table: a loop is reported before a NAT target at
	 * the wrong hook.
	 */
	@Test
	void largeTablesReportTheirLoopBeforeTheirHookProblem() {
		List<String> lines = lines();
		int commit = lines.size() - 1;
		// MASQUERADE reached from PREROUTING through KUBE-SERVICES, and a loop through
		// two Service chains
		lines.add(commit, "-A KUBE-SEP-5999B -j MASQUERADE");
		String hookOnly = String.join("\n", lines) + "\n";
		assertThat(refusal(hookOnly, true).getMessage())
			.contains("MASQUERADE in chain KUBE-SEP-5999B is reached from PREROUTING");
		lines.add(commit, "-A KUBE-SEP-17A -j KUBE-SVC-17");
		String both = String.join("\n", lines) + "\n";
		assertThat(refusal(both, true).getMessage()).contains("jump loop");
		assertThat(refusal(both, false).getMessage()).isEqualTo(refusal(both, true).getMessage());
	}

}

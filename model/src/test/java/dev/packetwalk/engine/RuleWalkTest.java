package dev.packetwalk.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.RuleMatch;
import dev.packetwalk.trace.RuleWalk;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A netfilter step's walk: every rule the kernel tested, in order, with typed hits and
 * the statistic draws.
 */
class RuleWalkTest {

	static Trace trace(String id) throws IOException {
		Path file = Path.of("../scenarios", id + ".yaml");
		CompiledScenario s = new ScenarioCompiler().compile(file.getFileName().toString(),
				Files.readString(file, StandardCharsets.UTF_8));
		return new Engine(s.scenario()).run(s.seed());
	}

	static List<Step.Netfilter> netfilterSteps(Trace t) {
		return t.walks()
			.stream()
			.flatMap(w -> w.hops().stream())
			.flatMap(h -> h.steps().stream())
			.filter(Step.Netfilter.class::isInstance)
			.map(Step.Netfilter.class::cast)
			.toList();
	}

	static Stream<String> scenarios() throws IOException {
		try (Stream<Path> s = Files.list(Path.of("../scenarios"))) {
			return s.map(p -> p.getFileName().toString())
				.filter(n -> n.endsWith(".yaml"))
				.map(n -> n.substring(0, n.length() - 5))
				.sorted()
				.toList()
				.stream();
		}
	}

	/**
	 * The walk accounts for exactly the rules counted, lists every matched rule in order,
	 * and ends as the verdict says.
	 */
	@ParameterizedTest
	@MethodSource("scenarios")
	void theWalkAccountsForEveryRuleEvaluated(String id) throws IOException {
		for (Step.Netfilter nf : netfilterSteps(trace(id))) {
			int tested = 0;
			for (RuleWalk w : nf.walk()) {
				tested += switch (w) {
					case RuleWalk.Skipped s -> s.to() - s.from() + 1;
					case RuleWalk.Tested t -> 1;
					case RuleWalk.Return r -> 0;
					case RuleWalk.Policy p -> 0;
				};
			}
			assertThat(tested).as(id + " " + nf.table() + " " + nf.hook()).isEqualTo(nf.rulesEvaluated());
			List<RuleMatch> matchedInWalk = nf.walk()
				.stream()
				.filter(RuleWalk.Tested.class::isInstance)
				.map(RuleWalk.Tested.class::cast)
				.filter(RuleWalk.Tested::matched)
				.map(RuleWalk.Tested::hit)
				.toList();
			assertThat(matchedInWalk).isEqualTo(nf.matched());
			boolean policy = nf.walk().getLast() instanceof RuleWalk.Policy;
			assertThat(policy).isEqualTo(nf.matched().isEmpty() || !"TERMINAL".equals(nf.matched().getLast().action()));
		}
	}

	@Test
	void iptablesScalingWalksPast46RulesAndMatchesFour() throws IOException {
		Step.Netfilter nat = netfilterSteps(trace("iptables-scaling")).stream()
			.filter(nf -> nf.rulesEvaluated() == 46)
			.findFirst()
			.orElseThrow();
		assertThat(nat.matched()).hasSize(4);
		RuleWalk.Skipped past = nat.walk()
			.stream()
			.filter(RuleWalk.Skipped.class::isInstance)
			.map(RuleWalk.Skipped.class::cast)
			.filter(s -> s.chain().equals("KUBE-SERVICES"))
			.findFirst()
			.orElseThrow();
		assertThat(past.rules()).hasSize(past.to() - past.from() + 1).allMatch(r -> r.startsWith("-A KUBE-SERVICES "));
	}

	/**
	 * kuard's five endpoints: the ladder's rungs each drew; the ones before the pick
	 * missed, the pick's draw is below its p.
	 */
	@Test
	void kuardLadderShowsEveryRungWithItsDraw() throws IOException {
		Step.Netfilter nat = netfilterSteps(trace("kuard-five-endpoints")).stream()
			.filter(nf -> nf.matched().stream().anyMatch(m -> m.chain().startsWith("KUBE-SVC-")))
			.findFirst()
			.orElseThrow();
		List<RuleMatch> rungs = nat.walk()
			.stream()
			.filter(RuleWalk.Tested.class::isInstance)
			.map(RuleWalk.Tested.class::cast)
			.map(RuleWalk.Tested::hit)
			.filter(h -> h.probability() != null)
			.toList();
		assertThat(rungs).hasSize(4);
		assertThat(rungs).extracting(RuleMatch::probability).allMatch(p -> p > 0 && p <= 0.5);
		for (int i = 0; i < rungs.size(); i++) {
			RuleMatch r = rungs.get(i);
			boolean last = i == rungs.size() - 1;
			assertThat(r.draw() < r.probability()).as(r.rule()).isEqualTo(last);
			assertThat(r.action()).isEqualTo(last ? "JUMP" : "NO_MATCH");
			assertThat(r.comment()).startsWith("default/kuard -> ");
		}
	}

	static List<Step.Nftables> nftSteps(Trace t) {
		return t.walks()
			.stream()
			.flatMap(w -> w.hops().stream())
			.flatMap(h -> h.steps().stream())
			.filter(Step.Nftables.class::isInstance)
			.map(Step.Nftables.class::cast)
			.toList();
	}

	/**
	 * An nftables step's walk accounts for every rule evaluated, lists the matched rules
	 * as {@code matched} does, carries every lookup and draw on the rule that made it,
	 * and ends in a verdict, a NAT statement or the policy.
	 */
	@ParameterizedTest
	@MethodSource("scenarios")
	void theNftablesWalkAccountsForEveryRuleEvaluated(String id) throws IOException {
		for (Step.Nftables nf : nftSteps(trace(id))) {
			String where = id + " " + nf.chain();
			int tested = 0;
			for (RuleWalk w : nf.walk()) {
				tested += switch (w) {
					case RuleWalk.Skipped s -> s.to() - s.from() + 1;
					case RuleWalk.Tested t -> 1;
					case RuleWalk.Return r -> 0;
					case RuleWalk.Policy p -> 0;
				};
			}
			assertThat(tested).as(where).isEqualTo(nf.rulesEvaluated());
			List<RuleMatch> hits = nf.walk()
				.stream()
				.filter(RuleWalk.Tested.class::isInstance)
				.map(RuleWalk.Tested.class::cast)
				.map(RuleWalk.Tested::hit)
				.toList();
			assertThat(hits.stream().filter(h -> !h.action().equals("NO_MATCH")).map(RuleMatch::rule).toList())
				.as(where)
				.isEqualTo(nf.matched().stream().map(RuleMatch::rule).toList());
			assertThat(hits.stream().filter(h -> h.lookups() != null).flatMap(h -> h.lookups().stream()).toList())
				.as(where)
				.isEqualTo(nf.lookups());
			assertThat(hits.stream().filter(h -> h.numgen() != null).map(RuleMatch::numgen).toList()).as(where)
				.isEqualTo(nf.draws());
			RuleWalk last = nf.walk().getLast();
			if (nf.verdict().equals("accept")) {
				assertThat(last).as(where).isInstanceOfAny(RuleWalk.Policy.class, RuleWalk.Tested.class);
			}
			else {
				assertThat(last).as(where).isInstanceOf(RuleWalk.Tested.class);
				assertThat(((RuleWalk.Tested) last).hit().effect()).as(where).isEqualTo(nf.verdict());
			}
		}
	}

	/**
	 * kuard-five-endpoints-nftables: the walk of nat-prerouting on the client's node
	 * shows the @service-ips element used (the vmap goto into the Service's chain) and
	 * the numgen value drawn on the rule that picked the endpoint.
	 */
	@Test
	void theNftablesWalkShowsTheVmapElementAndTheNumgenValue() throws IOException {
		Step.Nftables pre = nftSteps(trace("kuard-five-endpoints-nftables")).stream()
			.filter(s -> s.chain().equals("nat-prerouting") && !s.draws().isEmpty())
			.findFirst()
			.orElseThrow();
		List<RuleMatch> hits = pre.walk()
			.stream()
			.filter(RuleWalk.Tested.class::isInstance)
			.map(RuleWalk.Tested.class::cast)
			.map(RuleWalk.Tested::hit)
			.toList();
		RuleMatch vmap = hits.stream().filter(h -> h.lookups() != null).findFirst().orElseThrow();
		Step.Nftables.Lookup element = vmap.lookups().getLast();
		assertThat(element.set()).isEqualTo("service-ips");
		assertThat(element.element()).startsWith(element.key() + " : goto service-");
		assertThat(vmap.action()).isEqualTo("GOTO");
		RuleMatch numgen = hits.stream().filter(h -> h.numgen() != null).findFirst().orElseThrow();
		assertThat(numgen.numgen().mod()).isEqualTo(5);
		assertThat(numgen.numgen().value()).isBetween(0, 4);
		assertThat(numgen.rule()).startsWith("numgen random mod 5 vmap {");
		assertThat(numgen.effect()).isEqualTo(numgen.numgen().verdict()).startsWith("goto endpoint-");
		assertThat(hits.getLast().effect()).startsWith("dnat to 10.244.");
	}

}

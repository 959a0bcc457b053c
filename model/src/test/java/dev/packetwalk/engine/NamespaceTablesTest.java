package dev.packetwalk.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.RuleMatch;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A namespace's tables at any step: what each step taught the kernel, exactly at that
 * step.
 */
class NamespaceTablesTest {

	record Run(Engine engine, long seed, List<Step> steps) {
		NamespaceTables at(int step, String ns) {
			return engine.tablesAt(seed, step, ns);
		}
	}

	static Run run(String id) throws IOException {
		Path file = Path.of("../scenarios", id + ".yaml");
		CompiledScenario s = new ScenarioCompiler().compile(file.getFileName().toString(),
				Files.readString(file, StandardCharsets.UTF_8));
		Engine engine = new Engine(s.scenario());
		Trace t = engine.run(s.seed());
		List<Step> steps = new ArrayList<>();
		t.walks().forEach(w -> w.hops().forEach(h -> steps.addAll(h.steps())));
		return new Run(engine, s.seed(), steps);
	}

	static NamespaceTables.Table table(NamespaceTables t, String id) {
		return t.tables().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
	}

	@Test
	void podToServiceConntrackEntryAppearsWithItsReplyTupleAtTheDnat() throws IOException {
		Run r = run("pod-to-service");
		int dnat = -1;
		for (int i = 0; i < r.steps().size(); i++) {
			if (r.steps().get(i) instanceof Step.Nat n && n.kind() == Step.Nat.Kind.DNAT) {
				dnat = i;
				break;
			}
		}
		Step.Nat nat = (Step.Nat) r.steps().get(dnat);
		String node = nat.at().namespace();
		String backend = nat.packet().dst().toString();
		assertThat(table(r.at(0, node), "conntrack").lines()).isEmpty();
		assertThat(table(r.at(0, node), "conntrack").text()).isEmpty();
		// at the DNAT step (1-based: dnat + 1) the entry carries the reply tuple from the
		// backend, marked; it is still
		// attached to the packet, not in conntrack -L
		NamespaceTables.Table ct = table(r.at(dnat + 1, node), "conntrack");
		assertThat(ct.lines()).singleElement().satisfies(l -> {
			assertThat(l.text()).contains("src=" + backend + " dst=").contains("[UNREPLIED]");
			assertThat(l.mark()).isEqualTo("updated");
			assertThat(l.inTable()).isFalse();
		});
		assertThat(ct.text()).isEmpty();
		// once confirmed, conntrack -L prints it
		int confirm = -1;
		for (int i = dnat; i < r.steps().size(); i++) {
			if (r.steps().get(i) instanceof Step.Conntrack c && c.at().namespace().equals(node)
					&& c.narration().contains("confirms")) {
				confirm = i;
				break;
			}
		}
		NamespaceTables.Table confirmed = table(r.at(confirm + 1, node), "conntrack");
		assertThat(confirmed.lines()).singleElement().satisfies(l -> {
			assertThat(l.mark()).isEqualTo("confirmed");
			assertThat(l.inTable()).isTrue();
		});
		assertThat(confirmed.text()).startsWith("tcp      6 120 SYN_SENT src=")
			.contains("src=" + backend)
			.endsWith("mark=0 use=1\n");
	}

	/**
	 * Every ARP answer adds the entry at exactly its neighbour step, in the asking
	 * namespace.
	 */
	@Test
	void neighbourEntriesAppearExactlyAtTheStepsThatLearnThem() throws IOException {
		for (String id : List.of("pod-to-service", "pod-to-pod-vxlan", "pod-to-pod-same-node")) {
			Run r = run(id);
			int checked = 0;
			for (int i = 0; i < r.steps().size(); i++) {
				if (r.steps().get(i) instanceof Step.NeighborLookup n
						&& n.resolution() == Step.NeighborLookup.Resolution.ARP_REPLY) {
					String line = n.ip() + " dev " + n.at().device() + " lladdr " + n.mac() + " REACHABLE";
					assertThat(table(r.at(i, n.at().namespace()), "neigh").lines())
						.extracting(NamespaceTables.Line::text)
						.as(id + " before step " + (i + 1))
						.doesNotContain(line);
					assertThat(table(r.at(i + 1, n.at().namespace()), "neigh").lines()).as(id + " at step " + (i + 1))
						.contains(new NamespaceTables.Line(line, "created", true));
					checked++;
				}
				if (r.steps().get(i) instanceof Step.NeighborLookup n
						&& n.resolution() == Step.NeighborLookup.Resolution.CACHE) {
					String line = n.ip() + " dev " + n.at().device() + " lladdr " + n.mac() + " REACHABLE";
					assertThat(table(r.at(i + 1, n.at().namespace()), "neigh").lines())
						.contains(new NamespaceTables.Line(line, "used", true));
				}
			}
			assertThat(checked).as(id).isPositive();
		}
	}

	/**
	 * Every entry a bridge step lists is in the bridge's FDB at that step, and first
	 * appeared at a receive or ARP step.
	 */
	@Test
	void fdbEntriesAppearAtTheStepsThatLearnThem() throws IOException {
		Run r = run("pod-to-pod-same-node");
		int bridges = 0;
		for (int i = 0; i < r.steps().size(); i++) {
			if (r.steps().get(i) instanceof Step.BridgeForward b) {
				List<String> fdb = table(r.at(i + 1, b.at().namespace()), "fdb").lines()
					.stream()
					.map(NamespaceTables.Line::text)
					.toList();
				assertThat(fdb).containsAll(b.fdb());
				bridges++;
			}
		}
		assertThat(bridges).isPositive();
		String node = r.steps()
			.stream()
			.filter(Step.BridgeForward.class::isInstance)
			.findFirst()
			.orElseThrow()
			.at()
			.namespace();
		for (int k = 1; k <= r.steps().size(); k++) {
			for (NamespaceTables.Line l : table(r.at(k, node), "fdb").lines()) {
				if ("created".equals(l.mark())) {
					Step s = r.steps().get(k - 1);
					assertThat(s).as("step " + k + " learned " + l.text())
						.isInstanceOfAny(Step.Receive.class, Step.NeighborLookup.class);
				}
			}
		}
	}

	@Test
	void staticTablesAreTheToolsText() throws IOException {
		Run r = run("pod-to-service");
		NamespaceTables t = r.at(0, "node1");
		assertThat(t.tables()).extracting(NamespaceTables.Table::id)
			.containsSubsequence("route", "neigh", "fdb", "conntrack", "iptables", "listeners");
		assertThat(table(t, "iptables").text()).startsWith("*").contains("*nat\n").contains("COMMIT\n");
		assertThat(table(t, "route").text()).contains(" proto kernel scope link src ");
		assertThat(table(t, "listeners").lines().getFirst().text()).startsWith("Netid State  Recv-Q Send-Q");
	}

	/**
	 * nftables mode: the node's {@code nft list ruleset} (the text GET
	 * …/nodes/{node}/nft-ruleset serves), with the rules the nat-prerouting walk matched
	 * and the @service-ips element it used marked at that step, and nothing marked at
	 * other steps.
	 */
	@Test
	void nftablesModeHasTheRulesetWithTheStepsRulesMarked() throws IOException {
		Run r = run("kuard-five-endpoints-nftables");
		int k = -1;
		for (int i = 0; i < r.steps().size(); i++) {
			if (r.steps().get(i) instanceof Step.Nftables n && !n.draws().isEmpty()) {
				k = i;
				break;
			}
		}
		Step.Nftables pre = (Step.Nftables) r.steps().get(k);
		String node = pre.at().namespace();
		NamespaceTables.Table nft = table(r.at(k + 1, node), "nftables");
		assertThat(nft.command()).isEqualTo("nft list ruleset");
		assertThat(nft.text()).isEqualTo(r.engine().nftRuleset(node)).startsWith("table ip kube-proxy {");
		assertThat(r.at(k + 1, node).tables()).extracting(NamespaceTables.Table::id)
			.containsSubsequence("route", "conntrack", "nftables", "listeners");
		assertThat(table(r.at(k + 1, node), "conntrack").lines()).isNotEmpty();
		List<String> marked = nft.lines().stream().filter(l -> l.mark() != null).map(l -> l.text().strip()).toList();
		List<String> expected = new ArrayList<>(pre.matched().stream().map(RuleMatch::rule).toList());
		pre.lookups().stream().filter(l -> l.element() != null).forEach(l -> expected.add(l.element()));
		// every matched rule and the element used, each on one marked line (a one-element
		// map prints it on its "elements = { … }" line)
		assertThat(expected).allSatisfy(e -> assertThat(marked).anySatisfy(m -> assertThat(m).contains(e)));
		assertThat(marked).hasSize(expected.size())
			.anySatisfy(m -> assertThat(m).startsWith("numgen random mod 5 vmap {"))
			.anySatisfy(m -> assertThat(m).contains(" : goto service-"));
		assertThat(nft.lines()).allSatisfy(l -> assertThat(l.mark()).isIn(null, "used"));
		// the step before (filter-prerouting-pre-dnat matched nothing of nat-prerouting)
		assertThat(table(r.at(k, node), "nftables").lines())
			.noneMatch(l -> l.text().contains("numgen") && l.mark() != null);
		assertThat(table(r.at(0, node), "nftables").lines()).allSatisfy(l -> assertThat(l.mark()).isNull());
		// an iptables-mode node has no nftables table
		assertThat(run("pod-to-service").at(0, "node1").tables()).extracting(NamespaceTables.Table::id)
			.doesNotContain("nftables");
	}

	@Test
	void badStepsAndNamespacesAreNamed() throws IOException {
		Run r = run("pod-to-service");
		assertThatThrownBy(() -> r.at(r.steps().size() + 1, "node1"))
			.hasMessageContaining("step must be 0.." + r.steps().size());
		assertThatThrownBy(() -> r.at(0, "nowhere")).hasMessageContaining("nowhere");
	}

	@Test
	void sameSeedSameTables() throws IOException {
		Run r = run("kuard-five-endpoints");
		assertThat(r.at(10, r.steps().get(9).at().namespace())).isEqualTo(r.at(10, r.steps().get(9).at().namespace()));
	}

	/**
	 * The shape of a tool's line: addresses, MACs and numbers replaced, conntrack's state
	 * and flags left out. The fixtures in {@code src/test/resources/tools/} are what
	 * iproute2 6.x, conntrack-tools 1.4.7 and ss printed for a bridge, two veths and one
	 * DNATed connection in throwaway network namespaces.
	 */
	static String shape(String line) {
		return line.replaceAll("([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC")
			.replaceAll("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?", "IP")
			.replaceAll(" (SYN_SENT|SYN_RECV|ESTABLISHED|TIME_WAIT) ", " ")
			.replaceAll(" \\[(UNREPLIED|ASSURED)\\]", "")
			.replaceAll("dev [a-z0-9.]+", "dev D")
			.replaceAll("master [a-z0-9]+", "master B")
			.replaceAll("\\d+", "N")
			.replaceAll(" +", " ");
	}

	static List<String> fixture(String name) throws IOException {
		return Files.readAllLines(Path.of("src/test/resources/tools", name));
	}

	@Test
	void formatsAreTheRealTools() throws IOException {
		Run r = run("pod-to-service");
		String node = "node1";
		NamespaceTables end = r.at(r.steps().size(), node);
		// ip neigh: a learned entry, trailing space included
		String realNeigh = fixture("ip-neigh.txt").getFirst();
		List<String> neigh = table(end, "neigh").text().lines().toList();
		assertThat(neigh)
			.anySatisfy(l -> assertThat(shape(l) + "|" + l.endsWith(" ")).isEqualTo(shape(realNeigh) + "|true"));
		// ip route: the connected route
		List<String> realRoute = fixture("ip-route.txt");
		List<String> route = table(end, "route").text().lines().toList();
		assertThat(route).anySatisfy(l -> assertThat(shape(l)).isEqualTo(shape(realRoute.get(1))));
		assertThat(route).allMatch(l -> l.endsWith(" "));
		// bridge fdb: a learned entry and a port's permanent one
		List<String> realFdb = fixture("bridge-fdb.txt");
		String learned = realFdb.stream().filter(l -> l.endsWith("master br0 ")).findFirst().orElseThrow();
		String permanent = realFdb.stream().filter(l -> l.contains("master br0 permanent")).findFirst().orElseThrow();
		List<String> fdb = table(end, "fdb").text().lines().toList();
		assertThat(fdb)
			.anySatisfy(l -> assertThat(shape(l) + "|" + l.endsWith(" ")).isEqualTo(shape(learned) + "|true"));
		assertThat(fdb).anySatisfy(l -> assertThat(shape(l)).isEqualTo(shape(permanent)));
		// conntrack -L: the DNATed connection, both tuples
		String realCt = fixture("conntrack.txt").getFirst();
		List<String> ct = table(end, "conntrack").text().lines().toList();
		assertThat(ct).isNotEmpty().allSatisfy(l -> assertThat(shape(l)).isEqualTo(shape(realCt)));
		// ss -ltun: header and a listening TCP socket, column for column
		List<String> realSs = fixture("ss-ltun.txt");
		NamespaceTables.Table ss = NamespaceTables
			.listeners(List.of(new dev.packetwalk.topology.Listener(dev.packetwalk.net.Protocol.TCP, 8080, "python3")));
		assertThat(ss.text().lines().toList()).hasSize(2);
		assertThat(ss.text().lines().toList().getFirst()).isEqualTo(realSs.getFirst());
		assertThat(ss.text().lines().toList().get(1).replace("4096", "128 ")).isEqualTo(realSs.get(1));
	}

	/**
	 * {@code ipvsadm -Lnc} on pod-to-service-ipvs's node: the header only before the
	 * first packet; at the {@code ipvs} step the connection IPVS made (client, virtual
	 * server, the real server the step chose), SYN_RECV with IPVS's 60 s, marked created;
	 * once the reply passed, ESTABLISHED with 15:00 (ipvsadm --set defaults). Columns as
	 * ipvsadm's list_conn/print_conn print them: {@code "%-3s %-6s %-11s %-18s %-18s %s"}
	 * under {@code "pro expire %-11s %-18s %-18s %s"}.
	 */
	@Test
	void ipvsadmLncListsTheConnectionFromTheIpvsStep() throws IOException {
		Run r = run("pod-to-service-ipvs");
		int ipvs = -1;
		for (int i = 0; i < r.steps().size(); i++) {
			if (r.steps().get(i) instanceof Step.Ipvs) {
				ipvs = i;
				break;
			}
		}
		Step.Ipvs step = (Step.Ipvs) r.steps().get(ipvs);
		String node = step.at().namespace();
		NamespaceTables.Table zero = table(r.at(0, node), "ipvs-conn");
		assertThat(zero.command()).isEqualTo("ipvsadm -Lnc");
		assertThat(zero.text()).isEqualTo("IPVS connection entries\n"
				+ "pro expire state       source             virtual            destination\n");
		assertThat(table(r.at(ipvs, node), "ipvs-conn").text().lines()).hasSize(2);
		NamespaceTables.Table at = table(r.at(ipvs + 1, node), "ipvs-conn");
		String client = step.packet().src() + ":" + step.packet().l4().srcPort();
		String virtual = step.packet().dst() + ":" + step.packet().l4().dstPort();
		String expected = String.format(java.util.Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s", "TCP", "01:00",
				"SYN_RECV", client, virtual, step.chosen());
		assertThat(at.lines()).hasSize(3);
		assertThat(at.lines().get(2).text()).isEqualTo(expected);
		assertThat(at.lines().get(2).mark()).isEqualTo("created");
		assertThat(at.text()).endsWith(expected + "\n");
		// the order the columns come in: the tables ipvs, ipvs-conn next to each other
		assertThat(r.at(ipvs + 1, node).tables()).extracting(NamespaceTables.Table::id)
			.containsSubsequence("conntrack", "iptables", "ipvs", "ipvs-conn", "listeners");
		String end = table(r.at(r.steps().size(), node), "ipvs-conn").text();
		assertThat(end.lines().toList().get(2)).startsWith("TCP 15:00  ESTABLISHED " + client + " ")
			.endsWith(" " + step.chosen());
		// a namespace without IPVS has no such table; nor has an iptables-mode node
		assertThat(r.at(ipvs + 1, "default/pod1").tables()).extracting(NamespaceTables.Table::id)
			.doesNotContain("ipvs-conn");
	}

}

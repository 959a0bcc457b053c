package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.net.Ip;
import dev.packetwalk.netfilter.Chain;
import dev.packetwalk.netfilter.Match;
import dev.packetwalk.netfilter.NftRuleset;
import dev.packetwalk.netfilter.NftStatement;
import dev.packetwalk.netfilter.Rule;
import dev.packetwalk.netfilter.RuleSet;
import dev.packetwalk.netfilter.Table;
import dev.packetwalk.netfilter.Target;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Route;
import dev.packetwalk.topology.Topology;
import dev.packetwalk.trace.RuleMatch;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;

/**
 * The shares a flow's random choices should give, worked out from the datapath rather
 * than counted: the ECMP route that spreads flows evenly over its live next hops (a load
 * balancer's nodes), then, on the node a flow enters, the kube-proxy chain that picks an
 * endpoint ({@code KUBE-SVC-}/{@code KUBE-SVL-}: rule i jumps with
 * {@code --probability p_i}, so endpoint i gets {@code p_i × Π(1 − p_j)} of what reaches
 * the chain), or the IPVS scheduler (deterministic for a run's first connection: rr
 * starts at the first real server). A pod's expected share is the sum over nodes of node
 * share × the pod's share on that node.
 * <p>
 * Which chain a node uses (its own {@code KUBE-SVL-} for
 * {@code externalTrafficPolicy: Local}, the cluster-wide {@code KUBE-SVC-} otherwise) is
 * read from the traces of a few seeds; its probabilities and DNAT targets from that
 * node's rules. A next hop no sampled trace entered is left unexplained
 * ({@link Result#explained()} below 1).
 */
public final class ExpectedShares {

	/**
	 * @param byNamespace expected fraction of requests per receiving namespace (0..1)
	 * @param byNode the same summed per node that owns the receiving namespace
	 * @param dropped expected fraction dropped
	 * @param explained the fraction of requests the shares account for (1 when every
	 * branch was worked out)
	 * @param ecmpNextHops how many live next hops an ECMP route on the way chooses
	 * between first (0: none), before a node picks an endpoint
	 * @param reasoning how the shares were worked out, one line per choice, for people
	 */
	public record Result(Map<String, Double> byNamespace, Map<String, Double> byNode, double dropped, double explained,
			int ecmpNextHops, List<String> reasoning) {

		public Result {
			byNamespace = java.util.Collections.unmodifiableMap(new TreeMap<>(byNamespace));
			byNode = java.util.Collections.unmodifiableMap(new TreeMap<>(byNode));
			reasoning = List.copyOf(reasoning);
		}

	}

	/** What one sampled request walk shows about its random choices. */
	private record Sample(String ecmpNamespace, Route ecmp, String entered, String choiceNamespace, String chain,
			String ipvsChosen, String delivered, boolean dropped, String nftChain, String chosen, String dropReason) {
	}

	private ExpectedShares() {
	}

	/**
	 * @param flow the flow id, or null for the scenario's first
	 * @param seeds how many seeds ({@code seedFrom ..}) to read the per-node chains from
	 */
	public static Result of(Engine engine, Topology topology, String flow, int seeds, long seedFrom) {
		return of(engine, topology, flow, seeds, seedFrom, Budget.UNLIMITED);
	}

	/** The same within a budget, checked by every seed's run. */
	public static Result of(Engine engine, Topology topology, String flow, int seeds, long seedFrom, Budget budget) {
		if (seeds < 1) {
			throw new IllegalArgumentException("seeds must be at least 1");
		}
		List<Sample> samples = new ArrayList<>();
		for (int i = 0; i < seeds; i++) {
			samples.add(sample(engine.run(seedFrom + i, budget), flow, topology));
		}
		Map<String, Double> byNs = new TreeMap<>();
		List<String> why = new ArrayList<>();
		double[] dropped = { 0 };
		double explained = 0;
		int hops = 0;
		Sample first = samples.getFirst();
		if (first.ecmp() != null) {
			List<Route.Nexthop> live = first.ecmp().multipath().stream().filter(h -> !h.dead()).toList();
			hops = live.size();
			List<String> dead = first.ecmp()
				.multipath()
				.stream()
				.filter(Route.Nexthop::dead)
				.map(h -> owner(topology, h.via()) + (h.note() == null ? "" : " (" + h.note() + ")"))
				.toList();
			why.add("In " + first.ecmpNamespace() + ", the ECMP route to " + first.ecmp().dst()
					+ " hashes each flow to one of " + live.size() + " live next hops: "
					+ String.join(", ", live.stream().map(h -> owner(topology, h.via())).toList()) + ", "
					+ fraction(1.0 / live.size()) + " each"
					+ (dead.isEmpty() ? "" : "; no traffic to " + String.join(", ", dead)));
			for (Route.Nexthop h : live) {
				String node = owner(topology, h.via());
				Sample s = samples.stream().filter(x -> node.equals(x.entered())).findFirst().orElse(null);
				if (s == null) {
					why.add("No sampled flow entered " + node + ": its share is not worked out");
					continue;
				}
				explained += branch(engine, topology, s, samples, 1.0 / live.size(), byNs, dropped, why);
			}
		}
		else {
			explained += branch(engine, topology, first, samples, 1.0, byNs, dropped, why);
		}
		Map<String, Double> byNode = new TreeMap<>();
		byNs.forEach((ns, share) -> byNode.merge(topology.namespace(ns).node(), share, Double::sum));
		return new Result(byNs, byNode, dropped[0], explained, hops, why);
	}

	/**
	 * One entry node's contribution, weighted by {@code weight}; returns the weight it
	 * explained.
	 */
	private static double branch(Engine engine, Topology topology, Sample s, List<Sample> samples, double weight,
			Map<String, Double> byNs, double[] dropped, List<String> why) {
		if (s.chain() != null) {
			RuleSet rules = RuleSet.parse(engine.iptablesSave(s.choiceNamespace()));
			Chain chain = rules.chain(Table.NAT, s.chain()).orElseThrow();
			Map<String, Double> shares = chainShares(rules, chain, topology);
			List<String> parts = new ArrayList<>();
			shares.forEach((ns, p) -> parts.add(shortName(ns) + " " + fraction(p)));
			why.add("On " + s.choiceNamespace() + ", " + s.chain()
					+ (shares.size() == 1
							? " sends it to its only endpoint, " + shortName(shares.keySet().iterator().next())
							: " picks one of " + shares.size() + " endpoints with -m statistic --mode random: "
									+ String.join(", ", parts)));
			afterTheChoice(s, samples, shares, weight, byNs, dropped, why);
			return weight;
		}
		if (s.nftChain() != null) {
			NftRuleset rs = NftRuleset.parse(topology.namespace(s.choiceNamespace()).nftables());
			Map<String, Double> shares = numgenShares(rs, rs.chain(s.nftChain()), topology);
			List<String> parts = new ArrayList<>();
			shares.forEach((ns, p) -> parts.add(shortName(ns) + " " + fraction(p)));
			why.add("On " + s.choiceNamespace() + ", nft chain " + s.nftChain()
					+ (shares.size() == 1
							? " sends it to its only endpoint, " + shortName(shares.keySet().iterator().next())
							: " picks one of " + shares.size() + " endpoints with numgen random mod " + shares.size()
									+ ": " + String.join(", ", parts)));
			afterTheChoice(s, samples, shares, weight, byNs, dropped, why);
			return weight;
		}
		if (s.ipvsChosen() != null) {
			why.add("On " + s.choiceNamespace() + ", IPVS schedules the run's first connection to " + s.ipvsChosen()
					+ " (round robin starts at the first real server: no random draw)");
		}
		if (s.delivered() != null) {
			byNs.merge(s.delivered(), weight, Double::sum);
			if (s.ipvsChosen() == null) {
				why.add("No random choice on the way to " + shortName(s.delivered()));
			}
		}
		else {
			dropped[0] += weight;
			why.add("Dropped on the way: no endpoint receives it");
		}
		return weight;
	}

	/**
	 * What becomes of each endpoint's share after the choice: a sampled walk that picked
	 * the endpoint (on the same node, by the same chain) and was dropped on the way to it
	 * (hairpin off, a policy, a dead route) puts that share in {@code dropped}, not on
	 * the endpoint; the shares of endpoints whose walks were delivered, or that no
	 * sampled seed picked, go to the endpoint.
	 */
	private static void afterTheChoice(Sample s, List<Sample> samples, Map<String, Double> shares, double weight,
			Map<String, Double> byNs, double[] dropped, List<String> why) {
		shares.forEach((ns, p) -> {
			Sample seen = samples.stream()
				.filter(x -> ns.equals(x.chosen()) && java.util.Objects.equals(x.choiceNamespace(), s.choiceNamespace())
						&& java.util.Objects.equals(x.chain(), s.chain())
						&& java.util.Objects.equals(x.nftChain(), s.nftChain()))
				.findFirst()
				.orElse(null);
			if (seen != null && seen.dropped()) {
				dropped[0] += weight * p;
				why.add("A request sent to " + shortName(ns) + " is dropped after the choice (" + seen.dropReason()
						+ "): its " + fraction(p) + " is not delivered");
			}
			else {
				byNs.merge(ns, weight * p, Double::sum);
			}
		});
	}

	/**
	 * The share of each endpoint of a service chain: rules jumping to {@code KUBE-SEP-}
	 * chains in order, each with its {@code -m statistic} probability (1 without); rules
	 * that need state a first connection lacks ({@code -m recent}, session affinity) are
	 * passed over.
	 */
	static Map<String, Double> chainShares(RuleSet rules, Chain chain, Topology topology) {
		Map<String, Double> shares = new LinkedHashMap<>();
		double rest = 1.0;
		for (Rule r : chain.rules()) {
			if (!(r.target() instanceof Target.Jump j) || !j.chain().startsWith("KUBE-SEP-")) {
				continue;
			}
			if (r.matches().stream().anyMatch(m -> m instanceof Match.Recent)) {
				continue;
			}
			double p = 1.0;
			for (Match m : r.matches()) {
				if (m instanceof Match.Statistic st) {
					p = st.negated() ? 1 - st.probability() : st.probability();
				}
			}
			double share = rest * p;
			rest -= share;
			String ns = sepDestination(rules, j.chain(), topology);
			if (ns != null && share > 0) {
				shares.merge(ns, share, Double::sum);
			}
			if (rest <= 0) {
				break;
			}
		}
		return shares;
	}

	/**
	 * The share of each endpoint of an nftables service chain: its
	 * {@code numgen random mod N vmap} gives each of the N endpoint chains 1/N; rules
	 * before it that need state a first connection lacks (affinity sets) are passed over.
	 */
	static Map<String, Double> numgenShares(NftRuleset rs, NftRuleset.NftChain chain, Topology topology) {
		Map<String, Double> shares = new LinkedHashMap<>();
		for (NftRuleset.NftRule r : chain.rules()) {
			for (NftStatement st : r.statements()) {
				if (st instanceof NftStatement.Numgen n) {
					for (NftStatement.Verdict v : n.verdicts()) {
						String ns = endpointDestination(rs, v.chain(), topology);
						if (ns != null) {
							shares.merge(ns, 1.0 / n.mod(), Double::sum);
						}
					}
					return shares;
				}
			}
		}
		return shares;
	}

	private static String endpointDestination(NftRuleset rs, String chain, Topology topology) {
		for (NftRuleset.NftRule r : rs.chain(chain).rules()) {
			for (NftStatement st : r.statements()) {
				if (st instanceof NftStatement.Dnat d) {
					return owner(topology, d.ip());
				}
			}
		}
		return null;
	}

	private static String sepDestination(RuleSet rules, String sep, Topology topology) {
		Chain c = rules.chain(Table.NAT, sep).orElse(null);
		if (c == null) {
			return null;
		}
		for (Rule r : c.rules()) {
			if (r.target() instanceof Target.Dnat d) {
				return owner(topology, d.to().minIp());
			}
		}
		return null;
	}

	private static Sample sample(Trace t, String flow, Topology topology) {
		Walk request = null;
		for (Walk w : t.walks()) {
			if (w.leg() == Walk.Leg.REQUEST && (flow == null || w.flow().equals(flow))) {
				request = w;
				break;
			}
		}
		if (request == null) {
			throw new IllegalArgumentException("the scenario has no flow '" + flow + "'");
		}
		String ecmpNs = null;
		Route ecmp = null;
		String entered = null;
		String choiceNs = null;
		String chain = null;
		String ipvs = null;
		String nftChain = null;
		for (var hop : request.hops()) {
			for (Step s : hop.steps()) {
				String ns = s.at().namespace();
				if (s instanceof Step.RouteLookup rl && ecmp == null && rl.nextHop() != null) {
					for (Route r : topology.namespace(ns).routes()) {
						if (r.multipath() != null && r.dst().contains(s.packet().ip().dst())) {
							ecmp = r;
							ecmpNs = ns;
							entered = owner(topology, Ip.parse(rl.nextHop()));
						}
					}
				}
				if (s instanceof Step.Netfilter nf && chain == null) {
					for (RuleMatch m : nf.matched()) {
						if ((m.chain().startsWith("KUBE-SVC-") || m.chain().startsWith("KUBE-SVL-"))
								&& m.rule().contains("KUBE-SEP-")) {
							chain = m.chain();
							choiceNs = ns;
							break;
						}
					}
				}
				if (s instanceof Step.Nftables nf && nftChain == null && chain == null && !nf.draws().isEmpty()) {
					for (RuleMatch m : nf.matched()) {
						if (m.rule().startsWith("numgen random mod ")) {
							nftChain = m.chain();
							choiceNs = ns;
							break;
						}
					}
				}
				if (s instanceof Step.Ipvs v && ipvs == null) {
					ipvs = v.chosen();
					choiceNs = ns;
				}
			}
		}
		Step last = request.hops().getLast().steps().getLast();
		boolean delivered = request.disposition().delivered();
		// the endpoint the choice sent it to: the owner of its destination address after
		// the DNAT (where it is delivered)
		String chosen = delivered ? last.at().namespace() : owner(topology, last.packet().ip().dst());
		return new Sample(ecmpNs, ecmp, entered, choiceNs, chain, ipvs, delivered ? last.at().namespace() : null,
				!delivered, nftChain, chosen, delivered ? null : String.valueOf(request.disposition().reason()));
	}

	/**
	 * The namespace holding an address on one of its devices (a node, a pod), or the
	 * address itself.
	 */
	static String owner(Topology topology, Ip ip) {
		for (Namespace ns : topology.namespaces()) {
			if (ns.kind() == Namespace.Kind.SWITCH) {
				continue;
			}
			for (Device d : ns.devices()) {
				if (d instanceof Device.Loopback || d instanceof Device.Dummy) {
					continue;
				}
				for (var c : d.addresses()) {
					if (c.address().equals(ip)) {
						return ns.id();
					}
				}
			}
		}
		return ip.toString();
	}

	private static String shortName(String ns) {
		int slash = ns.indexOf('/');
		return slash >= 0 ? ns.substring(slash + 1) : ns;
	}

	/** 1/3 as "1/3", 0.25 as "1/4", else a percentage with one decimal. */
	static String fraction(double p) {
		for (int d = 1; d <= 12; d++) {
			double n = p * d;
			if (Math.abs(n - Math.rint(n)) < 1e-6) {
				return (long) Math.rint(n) + "/" + d;
			}
		}
		return String.format(Locale.ROOT, "%.1f %%", p * 100);
	}

}

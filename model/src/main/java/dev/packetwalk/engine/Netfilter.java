package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.conntrack.ConntrackEntry;
import dev.packetwalk.conntrack.ConntrackTable;
import dev.packetwalk.conntrack.Tuple;
import dev.packetwalk.net.Ip;
import dev.packetwalk.netfilter.Chain;
import dev.packetwalk.netfilter.CtState;
import dev.packetwalk.netfilter.EvalContext;
import dev.packetwalk.netfilter.EvalResult;
import dev.packetwalk.netfilter.Hook;
import dev.packetwalk.netfilter.Match;
import dev.packetwalk.netfilter.NftEvaluator;
import dev.packetwalk.netfilter.NftRuleset;
import dev.packetwalk.netfilter.Policy;
import dev.packetwalk.netfilter.RuleHit;
import dev.packetwalk.netfilter.RuleSet;
import dev.packetwalk.netfilter.Table;
import dev.packetwalk.netfilter.Target;
import dev.packetwalk.netfilter.Verdict;
import dev.packetwalk.netfilter.Walked;
import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.trace.Disposition;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Field;
import dev.packetwalk.trace.FieldDiff;
import dev.packetwalk.trace.RuleMatch;
import dev.packetwalk.trace.RuleWalk;
import dev.packetwalk.trace.Step;

/**
 * The netfilter hooks of a namespace as the walker meets them: connection tracking, then
 * the tables registered at each hook in the kernel's priority order. The nat table sees
 * only the first packet of a connection; every later packet (and every reply) is
 * rewritten from the conntrack entry. A namespace without rules has no hooks registered
 * and no conntrack (docs/adr/0004).
 */
final class Netfilter {

	/**
	 * What a hook did: the packet before and after, or the disposition of the drop that
	 * ended the walk.
	 */
	record Outcome(Packet before, Packet packet, Disposition dropped) {
		static Outcome pass(Packet p) {
			return new Outcome(p, p, null);
		}
	}

	private final Network net;

	private final RunState state;

	/**
	 * The connection the current packet belongs to, per namespace (one walk visits a
	 * namespace's hooks in order).
	 */
	private final java.util.Map<String, ConntrackTable.Lookup> current = new java.util.HashMap<>();

	Netfilter(Network net, RunState state) {
		this.net = net;
		this.state = state;
	}

	boolean active(Namespace ns) {
		return net.rules(ns.id()) != null || net.nftables(ns.id()) != null;
	}

	Outcome prerouting(Namespace ns, Packet p, String inDev, List<Step> steps) {
		if (!active(ns)) {
			return Outcome.pass(p);
		}
		return hook(ns, Hook.PREROUTING, p, inDev, null, steps, true);
	}

	Outcome output(Namespace ns, Packet p, String outDev, List<Step> steps) {
		if (!active(ns)) {
			return Outcome.pass(p);
		}
		return hook(ns, Hook.OUTPUT, p, null, outDev, steps, true);
	}

	/**
	 * IPVS's LOCAL_OUT hook ({@code ip_vs_local_request4}) registers at NF_IP_PRI_NAT_DST
	 * + 2: after nat OUTPUT, before filter OUTPUT.
	 */
	static final int IPVS_LOCAL_OUT_PRIORITY = -98;

	/**
	 * OUTPUT's tables before IPVS's LOCAL_OUT hook (raw, conntrack, mangle, nat), for a
	 * packet the node sends to a virtual server.
	 */
	Outcome outputBeforeIpvs(Namespace ns, Packet p, String outDev, List<Step> steps) {
		if (!active(ns)) {
			return Outcome.pass(p);
		}
		priorityBelow = IPVS_LOCAL_OUT_PRIORITY;
		try {
			return hook(ns, Hook.OUTPUT, p, null, outDev, steps, true);
		}
		finally {
			priorityBelow = Integer.MAX_VALUE;
		}
	}

	/**
	 * OUTPUT's tables from IPVS's LOCAL_OUT hook on, when IPVS did not take the packet
	 * (nat OUTPUT sent it elsewhere).
	 */
	Outcome outputAfterIpvs(Namespace ns, Packet p, String outDev, List<Step> steps) {
		if (!active(ns)) {
			return Outcome.pass(p);
		}
		priorityFrom = IPVS_LOCAL_OUT_PRIORITY;
		try {
			return hook(ns, Hook.OUTPUT, p, null, outDev, steps, false);
		}
		finally {
			priorityFrom = Integer.MIN_VALUE;
		}
	}

	/** The slots a hook runs: priorityFrom <= priority < priorityBelow. */
	private int priorityFrom = Integer.MIN_VALUE;

	private int priorityBelow = Integer.MAX_VALUE;

	/**
	 * The INPUT tables, leaving the connection unconfirmed (IPVS hooks in between, at
	 * LOCAL_IN).
	 */
	Outcome inputTables(Namespace ns, Packet p, String inDev, List<Step> steps) {
		if (!active(ns)) {
			return Outcome.pass(p);
		}
		return hook(ns, Hook.INPUT, p, inDev, null, steps, false);
	}

	void confirmInput(Namespace ns, Packet p, List<Step> steps) {
		if (active(ns)) {
			confirm(ns, p, steps);
		}
	}

	/**
	 * IPVS rewrote the destination of a new connection (with
	 * {@code net.ipv4.vs.conntrack=1} the conntrack entry learns the real server, so
	 * replies are un-NATed like a DNAT's).
	 */
	/** The connection of the packet being walked in this namespace, or null. */
	dev.packetwalk.conntrack.ConntrackEntry currentEntry(Namespace ns) {
		ConntrackTable.Lookup l = current.get(ns.id());
		return l == null ? null : l.entry();
	}

	void ipvsDnat(Namespace ns, Ip ip, int port) {
		ConntrackTable.Lookup l = current.get(ns.id());
		if (l != null && l.isNew()) {
			l.entry().dnat(ip, port);
			if (state.journal != null) {
				state.journal.conntrack(ns.id(), l.entry(), StateJournal.Kind.UPDATED, 0);
			}
		}
	}

	/**
	 * IPVS sends the rewritten packet out through LOCAL_OUT and POSTROUTING; the nat
	 * table's DNAT side is done.
	 */
	Outcome ipvsOutput(Namespace ns, Packet p, String outDev, List<Step> steps, Ip vaddr, int vport) {
		if (!active(ns)) {
			return Outcome.pass(p);
		}
		skipNatAtOutput = true;
		// IPVS sends the packet with the skb's ipvs_property set: '-m ipvs' in OUTPUT and
		// POSTROUTING sees its virtual service
		ipvsProperty.put(ns.id(), new EvalContext.IpvsConnection(vaddr, vport));
		try {
			Outcome o = hook(ns, Hook.OUTPUT, p, null, outDev, steps, false);
			if (o.dropped() != null) {
				ipvsProperty.remove(ns.id());
			}
			return o;
		}
		finally {
			skipNatAtOutput = false;
		}
	}

	/**
	 * Per namespace: the IPVS connection of the packet IPVS is sending out (from
	 * {@link #ipvsOutput} to the end of POSTROUTING; the property does not survive
	 * leaving the namespace).
	 */
	private final java.util.Map<String, EvalContext.IpvsConnection> ipvsProperty = new java.util.HashMap<>();

	private boolean skipNatAtOutput;

	Outcome forward(Namespace ns, Packet p, String inDev, String outDev, List<Step> steps) {
		if (!active(ns)) {
			return Outcome.pass(p);
		}
		return hook(ns, Hook.FORWARD, p, inDev, outDev, steps, false);
	}

	Outcome postrouting(Namespace ns, Packet p, String inDev, String outDev, List<Step> steps) {
		if (!active(ns)) {
			return Outcome.pass(p);
		}
		Outcome o;
		try {
			o = hook(ns, Hook.POSTROUTING, p, inDev, outDev, steps, false);
		}
		finally {
			ipvsProperty.remove(ns.id());
		}
		if (o.dropped() == null) {
			confirm(ns, o.packet(), steps);
		}
		return o;
	}

	// ------------------------------------------------------------------ conntrack

	private ConntrackTable.Lookup track(Namespace ns, Packet p, List<Step> steps) {
		ConntrackTable table = state.conntrack(ns.id());
		ConntrackTable.Lookup l = table.lookupOrCreate(Tuple.of(p));
		boolean sctpValid = !(p.l4() instanceof Transport.Sctp sctp) || l.entry().sctp(l.direction(), sctp);
		l.entry().touch(state.now);
		current.put(ns.id(), l);
		if (state.journal != null) {
			state.journal.conntrack(ns.id(), l.entry(), l.isNew() ? StateJournal.Kind.CREATED : StateJournal.Kind.USED,
					0);
		}
		Step.Conntrack.State st;
		String narration;
		if (l.isNew()) {
			st = Step.Conntrack.State.NEW;
			narration = "conntrack has no entry for " + Tuple.of(p).text()
					+ ": this is the first packet of a new connection, so the nat table will be consulted.";
		}
		else if (l.direction() == ConntrackTable.Direction.ORIGINAL) {
			st = Step.Conntrack.State.ESTABLISHED;
			narration = "conntrack knows this connection (original direction): the nat table is skipped and the entry's bindings apply.";
		}
		else {
			st = Step.Conntrack.State.REPLY;
			narration = "conntrack matches this packet to the reply tuple of a known connection: every NAT done to the request is undone.";
		}
		if (p.l4() instanceof Transport.Sctp sctp) {
			narration += sctpValid ? " SCTP: the " + sctp.chunk() + " chunk leaves the association " + l.entry()
				.sctpState() + "." : " SCTP: conntrack finds the " + sctp.chunk()
						+ " chunk invalid (its verification tag or its place in the association), so the state stays "
						+ l.entry().sctpState() + ".";
		}
		steps.add(new Step.Conntrack(HopRecorder.place(ns, null), p, narration, st, l.entry().text()));
		return l;
	}

	private void confirm(Namespace ns, Packet p, List<Step> steps) {
		ConntrackTable.Lookup l = current.remove(ns.id());
		if (l == null || !l.isNew()) {
			return;
		}
		state.conntrack(ns.id()).confirm(l.entry());
		if (state.journal != null) {
			state.journal.conntrack(ns.id(), l.entry(), StateJournal.Kind.CONFIRMED, 0);
		}
		String nat = l.entry().isDnat() || l.entry().isSnat()
				? " The reply tuple records the NAT: replies will be rewritten back without any rule." : "";
		steps.add(new Step.Conntrack(HopRecorder.place(ns, null), p,
				"conntrack confirms the new entry (as conntrack -L shows it)." + nat, Step.Conntrack.State.NEW,
				l.entry().text()));
	}

	private CtState ctState(ConntrackTable.Lookup l) {
		if (l == null) {
			return CtState.UNTRACKED;
		}
		if (l.isNew()) {
			return CtState.NEW;
		}
		if (l.direction() == ConntrackTable.Direction.REPLY || l.entry().seenReply()) {
			return CtState.ESTABLISHED;
		}
		return CtState.NEW;
	}

	// ------------------------------------------------------------------ tables

	/**
	 * conntrack's lookup at PREROUTING and OUTPUT registers at NF_IP_PRI_CONNTRACK: after
	 * raw, before mangle.
	 */
	static final int CONNTRACK_PRIORITY = -200;

	/**
	 * One hook: the namespace's base chains at it, in priority order, with conntrack's
	 * lookup at its own priority when {@code track} (PREROUTING and OUTPUT of a packet
	 * entering the namespace's stack).
	 */
	private Outcome hook(Namespace ns, Hook hook, Packet p, String inDev, String outDev, List<Step> steps,
			boolean track) {
		RuleSet rules = net.rules(ns.id());
		ConntrackTable.Lookup l = track ? null : current.get(ns.id());
		Packet before = p;
		boolean tracked = !track;
		// a NAT binding made (or restored from conntrack) at this hook: later nat chains
		// are not consulted, as
		// nf_nat_inet_fn stops at the first nat chain that sets the binding up
		boolean natDone = false;
		for (Slot slot : program(ns, hook)) {
			if (slot.priority() >= priorityBelow) {
				break;
			}
			if (slot.priority() < priorityFrom) {
				continue;
			}
			if (!tracked && slot.priority() > CONNTRACK_PRIORITY) {
				l = track(ns, p, steps);
				tracked = true;
			}
			if (slot.nat() && skipNatAtOutput && hook == Hook.OUTPUT) {
				continue;
			}
			if (slot.nat() && natDone) {
				continue;
			}
			if (slot.nat() && l != null && !l.isNew()) {
				p = conntrackNat(ns, hook, l, p, steps);
				natDone = true;
				continue;
			}
			Verdict verdict;
			Target.Nat nat;
			String rule;
			String comment;
			String where;
			String ruleWhere;
			if (slot.nft() != null) {
				state.budget.check();
				NftEvaluator.Result r = NftEvaluator.evaluate(net.nftables(ns.id()), slot.nft().chain(),
						new NftEvaluator.Context(p, hook.hasInDevice() ? inDev : null, ctState(l), ns::isLocal,
								state.random::nextInt, state.nftSets(ns.id()), state.now));
				Packet marked = r.mark() == p.mark() ? p : p.withMark(r.mark());
				steps.add(nftStep(ns, slot.nft(), hook, marked, r));
				p = marked;
				verdict = r.verdict();
				nat = r.nat();
				NftEvaluator.Hit last = r.hits().isEmpty() ? null : r.hits().getLast();
				rule = last == null ? null : last.rule();
				comment = last == null ? null : last.comment();
				where = "nft chain " + slot.nft().chain().name()
						+ (last == null || last.chain().equals(slot.nft().chain().name()) ? ""
								: " (in " + last.chain() + ")");
				ruleWhere = where;
			}
			else {
				Table table = slot.table();
				if (rules == null || !rules.has(table)) {
					continue;
				}
				Chain builtin = rules.chain(table, hook.chainName()).orElse(null);
				if (builtin == null || (builtin.rules().isEmpty() && builtin.policy() == Policy.ACCEPT)) {
					continue;
				}
				EvalContext ctx = new EvalContext(p, hook.hasInDevice() ? inDev : null,
						hook.hasOutDevice() ? outDev : null, ctState(l), l != null && l.entry().isDnat(),
						l != null && l.entry().isSnat(), ns::isLocal, state.random::nextInt, state.recent(ns.id()),
						net.ipsets(ns.id()), state.now, ipvsProperty.get(ns.id()));
				state.budget.check();
				EvalResult r = rules.evaluate(table, hook, ctx, state.budget);
				Packet marked = r.mark() == p.mark() ? p : p.withMark(r.mark());
				steps.add(netfilterStep(ns, table, hook, marked, r));
				p = marked;
				verdict = r.verdict();
				nat = r.nat();
				rule = r.hits().isEmpty() ? null : r.hits().getLast().ruleText();
				comment = r.hits().isEmpty() ? null : r.hits().getLast().comment();
				where = table.label() + " " + hook.chainName();
				ruleWhere = table.label();
			}
			switch (verdict) {
				case Verdict.Drop d -> {
					return new Outcome(before, p, drop(ns, where, ruleWhere, p, rule, comment, steps));
				}
				case Verdict.Reject rj -> {
					return new Outcome(before, p, reject(ns, where, p, comment, rj, steps));
				}
				case Verdict.Accept a -> {
					if (nat != null) {
						p = applyNat(ns, outDev, l, p, nat, rule, comment, steps);
						natDone = true;
					}
				}
			}
		}
		if (!tracked) {
			track(ns, p, steps);
		}
		return new Outcome(before, p, null);
	}

	/**
	 * One entry of a hook's program: an iptables table's built-in chain, or an nftables
	 * base chain. {@code nat} is whether NAT bindings are made there (the iptables nat
	 * table, an nft chain of type nat).
	 */
	private record Slot(int priority, Table table, NftRuleset.BaseChain nft, boolean nat) {
	}

	/**
	 * The hook's program in the kernel's order: every iptables table that registers at
	 * the hook (even where the namespace has none of its rules, so conntrack's NAT of a
	 * known connection keeps its slot) and every nftables base chain, by priority; at
	 * equal priority the iptables table first (registered first: kube-proxy's nftables
	 * table is created after the node's iptables tables, and the kernel inserts a hook
	 * after those of the same priority).
	 */
	private List<Slot> program(Namespace ns, Hook hook) {
		List<Slot> slots = new ArrayList<>();
		for (Table t : Table.atHook(hook)) {
			slots.add(new Slot(t.priorityAt(hook), t, null, t == Table.NAT));
		}
		NftRuleset nft = net.nftables(ns.id());
		if (nft != null) {
			for (NftRuleset.BaseChain b : nft.baseChains(hook)) {
				slots.add(new Slot(b.chain().priority(), null, b, "nat".equals(b.chain().type())));
			}
			slots.sort(java.util.Comparator.comparingInt(Slot::priority));
		}
		return slots;
	}

	/** What an nft rule's effect did, in {@link RuleMatch#action()}'s words. */
	private static String nftAction(String effect) {
		String w = effect.split(" ", 2)[0];
		return switch (w) {
			case "jump" -> "JUMP";
			case "goto" -> "GOTO";
			case "return" -> "RETURN";
			case "mark" -> "MARK";
			case "continue", "update" -> "CONTINUE";
			default -> "TERMINAL";
		};
	}

	/**
	 * The chain a jump or goto enters, else the verdict or statement's first word
	 * ({@code dnat}, {@code drop}).
	 */
	private static String nftTarget(String effect) {
		String[] w = effect.split(" ", 3);
		return (w[0].equals("jump") || w[0].equals("goto")) && w.length > 1 ? w[1] : w[0];
	}

	private Step.Nftables nftStep(Namespace ns, NftRuleset.BaseChain base, Hook hook, Packet p, NftEvaluator.Result r) {
		List<RuleMatch> matched = new ArrayList<>();
		for (NftEvaluator.Hit h : r.hits()) {
			matched.add(nftMatch(h, null, null));
		}
		String verdict = switch (r.verdict()) {
			case Verdict.Accept a -> r.nat() != null ? r.hits().getLast().effect() : "accept";
			case Verdict.Drop d -> "drop";
			case Verdict.Reject rj -> "reject";
		};
		StringBuilder n = new StringBuilder("nft " + base.table() + " " + base.chain().name() + " ("
				+ base.chain().type() + ", " + hook.name().toLowerCase(java.util.Locale.ROOT) + ", priority "
				+ base.chain().priority() + "):");
		// the narration tells the decisions (the elements found, the numgen draws, the
		// verdict); the panel lists the rest
		for (NftEvaluator.Lookup lk : r.lookups()) {
			if (lk.element() != null) {
				n.append(" @").append(lk.set()).append(" has ").append(lk.element()).append(';');
			}
		}
		for (NftEvaluator.Draw d : r.draws()) {
			n.append(" numgen random mod ")
				.append(d.mod())
				.append(" drew ")
				.append(d.value())
				.append(" → ")
				.append(d.verdict())
				.append(';');
		}
		n.append(r.policy() ? (r.hits().isEmpty() ? " no rule matched; the policy accept applies."
				: " no rule decided; the policy accept applies.") : " " + verdict + ".");
		n.append(' ')
			.append(r.hits().size())
			.append(" of ")
			.append(r.rulesEvaluated())
			.append(" rules evaluated matched.");
		return new Step.Nftables(HopRecorder.place(ns, null), p, n.toString(), base.table(), base.chain().name(),
				base.chain().type(), traced(hook), base.chain().priority(), matched, traced(r.lookups()),
				r.draws().stream().map(Netfilter::traced).toList(), verdict, r.rulesEvaluated(), nftWalk(r.walk()));
	}

	private static RuleMatch nftMatch(NftEvaluator.Hit h, List<NftEvaluator.Lookup> lookups, NftEvaluator.Draw draw) {
		return new RuleMatch(h.chain(), h.number(), h.rule(), h.effect(), nftAction(h.effect()), nftTarget(h.effect()),
				h.comment(), null, null, traced(lookups), traced(draw));
	}

	private static List<Step.Nftables.Lookup> traced(List<NftEvaluator.Lookup> lookups) {
		return lookups == null ? null : lookups.stream().map(Netfilter::traced).toList();
	}

	private static Step.Nftables.Lookup traced(NftEvaluator.Lookup l) {
		return l == null ? null : new Step.Nftables.Lookup(l.set(), l.key(), l.element());
	}

	private static Step.Nftables.Draw traced(NftEvaluator.Draw d) {
		return d == null ? null : new Step.Nftables.Draw(d.mod(), d.value(), d.verdict());
	}

	/**
	 * The nftables walk in the trace's terms, as {@link #walk} for iptables: runs of
	 * plain misses as {@code skipped} (texts up to {@link RuleWalk#MAX_LISTED}); a rule
	 * that matched, or whose set or map lookup found nothing, on its own with its lookup
	 * and numgen draw; returns and the policy.
	 */
	private static List<RuleWalk> nftWalk(List<NftEvaluator.Walked> walked) {
		List<RuleWalk> out = new ArrayList<>(walked.size());
		List<NftEvaluator.Walked.Tested> run = new ArrayList<>();
		int[] listed = { 0 };
		for (NftEvaluator.Walked w : walked) {
			if (w instanceof NftEvaluator.Walked.Tested t && t.hit() == null && t.lookups().isEmpty() && (run.isEmpty()
					|| (run.getLast().chain().equals(t.chain()) && run.getLast().number() + 1 == t.number()))) {
				run.add(t);
				continue;
			}
			flushRun(run, out, listed);
			switch (w) {
				case NftEvaluator.Walked.Tested t -> {
					if (t.hit() != null) {
						out.add(new RuleWalk.Tested(true, nftMatch(t.hit(), t.lookups(), t.draw())));
					}
					else if (!t.lookups().isEmpty()) {
						out.add(new RuleWalk.Tested(false,
								new RuleMatch(t.chain(), t.number(), t.rule().text(), "no match", "NO_MATCH", null,
										t.rule().comment(), null, null, traced(t.lookups()), null)));
					}
					else {
						run.add(t);
					}
				}
				case NftEvaluator.Walked.Returned rt -> out.add(new RuleWalk.Return(rt.chain(), rt.to()));
				case NftEvaluator.Walked.PolicyApplied pa -> out.add(new RuleWalk.Policy(pa.chain(), "accept"));
			}
		}
		flushRun(run, out, listed);
		return out;
	}

	private static void flushRun(List<NftEvaluator.Walked.Tested> run, List<RuleWalk> out, int[] listed) {
		if (run.isEmpty()) {
			return;
		}
		List<String> texts = List.of();
		if (listed[0] + run.size() <= RuleWalk.MAX_LISTED) {
			texts = run.stream().map(t -> t.rule().text()).toList();
			listed[0] += run.size();
		}
		out.add(new RuleWalk.Skipped(run.getFirst().chain(), run.getFirst().number(), run.getLast().number(), texts));
		run.clear();
	}

	private Step.Netfilter netfilterStep(Namespace ns, Table table, Hook hook, Packet p, EvalResult r) {
		List<RuleMatch> matched = new ArrayList<>();
		// the chain stack at the deciding rule: a jump pushes, a later hit in an outer
		// chain means the inner ones returned
		java.util.Deque<String> stack = new java.util.ArrayDeque<>();
		stack.push(hook.chainName());
		java.util.Set<String> visited = new java.util.LinkedHashSet<>();
		visited.add(hook.chainName());
		for (RuleHit h : r.hits()) {
			matched.add(ruleMatch(h));
			while (stack.size() > 1 && !stack.peek().equals(h.chain())) {
				stack.pop();
			}
			if (h.action() == RuleHit.Action.JUMP || h.action() == RuleHit.Action.GOTO) {
				if (h.action() == RuleHit.Action.GOTO) {
					stack.pop();
				}
				String target = Target.chainEntered(h.target());
				stack.push(target);
				visited.add(target);
			}
		}
		String verdict = switch (r.verdict()) {
			case Verdict.Accept a -> r.nat() != null ? withoutPrefix(r.nat().save(), "-j ", "-j ") : "ACCEPT";
			case Verdict.Drop d -> "DROP";
			case Verdict.Reject rj -> "REJECT";
		};
		String narration;
		String counts = r.hits().size() + " of " + r.rulesEvaluated() + " rules evaluated matched.";
		if (r.appliedPolicy().isPresent()) {
			String through = visited.size() > 1 ? " Visited " + String.join(", ", visited) + "; no rule decided, so"
					: " No rule decided, so";
			narration = table.label() + " " + hook.chainName() + ":" + through + " the chain policy "
					+ r.appliedPolicy().get().policy() + " applies; " + counts;
		}
		else {
			List<String> path = new ArrayList<>(stack);
			java.util.Collections.reverse(path);
			narration = table.label() + " " + hook.chainName() + ": " + String.join(" → ", path) + " → " + verdict
					+ "; " + counts;
		}
		return new Step.Netfilter(HopRecorder.place(ns, null), p, narration, traced(table), traced(hook), matched,
				verdict, r.rulesEvaluated(), walk(r.walk()));
	}

	private static RuleMatch ruleMatch(RuleHit h) {
		String effect = withoutPrefix(h.target().save(), "-j ", "-g ");
		String target = effect.isEmpty() ? null : effect.split(" ", 2)[0];
		return new RuleMatch(h.chain(), h.ruleNumber(), h.ruleText(), effect, h.action().name(), target, h.comment(),
				h.probability(), h.draw());
	}

	/**
	 * The evaluator's walk in the trace's terms: rule texts for the runs of misses, up to
	 * {@link RuleWalk#MAX_LISTED}.
	 */
	private static List<RuleWalk> walk(List<Walked> walked) {
		List<RuleWalk> out = new ArrayList<>(walked.size());
		int listed = 0;
		for (Walked w : walked) {
			switch (w) {
				case Walked.Skipped s -> {
					List<String> texts = List.of();
					if (listed + s.count() <= RuleWalk.MAX_LISTED) {
						texts = new ArrayList<>(s.count());
						for (int n = s.from(); n <= s.to(); n++) {
							texts.add(s.chain().rules().get(n - 1).save());
						}
						listed += s.count();
					}
					out.add(new RuleWalk.Skipped(s.chain().name(), s.from(), s.to(), texts));
				}
				case Walked.Tested t -> {
					if (t.hit() != null) {
						out.add(new RuleWalk.Tested(true, ruleMatch(t.hit())));
					}
					else {
						Match.Statistic st = t.rule().statistic();
						String save = t.rule().save();
						String effect = withoutPrefix(t.rule().target().save(), "-j ", "-g ");
						out.add(new RuleWalk.Tested(false,
								new RuleMatch(t.chain(), t.number(), save, effect, "NO_MATCH",
										effect.isEmpty() ? null : effect.split(" ", 2)[0], t.rule().comment(),
										st == null ? null : st.probability(), t.draw())));
					}
				}
				case Walked.Returned r -> out.add(new RuleWalk.Return(r.chain(), r.to()));
				case Walked.PolicyApplied p -> out.add(new RuleWalk.Policy(p.chain(), p.policy().name()));
			}
		}
		return out;
	}

	private static Step.Netfilter.Table traced(Table t) {
		return switch (t) {
			case RAW -> Step.Netfilter.Table.RAW;
			case MANGLE -> Step.Netfilter.Table.MANGLE;
			case NAT -> Step.Netfilter.Table.NAT;
			case FILTER -> Step.Netfilter.Table.FILTER;
		};
	}

	private static Step.Netfilter.Hook traced(Hook h) {
		return switch (h) {
			case PREROUTING -> Step.Netfilter.Hook.PREROUTING;
			case INPUT -> Step.Netfilter.Hook.INPUT;
			case FORWARD -> Step.Netfilter.Hook.FORWARD;
			case OUTPUT -> Step.Netfilter.Hook.OUTPUT;
			case POSTROUTING -> Step.Netfilter.Hook.POSTROUTING;
		};
	}

	private Disposition drop(Namespace ns, String where, String ruleWhere, Packet p, String rule, String comment,
			List<Step> steps) {
		DropReason reason = comment != null && comment.startsWith("anti-spoofing") ? DropReason.ANTI_SPOOFING
				: DropReason.NETFILTER_DROP;
		String narration = rule == null
				? where + " has policy DROP and no rule accepted the packet: it is dropped silently."
				: "Dropped by " + ruleWhere + " " + (comment != null ? "rule \"" + comment + "\"" : "rule " + rule)
						+ ": DROP discards the packet without telling the sender.";
		steps.add(new Step.Drop(HopRecorder.place(ns, null), p, narration, reason, null));
		return Disposition.dropped(reason, narration);
	}

	private Disposition reject(Namespace ns, String where, Packet p, String comment, Verdict.Reject rj,
			List<Step> steps) {
		String with = rj.with().label();
		String narration = "Rejected by " + where + (comment != null ? " rule \"" + comment + "\"" : "")
				+ ": the sender is told at once (" + with + ") instead of waiting for a timeout.";
		steps.add(new Step.Drop(HopRecorder.place(ns, null), p, narration, DropReason.NETFILTER_REJECT, with));
		return Disposition.dropped(DropReason.NETFILTER_REJECT, narration);
	}

	// ------------------------------------------------------------------ NAT

	/**
	 * A NAT target on the first packet: bind it in the conntrack entry, then rewrite this
	 * packet.
	 */
	private Packet applyNat(Namespace ns, String outDev, ConntrackTable.Lookup l, Packet p, Target.Nat nat, String rule,
			String comment, List<Step> steps) {
		ConntrackEntry e = l.entry();
		int stepsBefore = steps.size();
		Packet out = switch (nat) {
			case Target.Dnat d -> {
				Ip ip = d.to().minIp();
				int port = d.to().hasPorts() ? d.to().minPort() : p.l4().dstPort();
				e.dnat(ip, port);
				yield rewrite(ns, p, p.src(), p.l4().srcPort(), ip, port, Step.Nat.Kind.DNAT, rule, comment,
						"DNAT: the destination becomes " + ip + ":" + port
								+ "; conntrack remembers it for the whole connection.",
						steps);
			}
			case Target.Snat s -> {
				Ip ip = s.to().minIp();
				int port = s.to().hasPorts() ? s.to().minPort() : s.randomFully() ? randomPort() : p.l4().srcPort();
				e.snat(ip, port);
				yield rewrite(ns, p, ip, port, p.dst(), p.l4().dstPort(), Step.Nat.Kind.SNAT, rule, comment,
						"SNAT: the source becomes " + ip + ":" + port + "; replies to it will be sent back to "
								+ p.src() + ":" + p.l4().srcPort() + " by conntrack.",
						steps);
			}
			case Target.Masquerade m -> {
				Ip ip = ns.primaryAddress(outDev);
				int port = m.minPort() != 0 ? m.minPort() : m.randomFully() ? randomPort() : p.l4().srcPort();
				e.snat(ip, port);
				yield rewrite(ns, p, ip, port, p.dst(), p.l4().dstPort(), Step.Nat.Kind.MASQUERADE, rule, comment,
						"MASQUERADE: the source becomes " + outDev + "'s address " + ip
								+ (m.randomFully() ? " with a fully random port " + port : "")
								+ "; conntrack will undo it on the reply.",
						steps);
			}
		};
		if (state.journal != null) {
			// the binding belongs to the NAT step just recorded (if the rewrite changed
			// anything)
			state.journal.conntrack(ns.id(), e, StateJournal.Kind.UPDATED, steps.size() > stepsBefore ? -1 : 0);
		}
		return out;
	}

	/**
	 * {@code --random-fully}: a port from the whole unprivileged range, drawn by the
	 * run's seeded generator.
	 */
	private int randomPort() {
		return 1024 + state.random.nextInt(65536 - 1024);
	}

	/**
	 * A later packet or a reply: the entry's bindings, at the nat table's place in the
	 * hook.
	 */
	private Packet conntrackNat(Namespace ns, Hook hook, ConntrackTable.Lookup l, Packet p, List<Step> steps) {
		ConntrackEntry e = l.entry();
		boolean dstSide = hook == Hook.PREROUTING || hook == Hook.OUTPUT;
		boolean original = l.direction() == ConntrackTable.Direction.ORIGINAL;
		String entry = "conntrack entry " + e.original().text();
		if (dstSide) {
			Tuple want = original ? e.reply() : e.original();
			// original: dst becomes the reply's source (DNAT); reply: dst becomes the
			// original source (un-SNAT)
			Ip ip = want.src();
			int port = want.sport();
			if (ip.equals(p.dst()) && port == p.l4().dstPort()) {
				return p;
			}
			return rewrite(ns, p, p.src(), p.l4().srcPort(), ip, port,
					original ? Step.Nat.Kind.DNAT : Step.Nat.Kind.UN_SNAT, entry, null,
					original ? "The connection was DNATed: conntrack rewrites the destination to " + ip + ":" + port
							+ "."
							: "Un-SNAT: this reply is addressed to the translated source; conntrack restores the original client "
									+ ip + ":" + port + ".",
					steps);
		}
		Tuple want = original ? e.reply() : e.original();
		// original: src becomes the reply's destination (SNAT); reply: src becomes the
		// original destination (un-DNAT)
		Ip ip = want.dst();
		int port = want.dport();
		if (ip.equals(p.src()) && port == p.l4().srcPort()) {
			return p;
		}
		return rewrite(ns, p, ip, port, p.dst(), p.l4().dstPort(),
				original ? Step.Nat.Kind.SNAT : Step.Nat.Kind.UN_DNAT, entry, null,
				original ? "The connection was SNATed: conntrack rewrites the source to " + ip + ":" + port + "."
						: "Un-DNAT: the reply comes from the backend; conntrack restores the address the client sent to, "
								+ ip + ":" + port + ", as the source.",
				steps);
	}

	private static Packet rewrite(Namespace ns, Packet p, Ip src, int sport, Ip dst, int dport, Step.Nat.Kind kind,
			String rule, String comment, String narration, List<Step> steps) {
		List<FieldDiff> diffs = new ArrayList<>();
		if (!src.equals(p.src())) {
			diffs.add(new FieldDiff(Field.SRC_IP, p.src().toString(), src.toString()));
		}
		if (sport != p.l4().srcPort()) {
			diffs.add(new FieldDiff(Field.SRC_PORT, Integer.toString(p.l4().srcPort()), Integer.toString(sport)));
		}
		if (!dst.equals(p.dst())) {
			diffs.add(new FieldDiff(Field.DST_IP, p.dst().toString(), dst.toString()));
		}
		if (dport != p.l4().dstPort()) {
			diffs.add(new FieldDiff(Field.DST_PORT, Integer.toString(p.l4().dstPort()), Integer.toString(dport)));
		}
		if (diffs.isEmpty()) {
			return p;
		}
		Packet out = p.withIp(p.ip().withSrc(src).withDst(dst)).withL4(p.l4().withPorts(sport, dport));
		String text = comment == null ? narration : narration + " (rule \"" + comment + "\")";
		steps.add(new Step.Nat(HopRecorder.place(ns, null), out, text, kind, diffs, rule, comment));
		return out;
	}

	/**
	 * The text without a leading {@code a} or {@code b} (what
	 * {@code replaceFirst("^(a|b)", "")} did, without a regex).
	 */
	private static String withoutPrefix(String text, String a, String b) {
		return text.startsWith(a) ? text.substring(a.length()) : text.startsWith(b) ? text.substring(b.length()) : text;
	}

}

package dev.packetwalk.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.net.Mac;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.trace.Trace;

/** The comparison, fed with recorded observations: no root, no kernel. */
class TraceComparisonTest {

	private static FlowExpectation sameNode() {
		CompiledScenario cs = Scenarios.compile("pod-to-pod-same-node");
		Trace t = new Engine(cs.scenario()).run(cs.seed());
		return Projection.expect(t, Projection.flows(t).getFirst());
	}

	/**
	 * What a faithful kernel would show: the expected observations, timestamped in order.
	 */
	private static List<Observation> kernelFor(FlowExpectation e) {
		List<Observation> out = new ArrayList<>();
		long t = 1_000;
		for (Observation o : e.observations()) {
			out.add(new Observation(o.namespace(), o.device(), o.direction(), o.leg(), o.headers(), o.vni(), o.inner(),
					t += 1000));
		}
		return out;
	}

	@Test
	void projectionOfSameNodeFollowsTheVethPairsAndTheBridge() {
		FlowExpectation e = sameNode();
		assertThat(e.leg(Observation.Leg.REQUEST)).extracting(Observation::point)
			.containsExactly("default/pod1/eth0 out", "node1/veth2680d45c in", "node1/veth2a6cc7c7 out",
					"default/pod2/eth0 in");
		assertThat(e.leg(Observation.Leg.REPLY)).hasSize(4);
		assertThat(e.clientOutcomes()).containsExactly(ClientOutcome.CONNECTED);
	}

	@Test
	void aFaithfulKernelMatches() {
		FlowExpectation e = sameNode();
		FlowVerdict v = TraceComparison.compare(e, kernelFor(e), ClientOutcome.CONNECTED);
		assertThat(v.match()).as(v.render()).isTrue();
		assertThat(v.summary()).contains("8/8 observations matched");
	}

	@Test
	void retransmissionsAndTheRestOfTheConnectionDoNotMatter() {
		FlowExpectation e = sameNode();
		List<Observation> k = new ArrayList<>(kernelFor(e));
		Observation syn = k.getFirst();
		k.add(new Observation(syn.namespace(), syn.device(), syn.direction(), syn.leg(), syn.headers(), -1, null,
				1_000_000_000L));
		k.add(new Observation(syn.namespace(), syn.device(), syn.direction(), Observation.Leg.OTHER,
				new Headers(syn.headers().srcMac(), syn.headers().dstMac(), syn.headers().src(), syn.headers().dst(),
						syn.headers().protocol(), syn.headers().srcPort(), syn.headers().dstPort(), ".", 64),
				-1, null, 2_000_000_000L));
		FlowVerdict v = TraceComparison.compare(e, k, ClientOutcome.CONNECTED);
		assertThat(v.match()).as(v.render()).isTrue();
	}

	@Test
	void aWrongDestinationPortInTheModelIsCaughtWithAReadableDiff() {
		FlowExpectation e = sameNode();
		List<Observation> kernel = kernelFor(e);
		List<Observation> wrong = new ArrayList<>(e.observations());
		Observation third = wrong.get(2);
		wrong.set(2, new Observation(third.namespace(), third.device(), third.direction(), third.leg(),
				third.headers().withDstPort(8081), -1, null, 0));
		FlowVerdict v = TraceComparison.compare(e.withObservations(wrong), kernel, ClientOutcome.CONNECTED);
		assertThat(v.match()).isFalse();
		String text = v.render();
		assertThat(text).contains("MISMATCH", "first divergence: request leg, observation 3 of 4",
				"model  expects  node1/veth2a6cc7c7 out", "10.244.1.3.8081", "kernel showed   node1/veth2a6cc7c7 out",
				"dst port: model 8081, kernel 8080");
	}

	@Test
	void aWrongMacIsCaught() {
		FlowExpectation e = sameNode();
		List<Observation> wrong = new ArrayList<>(e.observations());
		Observation o = wrong.get(5);
		Mac bogus = Mac.parse("02:00:00:00:00:01");
		wrong.set(5, new Observation(o.namespace(), o.device(), o.direction(), o.leg(), o.headers().withDstMac(bogus),
				-1, null, 0));
		FlowVerdict v = TraceComparison.compare(e.withObservations(wrong), kernelFor(e), ClientOutcome.CONNECTED);
		assertThat(v.match()).isFalse();
		assertThat(v.render()).contains("reply leg, observation 2 of 4", "dst MAC: model 02:00:00:00:00:01, kernel");
	}

	@Test
	void aDropIsComparedAsTheLastPlaceSeen() {
		FlowExpectation e = sameNode();
		// the kernel dropped the SYN on the bridge: seen on pod1/eth0 and node1's veth,
		// nowhere after
		List<Observation> kernel = kernelFor(e).subList(0, 2);
		FlowVerdict v = TraceComparison.compare(e, kernel, ClientOutcome.TIMEOUT);
		assertThat(v.match()).isFalse();
		assertThat(v.render()).contains("kernel showed   nothing at node1/veth2a6cc7c7 out",
				"the kernel last showed the request at node1/veth2680d45c in",
				"client socket: model expects CONNECTED, the kernel's socket got TIMEOUT");
	}

	@Test
	void aPacketTheModelDoesNotPredictIsCaught() {
		FlowExpectation e = sameNode();
		List<Observation> kernel = new ArrayList<>(kernelFor(e));
		Observation syn = kernel.getFirst();
		// flooded out of a port the model does not expect (here: the node's uplink)
		kernel.add(new Observation("node1", "eth0", Observation.Direction.OUT, Observation.Leg.REQUEST, syn.headers(),
				-1, null, 5_000));
		FlowVerdict v = TraceComparison.compare(e, kernel, ClientOutcome.CONNECTED);
		assertThat(v.match()).isFalse();
		assertThat(v.render()).contains("the kernel shows a packet the model does not", "node1/eth0 out",
				"model  expects  nothing at node1/eth0 out");
	}

	/** backend-dies-mid-connection's dead segment: node2's cbr0 floods it. */
	private static FlowExpectation deadSegment() {
		CompiledScenario cs = Scenarios.compile("backend-dies-mid-connection");
		Trace t = new Engine(cs.scenario()).run(cs.seed());
		return Projection.expect(t, "next");
	}

	@Test
	void aFloodIsExpectedOutOfTheBridgeAndEveryDiscardedCopyOnBothEndsOfItsPort() {
		FlowExpectation e = deadSegment();
		List<String> points = e.leg(Observation.Leg.REQUEST).stream().map(Observation::point).toList();
		assertThat(points.subList(points.size() - 3, points.size())).containsExactly("node2/cbr0 out",
				"node2/vethaae5e2dd out", "default/web-2/eth0 in");
		// every copy is the same frame: web-1's stale MAC as destination
		assertThat(e.leg(Observation.Leg.REQUEST).subList(points.size() - 3, points.size()))
			.allSatisfy(o -> assertThat(o.headers().dstMac()).isEqualTo(Mac.parse("3a:fb:e3:11:fa:f5")));
		assertThat(e.request().delivered()).isFalse();
		assertThat(e.clientOutcomes()).contains(ClientOutcome.TIMEOUT);
		FlowVerdict v = TraceComparison.compare(e, kernelFor(e), ClientOutcome.TIMEOUT);
		assertThat(v.match()).as(v.render()).isTrue();
	}

	@Test
	void aKernelThatDoesNotFloodTheCopyIsCaught() {
		FlowExpectation e = deadSegment();
		List<Observation> kernel = new ArrayList<>(kernelFor(e));
		kernel.removeLast();
		FlowVerdict v = TraceComparison.compare(e, kernel, ClientOutcome.TIMEOUT);
		assertThat(v.match()).isFalse();
		assertThat(v.render()).contains("kernel showed   nothing at default/web-2/eth0 in");
	}

	@Test
	void kernelErrorsAreNotesNotVerdicts() {
		FlowExpectation e = sameNode();
		List<Observation> kernel = new ArrayList<>(kernelFor(e));
		Observation syn = kernel.getFirst();
		kernel.add(new Observation(syn.namespace(), syn.device(), Observation.Direction.IN, Observation.Leg.ERROR,
				new Headers(null, null, syn.headers().dst(), syn.headers().src(), dev.packetwalk.net.Protocol.ICMP, 0,
						0, "icmp 5/1", 64),
				-1, null, 9_000));
		FlowVerdict v = TraceComparison.compare(e, kernel, ClientOutcome.CONNECTED);
		assertThat(v.match()).isTrue();
		assertThat(v.notes()).singleElement().asString().contains("kernel-generated error", "icmp");
	}

	// ---------------------------------------------------------------- SCTP

	private static final Mac POD1 = Mac.parse("62:8b:ce:d3:50:52");

	private static final Mac CBR0 = Mac.parse("86:75:6f:e8:80:63");

	/**
	 * An association's first exchange through a Service on one node, as the model's
	 * Transport.Sctp would project: pod1 sends the INIT to 10.96.0.20:80, node1 DNATs it
	 * to pod2's 8080; the INIT ACK comes back un-NATed. Tags are the given side's draw.
	 */
	private static List<Observation> sctpExchange(long clientTag, long serverTag, long ackVtag) {
		dev.packetwalk.net.Ip pod1 = dev.packetwalk.net.Ip.parse("10.244.1.2");
		dev.packetwalk.net.Ip svc = dev.packetwalk.net.Ip.parse("10.96.0.20");
		dev.packetwalk.net.Ip pod2 = dev.packetwalk.net.Ip.parse("10.244.1.3");
		var sctp = dev.packetwalk.net.Protocol.SCTP;
		Headers.SctpTags init = new Headers.SctpTags(0, clientTag);
		Headers.SctpTags ack = new Headers.SctpTags(ackVtag, serverTag);
		Headers out = new Headers(POD1, CBR0, pod1, svc, sctp, 40000, 80, "INIT", 64, init);
		Headers in = new Headers(CBR0, POD1, pod2, pod1, sctp, 8080, 40000, "INIT ACK", 64, ack);
		return List.of(obs("default/pod1", "eth0", Observation.Direction.OUT, Observation.Leg.REQUEST, out),
				obs("node1", "veth1", Observation.Direction.IN, Observation.Leg.REQUEST, out),
				obs("node1", "veth2", Observation.Direction.OUT, Observation.Leg.REQUEST,
						new Headers(CBR0, CBR0, pod1, pod2, sctp, 40000, 8080, "INIT", 63, init)),
				obs("node1", "veth2", Observation.Direction.IN, Observation.Leg.REPLY, in),
				obs("node1", "veth1", Observation.Direction.OUT, Observation.Leg.REPLY,
						new Headers(CBR0, POD1, svc, pod1, sctp, 80, 40000, "INIT ACK", 63, ack)),
				obs("default/pod1", "eth0", Observation.Direction.IN, Observation.Leg.REPLY,
						new Headers(CBR0, POD1, svc, pod1, sctp, 80, 40000, "INIT ACK", 63, ack)));
	}

	private static Observation obs(String ns, String dev, Observation.Direction dir, Observation.Leg leg, Headers h) {
		return new Observation(ns, dev, dir, leg, h, -1, null, 0);
	}

	private static FlowExpectation sctpModel(List<Observation> obs) {
		return new FlowExpectation("assoc", "pod1 -> web:80/SCTP", dev.packetwalk.net.Protocol.SCTP, obs,
				dev.packetwalk.trace.Disposition.delivered("to web"),
				dev.packetwalk.trace.Disposition.delivered("to pod1"), "default/pod2", "default/pod1",
				java.util.Set.of(ClientOutcome.CONNECTED));
	}

	private static List<Observation> timed(List<Observation> obs) {
		List<Observation> out = new ArrayList<>();
		long t = 1_000;
		for (Observation o : obs) {
			out.add(new Observation(o.namespace(), o.device(), o.direction(), o.leg(), o.headers(), o.vni(), o.inner(),
					t += 1000));
		}
		return out;
	}

	@Test
	void sctpMatchesOnPortsAndChunksWhateverTagsEachSideDrew() {
		FlowExpectation model = sctpModel(sctpExchange(11, 22, 11));
		List<Observation> kernel = timed(sctpExchange(2_473_695_052L, 1_332_353_167L, 2_473_695_052L));
		FlowVerdict v = TraceComparison.compare(model, kernel, ClientOutcome.CONNECTED);
		assertThat(v.match()).as(v.render()).isTrue();
		assertThat(v.summary()).contains("6/6 observations matched");
	}

	@Test
	void anInitAckThatDoesNotCarryTheInitsTagIsCaughtOnEitherSide() {
		FlowExpectation model = sctpModel(sctpExchange(11, 22, 11));
		FlowVerdict kernelWrong = TraceComparison.compare(model, timed(sctpExchange(7, 8, 9)), ClientOutcome.CONNECTED);
		assertThat(kernelWrong.match()).isFalse();
		assertThat(kernelWrong.render()).contains(
				"SCTP verification tags (kernel): the INIT ACK's verification tag is 9, the INIT's initiate tag was 7 at"
						+ " node1/veth2 in");
		FlowVerdict modelWrong = TraceComparison.compare(sctpModel(sctpExchange(11, 22, 33)),
				timed(sctpExchange(7, 8, 7)), ClientOutcome.CONNECTED);
		assertThat(modelWrong.match()).isFalse();
		assertThat(modelWrong.render()).contains("SCTP verification tags (model)",
				"is 33, the INIT's initiate tag was 11");
	}

	@Test
	void aWrongChunkOrServicePortIsCaught() {
		List<Observation> kernel = timed(sctpExchange(7, 8, 7));
		List<Observation> wrong = new ArrayList<>(sctpExchange(11, 22, 11));
		Observation third = wrong.get(2);
		// a model whose DNAT forgot the target port
		wrong.set(2, obs(third.namespace(), third.device(), third.direction(), third.leg(),
				third.headers().withDstPort(80)));
		FlowVerdict v = TraceComparison.compare(sctpModel(wrong), kernel, ClientOutcome.CONNECTED);
		assertThat(v.match()).isFalse();
		assertThat(v.render()).contains("request leg, observation 3 of 3", "sctp [INIT] ttl 63",
				"dst port: model 80, kernel 8080");
		// the kernel's server answered with an ABORT instead: no INIT ACK anywhere, the
		// client refused
		List<Observation> aborted = new ArrayList<>(kernel.subList(0, 3));
		Headers abort = new Headers(CBR0, POD1, dev.packetwalk.net.Ip.parse("10.96.0.20"),
				dev.packetwalk.net.Ip.parse("10.244.1.2"), dev.packetwalk.net.Protocol.SCTP, 80, 40000, "ABORT", 63,
				new Headers.SctpTags(7, 0));
		aborted.add(new Observation("default/pod1", "eth0", Observation.Direction.IN, Observation.Leg.ERROR, abort, -1,
				null, 90_000));
		FlowVerdict refused = TraceComparison.compare(sctpModel(sctpExchange(11, 22, 11)), aborted,
				ClientOutcome.REFUSED);
		assertThat(refused.match()).isFalse();
		assertThat(refused.render()).contains("reply leg, observation 1 of 3",
				"kernel showed   nothing at node1/veth2 in",
				"client socket: model expects CONNECTED, the kernel's socket got REFUSED",
				"kernel-generated error packet (not compared)", "sctp [ABORT]");
	}

	@Test
	void laterChunksMustCarryTheReceiversTag() {
		List<Observation> kernel = new ArrayList<>(timed(sctpExchange(7, 8, 7)));
		Headers echo = new Headers(POD1, CBR0, dev.packetwalk.net.Ip.parse("10.244.1.2"),
				dev.packetwalk.net.Ip.parse("10.96.0.20"), dev.packetwalk.net.Protocol.SCTP, 40000, 80, "COOKIE ECHO",
				64, new Headers.SctpTags(8, 0));
		kernel.add(new Observation("default/pod1", "eth0", Observation.Direction.OUT, Observation.Leg.OTHER, echo, -1,
				null, 50_000));
		assertThat(TraceComparison.sctpTags("kernel", kernel)).isEmpty();
		// a COOKIE ECHO tagged with the client's own tag instead of the server's
		kernel.add(new Observation("default/pod1", "eth0", Observation.Direction.OUT, Observation.Leg.OTHER,
				new Headers(echo.srcMac(), echo.dstMac(), echo.src(), echo.dst(), echo.protocol(), 40000, 80,
						"COOKIE ECHO", 64, new Headers.SctpTags(7, 0)),
				-1, null, 60_000));
		assertThat(TraceComparison.sctpTags("kernel", kernel)).singleElement()
			.asString()
			.contains("a COOKIE ECHO from the client carries verification tag 7, the INIT ACK's initiate tag was 8");
	}

	@Test
	void theSeedSearchLooksAtEverythingButTheTags() {
		FlowExpectation e = sctpModel(sctpExchange(1, 2, 1));
		// the seed search looks at everything but the tags
		assertThat(sctpModel(sctpExchange(3, 4, 3)).withoutTags()).isEqualTo(e.withoutTags());
		assertThat(sctpModel(sctpExchange(3, 4, 3))).isNotEqualTo(e);
	}

}

package dev.packetwalk.engine;

import java.util.List;

import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.testing.Lab;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Place;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Step.BridgeForward.FloodCopy;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static dev.packetwalk.testing.TraceAssert.assertThatTrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Unknown-unicast flooding: a frame whose destination MAC is not in a bridge's forwarding
 * database goes out of every port but the one it came in by (hairpin permitting), and
 * every copy that reaches a device without that MAC is discarded there
 * (PACKET_OTHERHOST).
 */
class BridgeFloodTest {

	/** A MAC no device has: a neighbour entry left behind by a deleted pod. */
	private static final Mac GONE = Mac.parse("02:00:00:00:00:99");

	/** Host h with bridge br0 and three ports v1..v3 to pods p1..p3. */
	private static Lab threePorts() {
		return new Lab().ns("h")
			.ns("p1")
			.ns("p2")
			.ns("p3")
			.bridge("h", "br0", "10.0.0.1/24")
			.port("p1", "eth0", "10.0.0.2/24", "h", "v1", "br0")
			.port("p2", "eth0", "10.0.0.3/24", "h", "v2", "br0")
			.port("p3", "eth0", "10.0.0.4/24", "h", "v3", "br0")
			.listen("p2", Protocol.TCP, 80)
			.listen("p3", Protocol.TCP, 80);
	}

	private static Step.BridgeForward flood(Walk w) {
		return w.hops()
			.stream()
			.flatMap(h -> h.steps().stream())
			.filter(s -> s instanceof Step.BridgeForward b && b.decision() == Step.BridgeForward.Decision.FLOOD)
			.map(Step.BridgeForward.class::cast)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no flood step in " + w.label()));
	}

	@Test
	void aFrameToAnUnknownMacFloodsToTheTwoOtherPortsAndEachDiscardsIt() {
		Trace t = threePorts().neighbor("p1", "10.0.0.9", "eth0", GONE).tcp("p1", "10.0.0.9", 80).run();
		Walk w = t.walks().getFirst();
		assertThatTrace(t).walk(0).isDroppedBecause(DropReason.NEIGHBOR_UNREACHABLE).visits("p1", "h");
		Step.BridgeForward f = flood(w);
		assertThat(f.inPort()).isEqualTo("v1");
		assertThat(f.outPort()).isNull();
		assertThat(f.packet().eth().dst()).isEqualTo(GONE);
		assertThat(f.copies()).extracting(FloodCopy::port).containsExactly("v2", "v3");
		assertThat(f.copies()).extracting(c -> c.peer().namespace() + "/" + c.peer().device())
			.containsExactly("p2/eth0", "p3/eth0");
		assertThat(f.copies()).allSatisfy(c -> {
			assertThat(c.fate()).isEqualTo(FloodCopy.Fate.DISCARDED);
			assertThat(c.detail()).contains("PACKET_OTHERHOST").contains(GONE.toString());
		});
		// the flood is the bridge's last word; the drop that follows says every copy was
		// lost
		List<Step> last = w.hops().getLast().steps();
		assertThat(last.getLast()).isInstanceOf(Step.Drop.class);
		assertThat(last.get(last.size() - 2)).isSameAs(f);
		assertThat(last.getLast().narration()).contains("Every copy of the flood is discarded");
		assertThat(TraceJson.write(t)).contains("\"copies\"").contains("\"fate\":\"DISCARDED\"");
	}

	@Test
	void theHostSendingIntoItsBridgeFloodsToEveryPort() {
		Trace t = threePorts().neighbor("h", "10.0.0.9", "br0", GONE).tcp("h", "10.0.0.9", 80).run();
		Step.BridgeForward f = flood(t.walks().getFirst());
		assertThat(f.inPort()).isNull();
		assertThat(f.copies()).extracting(FloodCopy::port).containsExactly("v1", "v2", "v3");
		assertThat(f.copies()).extracting(FloodCopy::fate).containsOnly(FloodCopy.Fate.DISCARDED);
		assertThatTrace(t).walk(0).isDroppedBecause(DropReason.NEIGHBOR_UNREACHABLE);
	}

	@Test
	void aHairpinPortGetsItsCopyBackToo() {
		Trace t = threePorts().hairpin("h", "v1")
			.neighbor("p1", "10.0.0.9", "eth0", GONE)
			.tcp("p1", "10.0.0.9", 80)
			.run();
		Step.BridgeForward f = flood(t.walks().getFirst());
		assertThat(f.copies()).extracting(FloodCopy::port).containsExactly("v1", "v2", "v3");
		assertThat(f.copies().getFirst().peer().namespace()).isEqualTo("p1");
		assertThat(f.copies().getFirst().fate()).isEqualTo(FloodCopy.Fate.DISCARDED);
	}

	@Test
	void aFloodThatReachesTheOwnerFollowsThatCopyAndDiscardsTheOthers() {
		// p2's MAC is known to p1 (a permanent entry) but the bridge has never seen it:
		// the flood reaches p2, the walk follows that copy, p3 discards its own
		Mac p2 = Mac.derive("p2/eth0");
		Trace t = threePorts().neighbor("p1", "10.0.0.3", "eth0", p2).tcp("p1", "10.0.0.3", 80).run();
		Step.BridgeForward f = flood(t.walks().getFirst());
		assertThat(f.outPort()).isEqualTo("v2");
		assertThat(f.copies()).extracting(FloodCopy::port, FloodCopy::fate)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("v2", FloodCopy.Fate.FOLLOWED),
					org.assertj.core.groups.Tuple.tuple("v3", FloodCopy.Fate.DISCARDED));
		assertThatTrace(t).walk(0).isDelivered().visits("p1", "h", "p2");
	}

	@Test
	void aFloodStepListsItsCopiesAndOnlyAFloodDoes() {
		Place at = new Place("h", "h", "br0");
		FloodCopy c = new FloodCopy("v2", new Place("p2", "p2", "eth0"), FloodCopy.Fate.DISCARDED, "not its MAC");
		dev.packetwalk.packet.Packet p = threePorts().neighbor("p1", "10.0.0.9", "eth0", GONE)
			.tcp("p1", "10.0.0.9", 80)
			.run()
			.walks()
			.getFirst()
			.hops()
			.getLast()
			.steps()
			.getLast()
			.packet();
		assertThatThrownBy(() -> new Step.BridgeForward(at, p, "n", "br0", "v1", null,
				Step.BridgeForward.Decision.FLOOD, List.of()))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new Step.BridgeForward(at, p, "n", "br0", "v1", "v2",
				Step.BridgeForward.Decision.FDB_HIT, List.of(), List.of(c)))
			.isInstanceOf(IllegalArgumentException.class);
		// the walk follows a copy only out of its outPort
		assertThatThrownBy(() -> new Step.BridgeForward(at, p, "n", "br0", "v1", "v2",
				Step.BridgeForward.Decision.FLOOD, List.of(), List.of(c)))
			.isInstanceOf(IllegalArgumentException.class);
	}

}

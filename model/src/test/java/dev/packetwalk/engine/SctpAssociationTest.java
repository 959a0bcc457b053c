package dev.packetwalk.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flow with {@code protocol: SCTP} is an association: INIT / INIT ACK, COOKIE ECHO /
 * COOKIE ACK, then one DATA chunk with the flow's payload and its SACK, tagged as RFC
 * 9260 says, with conntrack following it on every node it crosses.
 */
class SctpAssociationTest {

	static Trace sctpService() throws IOException {
		return HttpConnectionTest.run("sctp-service.yaml",
				Files.readString(Path.of("../scenarios/sctp-service.yaml"), StandardCharsets.UTF_8));
	}

	static Transport.Sctp sctp(Walk w) {
		return (Transport.Sctp) HttpConnectionTest.firstPacket(w).l4();
	}

	/** The last conntrack line the walk shows for namespace {@code ns}. */
	static String conntrack(Walk w, String ns) {
		return HttpConnectionTest.steps(w)
			.stream()
			.filter(s -> s instanceof Step.Conntrack && s.at().namespace().equals(ns))
			.map(s -> ((Step.Conntrack) s).entry())
			.reduce((a, b) -> b)
			.orElseThrow();
	}

	@Test
	void anAssociationIsSixWalksTaggedAsTheRfcSays() throws IOException {
		List<Walk> walks = sctpService().walks().stream().filter(w -> w.flow().equals("diameter")).toList();
		assertThat(walks).extracting(Walk::label)
			.containsExactly("mme → hss (10.9.3.86:3868, SCTP) (association: INIT)",
					"mme → hss (10.9.3.86:3868, SCTP) (association: INIT ACK)",
					"mme → hss (10.9.3.86:3868, SCTP) (association: COOKIE ECHO)",
					"mme → hss (10.9.3.86:3868, SCTP) (association: COOKIE ACK)",
					"mme → hss (10.9.3.86:3868, SCTP) (DATA)", "mme → hss (10.9.3.86:3868, SCTP) (SACK)");
		assertThat(walks).allMatch(w -> w.disposition().delivered());
		assertThat(walks).extracting(Walk::leg)
			.containsExactly(Walk.Leg.REQUEST, Walk.Leg.REPLY, Walk.Leg.REQUEST, Walk.Leg.REPLY, Walk.Leg.REQUEST,
					Walk.Leg.REPLY);
		Transport.Sctp init = sctp(walks.get(0));
		Transport.Sctp initAck = sctp(walks.get(1));
		assertThat(init.chunk()).isEqualTo("INIT");
		assertThat(init.vtag()).isZero();
		assertThat(initAck.chunk()).isEqualTo("INIT ACK");
		assertThat(initAck.vtag()).isEqualTo(init.initTag());
		assertThat(initAck.initTag()).isNotZero().isNotEqualTo(init.initTag());
		for (int i = 2; i < 6; i++) {
			Transport.Sctp s = sctp(walks.get(i));
			// the client's packets carry the server's tag, the server's the client's
			assertThat(s.vtag()).as(s.chunk()).isEqualTo(i % 2 == 0 ? initAck.initTag() : init.initTag());
			assertThat(s.initTag()).isZero();
		}
		assertThat(sctp(walks.get(2)).chunk()).isEqualTo("COOKIE ECHO");
		assertThat(sctp(walks.get(3)).chunk()).isEqualTo("COOKIE ACK");
		assertThat(sctp(walks.get(4)).chunk()).isEqualTo("DATA");
		assertThat(sctp(walks.get(5)).chunk()).isEqualTo("SACK");
		// the INIT carries no user data; the DATA chunk carries the flow's 120 bytes
		assertThat(HttpConnectionTest.firstPacket(walks.get(0)).payload()).isEqualTo(Payload.Bytes.EMPTY);
		assertThat(HttpConnectionTest.firstPacket(walks.get(4)).payload()).isEqualTo(new Payload.Bytes(120));
		assertThat(HttpConnectionTest.firstPacket(walks.get(5)).payload()).isEqualTo(Payload.Bytes.EMPTY);
	}

	@Test
	void conntrackFollowsTheAssociationOnBothNodes() throws IOException {
		List<Walk> walks = sctpService().walks().stream().filter(w -> w.flow().equals("diameter")).toList();
		for (String node : List.of("node1", "node2")) {
			assertThat(walks.stream()
				.map(w -> conntrack(w, node).replaceFirst(" src=.*? (\\[ASSURED\\] )?mark", " $1mark"))).as(node)
				.containsExactly("sctp     132 10 CLOSED mark=0 use=1", "sctp     132 3 COOKIE_WAIT mark=0 use=1",
						"sctp     132 3 COOKIE_ECHOED mark=0 use=1",
						"sctp     132 210 ESTABLISHED [ASSURED] mark=0 use=1",
						"sctp     132 210 ESTABLISHED [ASSURED] mark=0 use=1",
						"sctp     132 210 ESTABLISHED [ASSURED] mark=0 use=1");
		}
		// node1 DNATed the INIT to hss-2: the reply tuple comes from the endpoint
		assertThat(conntrack(walks.getFirst(), "node1")).contains("dst=10.9.3.86 sport=")
			.contains("[UNREPLIED] src=10.11.5.3 dst=10.11.0.5 sport=3868");
	}

	@Test
	void theSameNumberOverTcpIsAnotherServicePort() throws IOException {
		Walk syn = sctpService().walks()
			.stream()
			.filter(w -> w.flow().equals("diameter-tcp"))
			.findFirst()
			.orElseThrow();
		assertThat(HttpConnectionTest.firstPacket(syn).l4()).isInstanceOf(Transport.Tcp.class);
		List<String> rules = HttpConnectionTest.steps(syn)
			.stream()
			.filter(s -> s instanceof Step.Netfilter)
			.flatMap(s -> ((Step.Netfilter) s).matched().stream().map(m -> m.rule()))
			.toList();
		assertThat(rules).anyMatch(r -> r.contains("-p tcp") && r.contains("default/hss:diameter-tcp"))
			.noneMatch(r -> r.contains("-p sctp"));
	}

	@Test
	void aContinuedSctpFlowIsOneMoreDataChunkOnItsAssociation() {
		Trace t = HttpConnectionTest.run("continued.yaml", """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: continued}
				cluster:
				  nodes: [{name: node1, podCIDR: 10.244.1.0/24}]
				  pods:
				    - {name: a, node: node1, ip: 10.244.1.2}
				    - {name: b, node: node1, ip: 10.244.1.3, containers: [{name: b, ports: ["sctp/3868"]}]}
				flows:
				  - {id: assoc, from: a, to: "b:3868", protocol: SCTP}
				timeline:
				  - flow: {id: more, continues: assoc, size: 40}
				""");
		List<Walk> assoc = t.walks().stream().filter(w -> w.flow().equals("assoc")).toList();
		List<Walk> more = t.walks().stream().filter(w -> w.flow().equals("more")).toList();
		assertThat(assoc).hasSize(6);
		assertThat(more).hasSize(2).allMatch(w -> w.disposition().delivered());
		Transport.Sctp data = sctp(more.get(0));
		Transport.Sctp sack = sctp(more.get(1));
		assertThat(data.chunk()).isEqualTo("DATA");
		assertThat(data.srcPort()).isEqualTo(sctp(assoc.getFirst()).srcPort());
		assertThat(data.vtag()).isEqualTo(sctp(assoc.get(1)).initTag());
		assertThat(sack.chunk()).isEqualTo("SACK");
		assertThat(sack.vtag()).isEqualTo(sctp(assoc.getFirst()).initTag());
		assertThat(HttpConnectionTest.firstPacket(more.get(0)).payload()).isEqualTo(new Payload.Bytes(40));
		// conntrack in the pods' namespaces keeps the association ESTABLISHED
		assertThat(HttpConnectionTest.steps(more.get(0))).filteredOn(s -> s instanceof Step.Conntrack)
			.allSatisfy(s -> assertThat(((Step.Conntrack) s).entry()).contains("ESTABLISHED").contains("[ASSURED]"));
	}

	@Test
	void nothingListeningAnswersAnAbort() {
		Trace t = HttpConnectionTest.run("no-listener.yaml", """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: no-listener}
				cluster:
				  nodes: [{name: node1, podCIDR: 10.244.1.0/24}]
				  pods:
				    - {name: a, node: node1, ip: 10.244.1.2}
				    - {name: b, node: node1, ip: 10.244.1.3, containers: [{name: b, ports: ["tcp/3868"]}]}
				flows:
				  - {id: f, from: a, to: "b:3868", protocol: SCTP}
				""");
		assertThat(t.walks()).hasSize(1);
		Walk init = t.walks().getFirst();
		assertThat(init.disposition().reason()).isEqualTo(DropReason.NO_LISTENER);
		Step.Drop drop = (Step.Drop) HttpConnectionTest.steps(init).getLast();
		assertThat(drop.narration()).contains("listens on sctp port 3868").contains("ABORT");
	}

}

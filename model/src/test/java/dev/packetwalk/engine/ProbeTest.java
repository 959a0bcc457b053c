package dev.packetwalk.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.packetwalk.net.Protocol;
import dev.packetwalk.netpol.ReachabilityMatrix;
import dev.packetwalk.netpol.Verdict;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.TraceJson;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A probe walks the same datapath as the scenario's flows, and agrees with the
 * reachability matrix cell by cell.
 */
class ProbeTest {

	private static Scenario load(String id) throws IOException {
		Path file = Path.of(System.getProperty("scenarios.dir", "../scenarios")).resolve(id + ".yaml");
		CompiledScenario s = new ScenarioCompiler().compile(file.getFileName().toString(), Files.readString(file));
		return s.scenario();
	}

	@Test
	void everyCellOfTheMatrixIsWhatTheProbeDoes() throws IOException {
		Scenario s = load("netpol-three-tier");
		for (int port : new int[] { 8080, 6379 }) {
			ReachabilityMatrix m = s.policies().reachability(port, Protocol.TCP);
			for (Verdict v : m.cells()) {
				String from = v.connection().source().toString();
				String to = v.connection().destination().toString();
				Trace t = new Probe(from, to, port, Protocol.TCP).run(s, 1);
				Walk request = t.walks().getFirst();
				assertThat(request.flow()).isEqualTo(Probe.FLOW_ID);
				assertThat(request.leg()).isEqualTo(Walk.Leg.REQUEST);
				boolean denied = !request.disposition().delivered()
						&& request.disposition().reason() == DropReason.POLICY_DENIED;
				assertThat(denied).as(from + " -> " + to + ":" + port + " (" + request.disposition() + ")")
					.isEqualTo(!v.allowed());
			}
		}
	}

	@Test
	void anAllowedProbeIsDeliveredAndAnswered() throws IOException {
		Scenario s = load("netpol-three-tier");
		Trace t = new Probe("store/be-1", "store/db-1", 6379, Protocol.TCP).run(s, 1);
		assertThat(t.scenario()).isEqualTo("netpol-three-tier");
		assertThat(t.walks()).hasSize(2);
		assertThat(t.walks()).allMatch(w -> w.disposition().delivered());
		assertThat(t.walks().getFirst().label()).isEqualTo("probe store/be-1 → store/db-1:6379/TCP");
	}

	/**
	 * An SCTP probe is an association whose INIT meets the same NetworkPolicy checks:
	 * netpol-three-tier opens 6379/TCP from be to db, not 6379/SCTP, and every SCTP cell
	 * of the matrix is what its probe does.
	 */
	@Test
	void anSctpProbeMeetsThePoliciesOnItsOwnProtocol() throws IOException {
		Scenario s = load("netpol-three-tier");
		Trace sctp = new Probe("store/be-1", "store/db-1", 6379, Protocol.SCTP).run(s, 1);
		assertThat(sctp.walks()).hasSize(1);
		assertThat(sctp.walks().getFirst().label())
			.isEqualTo("probe store/be-1 → store/db-1:6379/SCTP (association: INIT)");
		assertThat(sctp.walks().getFirst().disposition().reason()).isEqualTo(DropReason.POLICY_DENIED);
		ReachabilityMatrix m = s.policies().reachability(6379, Protocol.SCTP);
		// only db-1 itself reaches db-1 on 6379/SCTP (a pod can always reach itself)
		assertThat(m.cells()).filteredOn(v -> v.connection().destination().toString().equals("store/db-1"))
			.filteredOn(Verdict::allowed)
			.extracting(v -> v.connection().source().toString())
			.containsExactly("store/db-1");
		for (Verdict v : m.cells()) {
			String from = v.connection().source().toString();
			String to = v.connection().destination().toString();
			Walk init = new Probe(from, to, 6379, Protocol.SCTP).run(s, 1).walks().getFirst();
			boolean denied = !init.disposition().delivered() && init.disposition().reason() == DropReason.POLICY_DENIED;
			assertThat(denied).as(from + " -> " + to + ":6379/SCTP (" + init.disposition() + ")")
				.isEqualTo(!v.allowed());
		}
	}

	@Test
	void theSameProbeAndSeedGiveTheSameBytes() throws IOException {
		Scenario s = load("netpol-three-tier");
		Probe p = new Probe("store/fe-1", "store/db-1", 6379, Protocol.TCP);
		assertThat(TraceJson.write(p.run(s, 7))).isEqualTo(TraceJson.write(p.run(s, 7)));
	}

	@Test
	void worksWithoutPolicies() throws IOException {
		Scenario s = load("pod-to-pod-same-node");
		assertThat(Probe.pods(s)).isNotEmpty();
		String a = Probe.pods(s).getFirst();
		String b = Probe.pods(s).getLast();
		Trace t = new Probe(a, b, 9, Protocol.UDP).run(s, 1);
		assertThat(t.walks().getFirst().disposition().outcome()).isNotNull();
	}

	@Test
	void refusesWhatItCannotSend() throws IOException {
		Scenario s = load("netpol-three-tier");
		assertThatThrownBy(() -> new Probe("store/fe-1", "store/nope", 80, Protocol.TCP).flow(s))
			.isInstanceOfSatisfying(Probe.ProbeException.class, ex -> assertThat(ex.parameter()).isEqualTo("to"))
			.hasMessageContaining("no pod 'store/nope'");
		assertThatThrownBy(() -> new Probe("node1", "store/db-1", 80, Protocol.TCP).flow(s))
			.isInstanceOfSatisfying(Probe.ProbeException.class, ex -> assertThat(ex.parameter()).isEqualTo("from"));
		assertThatThrownBy(() -> new Probe("store/fe-1", "store/db-1", 0, Protocol.TCP))
			.isInstanceOfSatisfying(Probe.ProbeException.class, ex -> assertThat(ex.parameter()).isEqualTo("port"));
		assertThatThrownBy(() -> new Probe("store/fe-1", "store/db-1", 80, Protocol.ICMP))
			.isInstanceOfSatisfying(Probe.ProbeException.class, ex -> assertThat(ex.parameter()).isEqualTo("protocol"));
	}

}

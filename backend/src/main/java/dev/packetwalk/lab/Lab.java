package dev.packetwalk.lab;

import java.util.Optional;

import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.topology.Topology;

/**
 * Proves the model's traces against a real datapath: builds a scenario's topology,
 * replays its flows, and compares what was seen with the model's trace. The model does
 * not depend on this; the backend and the CLI do.
 */
public interface Lab {

	/**
	 * Why the lab cannot run here (not root, no {@code ip netns}, a missing tool), or
	 * empty when it can.
	 */
	Optional<String> unavailable();

	/**
	 * Builds the topology. Close the result to tear it down (or {@link LabNetwork#keep()}
	 * it).
	 */
	LabNetwork materialize(Topology topology);

	/**
	 * Materialises the scenario, replays every flow with the scenario's default seed and
	 * compares each with the model's trace. Tears everything down afterwards unless
	 * {@code keep}.
	 */
	ScenarioReport verify(CompiledScenario scenario, boolean keep);

}

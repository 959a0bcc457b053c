package dev.packetwalk.lab;

import java.util.List;
import java.util.Set;

import dev.packetwalk.net.Protocol;
import dev.packetwalk.trace.Disposition;

/**
 * What the model says one flow looks like on the wire: the observations, in the model's
 * order, and how the sending socket should fare.
 *
 * @param flowId the scenario's flow id
 * @param label its label
 * @param protocol TCP, UDP or ICMP
 * @param observations every transmit/receive of the flow's walks, projected
 * @param request the request walk's disposition
 * @param reply the reply walk's disposition, or null when the model walks no reply
 * @param requestEnd where the request walk ended ({@code ns/dev}), for "last place seen"
 * @param replyEnd where the reply walk ended, or null
 * @param clientOutcomes what the sending socket may see (connected, refused...)
 */
public record FlowExpectation(String flowId, String label, Protocol protocol, List<Observation> observations,
		Disposition request, Disposition reply, String requestEnd, String replyEnd, Set<ClientOutcome> clientOutcomes) {

	public FlowExpectation {
		observations = List.copyOf(observations);
		clientOutcomes = Set.copyOf(clientOutcomes);
	}

	public List<Observation> leg(Observation.Leg leg) {
		return observations.stream().filter(o -> o.leg() == leg).toList();
	}

	/**
	 * The same expectation with other observations (to build deliberately wrong models in
	 * tests).
	 */
	public FlowExpectation withObservations(List<Observation> other) {
		return new FlowExpectation(flowId, label, protocol, other, request, reply, requestEnd, replyEnd,
				clientOutcomes);
	}

	/**
	 * The same expectation without SCTP tag values: another seed draws other tags, which
	 * the comparison never looks at.
	 */
	public FlowExpectation withoutTags() {
		return withObservations(observations.stream().map(Observation::withoutTags).toList());
	}

}

package dev.packetwalk.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

/**
 * A Service without a selector takes its endpoints from the EndpointSlices labelled with
 * its name.
 */
class EndpointSliceTest {

	private static final String SCENARIO = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: slices}
			cluster:
			  nodes: [{name: node1, podCIDR: 10.244.1.0/24}]
			  pods:
			    - {name: client, node: node1}
			    - name: db
			      node: node1
			      ip: 10.244.1.7
			      containers: [{name: pg, ports: [{containerPort: 5432}]}]
			    - name: db-old
			      node: node1
			      ip: 10.244.1.8
			      containers: [{name: pg, ports: [{containerPort: 5432}]}]
			objects:
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: external-db}
			    spec:
			      ports: [{name: pg, port: 5432}]
			  - apiVersion: discovery.k8s.io/v1
			    kind: EndpointSlice
			    metadata:
			      name: external-db-1
			      labels: {kubernetes.io/service-name: external-db}
			    addressType: IPv4
			    endpoints:
			      - addresses: [10.244.1.7]
			        conditions: {ready: true}
			        nodeName: node1
			      - addresses: [10.244.1.8]
			        conditions: {ready: false}
			    ports: [{name: pg, port: 5432, protocol: TCP}]
			flows:
			  - {from: client, to: service/external-db:5432}
			""";

	@Test
	void theReadyEndpointOfTheSliceGetsTheConnection() {
		CompiledScenario s = new ScenarioCompiler().compile("slices.yaml", SCENARIO);
		assertThat(s.warnings()).isEmpty();
		for (long seed = 1; seed <= 5; seed++) {
			Walk request = new Engine(s.scenario()).run(seed).walks().getFirst();
			assertThat(request.disposition().delivered()).isTrue();
			Step.Deliver d = (Step.Deliver) request.hops().getLast().steps().getLast();
			assertThat(d.packet().ip().dst().toString()).isEqualTo("10.244.1.7");
		}
	}

	@Test
	void withoutASliceTheServiceHasNoEndpointsAndSaysWhy() {
		String noSlice = SCENARIO.substring(0, SCENARIO.indexOf("  - apiVersion: discovery.k8s.io/v1"))
				+ SCENARIO.substring(SCENARIO.indexOf("flows:"));
		CompiledScenario s = new ScenarioCompiler().compile("slices.yaml", noSlice);
		assertThat(s.warnings()).extracting(ScenarioProblem::message)
			.anyMatch(m -> m
				.contains("has no selector and no EndpointSlice (label kubernetes.io/service-name: external-db)"));
	}

}

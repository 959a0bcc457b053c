package dev.packetwalk.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.topology.Listener;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

/**
 * The port shorthand of cluster.pods containers: {@code [name:][protocol/]port}, as a
 * string or a number, gives the same listeners and named ports as the long form.
 */
class PortShorthandTest {

	private static final String SCENARIO = """
			apiVersion: packetwalk.dev/v1alpha1
			kind: Scenario
			metadata: {name: ports}
			cluster:
			  nodes: [{name: node1, podCIDR: 10.244.1.0/24}]
			  pods:
			    - {name: client, node: node1}
			    - name: server
			      node: node1
			      labels: {app: server}
			      containers:
			        - {name: app, ports: [tcp/80, tcp/81, udp/80, udp/81, 8080, "http:tcp/8443", "dns:udp/53"]}
			objects:
			  - apiVersion: v1
			    kind: Service
			    metadata: {name: server}
			    spec:
			      selector: {app: server}
			      ports: [{name: web, port: 443, targetPort: http}, {name: dns, port: 53, targetPort: dns, protocol: UDP}]
			flows:
			  - {from: client, to: service/server:443}
			  - {from: client, to: service/server:53, protocol: UDP}
			  - {from: client, to: server:81, protocol: UDP}
			  - {from: client, to: server:8080}
			""";

	@Test
	void theShorthandListensAndNamesItsPorts() {
		CompiledScenario s = new ScenarioCompiler().compile("ports.yaml", SCENARIO);
		assertThat(s.scenario().topology().namespace("default/server").listeners()).extracting(Listener::toString)
			.hasSize(7);
		for (Walk w : new Engine(s.scenario()).run(1).walks()) {
			if (w.leg() == Walk.Leg.REQUEST) {
				assertThat(w.disposition().delivered()).as(w.label()).isTrue();
			}
		}
	}

	@Test
	void aBadShorthandSaysWhatTheFormIs() {
		assertThatThrownBy(() -> new ScenarioCompiler().compile("ports.yaml", SCENARIO.replace("udp/81,", "tpc/81,")))
			.isInstanceOf(ScenarioException.class)
			.satisfies(ex -> assertThat(((ScenarioException) ex).problems()).singleElement()
				.satisfies(p -> assertThat(p.toString()).startsWith("ports.yaml:12:")
					.contains("cluster.pods[1].containers[0].ports[3]")
					.contains("[name:][protocol/]port")));
	}

}

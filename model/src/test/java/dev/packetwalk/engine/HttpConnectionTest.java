package dev.packetwalk.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.packetwalk.packet.Packet;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP request rides the first data segment after the TCP handshake, never the SYN; a
 * reverse proxy answers its client only after its own connection to the backend, with the
 * backend's response.
 */
class HttpConnectionTest {

	static Trace run(String name, String yaml) {
		CompiledScenario s = new ScenarioCompiler().compile(name, yaml);
		return new Engine(s.scenario()).run(s.seed());
	}

	static Trace ingressHttp() throws IOException {
		return run("ingress-http.yaml",
				Files.readString(Path.of("../scenarios/ingress-http.yaml"), StandardCharsets.UTF_8));
	}

	static List<Step> steps(Walk w) {
		return w.hops().stream().flatMap(h -> h.steps().stream()).toList();
	}

	static Packet firstPacket(Walk w) {
		return w.hops().getFirst().steps().getFirst().packet();
	}

	static String flags(Packet p) {
		return ((Transport.Tcp) p.l4()).flags();
	}

	@Test
	void ingressHttpsSynCarriesNoPayload() throws IOException {
		Trace t = ingressHttp();
		Walk syn = t.walks().getFirst();
		assertThat(syn.flow()).isEqualTo("client-to-proxy");
		assertThat(flags(firstPacket(syn))).isEqualTo("S");
		// no step of any SYN or SYN-ACK carries a byte above TCP
		for (Walk w : t.walks()) {
			for (Step s : steps(w)) {
				if (flags(s.packet()).startsWith("S")) {
					assertThat(s.packet().payload()).as(w.label() + ": " + s.narration())
						.isEqualTo(Payload.Bytes.EMPTY);
					assertThat(s.packet().ipLength()).as(w.label()).isEqualTo(40);
				}
			}
		}
	}

	@Test
	void theRequestIsTheFirstDataSegmentAfterTheHandshake() throws IOException {
		Trace t = ingressHttp();
		List<Walk> client = t.walks().stream().filter(w -> w.flow().equals("client-to-proxy")).toList();
		assertThat(client).extracting(Walk::leg)
			.containsExactly(Walk.Leg.REQUEST, Walk.Leg.REPLY, Walk.Leg.REQUEST, Walk.Leg.REPLY);
		assertThat(client).extracting(w -> flags(firstPacket(w))).containsExactly("S", "S.", "P.", "P.");
		Walk request = client.get(2);
		assertThat(request.disposition().delivered()).isTrue();
		assertThat(firstPacket(request).payload()).isInstanceOfSatisfying(Payload.Http.class,
				h -> assertThat(h.startLine()).isEqualTo("GET /cart HTTP/1.1"));
		// the same connection: the handshake's source port, taken by the socket accept()
		// returned
		assertThat(firstPacket(request).l4().srcPort()).isEqualTo(firstPacket(client.getFirst()).l4().srcPort());
		assertThat(steps(request).getLast()).isInstanceOfSatisfying(Step.Deliver.class,
				d -> assertThat(d.narration()).contains("established connection"));
	}

	@Test
	void theClientWalkEndsDeliveredWithTheHttpResponseAfterTheProxysConnection() throws IOException {
		Trace t = ingressHttp();
		Walk last = t.walks().getLast();
		assertThat(last.flow()).isEqualTo("client-to-proxy");
		assertThat(last.leg()).isEqualTo(Walk.Leg.REPLY);
		assertThat(last.disposition().delivered()).isTrue();
		Packet got = steps(last).getLast().packet();
		assertThat(got.dst().toString()).isEqualTo("192.0.2.50");
		assertThat(got.src().toString()).isEqualTo("203.0.113.80");
		assertThat(got.payload()).isInstanceOfSatisfying(Payload.Http.class,
				h -> assertThat(h.startLine()).isEqualTo("HTTP/1.1 200 OK"));
		assertThat(steps(last).getLast()).isInstanceOf(Step.Deliver.class);
		// the proxy's own connection (handshake, request with X-Forwarded-For, response)
		// comes between the client's request and its response: two connections
		List<String> order = t.walks().stream().map(w -> w.flow() + " " + w.leg()).toList();
		assertThat(order).containsExactly("client-to-proxy REQUEST", "client-to-proxy REPLY", "client-to-proxy REQUEST",
				"proxy-to-node REQUEST", "proxy-to-node REPLY", "proxy-to-node REQUEST", "proxy-to-node REPLY",
				"client-to-proxy REPLY");
		Walk upstream = t.walks().get(5);
		assertThat(firstPacket(upstream).payload()).isInstanceOfSatisfying(Payload.Http.class,
				h -> assertThat(h.headers()).containsEntry("X-Forwarded-For", "192.0.2.50"));
		assertThat(steps(upstream).getLast().at().namespace()).isEqualTo("default/web-1");
	}

	/**
	 * A proxy whose backend never answers relays no 200: the client gets 502 Bad Gateway.
	 */
	@Test
	void aProxyWithoutABackendAnswersBadGateway() throws IOException {
		String yaml = Files.readString(Path.of("../scenarios/ingress-http.yaml"), StandardCharsets.UTF_8)
			.replace("to: node/node1:30080", "to: node/node1:30081");
		Trace t = run("ingress-http.yaml", yaml);
		Walk last = t.walks().getLast();
		assertThat(last.flow()).isEqualTo("client-to-proxy");
		assertThat(last.leg()).isEqualTo(Walk.Leg.REPLY);
		assertThat(steps(last).getLast().packet().payload()).isInstanceOfSatisfying(Payload.Http.class,
				h -> assertThat(h.startLine()).isEqualTo("HTTP/1.1 502 Bad Gateway"));
	}

}

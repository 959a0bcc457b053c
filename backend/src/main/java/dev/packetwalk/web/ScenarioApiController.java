package dev.packetwalk.web;

import java.time.Duration;
import java.util.List;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.config.PacketWalkProperties;
import dev.packetwalk.engine.Distribution;
import dev.packetwalk.engine.ExpectedShares;
import dev.packetwalk.engine.Flow;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioHeader;
import dev.packetwalk.topology.Topology;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * The scenario API: the catalogue, one scenario's resolved topology, its trace, and the
 * trace as a stream.
 */
@RestController
@RequestMapping("/api/scenarios")
class ScenarioApiController {

	/**
	 * A catalogue line. {@code valid} is false for a local scenario file with errors
	 * ({@code errors} says which); its other fields are then the id and defaults.
	 * {@code origin} is {@code built-in} or {@code local}.
	 */
	record Summary(String id, String title, String summary, List<String> tags, String level, String chapter, int order,
			boolean valid, String origin, List<ApiExceptionHandler.ProblemJson> errors) {
		static Summary of(ScenarioCatalog.Entry e) {
			String origin = e.origin() == ScenarioCatalog.Origin.LOCAL ? "local" : "built-in";
			CompiledScenario s = e.scenario();
			if (s == null) {
				return new Summary(e.id(), e.id(), "", List.of(), "beginner", "Scenarios with errors",
						Integer.MAX_VALUE, false, origin, ApiExceptionHandler.errors(e.errors()));
			}
			return new Summary(s.id(), s.title(), s.summary(), s.tags(), s.level(), s.chapter(), s.order(), true,
					origin, List.of());
		}

		static Summary of(ScenarioCatalog.Line line) {
			if (line.entry() != null) {
				return of(line.entry());
			}
			ScenarioHeader h = line.header();
			return new Summary(h.id(), h.title(), h.summary(), h.tags(), h.level(), h.chapter(), h.order(), true,
					"built-in", List.of());
		}
	}

	/**
	 * One scenario resolved: what the page draws before any packet moves.
	 * {@code verified} is the kernel lab's verdict ({@link LabVerdicts}), null when there
	 * is none.
	 */
	record Detail(String id, String title, String summary, List<String> tags, String level, String chapter, int order,
			String intro, String takeaway, long seed, List<FlowInfo> flows, Topology topology,
			LabVerdicts.Verified verified) {
	}

	record FlowInfo(String id, String label, String protocol, String from, String to, boolean reply) {
		static FlowInfo of(Flow f) {
			return new FlowInfo(f.id(), f.label(), f.protocol().name(), f.from(),
					f.dst() + (f.dstPort() > 0 ? ":" + f.dstPort() : ""), f.reply());
		}
	}

	private final ScenarioCatalog catalog;

	private final PacketWalkProperties props;

	private final SseStreams streams;

	private final Metrics metrics;

	private final WorkLanes lanes;

	private final LabVerdicts verdicts;

	private final TraceCache traces;

	ScenarioApiController(ScenarioCatalog catalog, PacketWalkProperties props, SseStreams streams, Metrics metrics,
			WorkLanes lanes, LabVerdicts verdicts, TraceCache traces) {
		this.lanes = lanes;
		this.catalog = catalog;
		this.verdicts = verdicts;
		this.props = props;
		this.streams = streams;
		this.metrics = metrics;
		this.traces = traces;
	}

	@GetMapping
	List<Summary> list() {
		// listed from the built-ins' headers while they compile: the first list waits for
		// none of them
		return catalog.lines().stream().map(Summary::of).toList();
	}

	/**
	 * {@code event: changed}, {@code data: <id>} whenever a local scenario file is added,
	 * edited or removed, so a page showing it can offer a reload. Heartbeats, a bounded
	 * buffer per client and a clean end on shutdown come from {@link SseStreams}.
	 */
	@GetMapping(path = "/changes", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> changes() {
		Flux<ServerSentEvent<String>> changed = catalog.changes()
			.map(id -> ServerSentEvent.builder(id).event("changed").build());
		// a first comment at once, so the response (and its headers) starts before any
		// change happens
		ServerSentEvent<String> hello = ServerSentEvent.<String>builder().comment("watching local scenarios").build();
		return streams.pushed("changes", Flux.merge(Flux.just(hello), changed));
	}

	@GetMapping("/{id}")
	Detail detail(@PathVariable String id) {
		ScenarioCatalog.Entry e = entry(id);
		CompiledScenario s = e.scenario();
		return new Detail(s.id(), s.title(), s.summary(), s.tags(), s.level(), s.chapter(), s.order(), s.intro(),
				s.takeaway(), s.seed(), s.scenario().sentFlows().stream().map(FlowInfo::of).toList(),
				s.scenario().everyNamespace(), verdicts.of(e));
	}

	/**
	 * The whole trace, in exactly the bytes of the golden files (computed once per
	 * scenario version and seed).
	 */
	@GetMapping(path = "/{id}/trace", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Flux<DataBuffer>>> trace(@PathVariable String id, @RequestParam(required = false) Long seed) {
		ScenarioCatalog.Entry e = entry(id);
		long runSeed = seed == null ? e.scenario().seed() : seed;
		return traces.json(lanes, e, runSeed, "trace", budget -> catalog.trace(e, runSeed, budget))
			.map(ScenarioApiController::json);
	}

	/**
	 * A JSON answer held in chunks ({@link JsonChunks}), written as they are, with its
	 * length.
	 */
	static ResponseEntity<Flux<DataBuffer>> json(List<byte[]> chunks) {
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.contentLength(JsonChunks.length(chunks))
			.body(JsonChunks.buffers(chunks));
	}

	/**
	 * The trace as Server-Sent Events: one event per step ({@code id:} = sequence number,
	 * {@code event:} = step type), then {@code end} with the dispositions.
	 * {@code delayMs} paces the steps (0 = as fast as the client reads). The events are
	 * encoded once per scenario version and seed ({@link TraceCache}) and written as they
	 * are.
	 */
	@GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<DataBuffer> events(@PathVariable String id, @RequestParam(required = false) Long seed,
			@RequestParam(required = false) Long delayMs, ServerHttpResponse response) {
		ScenarioCatalog.Entry e = entry(id);
		Duration delay = delayMs == null ? props.stepDelay()
				: Duration.ofMillis(Math.max(0, Math.min(delayMs, props.maxStepDelay().toMillis())));
		long runSeed = seed == null ? e.scenario().seed() : seed;
		DataBufferFactory buffers = response.bufferFactory();
		return streams.pulledEncoded("events",
				traces.events(lanes, e, runSeed, budget -> catalog.trace(e, runSeed, budget)).flatMapMany(events -> {
					if (delay.isZero()) {
						return Flux.fromIterable(events.all(buffers));
					}
					int last = events.count() - 1; // the end event follows the last step
													// at once
					return Flux.range(0, last)
						.map(i -> events.event(i, buffers))
						.delayElements(delay)
						.concatWith(Mono.fromSupplier(() -> events.event(last, buffers)));
				}), buffers);
	}

	/**
	 * A node's rules in real {@code iptables-save} form, to diff against one's own node.
	 */
	@GetMapping(path = "/{id}/nodes/{node}/iptables-save", produces = MediaType.TEXT_PLAIN_VALUE)
	Mono<String> iptablesSave(@PathVariable String id, @PathVariable String node) {
		ScenarioCatalog.Entry e = entry(id);
		boolean known = e.scenario().scenario().topology().namespace(node) != null;
		String text = known ? e.engine().iptablesSave(node) : null;
		if (text == null) {
			throw new NotFoundException("No node '" + node + "' with netfilter rules in scenario '" + id + "'.");
		}
		return Mono.just(text);
	}

	/**
	 * A namespace's tables after a step of the trace ({@code ip route}, {@code ip neigh},
	 * {@code bridge fdb}, {@code conntrack -L}, {@code iptables-save},
	 * {@code ipvsadm -Ln}, listeners), each in its tool's text, with what the step
	 * created or used marked. The model replays the run; this only transports it.
	 */
	@GetMapping(path = "/{id}/state", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Flux<DataBuffer>>> state(@PathVariable String id, @RequestParam(required = false) Long seed,
			@RequestParam(required = false) Integer step, @RequestParam(required = false) String namespace) {
		ScenarioCatalog.Entry e = entry(id);
		StateQuery q = StateQuery.of(e.scenario().scenario(), step, namespace);
		long runSeed = seed == null ? e.scenario().seed() : seed;
		return lanes.catalog(budget -> q.answer(e.engine(), runSeed, budget, lanes.maxTraceBytes()));
	}

	/**
	 * A node's nftables rules as {@code nft list ruleset} prints them (nftables proxy
	 * mode only).
	 */
	@GetMapping(path = "/{id}/nodes/{node}/nft-ruleset", produces = MediaType.TEXT_PLAIN_VALUE)
	Mono<String> nftRuleset(@PathVariable String id, @PathVariable String node) {
		ScenarioCatalog.Entry e = entry(id);
		boolean known = e.scenario().scenario().topology().namespace(node) != null;
		String text = known ? e.engine().nftRuleset(node) : null;
		if (text == null) {
			throw new NotFoundException("No node '" + node + "' with nftables rules in scenario '" + id + "'.");
		}
		return Mono.just(text);
	}

	/** A node's IPVS table as {@code ipvsadm -Ln} prints it (IPVS proxy mode only). */
	@GetMapping(path = "/{id}/nodes/{node}/ipvsadm", produces = MediaType.TEXT_PLAIN_VALUE)
	Mono<String> ipvsadm(@PathVariable String id, @PathVariable String node) {
		ScenarioCatalog.Entry e = entry(id);
		boolean known = e.scenario().scenario().topology().namespace(node) != null;
		String text = known ? e.engine().ipvsadm(node) : null;
		if (text == null) {
			throw new NotFoundException("No node '" + node + "' in IPVS mode in scenario '" + id + "'.");
		}
		return Mono.just(text);
	}

	/**
	 * How a flow's random choices spread over many seeds
	 * ({@code seedFrom .. seedFrom + samples - 1}): deliveries per backend and per node,
	 * and the shares the datapath should give ({@link ExpectedShares}). {@code samples}
	 * is capped so the call stays bounded.
	 */
	@GetMapping("/{id}/distribution")
	Mono<DistributionView> distribution(@PathVariable String id, @RequestParam(defaultValue = "1000") int samples,
			@RequestParam(defaultValue = "1") long seedFrom, @RequestParam(required = false) String flow) {
		ScenarioCatalog.Entry e = entry(id);
		if (samples < 1 || samples > props.maxSamples()) {
			throw new BadRequestException("samples must be 1.." + props.maxSamples() + ", was " + samples);
		}
		if (flow != null && e.scenario().scenario().flows().stream().noneMatch(f -> f.id().equals(flow))) {
			throw new NotFoundException("Scenario '" + id + "' has no flow '" + flow + "'.");
		}
		return lanes.catalog(budget -> {
			Distribution.Result r = Distribution.of(e.engine(), flow, samples, seedFrom, budget);
			ExpectedShares.Result expected = ExpectedShares.of(e.engine(), e.scenario().scenario().topology(), r.flow(),
					Math.min(samples, DistributionView.EXPECTED_SEEDS), seedFrom, budget);
			metrics.traceComputed("distribution");
			return DistributionView.of(r, expected);
		});
	}

	/**
	 * One cell of the reachability grid: may {@code from} open a connection to {@code to}
	 * on the port?
	 */
	record ReachabilityCell(String from, String to, boolean allowed, String egress, String ingress) {
	}

	record Reachability(int port, String protocol, List<String> pods, List<ReachabilityCell> cells, String truthTable) {
	}

	/**
	 * The pod × pod NetworkPolicy matrix for one port and protocol (like upstream's e2e
	 * truth tables), each cell with the reason for its verdict.
	 */
	@GetMapping("/{id}/reachability")
	Mono<Reachability> reachability(@PathVariable String id, @RequestParam("port") String portText,
			@RequestParam(defaultValue = "TCP") String protocol) {
		int port;
		try {
			port = Integer.parseInt(portText.trim());
		}
		catch (NumberFormatException ex) {
			throw new BadRequestException("port must be a number 1..65535, was '" + portText + "'");
		}
		ScenarioCatalog.Entry e = entry(id);
		dev.packetwalk.netpol.PolicyEngine policies = e.scenario().scenario().policies();
		if (policies == null) {
			throw new NotFoundException("Scenario '" + id + "' has no NetworkPolicy: every pod may reach every pod.");
		}
		if (port < 1 || port > 65535) {
			throw new BadRequestException("port must be 1..65535, was " + port);
		}
		dev.packetwalk.net.Protocol proto;
		try {
			proto = dev.packetwalk.net.Protocol.parse(protocol);
		}
		catch (IllegalArgumentException ex) {
			proto = null;
		}
		// NetworkPolicy ports are TCP, UDP or SCTP (an ICMP packet has no port)
		if (proto == null || proto == dev.packetwalk.net.Protocol.ICMP) {
			throw new BadRequestException("protocol must be TCP, UDP or SCTP, was '" + protocol + "'");
		}
		int p = port;
		dev.packetwalk.net.Protocol pr = proto;
		return lanes.catalog(budget -> {
			dev.packetwalk.netpol.ReachabilityMatrix m = policies.reachability(p, pr, budget);
			List<ReachabilityCell> cells = m.cells()
				.stream()
				.map(v -> new ReachabilityCell(v.connection().source().toString(),
						v.connection().destination().toString(), v.allowed(), v.egress().summary(),
						v.ingress().summary()))
				.toList();
			return new Reachability(p, pr.name(), m.pods().stream().map(dev.packetwalk.netpol.PolicyPod::id).toList(),
					cells, m.toTruthTable());
		});
	}

	private ScenarioCatalog.Entry entry(String id) {
		return CatalogLookup.runnable(catalog, id);
	}

}

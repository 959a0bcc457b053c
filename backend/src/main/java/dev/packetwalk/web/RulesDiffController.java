package dev.packetwalk.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.config.ImportProperties;
import dev.packetwalk.config.LimitsProperties;
import dev.packetwalk.importer.ClusterImporter;
import dev.packetwalk.importer.ImportException;
import dev.packetwalk.importer.ImportOptions;
import dev.packetwalk.importer.ImportSource;
import dev.packetwalk.rulesdiff.RulesDiff;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.topology.Namespace;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/rules-diff?node=NAME}: the body is {@code {"dump": kubectl's output,
 * "iptablesSave": the node's iptables-save}}; the answer compares the kube-proxy rules
 * the model writes on that node (from the imported cluster) with the node's, grouped by
 * Service port ({@link RulesDiff}). Nothing is stored.
 */
@RestController
class RulesDiffController {

	record Body(String dump, String iptablesSave) {
	}

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	private final long maxBody;

	private final LimitsProperties limits;

	RulesDiffController(ImportProperties properties, LimitsProperties limits) {
		this.maxBody = properties.maxBodySize().toBytes();
		this.limits = limits;
	}

	@PostMapping(path = "/api/rules-diff", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<RulesDiff.Result> diff(ServerHttpRequest request, @RequestParam String node) {
		return BodyReader
			.text(request, maxBody,
					() -> new BodyTooLargeException(maxBody, "The dump and rules", "packetwalk.import.max-body-size"))
			.publishOn(Schedulers.boundedElastic())
			.map(text -> answer(text, node))
			.timeout(limits.maxRequestTime(), Mono.error(() -> new TooExpensiveException(limits.maxRequestTime())));
	}

	private RulesDiff.Result answer(String text, String node) {
		Body body;
		try {
			body = JSON.readValue(text, Body.class);
		}
		catch (RuntimeException ex) {
			throw new BadRequestException("the body must be JSON: {\"dump\": \"…\", \"iptablesSave\": \"…\"}");
		}
		if (body.dump() == null || body.iptablesSave() == null) {
			throw new BadRequestException(
					"the body needs both dump (kubectl's output) and iptablesSave (the node's iptables-save)");
		}
		CompiledScenario s;
		try {
			String yaml = ClusterImporter
				.importDumps(List.of(new ImportSource("dump", body.dump())), ImportOptions.DEFAULTS)
				.yaml();
			s = new ScenarioCompiler(limits.toLimits()).compile("my-cluster.yaml", yaml);
		}
		catch (ImportException ex) {
			throw new BadRequestException(ex.getMessage());
		}
		catch (ScenarioException ex) {
			throw new BadRequestException("the imported cluster does not compile: " + ex.problems().getFirst());
		}
		String model;
		try {
			model = RulesDiff.modelRules(s.scenario(), node);
		}
		catch (IllegalArgumentException ex) {
			throw new BadRequestException(ex.getMessage());
		}
		Map<String, String> pods = new LinkedHashMap<>();
		for (Namespace ns : s.scenario().topology().namespaces()) {
			if (ns.kind() == Namespace.Kind.POD) {
				ns.devices()
					.stream()
					.flatMap(d -> d.addresses().stream())
					.filter(a -> !a.address().isLoopback())
					.forEach(a -> pods.putIfAbsent(a.address().toString(), ns.id()));
			}
		}
		return RulesDiff.diff(node, model, body.iptablesSave(), pods);
	}

}

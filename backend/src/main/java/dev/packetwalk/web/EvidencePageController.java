package dev.packetwalk.web;

import java.util.List;

import dev.packetwalk.catalog.ScenarioCatalog;
import dev.packetwalk.config.PacketWalkProperties;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The evidence pages: a flow's distribution over many seeds
 * ({@code /scenarios/{id}/distribution?flow=&seeds=}) and two traces side by side
 * ({@code /compare?left=&right=}). The pages are shells; their scripts read the API.
 */
@Controller
class EvidencePageController {

	/**
	 * A comparison the library offers: two built-in scenarios that differ in one setting.
	 */
	record Pair(String left, String right, String title) {
	}

	/** The built-in pairs, in the order the library lists them. */
	static final List<Pair> PAIRS = List.of(
			new Pair("pod-to-service", "pod-to-service-ipvs", "Service: iptables vs IPVS"),
			new Pair("pod-to-service", "pod-to-service-nftables", "Service: iptables vs nftables"),
			new Pair("kuard-five-endpoints", "kuard-five-endpoints-nftables",
					"Five endpoints: probability ladder vs numgen"),
			new Pair("lb-cluster-policy", "lb-local-policy", "LoadBalancer: Cluster vs Local policy"),
			new Pair("pod-to-internet-no-masquerade", "pod-to-internet", "Egress: without vs with masquerade"),
			new Pair("iptables-scaling", "iptables-scaling-ipvs", "Many Services: iptables vs IPVS"));

	private final ScenarioCatalog catalog;

	private final PacketWalkProperties props;

	private final RandomChoices random;

	EvidencePageController(ScenarioCatalog catalog, PacketWalkProperties props, RandomChoices random) {
		this.catalog = catalog;
		this.props = props;
		this.random = random;
	}

	@GetMapping("/scenarios/{id}/distribution")
	String distribution(@PathVariable String id, Model model) {
		ScenarioCatalog.Entry e = CatalogLookup.runnable(catalog, id);
		model.addAttribute("scenario", e.scenario());
		model.addAttribute("randomFlows", random.flows(e));
		model.addAttribute("maxSamples", props.maxSamples());
		return "distribution";
	}

	@GetMapping("/compare")
	String compare(@RequestParam(required = false) String left, @RequestParam(required = false) String right,
			Model model) {
		model.addAttribute("left", left == null ? "" : left);
		model.addAttribute("right", right == null ? "" : right);
		model.addAttribute("catalog", catalog.all());
		model.addAttribute("pairs", PAIRS);
		return "compare";
	}

}

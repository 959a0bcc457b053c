package dev.packetwalk.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.packetwalk.kubeproxy.Endpoint;
import dev.packetwalk.kubeproxy.KubeService;
import dev.packetwalk.kubeproxy.ServicePort;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Place;
import dev.packetwalk.trace.Step;

/**
 * The control plane's visible work when the cluster changes (a timeline): the CNI ADD and
 * DEL actions of the {@code bridge} and {@code host-local} plugins in their real order,
 * the EndpointSlice controller's rewrite of a slice, and kube-proxy's rule rewrite per
 * node. Pure: text in, steps out.
 */
final class ControlPlane {

	/**
	 * Where the EndpointSlice controller runs (kube-controller-manager on the control
	 * plane): no namespace of the map.
	 */
	static final Place CONTROL_PLANE = new Place("control-plane", "control-plane", null);

	private ControlPlane() {
	}

	/** What CNI needs to know about one pod on its node. */
	record PodNet(String key, String name, String node, String bridge, String veth, Ip ip, Cidr podCidr, int mtu,
			String network, Ip lastReserved, boolean hairpin) {

		/**
		 * host-local's directory: the CNI network's name (kubenet's "kubenet"; flannel's
		 * conflist is named "cbr0").
		 */
		String ipamDir() {
			return "/var/lib/cni/networks/" + ("kubenet".equals(network) ? "kubenet" : "cbr0");
		}

	}

	/**
	 * CNI ADD for one pod, as kubelet's runtime and the bridge plugin (with host-local
	 * IPAM) do it: the sandbox and its namespace, the veth pair made inside the pod's
	 * namespace (eth0 there), its peer moved to the node, the peer on the bridge with
	 * hairpin mode, host-local's address, then in the pod: the address, the link up, the
	 * default route (the route needs the link up first).
	 */
	static List<Step> cniAdd(PodNet p) {
		Place pod = new Place(p.node(), p.key(), null);
		Place node = new Place(p.node(), p.node(), null);
		String netns = "cni-" + Integer.toHexString(p.key().hashCode() & 0x7fffffff);
		String add = "ADD";
		List<Step> out = new ArrayList<>();
		out.add(new Step.Cni(pod, null, "kubelet asks the container runtime for " + p.name()
				+ "'s sandbox: the pause container"
				+ " starts and holds a new network namespace, empty but for a down lo. Then the runtime calls the CNI plugin"
				+ " (" + p.network() + ": bridge with host-local IPAM) with CNI_COMMAND=ADD, CNI_IFNAME=eth0.", p.key(),
				add, Step.Cni.Action.SANDBOX, "runtime", "ip netns add " + netns,
				List.of("netns: /var/run/netns/" + netns, "held by: the pause container of " + p.name(),
						"CNI_IFNAME=eth0"),
				List.of(p.key()), List.of()));
		out.add(new Step.Cni(pod.at("eth0"), null,
				"Inside the pod's namespace the bridge plugin creates a veth pair: this end is"
						+ " named eth0 at once, its peer gets a host-side name, " + p.veth() + ".",
				p.key(), add, Step.Cni.Action.VETH, "bridge",
				"ip link add eth0 mtu " + p.mtu() + " type veth peer name " + p.veth(),
				List.of("eth0 mtu " + p.mtu(), "peer " + p.veth()), List.of(p.key() + "/eth0"), List.of()));
		out.add(new Step.Cni(pod.at("eth0"), null,
				"The peer " + p.veth() + " is moved to " + p.node() + "'s root namespace and set"
						+ " up there: the pair now crosses the namespace boundary.",
				p.key(), add, Step.Cni.Action.MOVE, "bridge",
				"ip link set " + p.veth() + " netns 1 && ip link set " + p.veth() + " up",
				List.of(p.veth() + " → " + p.node()), List.of(p.node() + "/" + p.veth()), List.of()));
		String hairpin = p.hairpin() ? "on" : "off";
		out.add(new Step.Cni(node.at(p.veth()), null, p.veth() + " becomes a port of " + p.bridge()
				+ " with hairpin mode " + hairpin
				+ (p.hairpin() ? " (kubelet's hairpinMode hairpin-veth: a pod can reach itself through a" + " Service)"
						: " (hairpinMode is not hairpin-veth)")
				+ ".", p.key(), add, Step.Cni.Action.ATTACH, "bridge",
				"ip link set " + p.veth() + " master " + p.bridge() + " && bridge link set dev " + p.veth()
						+ " hairpin " + hairpin,
				List.of("master " + p.bridge(), "hairpin " + hairpin), List.of(), List.of()));
		out.add(new Step.Cni(node, null,
				"host-local IPAM reserves the next free address of the node's range " + p.podCidr()
						+ " after the last one it handed out (" + p.lastReserved() + "), skipping the gateway "
						+ p.podCidr().nth(1) + ": " + p.ip() + ".",
				p.key(), add, Step.Cni.Action.IPAM, "host-local",
				"printf '<sandbox id>\\neth0' > " + p.ipamDir() + "/" + p.ip(),
				List.of("range " + p.podCidr() + " (gateway " + p.podCidr().nth(1) + ")",
						"last reserved " + p.lastReserved(), "allocated " + p.ip() + "/" + p.podCidr().prefix()),
				List.of(), List.of()));
		out.add(new Step.Cni(pod.at("eth0"), null,
				"Back in the pod: eth0 gets " + p.ip() + "/" + p.podCidr().prefix() + " (the connected route to "
						+ p.podCidr() + " comes with it once the link is up).",
				p.key(), add, Step.Cni.Action.ADDRESS, "bridge",
				"ip addr add " + p.ip() + "/" + p.podCidr().prefix() + " dev eth0",
				List.of("inet " + p.ip() + "/" + p.podCidr().prefix()), List.of(), List.of()));
		out.add(new Step.Cni(pod.at("eth0"), null, "eth0 goes up.", p.key(), add, Step.Cni.Action.UP, "bridge",
				"ip link set eth0 up", List.of("eth0: UP"), List.of(), List.of()));
		out.add(new Step.Cni(pod.at("eth0"), null, "The default route via the bridge's address " + p.podCidr().nth(1)
				+ ": every packet the pod sends leaves by eth0 to " + p.bridge() + ". The pod's network is ready.",
				p.key(), add, Step.Cni.Action.ROUTE, "bridge",
				"ip route add default via " + p.podCidr().nth(1) + " dev eth0",
				List.of("default via " + p.podCidr().nth(1) + " dev eth0"), List.of(), List.of()));
		return out;
	}

	/**
	 * CNI DEL for a deleted pod: host-local releases the address, deleting eth0 deletes
	 * the pair, the sandbox goes.
	 */
	static List<Step> cniDel(PodNet p) {
		Place pod = new Place(p.node(), p.key(), null);
		Place node = new Place(p.node(), p.node(), null);
		String del = "DEL";
		List<Step> out = new ArrayList<>();
		out.add(new Step.Cni(node, null,
				"The pod's containers have stopped; the runtime calls CNI DEL. host-local releases " + p.ip()
						+ " (a later pod gets it only after the range wraps around).",
				p.key(), del, Step.Cni.Action.RELEASE, "host-local", "rm " + p.ipamDir() + "/" + p.ip(),
				List.of("released " + p.ip()), List.of(), List.of()));
		out.add(new Step.Cni(pod.at("eth0"), null,
				"The bridge plugin deletes eth0; deleting one end of a veth pair deletes" + " the other, so " + p.veth()
						+ " leaves " + p.bridge() + " and the bridge forgets every MAC it learned on" + " that port.",
				p.key(), del, Step.Cni.Action.UNPLUG, "bridge", "ip link del eth0",
				List.of("deleted eth0 and " + p.veth()), List.of(),
				List.of(p.key() + "/eth0", p.node() + "/" + p.veth())));
		out.add(new Step.Cni(pod, null, "The pause container stops and the network namespace is deleted.", p.key(), del,
				Step.Cni.Action.TEARDOWN, "runtime",
				"ip netns del cni-" + Integer.toHexString(p.key().hashCode() & 0x7fffffff), List.of(), List.of(),
				List.of(p.key())));
		return out;
	}

	/**
	 * The EndpointSlice kube-controller-manager keeps for a Service with a selector, as
	 * {@code kubectl get -o yaml}.
	 */
	static List<String> sliceYaml(KubeService svc, List<Endpoint> endpoints, Map<Ip, String> podNames) {
		List<String> y = new ArrayList<>();
		y.add("apiVersion: discovery.k8s.io/v1");
		y.add("kind: EndpointSlice");
		y.add("metadata:");
		y.add("  name: " + sliceName(svc));
		y.add("  namespace: " + svc.namespace());
		y.add("  labels:");
		y.add("    kubernetes.io/service-name: " + svc.name());
		y.add("addressType: IPv4");
		y.add("ports:");
		for (ServicePort sp : svc.ports()) {
			String name = sp.name() == null ? "" : sp.name();
			Integer target = endpoints.stream()
				.map(e -> e.ports().get(name))
				.filter(java.util.Objects::nonNull)
				.findFirst()
				.orElse(sp.targetPort());
			y.add("- name: " + (name.isEmpty() ? "\"\"" : name));
			y.add("  port: " + target);
			y.add("  protocol: " + sp.protocol().name());
		}
		y.add("endpoints:" + (endpoints.isEmpty() ? " []" : ""));
		for (Endpoint e : endpoints) {
			y.add("- addresses:");
			y.add("  - " + e.ip());
			y.add("  conditions:");
			y.add("    ready: " + e.ready());
			y.add("    serving: " + e.serving());
			y.add("    terminating: " + e.terminating());
			y.add("  nodeName: " + e.nodeName());
			String pod = podNames.get(e.ip());
			if (pod != null) {
				y.add("  targetRef:");
				y.add("    kind: Pod");
				y.add("    name: " + pod);
				y.add("    namespace: " + svc.namespace());
			}
		}
		return y;
	}

	/**
	 * {@code <service>-<5 characters>}: the controller's generateName, here derived from
	 * the name (deterministic).
	 */
	static String sliceName(KubeService svc) {
		String chars = "bcdfghjklmnpqrstvwxz2456789";
		int h = (svc.namespace() + "/" + svc.name()).hashCode() & 0x7fffffff;
		StringBuilder b = new StringBuilder(svc.name()).append('-');
		for (int i = 0; i < 5; i++) {
			b.append(chars.charAt(h % chars.length()));
			h /= chars.length();
		}
		return b.toString();
	}

	/**
	 * A line diff (longest common subsequence): every line prefixed {@code "  "} (kept),
	 * {@code "- "} or {@code "+ "}; with {@code context} false, only the changed lines,
	 * each run of them headed by {@code "@@ "} and the chain the first one belongs to
	 * (for {@code iptables-save} text).
	 */
	static List<String> diff(List<String> a, List<String> b, boolean context) {
		int n = a.size();
		int m = b.size();
		int[][] lcs = new int[n + 1][m + 1];
		for (int i = n - 1; i >= 0; i--) {
			for (int j = m - 1; j >= 0; j--) {
				lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
			}
		}
		List<String> out = new ArrayList<>();
		int i = 0;
		int j = 0;
		boolean inHunk = false;
		while (i < n || j < m) {
			if (i < n && j < m && a.get(i).equals(b.get(j))) {
				if (context) {
					out.add("  " + a.get(i));
				}
				inHunk = false;
				i++;
				j++;
				continue;
			}
			boolean del = j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]);
			String line = del ? a.get(i) : b.get(j);
			if (!context && !inHunk) {
				out.add("@@ " + chainOf(line));
				inHunk = true;
			}
			out.add((del ? "- " : "+ ") + line);
			if (del) {
				i++;
			}
			else {
				j++;
			}
		}
		return out;
	}

	/**
	 * The chain, set or map a rule line belongs to: {@code iptables-save}'s
	 * {@code -A CHAIN}, {@code :CHAIN}; {@code nft -f}'s
	 * {@code add rule|chain|element|set|map ip kube-proxy NAME}; {@code ipset restore}'s
	 * {@code add|create SET}.
	 */
	private static final Pattern CHAIN = Pattern
		.compile("^(?:(?:-A|-I|:)\\s*|add (?:rule|chain|element|set|map) \\S+ \\S+ |(?:add|create) )(\\S+)");

	private static String chainOf(String line) {
		Matcher m = CHAIN.matcher(line);
		return m.find() ? m.group(1) : line.startsWith("*") ? line : "";
	}

	/**
	 * {@code ipvsadm -Ln}'s changed lines: a virtual server's lines with its real
	 * servers, each run headed by {@code "@@ "} and the virtual server it belongs to
	 * (e.g. {@code @@ TCP  10.96.0.80:80 rr}), a real server line ({@code  -> …}) naming
	 * its virtual server even when that line did not change.
	 */
	static List<String> ipvsadmDiff(List<String> before, List<String> after) {
		List<String> out = new ArrayList<>();
		String section = "";
		String headed = null;
		for (String line : diff(before, after, true)) {
			String text = line.substring(2);
			if (!text.startsWith(" ") && !text.isEmpty()) {
				section = text;
			}
			if (line.startsWith("  ")) {
				headed = null;
				continue;
			}
			if (!section.equals(headed)) {
				out.add("@@ " + section);
				headed = section;
			}
			out.add(line);
		}
		return out;
	}

	private static final Pattern SVC_RULE = Pattern
		.compile("^-A (KUBE-SVC-\\S+) .*?--comment \"([^\"]*?) -> [^\"]*\".*?(?:--probability (\\S+) )?-j KUBE-SEP-");

	/**
	 * Each KUBE-SVC chain's probability ladder as the rules say it, e.g.
	 * {@code default/web:http KUBE-SVC-X: 1/3 1/2 1} (the last endpoint takes what is
	 * left).
	 */
	static List<String> ladders(String iptablesSave) {
		Map<String, List<String>> byChain = new LinkedHashMap<>();
		Map<String, String> names = new LinkedHashMap<>();
		for (String line : iptablesSave.split("\n")) {
			Matcher m = SVC_RULE.matcher(line);
			if (m.find()) {
				names.putIfAbsent(m.group(1), m.group(2));
				byChain.computeIfAbsent(m.group(1), k -> new ArrayList<>())
					.add(m.group(3) == null ? "1" : fraction(m.group(3)));
			}
		}
		List<String> out = new ArrayList<>();
		byChain.forEach((chain, steps) -> out.add(names.get(chain) + " " + chain + ": " + String.join(" ", steps)));
		return out;
	}

	/** {@code 0.33333333349} → {@code 1/3} (kube-proxy writes 1/(n-i) with 11 digits). */
	static String fraction(String probability) {
		double p = Double.parseDouble(probability);
		long n = Math.round(1 / p);
		return Math.abs(1.0 / n - p) < 1e-6 ? "1/" + n : probability;
	}

	/** Steps grouped into hops, one per run of steps in the same namespace. */
	static List<Hop> hops(List<Step> steps) {
		List<Hop> hops = new ArrayList<>();
		List<Step> run = new ArrayList<>();
		for (Step s : steps) {
			if (!run.isEmpty() && !run.getLast().at().namespace().equals(s.at().namespace())) {
				hops.add(new Hop(new Place(run.getFirst().at().node(), run.getFirst().at().namespace(), null), run));
				run = new ArrayList<>();
			}
			run.add(s);
		}
		if (!run.isEmpty()) {
			hops.add(new Hop(new Place(run.getFirst().at().node(), run.getFirst().at().namespace(), null), run));
		}
		return hops;
	}

}

package dev.packetwalk.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.trace.Step;
import dev.packetwalk.packet.Transport;
import dev.packetwalk.trace.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixtures under src/test/resources/import/ (what kubectl prints for a kind, a
 * flannel VXLAN, a kubeadm IPVS and a GKE cluster) import into scenarios that compile and
 * deliver a pod's connection to a Service to one of that Service's Ready endpoints,
 * whatever the seed.
 */
class ClusterImporterTest {

	/**
	 * fixture, from, to, the Ready endpoints of the Service (from the dump's
	 * EndpointSlices), network, proxy mode
	 */
	static Stream<Arguments> fixtures() {
		return Stream.of(
				Arguments.of("kind.yaml", null, null, Set.of("10.244.1.3", "10.244.2.3"), "kubenet", "iptables"),
				Arguments.of("flannel-vxlan.yaml", "web/toolbox", "service/web/web:80",
						Set.of("10.244.1.5", "10.244.2.5"), "flannel-vxlan", "iptables"),
				Arguments.of("kubeadm-ipvs.json", "shop/frontend-84c6f7b9d-qv2ld", "service/shop/cart:80",
						Set.of("10.244.1.5", "10.244.2.6", "10.244.2.7"), "flannel-host-gw", "ipvs"),
				Arguments.of("gke.yaml", null, null, Set.of("10.64.1.8", "10.64.2.9"), "kubenet", "iptables"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void eachFixtureDeliversAPodToServiceFlowToAReadyEndpoint(String fixture, String from, String to, Set<String> ready,
			String network, String proxyMode) {
		ImportResult r = ImportFixtures.load(fixture, ImportOptions.DEFAULTS.withFlow(from, to, null));
		assertThat(r.summary()).contains("network " + network, "kube-proxy " + proxyMode);
		assertThat(r.flow().kind()).isEqualTo("service");
		assertThat(r.from()).doesNotStartWith("node/");
		CompiledScenario s = ImportFixtures.compile(r);
		for (long seed = 1; seed <= 6; seed++) {
			Trace t = new Engine(s.scenario()).run(seed);
			assertThat(ImportFixtures.deliveredTo(t)).as("seed %d", seed).isIn(ready);
		}
	}

	@Test
	void kindMessyBitsAreLeftOutWithWarningsNamingObjectAndField() {
		List<String> w = warnings("kind.yaml");
		assertThat(w).contains(
				"Pod shop/recommender-6c9f7d5b8-pq4rt: status.podIP: none (phase Pending): the pod has no address yet; left out",
				"Pod shop/db-migrate-28843210-v9jxk: status.phase: Succeeded: the pod has finished and has no network namespace any more; left out",
				"Service shop/legacy-db: spec.type: ExternalName (a DNS CNAME to db.legacy.example.internal): kube-proxy writes no rules for it; left out",
				"Service shop/cart-headless: spec.clusterIP: None (headless): no virtual IP and no kube-proxy rules; left out (its pods are reachable at their own addresses)");
		assertThat(w).anyMatch(x -> x
			.startsWith("Pod kube-system/kube-proxy-c7wrt: spec.hostNetwork: true: the pod shares node kind-worker's"));
		assertThat(w).anyMatch(x -> x.startsWith("Node kind-control-plane: network: kindnet (kind's CNI"));
		assertThat(w)
			.anyMatch(x -> x.startsWith("ConfigMap kube-system/kube-proxy: data.config.conf mode: not in the input"));
		String yaml = body(ImportFixtures.load("kind.yaml", ImportOptions.DEFAULTS).yaml());
		assertThat(yaml)
			.doesNotContain("managedFields", "resourceVersion", "uid:", "last-applied-configuration", "recommender",
					"db-migrate", "kube-proxy-c7wrt", "cart-headless", "legacy-db")
			.contains("- name: cart-7d4b9c8f6-x6kfn", "ready: false", "podCIDR: 10.244.2.0/24",
					"internalIP: 172.18.0.4", "cidr: 172.18.0.0/24");
	}

	@Test
	void theNotReadyPodIsNeverAnEndpointAndTheSelectorlessKubernetesServiceKeepsItsSlice() {
		ImportResult r = ImportFixtures.load("kind.yaml", ImportOptions.DEFAULTS);
		assertThat(r.yaml()).contains("kind: EndpointSlice", "kubernetes.io/service-name: kubernetes", "- 172.18.0.3");
		// the Service with a selector gets its endpoints from the pods, not from a copy
		// of its slice
		assertThat(r.yaml()).doesNotContain("kubernetes.io/service-name: cart");
	}

	@Test
	void flannelComesFromItsConfigMapAndTheVtepMacsAreNotKept() {
		ImportResult r = ImportFixtures.load("flannel-vxlan.yaml", ImportOptions.DEFAULTS);
		assertThat(r.yaml()).contains("network: flannel-vxlan").doesNotContain("podCIDR: 10.244.0.0/16\n  segments");
		assertThat(r.warnings().stream().map(Object::toString)).contains(
				"Node k8s-worker-2: metadata.annotations[flannel.alpha.coreos.com/backend-data]: VtepMAC is not kept: the model"
						+ " derives flannel.1's MAC from the node's name");
		assertThat(r.yaml()).contains("kind: NetworkPolicy", "name: web-allow-clients");
	}

	@Test
	void dualStackAndIpvsAreReadFromTheKubeProxyConfigMapWithTheIpv6HalfSkipped() {
		List<String> w = warnings("kubeadm-ipvs.json");
		assertThat(w).contains(
				"Node node-a: spec.podCIDRs[1]: fd00:10:244:1::/64 is IPv6: skipped (the model is IPv4 only)",
				"Pod shop/cart-7: status.podIPs[1].ip: fd00:10:244:2::7 is IPv6: skipped (the model is IPv4 only)",
				"Service shop/cart: spec.clusterIPs[1]: fd00:10:96::3a1c is IPv6: skipped (the model is IPv4 only)",
				"ConfigMap kube-system/kube-proxy: data.config.conf clusterCIDR: fd00:10:244::/56 is IPv6: skipped (the model is IPv4 only)",
				"NetworkPolicy shop/frontend-from-anywhere: spec.ingress[0].from[1].ipBlock.cidr: ::/0 is IPv6: this peer is left out",
				"EndpointSlice shop/cart-n7mbp: addressType: IPv6: only IPv4 slices are modelled; left out");
		assertThat(w).anyMatch(x -> x.startsWith("Deployment shop/frontend: kind: 1 object of kind Deployment"));
		String yaml = body(ImportFixtures.load("kubeadm-ipvs.json", ImportOptions.DEFAULTS).yaml());
		// IPVS mode enforces loadBalancerSourceRanges: the import keeps them
		assertThat(w).noneMatch(x -> x.contains("loadBalancerSourceRanges"));
		assertThat(yaml).contains("loadBalancerSourceRanges");
		assertThat(yaml)
			.contains("proxyMode: ipvs", "network: flannel-host-gw", "sessionAffinity: ClientIP", "ip: 10.0.0.240")
			.doesNotContain("fd00", "clusterIPs", "ipFamilies", "dnsDomain");
	}

	@Test
	void gkeIsAGcpVpcWithIpMasqAgentAndItsApproximationsAreSaid() {
		ImportResult r = ImportFixtures.load("gke.yaml", ImportOptions.DEFAULTS);
		assertThat(r.yaml()).contains("provider: gcp", "vpcCIDR: 10.128.0.0/20", "serviceCIDR: 34.118.224.0/20",
				"ipMasqAgent: {}", "externalIP: 34.136.12.77", "podCIDR: 10.64.0.0/22", "name: outside");
		assertThat(r.warnings().stream().map(Object::toString))
			.anyMatch(x -> x.contains("VPC-native alias IP ranges")
					&& x.startsWith("Node gke-demo-default-pool-5f9c2a1e-4hxk: network:"))
			.anyMatch(x -> x.startsWith("Service default/kubernetes: spec.clusterIP: the service CIDR"))
			.anyMatch(x -> x
				.startsWith("Pod kube-system/metrics-server-v1.30.3-84bd7c6b4d-z6qfp: metadata.name: renamed"));
		// the Internet reaches the load balancer, which sends it to a Ready hello pod
		ImportResult lb = ImportFixtures.load("gke.yaml",
				ImportOptions.DEFAULTS.withFlow("host/outside", "35.202.118.40:80", null));
		assertThat(ImportFixtures.deliveredTo(ImportFixtures.trace(lb))).isIn("10.64.1.8", "10.64.2.9");
		// and a pod finds the Service by its DNS name
		ImportResult dns = ImportFixtures.load("gke.yaml",
				ImportOptions.DEFAULTS.withFlow("default/toolbox", "hello.default.svc.cluster.local:80", null));
		assertThat(ImportFixtures.deliveredTo(ImportFixtures.trace(dns))).isIn("10.64.1.8", "10.64.2.9");
	}

	@Test
	void theDestinationsOfferServicesNodePortsLoadBalancersDnsNamesAndPods() {
		ImportResult r = ImportFixtures.load("gke.yaml", ImportOptions.DEFAULTS);
		assertThat(r.destinations()).extracting(ImportResult.Destination::kind, ImportResult.Destination::to)
			.contains(org.assertj.core.groups.Tuple.tuple("service", "service/default/hello:80"),
					org.assertj.core.groups.Tuple.tuple("nodeport", "node/gke-demo-default-pool-5f9c2a1e-4hxk:31842"),
					org.assertj.core.groups.Tuple.tuple("loadbalancer", "35.202.118.40:80"),
					org.assertj.core.groups.Tuple.tuple("dns", "hello.default.svc.cluster.local:80"),
					org.assertj.core.groups.Tuple.tuple("pod", "default/hello-web-6b9f7c8d5-4kq9z:8080"));
		assertThat(r.sources()).contains("default/toolbox", "node/gke-demo-default-pool-5f9c2a1e-b2lw", "host/outside");
	}

	@Test
	void secretsAndOtherConfigMapDataNeverReachTheOutput() {
		String dump = ImportFixtures.text("flannel-vxlan.yaml");
		// the fixture really holds them (the Secrets' values base64-encoded, as kubectl
		// prints them), so the test can fail
		assertThat(dump).contains(Base64.getEncoder().encodeToString("hunter2-SECRET-value-91b7".getBytes()),
				Base64.getEncoder().encodeToString("webapp".getBytes()), "cm-value-do-not-echo-7f3a9",
				".dockerconfigjson: eyJhdXRocyI6");
		ImportResult r = ImportFixtures.load("flannel-vxlan.yaml", ImportOptions.DEFAULTS);
		String everything = r.yaml() + r.warnings() + r.summary() + r.destinations() + r.sources();
		assertThat(everything).doesNotContain("hunter2", "aHVudGVyMi1TRUNSRVQtdmFsdWUtOTFiNw", "d2ViYXBw",
				"eyJhdXRocyI6", "cm-value-do-not-echo", "UPSTREAM_TOKEN", "Corefile");
		assertThat(r.warnings().stream().map(Object::toString)).contains(
				"Secret web/db-credentials: data: Secrets are never read by the import: skipped",
				"ConfigMap web/web-config: data: not read: of ConfigMaps the import only reads kube-system/kube-proxy"
						+ " (config.conf) and kube-flannel-cfg (net-conf.json)");
	}

	@Test
	void aSyntaxErrorNamesFileLineAndColumnWithoutQuotingTheInput() {
		String broken = """
				apiVersion: v1
				kind: Secret
				metadata: {name: s, namespace: default}
				data:
				  password: c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw==
				  bad: [unclosed
				""";
		assertThatThrownBy(() -> ClusterImporter.importDumps(List.of(new ImportSource("dump.yaml", broken)),
				ImportOptions.DEFAULTS))
			.isInstanceOf(ImportException.class)
			.hasMessageStartingWith("dump.yaml:")
			.hasMessageContaining("not YAML or JSON")
			.satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("c2VjcmV0", "unclosed"));
	}

	@Test
	void withoutNodesThereIsNothingToImport() {
		assertThatThrownBy(() -> ClusterImporter.importDumps(
				List.of(new ImportSource("pods.yaml", "apiVersion: v1\nkind: List\nitems: []\n")),
				ImportOptions.DEFAULTS))
			.isInstanceOf(ImportException.class)
			.hasMessageContaining("no usable Node");
	}

	@Test
	void severalFilesAreOneCluster() {
		String kind = ImportFixtures.text("kind.yaml");
		int cut = kind.indexOf("\n- apiVersion: v1\n  kind: Namespace");
		String nodes = kind.substring(0, cut) + "\nkind: List\n";
		String rest = "apiVersion: v1\nitems:" + kind.substring(cut);
		ImportResult split = ClusterImporter.importDumps(
				List.of(new ImportSource("nodes.yaml", nodes), new ImportSource("rest.yaml", rest)),
				ImportOptions.DEFAULTS);
		ImportResult whole = ImportFixtures.load("kind.yaml", ImportOptions.DEFAULTS);
		assertThat(split.yaml()).isEqualTo(whole.yaml());
	}

	@Test
	void nftablesModeReadsTheNftablesBlockOfTheKubeProxyConfigMap() {
		ImportResult r = kindWithKubeProxy("""
				iptables:
				  localhostNodePorts: false
				  masqueradeAll: true
				  masqueradeBit: 14
				  minSyncPeriod: 1s
				  syncPeriod: 30s
				mode: nftables
				nftables:
				  masqueradeAll: true
				  masqueradeBit: 12
				  minSyncPeriod: 1s
				  syncPeriod: 30s
				""");
		assertThat(r.summary()).contains("kube-proxy nftables");
		assertThat(body(r.yaml())).contains("proxyMode: nftables",
				"kubeProxy:\n    nftables:\n      masqueradeAll: true\n      masqueradeBit: 12\n");
		assertThat(body(r.yaml())).doesNotContain("iptables:", "localhostNodePorts", "syncPeriod");
		// the iptables block's values are not read in nftables mode: said, not kept
		assertThat(r.warnings().stream().map(Object::toString)).contains(
				"ConfigMap kube-system/kube-proxy: data.config.conf iptables.masqueradeAll: true: mode nftables reads"
						+ " nftables.masqueradeAll instead; not kept",
				"ConfigMap kube-system/kube-proxy: data.config.conf iptables.localhostNodePorts: false: mode nftables"
						+ " never accepts NodePorts on 127.0.0.1, whatever this says; not kept")
			.noneMatch(w -> w.contains("mode: not in the input") || w.contains("is not modelled: shown as"));
		CompiledScenario s = ImportFixtures.compile(r);
		assertThat(s.warnings()).noneMatch(p -> p.toString().contains("kubeProxy"));
		// bit 12: mark-for-masquerade sets 0x1000; masqueradeAll: every cluster IP's
		// traffic jumps to it
		String ruleset = new Engine(s.scenario()).nftRuleset("kind-worker");
		assertThat(ruleset)
			.contains("meta mark set meta mark | 0x00001000", "meta mark & 0x00001000 == 0x00000000 return")
			.doesNotContain("0x4000");
		assertThat(ruleset.lines()
			.filter(l -> l.contains("ip daddr 10.96.") && l.contains("jump mark-for-masquerade"))
			.toList()).isNotEmpty().noneMatch(l -> l.contains("saddr"));
		// the pod's connection to the Service is walked through that ruleset
		assertThat(new Engine(s.scenario()).run(1).walks().getFirst().hops())
			.flatExtracting(dev.packetwalk.trace.Hop::steps)
			.anyMatch(st -> st instanceof Step.Nftables n && n.narration().contains("@service-ips has 10.96.45.12"));
	}

	@Test
	void iptablesModeKeepsTheIptablesBlockAndSaysTheNftablesBlockIsNotRead() {
		ImportResult r = kindWithKubeProxy("""
				iptables:
				  masqueradeAll: false
				  masqueradeBit: 13
				mode: iptables
				nftables:
				  masqueradeAll: true
				  masqueradeBit: null
				""");
		assertThat(body(r.yaml()))
			.contains("proxyMode: iptables", "kubeProxy:\n    iptables:\n      masqueradeBit: 13\n")
			.doesNotContain("nftables");
		assertThat(r.warnings().stream().map(Object::toString)).contains(
				"ConfigMap kube-system/kube-proxy: data.config.conf nftables.masqueradeAll: true: mode iptables reads"
						+ " iptables.masqueradeAll instead; not kept");
		assertThat(new Engine(ImportFixtures.compile(r).scenario()).iptablesSave("kind-worker"))
			.contains("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x2000/0x2000");
	}

	/**
	 * SCTP Service and container ports are kept (the model carries SCTP associations): a
	 * Diameter server's {@code containerPort: 3868, protocol: SCTP} and its Service's
	 * SCTP port, offered as an SCTP destination; a flow to it is an association delivered
	 * to the pod. A protocol Kubernetes does not have is still left out with a warning.
	 */
	@Test
	void sctpServiceAndContainerPortsAreKept() {
		String telco = """
				apiVersion: v1
				kind: List
				items:
				- apiVersion: v1
				  kind: Pod
				  metadata:
				    name: hss-0
				    namespace: shop
				    labels: {app: hss}
				  spec:
				    nodeName: kind-worker
				    containers:
				    - name: hss
				      image: example/hss:1.0
				      ports:
				      - {containerPort: 3868, name: diameter, protocol: SCTP}
				      - {containerPort: 3868, name: diameter-tcp, protocol: TCP}
				      - {containerPort: 9000, name: odd, protocol: QUIC}
				  status:
				    phase: Running
				    podIP: 10.244.1.40
				    podIPs: [{ip: 10.244.1.40}]
				    conditions: [{type: Ready, status: "True"}]
				- apiVersion: v1
				  kind: Service
				  metadata: {name: hss, namespace: shop}
				  spec:
				    clusterIP: 10.96.38.68
				    selector: {app: hss}
				    ports:
				    - {name: diameter, port: 3868, targetPort: diameter, protocol: SCTP}
				    - {name: diameter-tcp, port: 3868, targetPort: diameter-tcp, protocol: TCP}
				""";
		ImportResult r = ClusterImporter.importDumps(
				List.of(new ImportSource("kind.yaml", ImportFixtures.text("kind.yaml")),
						new ImportSource("telco.yaml", telco)),
				ImportOptions.DEFAULTS.withFlow("shop/frontend-5f7d8b6c9d-lmx2r", "service/shop/hss:3868", "SCTP"));
		assertThat(body(r.yaml())).contains("containerPort: 3868\n", "protocol: SCTP\n").doesNotContain("QUIC", "9000");
		assertThat(r.warnings().stream().map(Object::toString))
			.contains("Pod shop/hss-0: spec.containers[0].ports[2].protocol: QUIC is not a Kubernetes protocol"
					+ " (TCP, UDP or SCTP): port 9000 left out")
			.noneMatch(w -> w.contains("SCTP is not modelled"));
		assertThat(r.destinations()).extracting(ImportResult.Destination::to, ImportResult.Destination::protocol)
			.contains(org.assertj.core.groups.Tuple.tuple("service/shop/hss:3868", "SCTP"),
					org.assertj.core.groups.Tuple.tuple("service/shop/hss:3868", "TCP"),
					org.assertj.core.groups.Tuple.tuple("shop/hss-0:3868", "SCTP"));
		Trace t = ImportFixtures.trace(r);
		assertThat(t.walks()).hasSize(6)
			.allMatch(w -> w.hops().getFirst().steps().getFirst().packet().l4() instanceof Transport.Sctp);
		assertThat(ImportFixtures.deliveredTo(t)).isEqualTo("10.244.1.40");
	}

	/**
	 * kind.yaml with a kube-proxy ConfigMap whose config.conf holds {@code config} (plus
	 * the fields kubeadm always writes).
	 */
	private static ImportResult kindWithKubeProxy(String config) {
		String conf = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nclusterCIDR: 10.244.0.0/16\nkind:"
				+ " KubeProxyConfiguration\n" + config;
		String configMap = """
				apiVersion: v1
				kind: ConfigMap
				metadata:
				  name: kube-proxy
				  namespace: kube-system
				data:
				  config.conf: |
				""" + conf.lines().map(l -> "    " + l + "\n").collect(java.util.stream.Collectors.joining());
		return ClusterImporter.importDumps(List.of(new ImportSource("kind.yaml", ImportFixtures.text("kind.yaml")),
				new ImportSource("kube-proxy.yaml", configMap)), ImportOptions.DEFAULTS);
	}

	/**
	 * The scenario without the header comments (which list the warnings, and so name what
	 * was left out).
	 */
	private static String body(String yaml) {
		return yaml.lines().filter(l -> !l.startsWith("#")).collect(java.util.stream.Collectors.joining("\n"));
	}

	private static List<String> warnings(String fixture) {
		return ImportFixtures.load(fixture, ImportOptions.DEFAULTS).warnings().stream().map(Object::toString).toList();
	}

}

package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Constructor invariants of the input records. */
class InputRecordsTest {

	static final Ip IP = Ip.parse("10.96.0.5");

	@Test
	void servicePortRules() {
		assertThatThrownBy(() -> new ServicePort("p", Protocol.ICMP, 80, 80, 0))
			.hasMessageContaining("TCP, UDP or SCTP");
		assertThatThrownBy(() -> ServicePort.tcp("p", 0, 80)).hasMessageContaining("port must be 1..65535");
		assertThatThrownBy(() -> ServicePort.tcp("P_80", 80, 80)).hasMessageContaining("DNS label");
		assertThatThrownBy(() -> ServicePort.tcp("p", 80, 80).withNodePort(70000)).hasMessageContaining("nodePort");
	}

	@Test
	void serviceRules() {
		assertThatThrownBy(
				() -> KubeService.clusterIp("ns", "s", IP, ServicePort.tcp("", 80, 80), ServicePort.tcp("b", 81, 81)))
			.hasMessageContaining("every port must be named");
		assertThatThrownBy(
				() -> KubeService.clusterIp("ns", "s", IP, ServicePort.tcp("a", 80, 80), ServicePort.tcp("a", 81, 81)))
			.hasMessageContaining("unique");
		assertThatThrownBy(() -> KubeService.clusterIp("ns", "s", IP, ServicePort.tcp("a", 80, 80).withNodePort(30000)))
			.hasMessageContaining("only allowed for NodePort and LoadBalancer");
		assertThatThrownBy(
				() -> KubeService.clusterIp("ns", "s", IP, ServicePort.tcp("a", 80, 80)).withLoadBalancerIps(IP))
			.hasMessageContaining("need type LoadBalancer");
		assertThatThrownBy(() -> KubeService.loadBalancer("ns", "s", IP, ServicePort.tcp("a", 80, 80))
			.withHealthCheckNodePort(32000)).hasMessageContaining("externalTrafficPolicy Local");
		assertThatThrownBy(() -> KubeService.clusterIp("ns", "s", null, ServicePort.tcp("a", 80, 80)))
			.hasMessageContaining("headless");
		assertThatThrownBy(() -> KubeService.clusterIp("ns", "s", IP)).hasMessageContaining("at least one port");
		assertThatThrownBy(() -> SessionAffinity.clientIp(86401)).hasMessageContaining("1..86400");
		KubeService ok = KubeService.clusterIp("ns", "s", IP, ServicePort.tcp("a", 80, 80));
		assertThat(ok.sessionAffinity()).isEqualTo(SessionAffinity.NONE);
		assertThat(ok.externalTrafficPolicy()).isEqualTo(TrafficPolicy.CLUSTER);
		assertThat(SessionAffinity.clientIp()).isEqualTo(new SessionAffinity.ClientIp(10800));
		// eTP=Local only counts when the port is externally reachable
		assertThat(ok.withExternalTrafficPolicy(TrafficPolicy.LOCAL).externalPolicyLocal(ok.ports().getFirst()))
			.isFalse();
	}

	@Test
	void endpointRules() {
		assertThatThrownBy(() -> new Endpoint(IP, Map.of("", 80), null, true, true, true))
			.hasMessageContaining("ready implies serving and not terminating");
		assertThatThrownBy(() -> new Endpoint(IP, Map.of(), null, true, true, false))
			.hasMessageContaining("at least one port");
		assertThat(Endpoint.ready(IP, 80, null).isLocal("")).isFalse();
		assertThat(Endpoint.ready(IP, 80, "n1").isLocal("n1")).isTrue();
	}

	@Test
	void proxyConfigRules() {
		assertThatThrownBy(() -> new ProxyConfig(null, false, 32, true, "n", List.of(), true, false, false))
			.hasMessageContaining("masqueradeBit must be 0..31");
		assertThatThrownBy(() -> ProxyConfig.defaults(" ", null)).hasMessageContaining("node name");
		ProxyConfig c = ProxyConfig.defaults("n", Cidr.parse("10.244.0.0/16"));
		assertThat(c.masqueradeBit()).isEqualTo(14);
		assertThat(c.randomFully()).isTrue();
		assertThat(c.localhostNodePorts()).isTrue();
	}

	@Test
	void duplicateEndpointsAreMergedAndSortedByAddressString() {
		ServicePort p = ServicePort.tcp("", 80, 80);
		List<ResolvedEndpoint> eps = EndpointSelection.resolve(p,
				List.of(Endpoint.ready(Ip.parse("10.244.2.3"), 80, null),
						Endpoint.ready(Ip.parse("10.244.10.3"), 80, null),
						Endpoint.ready(Ip.parse("10.244.2.3"), 80, null),
						Endpoint.ready(Ip.parse("10.244.3.3"), "other", 80, null)),
				"n");
		assertThat(eps).extracting(ResolvedEndpoint::toString).containsExactly("10.244.10.3:80", "10.244.2.3:80");
	}

	@Test
	void ipsetRestoreText() {
		IpvsState state = IpvsProxier.generate(IpvsProxierTest.services(), IpvsProxierTest.endpoints(),
				IpvsProxierTest.config());
		String text = state.ipsetRestoreText();
		assertThat(text)
			.startsWith("create KUBE-LOOP-BACK hash:ip,port,ip family inet hashsize 1024 maxelem 65536 -exist\n")
			.contains("create KUBE-NODE-PORT-TCP bitmap:port range 0-65535 -exist\n")
			.contains("add KUBE-CLUSTER-IP 10.96.0.1,tcp:443 -exist\n")
			.contains("add KUBE-NODE-PORT-TCP 30080 -exist\n");
		assertThatThrownBy(
				() -> new IpSet("KUBE-X", IpSet.HASH_IP_PORT, "c", new java.util.TreeSet<>(List.of("1.2.3.4"))))
			.hasMessageContaining("wrong shape");
	}

}

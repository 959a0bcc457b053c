package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Ip;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What kube-proxy in IPVS mode programs on one node.
 *
 * @param dummyDevice {@code kube-ipvs0}
 * @param boundAddresses addresses bound (as /32) on the dummy device
 * @param ipsets every ipset kube-proxy creates, in upstream's {@code ipsetInfo} order
 * (empty ones included)
 * @param iptables the fixed, ipset-matching iptables rules (nat then filter, as IPVS mode
 * writes them)
 * @param virtualServers IPVS virtual services with their real servers
 */
public record IpvsState(String dummyDevice, SortedSet<Ip> boundAddresses, List<IpSet> ipsets, IptablesRestore iptables,
		List<IpvsVirtualServer> virtualServers) {

	public IpvsState {
		boundAddresses = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(boundAddresses));
		ipsets = List.copyOf(ipsets);
		virtualServers = virtualServers.stream().sorted().toList();
		if (virtualServers.stream().map(IpvsVirtualServer::toString).distinct().count() != virtualServers.size()) {
			throw new IllegalArgumentException("IPVS virtual services must be unique per address:port/protocol");
		}
	}

	public IpSet ipset(String name) {
		return ipsets.stream()
			.filter(s -> s.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no ipset " + name));
	}

	public IpvsVirtualServer virtualServer(String key) {
		return virtualServers.stream()
			.filter(v -> v.toString().equals(key))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no IPVS virtual service " + key));
	}

	/**
	 * The sets as {@code ipset restore} input: {@code create NAME TYPE ... -exist} then
	 * {@code add NAME ENTRY -exist}, with kube-proxy's defaults (hash sets:
	 * {@code family inet hashsize 1024 maxelem 65536}; bitmap:port:
	 * {@code range 0-65535}). Valid ipset syntax; kube-proxy's exact option order is not
	 * reproduced.
	 */
	public String ipsetRestoreText() {
		StringBuilder sb = new StringBuilder();
		for (IpSet set : ipsets) {
			sb.append("create ")
				.append(set.name())
				.append(' ')
				.append(set.type())
				.append(set.type().equals(IpSet.BITMAP_PORT) ? " range 0-65535"
						: " family inet hashsize 1024 maxelem 65536")
				.append(" -exist\n");
		}
		for (IpSet set : ipsets) {
			set.entries().forEach(e -> sb.append("add ").append(set.name()).append(' ').append(e).append(" -exist\n"));
		}
		return sb.toString();
	}

	/** {@code ipvsadm -Ln}. */
	public String ipvsadmList() {
		return Ipvsadm.listNumeric(virtualServers);
	}

	/**
	 * {@code ip -4 addr show kube-ipvs0}-style list: {@code 10.96.0.1/32}, one per line.
	 */
	public List<String> dummyDeviceAddresses() {
		return boundAddresses.stream().map(a -> a + "/32").toList();
	}

}

package dev.packetwalk.kubeproxy;

import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Protocol;

import java.util.Comparator;
import java.util.List;

/**
 * An IPVS virtual service: VIP:port/protocol (TCP, UDP or SCTP), scheduler, persistence
 * (ClientIP affinity; 0 = none) and real servers (kept in ipvsadm's display order).
 */
public record IpvsVirtualServer(Protocol protocol, Ip address, int port, String scheduler, int persistenceTimeout,
		List<IpvsRealServer> realServers) implements Comparable<IpvsVirtualServer> {

	public IpvsVirtualServer {
		if (protocol == null || protocol == Protocol.ICMP) {
			throw new IllegalArgumentException(
					"IPVS virtual service protocol must be TCP, UDP or SCTP, was " + protocol);
		}
		if (address == null) {
			throw new IllegalArgumentException("IPVS virtual service needs an address");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("IPVS virtual service port must be 1..65535, was " + port);
		}
		if (scheduler == null || scheduler.isBlank()) {
			throw new IllegalArgumentException("IPVS virtual service needs a scheduler (kube-proxy default rr)");
		}
		if (persistenceTimeout < 0) {
			throw new IllegalArgumentException("IPVS persistence timeout must be >= 0, was " + persistenceTimeout);
		}
		realServers = realServers.stream().sorted().distinct().toList();
	}

	/** ipvsadm's service order: protocol number, then address, then port. */
	static final Comparator<IpvsVirtualServer> IPVSADM_ORDER = Comparator
		.comparingInt((IpvsVirtualServer v) -> v.protocol().number())
		.thenComparing(IpvsVirtualServer::address)
		.thenComparingInt(IpvsVirtualServer::port);

	@Override
	public int compareTo(IpvsVirtualServer o) {
		return IPVSADM_ORDER.compare(this, o);
	}

	public boolean persistent() {
		return persistenceTimeout > 0;
	}

	/**
	 * The service's line in {@code ipvsadm -Ln} ({@code print_service_entry}): the
	 * protocol name padded to 4 ({@code "%-4s %s"}: {@code TCP  10.96.0.1:443 rr},
	 * {@code SCTP 10.96.0.1:3868 rr}), the scheduler and, for a persistent service,
	 * {@code persistent <timeout>}.
	 */
	public String ipvsadmLine() {
		return String.format(java.util.Locale.ROOT, "%-4s %s:%d %s", protocol.name(), address, port, scheduler)
				+ (persistent() ? " persistent " + persistenceTimeout : "");
	}

	/** Like kube-proxy's {@code VirtualServer.String()}: {@code 10.96.0.1:443/TCP}. */
	@Override
	public String toString() {
		return address + ":" + port + "/" + protocol;
	}

}

package dev.packetwalk.kubeproxy;

import java.util.List;
import java.util.Locale;

/**
 * {@code ipvsadm -Ln} output, formatted as ipvsadm's
 * {@code list_all}/{@code print_service_entry} do: services sorted by protocol, address,
 * port, each as {@link IpvsVirtualServer#ipvsadmLine()} ({@code TCP  10.96.0.1:443 rr},
 * {@code SCTP 10.96.0.1:3868 rr}); destinations by address, port; destination lines
 * padded with {@code "  -> %-28s %-7s %-6d %-10u %-10u"} (so they end in spaces). The
 * model keeps no connection counters, so ActiveConn and InActConn are 0. (ipvsadm
 * compares addresses by unsigned subtraction cast to int, which can misorder addresses
 * more than 2^31 apart; the model sorts them properly.)
 */
public final class Ipvsadm {

	public static final String HEADER = """
			IP Virtual Server version 1.2.1 (size=4096)
			Prot LocalAddress:Port Scheduler Flags
			  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
			""";

	private Ipvsadm() {
	}

	public static String listNumeric(List<IpvsVirtualServer> services) {
		StringBuilder sb = new StringBuilder(HEADER);
		services.stream().sorted().forEach(vs -> {
			sb.append(vs.ipvsadmLine()).append('\n');
			for (IpvsRealServer rs : vs.realServers()) {
				sb.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d", rs.toString(),
						rs.forward().ipvsadmName(), rs.weight(), 0, 0))
					.append('\n');
			}
		});
		return sb.toString();
	}

}

package dev.packetwalk.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.packetwalk.engine.Flow;
import dev.packetwalk.engine.Scenario;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;
import dev.packetwalk.net.Protocol;
import dev.packetwalk.packet.Payload;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Listener;
import dev.packetwalk.topology.Namespace;
import dev.packetwalk.topology.Neighbor;
import dev.packetwalk.topology.Route;
import dev.packetwalk.topology.Topology;

/**
 * Every built-in scenario against the real kernel. Skipped (with the reason) where the
 * lab cannot run: not root, no {@code ip netns}, tools missing. With
 * {@code PACKETWALK_REQUIRE_LAB=true} in the environment it fails instead.
 */
class KernelLabTest {

	private static final KernelLab LAB = new KernelLab(System.err, false);

	@BeforeAll
	static void labMustBeAvailable() {
		Optional<String> why = LAB.unavailable();
		if (why.isPresent()) {
			String msg = "kernel lab unavailable: " + why.get();
			if ("true".equalsIgnoreCase(System.getenv("PACKETWALK_REQUIRE_LAB"))) {
				fail(msg + " (PACKETWALK_REQUIRE_LAB=true)");
			}
			Assumptions.abort(msg + " — set PACKETWALK_REQUIRE_LAB=true to make this a failure");
		}
	}

	/**
	 * This run's verdicts, written to {@code target/kernel-lab/report.json} (and, when
	 * updating, to the bundle).
	 */
	private static final Map<String, LabReport.Entry> FRESH = new ConcurrentHashMap<>();

	/**
	 * {@code -Dkernel-lab.update=true}: write this run's verdicts into the report the
	 * build bundles.
	 */
	private static final boolean UPDATE = Boolean.getBoolean("kernel-lab.update");

	static Path bundledReport() {
		return Path.of(System.getProperty("repo.root", ".."), "backend/src/main/resources", LabReport.RESOURCE)
			.toAbsolutePath()
			.normalize();
	}

	@AfterAll
	static void writeReport() {
		if (FRESH.isEmpty()) {
			return;
		}
		LabReport fresh = new LabReport(System.getProperty("os.version"), LocalDate.now(ZoneOffset.UTC).toString(),
				FRESH);
		fresh.write(Path.of("target/kernel-lab/report.json"));
		if (UPDATE) {
			// a partial run (-Dtest=...#one) replaces its own entries and keeps the
			// others, with their kernel and date
			// only when they come from the same kernel; otherwise every scenario must
			// have been run again
			Path file = bundledReport();
			LabReport old = Files.exists(file) ? LabReport.read(file) : null;
			LabReport merged = fresh;
			if (old != null && old.kernel().equals(fresh.kernel())) {
				merged = new LabReport(fresh.kernel(), fresh.date(), old.scenarios());
				for (var e : FRESH.entrySet()) {
					merged = merged.with(e.getKey(), e.getValue());
				}
			}
			merged.write(file);
			System.err.println("kernel lab report written to " + file);
		}
	}

	/**
	 * {@code -Dkernel-lab.only=a,b}: replay only these built-in scenarios (by name);
	 * default all.
	 */
	static Stream<Path> scenarios() {
		String only = System.getProperty("kernel-lab.only", "");
		java.util.Set<String> names = only.isBlank() ? java.util.Set.of() : java.util.Set.of(only.split(","));
		return Scenarios.files()
			.stream()
			.filter(p -> names.isEmpty() || names.contains(p.getFileName().toString().replaceFirst("\\.yaml$", "")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarios")
	void theKernelDoesWhatTheModelSays(Path file) {
		CompiledScenario cs = Scenarios.compile(file);
		ScenarioReport r = LAB.verify(cs, false);
		System.out.print(r.render());
		LabReport.Entry entry = LabReport.Entry.of(r, LabReport.fingerprint(cs));
		FRESH.put(cs.id(), entry);
		assertThat(r.match()).as(r.render()).isTrue();
		if (!UPDATE) {
			// the report the build bundles (and the player's badge) must say what this
			// real run says
			LabReport.Entry committed = LabReport.read(bundledReport()).scenarios().get(cs.id());
			assertThat(committed)
				.as("no entry for " + cs.id() + " in " + bundledReport() + ": run this test as root with"
						+ " -Dkernel-lab.update=true")
				.isNotNull();
			assertThat(committed.result()).as("bundled lab result of " + cs.id()).isEqualTo(entry.result());
			assertThat(committed.fingerprint())
				.as("bundled fingerprint of " + cs.id()
						+ " (the model changed since the lab ran: run this test as root with -Dkernel-lab.update=true)")
				.isEqualTo(entry.fingerprint());
		}
		// what the lab may leave to the model alone, and nothing else: IPVS (no ip_vs
		// here), a timeline's long wait, and policy-denied flows; a cluster that changes
		// is replayed change by change
		boolean ipvs = KernelLab.notReplayable(cs.scenario()).isPresent();
		assertThat(r.modelOnly()).as("only IPVS scenarios (and long waits) are model-only: " + r.render())
			.isEqualTo(ipvs);
		for (FlowVerdict f : r.flows()) {
			if (f.isModelOnly() && !ipvs) {
				assertThat(f.modelOnly()).as(f.render()).contains("NetworkPolicy");
			}
		}
		// the lab's SCTP stacks take every SCTP packet delivered in a namespace: no
		// kernel
		// answers one with ICMP protocol unreachable (3/2), which a kernel with SCTP
		// never
		// sends
		for (Flow f : cs.scenario().sentFlows()) {
			if (f.protocol() == Protocol.SCTP) {
				r.flows()
					.stream()
					.filter(v -> v.flowId().equals(f.id()))
					.forEach(v -> assertThat(v.notes()).as(v.render()).noneMatch(n -> n.contains("type/code 3/2")));
			}
		}
		assertNoLeftovers();
	}

	@Test
	void aDeliberatelyWrongModelIsCaughtByTheKernel() {
		CompiledScenario cs = Scenarios.compile("pod-to-pod-same-node");
		// the "model" now claims the bridge sends the SYN to port 8081
		ScenarioReport r = LAB.verify(cs, false, exp -> {
			List<Observation> obs = new ArrayList<>(exp.observations());
			Observation o = obs.get(2);
			obs.set(2, new Observation(o.namespace(), o.device(), o.direction(), o.leg(), o.headers().withDstPort(8081),
					o.vni(), o.inner(), 0));
			return exp.withObservations(obs);
		});
		System.out.print(r.render());
		assertThat(r.match()).isFalse();
		assertThat(r.render()).contains("MISMATCH", "first divergence: request leg, observation 3 of 4",
				"dst port: model 8081, kernel 8080");
		assertNoLeftovers();
	}

	/**
	 * A planted nftables bug: the model walks node1's kube-proxy table without the
	 * external chain's {@code jump mark-for-masquerade} (so its nat-postrouting never
	 * masquerades), while the kernel loads the real transaction. The kernel masquerades
	 * the NodePort connection to node1's address and the lab says so.
	 */
	@Test
	void aPlantedNftablesBugIsCaughtByTheKernel() {
		CompiledScenario cs = Scenarios.compile("nodeport-nftables");
		Scenario sc = cs.scenario();
		List<Namespace> broken = new ArrayList<>();
		int removed = 0;
		for (Namespace ns : sc.topology().namespaces()) {
			if (ns.id().equals("node1")) {
				List<String> lines = new ArrayList<>(List.of(ns.nftables().split("\n")));
				int before = lines.size();
				lines.removeIf(l -> l.startsWith("add rule ip kube-proxy external-")
						&& l.endsWith(" jump mark-for-masquerade"));
				removed = before - lines.size();
				ns = new Namespace(ns.id(), ns.node(), ns.kind(), ns.label(), ns.devices(), ns.routes(), ns.neighbors(),
						ns.iptables(), ns.ipForward(), ns.bridgeNfCallIptables(), ns.listeners(),
						String.join("\n", lines));
			}
			broken.add(ns);
		}
		assertThat(removed).as("the planted bug removes the external chain's masquerade jump").isEqualTo(1);
		Scenario wrong = new Scenario(sc.id(), new Topology(broken), sc.flows(), sc.dns(), sc.policies(), sc.ipvs());
		dev.packetwalk.trace.Trace wrongTrace = new dev.packetwalk.engine.Engine(wrong).run(cs.seed());
		ScenarioReport r = LAB.verify(cs, false, exp -> Projection.expect(wrongTrace, exp.flowId()));
		System.out.print(r.render());
		assertThat(r.match()).isFalse();
		assertThat(r.render()).contains("MISMATCH", "node1/eth0 out", "src IP: model 192.0.2.50, kernel 10.240.0.2");
		assertNoLeftovers();
	}

	/**
	 * A planted SCTP bug: the model walks {@code sctp-service} with node1's kube-proxy
	 * rules missing the SCTP Service port's {@code -p sctp -m sctp} jump from
	 * KUBE-SERVICES (as if its netfilter did not match SCTP), while the kernel loads the
	 * real rules. The kernel DNATs the association's INIT to an hss endpoint; the model
	 * sends it on to the cluster IP, and the lab says where they part. (The TCP flow is
	 * not judged: the planted trace draws its ephemeral port differently.)
	 */
	@Test
	void aPlantedSctpBugIsCaughtByTheKernel() {
		CompiledScenario cs = Scenarios.compile("sctp-service");
		Scenario sc = cs.scenario();
		List<Namespace> broken = new ArrayList<>();
		int removed = 0;
		for (Namespace ns : sc.topology().namespaces()) {
			if (ns.id().equals("node1")) {
				List<String> lines = new ArrayList<>(List.of(ns.iptables().split("\n")));
				int before = lines.size();
				lines.removeIf(l -> l.startsWith("-A KUBE-SERVICES ") && l.contains(" -p sctp "));
				removed = before - lines.size();
				ns = new Namespace(ns.id(), ns.node(), ns.kind(), ns.label(), ns.devices(), ns.routes(), ns.neighbors(),
						String.join("\n", lines) + "\n", ns.ipForward(), ns.bridgeNfCallIptables(), ns.listeners(),
						ns.nftables());
			}
			broken.add(ns);
		}
		assertThat(removed).as("the planted bug removes node1's SCTP Service rule").isEqualTo(1);
		Scenario wrong = new Scenario(sc.id(), new Topology(broken), sc.flows(), sc.dns(), sc.policies(), sc.ipvs());
		dev.packetwalk.trace.Trace wrongTrace = new dev.packetwalk.engine.Engine(wrong).run(cs.seed());
		ScenarioReport r = LAB.verify(cs, false, exp -> Projection.expect(wrongTrace, exp.flowId()));
		System.out.print(r.render());
		assertThat(r.match()).isFalse();
		FlowVerdict sctp = r.flows().stream().filter(f -> f.flowId().equals("diameter")).findFirst().orElseThrow();
		assertThat(sctp.match()).isFalse();
		// where they part depends on the endpoint the kernel drew (hss-1 on the same
		// bridge,
		// or hss-2 behind node2): whichever, the model's INIT goes on to 10.9.3.86 and
		// dies in the VPC, while the kernel's association comes up
		assertThat(sctp.render()).contains("MISMATCH", "first divergence: request leg", "> 10.9.3.86.3868: sctp [INIT]",
				"client socket: model expects one of [TIMEOUT, UNREACHABLE], the kernel's socket got CONNECTED");
		assertNoLeftovers();
	}

	/**
	 * An association to a port nothing listens on: the model drops the INIT at the pod
	 * (no listener) and the client is refused; in the kernel, the lab's SCTP stack in
	 * hss-1's namespace answers with the ABORT a kernel with SCTP sends for a port no
	 * socket is bound to, and the client is refused too.
	 */
	@Test
	void anSctpInitToAPortNobodyListensOnIsRefused() {
		CompiledScenario base = Scenarios.compile("sctp-service");
		Scenario sc = base.scenario();
		Flow closed = flow(java.util.Map.of("id", "closed", "label", "mme → hss-1:3869 (SCTP, nothing listens)", "from",
				"default/mme", "dst", Ip.parse("10.11.0.9"), "dstPort", 3869, "protocol", Protocol.SCTP, "payload",
				Payload.Bytes.EMPTY, "ttl", 64, "reply", true));
		Scenario s = new Scenario(sc.id(), sc.topology(), List.of(closed), sc.dns(), sc.policies(), sc.ipvs());
		ScenarioReport r = LAB.verify(new CompiledScenario(s.id(), base.title(), "", List.of(), "advanced", "lab", 0,
				"", "", base.seed(), s, List.of(), ""), false);
		System.out.print(r.render());
		assertThat(r.match()).as(r.render()).isTrue();
		FlowVerdict v = r.flows().getFirst();
		assertThat(v.summary()).contains("dropped at default/hss-1", "NO_LISTENER", "client REFUSED");
		assertThat(v.notes()).anyMatch(n -> n.contains("10.11.0.9.3869 > 10.11.0.5.") && n.contains("sctp [ABORT]"));
		assertNoLeftovers();
	}

	/**
	 * The guard every namespace of an SCTP scenario gets, for a kernel with its own SCTP
	 * stack (whose answers to the player's packets would otherwise leave too): locally
	 * generated SCTP without the player's mark is dropped (the sender gets EPERM), the
	 * player's marked packets leave.
	 */
	@Test
	void theSctpGuardDropsLocallyGeneratedSctpThatIsNotThePlayers() {
		Topology t = Scenarios.compile("sctp-service").scenario().topology();
		String probe = """
				import socket
				for mark in (0, %s):
				    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
				    if mark:
				        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, mark)
				    try:
				        s.sendto(bytes(16), ("10.11.0.9", 0))
				        print(hex(mark), "sent")
				    except PermissionError:
				        print(hex(mark), "dropped")
				""".formatted(KernelLab.SCTP_PLAYER_MARK);
		try (LabNetwork net = LAB.materialize(t)) {
			String ns = net.ns("default/mme");
			Cmd send = Cmd.of("ip", "netns", "exec", ns, KernelLab.python(), "-c", probe);
			assertThat(net.exec().run(send).stdout().strip()).as("without the guard")
				.isEqualTo("0x0 sent\n0x10000000 sent");
			net.exec().run(Materializer.nft(ns, KernelLab.sctpGuard()));
			assertThat(net.exec().run(send).stdout().strip()).as("with the guard")
				.isEqualTo("0x0 dropped\n0x10000000 sent");
		}
		assertNoLeftovers();
	}

	/**
	 * A timeline packet that continues an SCTP association: the lab keeps the association
	 * open (pwlab.py session) and sends the next DATA chunk on it, with the tags of the
	 * association; the model walks it along the ESTABLISHED entry and the SACK back.
	 */
	@Test
	void aTimelinePacketContinuesAnSctpAssociation() {
		CompiledScenario base = Scenarios.compile("sctp-service");
		Scenario sc = base.scenario();
		Flow first = sc.flows().getFirst();
		assertThat(first.protocol()).isEqualTo(Protocol.SCTP);
		Flow more = flow(java.util.Map.of("id", "more", "label", "mme → hss: the association's next DATA chunk", "from",
				first.from(), "dst", first.dst(), "dstPort", first.dstPort(), "protocol", Protocol.SCTP, "payload",
				first.payload(), "ttl", 64, "reply", true));
		Scenario s = new Scenario(sc.id(), sc.topology(), List.of(first), sc.dns(), sc.policies(), sc.ipvs(),
				List.of(new dev.packetwalk.engine.Event.Send(more, first.id())));
		ScenarioReport r = LAB.verify(new CompiledScenario(s.id(), base.title(), "", List.of(), "advanced", "lab", 0,
				"", "", base.seed(), s, List.of(), ""), false);
		System.out.print(r.render());
		assertThat(r.match()).as(r.render()).isTrue();
		FlowVerdict next = r.flows().stream().filter(f -> f.flowId().equals("more")).findFirst().orElseThrow();
		assertThat(next.summary()).contains("client CONNECTED").doesNotContain(" 0/");
		assertThat(next.seen()).filteredOn(o -> o.leg() == Observation.Leg.REQUEST)
			.isNotEmpty()
			.allMatch(o -> o.headers().flags().equals("DATA"));
		assertNoLeftovers();
	}

	/**
	 * A planted timeline bug: the model's kube-proxy forgets the UDP conntrack cleanup
	 * when dns-1 is deleted (its change lists no endpoint gone), so the model sends the
	 * same socket's next datagram along the old entry to dns-1's dead address; the kernel
	 * replays the real change ({@code conntrack -D -p udp --dst-nat 10.244.2.2} on every
	 * node), balances the datagram again and delivers it to dns-2. The lab says so.
	 */
	@Test
	void aPlantedTimelineBugIsCaughtByTheKernel() {
		CompiledScenario cs = Scenarios.compile("udp-conntrack-flush");
		Scenario sc = cs.scenario();
		List<dev.packetwalk.engine.Event> timeline = new ArrayList<>();
		int planted = 0;
		for (dev.packetwalk.engine.Event e : sc.timeline()) {
			if (e instanceof dev.packetwalk.engine.Event.Change c && !c.goneEndpoints().isEmpty()) {
				e = new dev.packetwalk.engine.Event.Change(c.id(), c.label(), c.state(), c.hops(), List.of(),
						c.unplugged());
				planted++;
			}
			timeline.add(e);
		}
		assertThat(planted).as("the planted bug drops the cleanup of dns-1's conntrack entries").isEqualTo(1);
		Scenario wrong = new Scenario(sc.id(), sc.topology(), sc.flows(), sc.dns(), sc.policies(), sc.ipvs(), timeline);
		dev.packetwalk.trace.Trace wrongTrace = new dev.packetwalk.engine.Engine(wrong).run(cs.seed());
		ScenarioReport r = LAB.verify(cs, false, exp -> Projection.expect(wrongTrace, exp.flowId()));
		System.out.print(r.render());
		assertThat(r.match()).isFalse();
		FlowVerdict again = r.flows().stream().filter(f -> f.flowId().equals("again")).findFirst().orElseThrow();
		assertThat(again.match()).isFalse();
		assertThat(again.render()).contains("first divergence: request leg",
				"dst IP: model 10.244.2.2, kernel 10.244.2.3");
		assertThat(r.flows().getFirst().match()).as("the first datagram, before the change, still matches").isTrue();
		assertNoLeftovers();
	}

	/**
	 * flannel's VXLAN backend, built in code until its scenario lands: two nodes on one
	 * underlay segment, flannel.1 on each with the remote VTEP's neighbour and FDB
	 * entries, a pod per node.
	 */
	@Test
	void vxlanBetweenTwoNodesMatches() {
		ScenarioReport r = LAB.verify(flannel(), false);
		System.out.print(r.render());
		assertThat(r.match()).as(r.render()).isTrue();
		assertThat(r.flows().getFirst().seen()).anyMatch(Observation::encapsulated);
		assertNoLeftovers();
	}

	static CompiledScenario flannel() {
		List<Namespace> all = new ArrayList<>();
		Mac[] vtep = { Mac.parse("02:fa:00:00:01:01"), Mac.parse("02:fa:00:00:02:01") };
		Ip[] nodeIp = { Ip.parse("192.168.205.3"), Ip.parse("192.168.205.4") };
		List<Device> sw = new ArrayList<>(
				List.of(new Device.Bridge("br0", Mac.parse("02:5e:00:00:00:01"), 1500, List.of(), null)));
		for (int i = 0; i < 2; i++) {
			int n = i + 1;
			int m = 2 - i;
			String node = "node" + n;
			String pod = "default/pod" + n;
			all.add(new Namespace(pod, node, Namespace.Kind.POD, "pod" + n,
					List.of(new Device.Loopback("lo", Mac.ZERO, 65536, List.of(Cidr.parse("127.0.0.1/8")), null),
							new Device.Veth("eth0", Mac.parse("02:0d:00:00:0" + n + ":02"), 1450,
									List.of(Cidr.parse("10.42." + n + ".2/24")), null,
									new Device.Endpoint(node, "vethpod" + n))),
					List.of(Route.via(Cidr.parse("0.0.0.0/0"), Ip.parse("10.42." + n + ".1"), "eth0")), List.of(), "",
					false, false, n == 2 ? List.of(new Listener(Protocol.TCP, 8080, "web")) : List.of()));
			all.add(new Namespace(node, node, Namespace.Kind.NODE, node, List.of(
					new Device.Loopback("lo", Mac.ZERO, 65536, List.of(Cidr.parse("127.0.0.1/8")), null),
					new Device.Physical("eth0", Mac.parse("02:e0:00:00:0" + n + ":00"), 1500,
							List.of(new Cidr(nodeIp[i], 24)), null, new Device.Endpoint("underlay", "port" + n)),
					new Device.Bridge("cni0", Mac.parse("02:c0:00:00:0" + n + ":01"), 1450,
							List.of(Cidr.parse("10.42." + n + ".1/24")), null),
					new Device.Veth("vethpod" + n, Mac.parse("02:0e:00:00:0" + n + ":02"), 1450, List.of(), "cni0",
							new Device.Endpoint(pod, "eth0")),
					new Device.Vxlan("flannel.1", vtep[i], 1450, List.of(Cidr.parse("10.42." + n + ".0/32")), null, 1,
							8472, nodeIp[i], "eth0", List.of(new Device.FdbEntry(vtep[1 - i], nodeIp[1 - i])))),
					List.of(new Route(Cidr.parse("10.42." + m + ".0/24"), Ip.parse("10.42." + m + ".0"), "flannel.1",
							true, null, null, 0)),
					List.of(new Neighbor(Ip.parse("10.42." + m + ".0"), "flannel.1", vtep[1 - i])), "", true, false,
					List.of()));
			sw.add(new Device.Veth("port" + n, Mac.parse("02:5e:00:00:0" + n + ":00"), 1500, List.of(), "br0",
					new Device.Endpoint(node, "eth0")));
		}
		all.add(new Namespace("underlay", "underlay", Namespace.Kind.SWITCH, "underlay 192.168.205.0/24", sw, List.of(),
				List.of(), "", false, false, List.of()));
		Flow f = flow(java.util.Map.of("id", "syn", "label", "pod1 → pod2:8080 over VXLAN", "from", "default/pod1",
				"dst", Ip.parse("10.42.2.2"), "dstPort", 8080, "protocol", Protocol.TCP, "payload", Payload.Bytes.EMPTY,
				"ttl", 64, "dontFragment", true, "reply", true));
		Scenario s = new Scenario("flannel-vxlan-code-built", new Topology(all), List.of(f));
		return new CompiledScenario(s.id(), "flannel VXLAN (built in code)", "", List.of(), "advanced", "lab", 0, "",
				"", 1, s, List.of(), "");
	}

	/**
	 * A Flow by component name (unnamed ones null/0/false), so the test survives new
	 * optional components.
	 */
	static Flow flow(java.util.Map<String, Object> values) {
		var comps = Flow.class.getRecordComponents();
		Object[] args = new Object[comps.length];
		Class<?>[] types = new Class<?>[comps.length];
		for (int i = 0; i < comps.length; i++) {
			types[i] = comps[i].getType();
			Object v = values.get(comps[i].getName());
			args[i] = v != null ? v
					: types[i] == int.class ? (Object) 0 : types[i] == boolean.class ? (Object) false : null;
		}
		try {
			return Flow.class.getDeclaredConstructor(types).newInstance(args);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void assertNoLeftovers() {
		// only this run's prefix: other concurrent runs are not ours to judge
		String prefix = LabNames.ROOT_PREFIX + ProcessHandle.current().pid() + "-";
		try {
			Process p = new ProcessBuilder("ip", "netns", "list").start();
			String out = new String(p.getInputStream().readAllBytes());
			p.waitFor();
			assertThat(out.lines().filter(l -> l.startsWith(prefix))).as("namespaces left behind").isEmpty();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

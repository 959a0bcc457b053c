package dev.packetwalk.trace;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.packetwalk.packet.Packet;

/**
 * One thing that happened to the packet, at one place. Every step carries the packet as
 * it is <em>after</em> the step, so any step renders on its own (seeking is instant), and
 * one sentence of narration.
 * <p>
 * The JSON discriminator {@code type} is part of the trace contract (docs/api.md): each
 * record declares it once with {@link JsonTypeName}; never rename a type.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(Step.Send.class), @JsonSubTypes.Type(Step.RouteLookup.class),
		@JsonSubTypes.Type(Step.NeighborLookup.class), @JsonSubTypes.Type(Step.Transmit.class),
		@JsonSubTypes.Type(Step.Receive.class), @JsonSubTypes.Type(Step.BridgeForward.class),
		@JsonSubTypes.Type(Step.Netfilter.class), @JsonSubTypes.Type(Step.Nftables.class),
		@JsonSubTypes.Type(Step.Conntrack.class), @JsonSubTypes.Type(Step.Nat.class),
		@JsonSubTypes.Type(Step.Forward.class), @JsonSubTypes.Type(Step.Encapsulate.class),
		@JsonSubTypes.Type(Step.Decapsulate.class), @JsonSubTypes.Type(Step.Policy.class),
		@JsonSubTypes.Type(Step.Ipvs.class), @JsonSubTypes.Type(Step.Deliver.class),
		@JsonSubTypes.Type(Step.Drop.class), @JsonSubTypes.Type(Step.Cni.class),
		@JsonSubTypes.Type(Step.EndpointsUpdate.class), @JsonSubTypes.Type(Step.ProxySync.class),
		@JsonSubTypes.Type(Step.NodeSync.class), @JsonSubTypes.Type(Step.Wait.class) })
public sealed interface Step {

	Place at();

	/**
	 * The packet as it is after the step; null for a control-plane step (no packet moves:
	 * {@link #isControlPlane}).
	 */
	Packet packet();

	String narration();

	/**
	 * The step's {@code type} in the trace JSON, as its record's {@link JsonTypeName}
	 * declares it.
	 */
	static String typeName(Step step) {
		return StepTypeNames.NAMES.get(step.getClass());
	}

	/**
	 * Is this a control-plane step (a cluster change: CNI, the EndpointSlice controller,
	 * kube-proxy's sync)? Such steps carry no packet and make up the walks of leg
	 * {@link Walk.Leg#CHANGE}.
	 */
	static boolean isControlPlane(Step step) {
		return switch (step) {
			case Cni c -> true;
			case EndpointsUpdate e -> true;
			case ProxySync p -> true;
			case NodeSync n -> true;
			case Wait w -> true;
			case Send s -> false;
			case RouteLookup r -> false;
			case NeighborLookup n -> false;
			case Transmit t -> false;
			case Receive r -> false;
			case BridgeForward b -> false;
			case Netfilter n -> false;
			case Nftables n -> false;
			case Conntrack c -> false;
			case Nat n -> false;
			case Forward f -> false;
			case Encapsulate e -> false;
			case Decapsulate d -> false;
			case Policy p -> false;
			case Ipvs i -> false;
			case Deliver d -> false;
			case Drop d -> false;
		};
	}

	private static void checkControl(Place at, Packet packet, String narration) {
		if (at == null || packet != null) {
			throw new IllegalArgumentException("a control-plane step says where it happened and carries no packet");
		}
		if (narration == null || narration.isBlank()) {
			throw new IllegalArgumentException("every step has a narration");
		}
	}

	private static void check(Place at, Packet packet, String narration) {
		if (at == null || packet == null) {
			throw new IllegalArgumentException("every step says where it happened and carries the packet");
		}
		if (narration == null || narration.isBlank()) {
			throw new IllegalArgumentException("every step has a narration");
		}
	}

	/** An application socket sends the packet ({@code connect()}/{@code sendto()}). */
	@JsonTypeName("send")
	record Send(Place at, Packet packet, String narration, String socket) implements Step {
		public Send {
			check(at, packet, narration);
		}
	}

	/**
	 * The namespace's routing decision: the table as {@code ip route} prints it, the line
	 * that matched (longest prefix, then lowest metric), and what it decided.
	 */
	@JsonTypeName("route")
	record RouteLookup(Place at, Packet packet, String narration, List<String> table, int matched, Decision decision,
			String nextHop, String device) implements Step {
		/** What the lookup decided (lower case in the JSON). */
		public enum Decision {

			/** The destination is an address of the namespace (the local table). */
			@JsonProperty("local")
			LOCAL,
			/** Directly reachable on the device (a scope link route). */
			@JsonProperty("link")
			LINK,
			/** Through a gateway. */
			@JsonProperty("via")
			VIA,
			/** No route matches. */
			@JsonProperty("unreachable")
			UNREACHABLE

		}

		public RouteLookup {
			check(at, packet, narration);
			table = List.copyOf(table);
			if (matched < -1 || matched >= table.size()) {
				throw new IllegalArgumentException("the matched route index must point into the table (or be -1)");
			}
		}
	}

	/**
	 * Resolving the next hop's MAC address: a cache hit, a permanent entry, or an ARP
	 * who-has / is-at exchange.
	 */
	@JsonTypeName("neighbor")
	record NeighborLookup(Place at, Packet packet, String narration, String ip, String mac, Resolution resolution,
			Place answeredBy) implements Step {
		public enum Resolution {

			CACHE, PERMANENT, ARP_REPLY, FAILED

		}

		public NeighborLookup {
			check(at, packet, narration);
			if ((resolution == Resolution.FAILED) != (mac == null)) {
				throw new IllegalArgumentException("a neighbour lookup has a MAC unless it failed");
			}
		}
	}

	/**
	 * The packet leaves a device toward its peer (the other end of a veth pair, the wire,
	 * the tunnel).
	 */
	@JsonTypeName("transmit")
	record Transmit(Place at, Packet packet, String narration, String device, Place peer) implements Step {
		public Transmit {
			check(at, packet, narration);
		}
	}

	/** The packet arrives on a device: the first step of every hop after the first. */
	@JsonTypeName("receive")
	record Receive(Place at, Packet packet, String narration, String device) implements Step {
		public Receive {
			check(at, packet, narration);
		}
	}

	/**
	 * A Linux bridge decides where the frame goes: a learned FDB entry, a flood, or up to
	 * the bridge's own stack; or, for br_netfilter's bridged DNAT to a neighbour without
	 * a cached header, out through the bridge device itself and back in
	 * ({@link Decision#NEIGH_OUTPUT}).
	 *
	 * @param outPort the port the walk continues by (for a flood: the copy that reaches
	 * the destination), or null
	 * @param copies for {@link Decision#FLOOD} only (null otherwise): every copy the
	 * bridge sends, one per port (every port but the one the frame came in by, unless
	 * that port is in hairpin mode), in port order, with its fate
	 */
	@JsonTypeName("bridge")
	record BridgeForward(Place at, Packet packet, String narration, String bridge, String inPort, String outPort,
			Decision decision, List<String> fdb, List<FloodCopy> copies) implements Step {
		public enum Decision {

			FDB_HIT, FLOOD, LOCAL,
			/**
			 * Bridged DNAT, first frame to a just-resolved neighbour: the neighbour layer
			 * transmits it on the bridge device (with the bridge's MAC as source), and
			 * the bridge's transmit hook restores the source MAC and returns it to the
			 * bridge as if it had arrived on {@code inPort}.
			 */
			NEIGH_OUTPUT

		}

		/**
		 * One copy of a flooded frame (unknown unicast: the destination MAC is not in the
		 * bridge's forwarding database).
		 *
		 * @param port the bridge port the copy leaves by
		 * @param peer where it arrives (the port's veth peer or cable end)
		 * @param fate what becomes of it
		 * @param detail one sentence: why
		 */
		public record FloodCopy(String port, Place peer, Fate fate, String detail) {

			/** What becomes of a flooded copy. */
			public enum Fate {

				/**
				 * It reaches the device that owns the destination MAC: the walk continues
				 * with this copy ({@code outPort}).
				 */
				FOLLOWED,
				/**
				 * The receiving device's MAC is not the destination: the kernel marks the
				 * frame PACKET_OTHERHOST and drops it before IP; no socket sees it.
				 */
				DISCARDED

			}

			public FloodCopy {
				if (port == null || peer == null || fate == null || detail == null || detail.isBlank()) {
					throw new IllegalArgumentException(
							"a flooded copy names its port, where it arrives, its fate and why");
				}
			}
		}

		/** A bridge step that is not a flood. */
		public BridgeForward(Place at, Packet packet, String narration, String bridge, String inPort, String outPort,
				Decision decision, List<String> fdb) {
			this(at, packet, narration, bridge, inPort, outPort, decision, fdb, null);
		}

		public BridgeForward {
			check(at, packet, narration);
			fdb = List.copyOf(fdb);
			if ((decision == Decision.FLOOD) != (copies != null)) {
				throw new IllegalArgumentException("a bridge step lists its copies exactly when it floods");
			}
			if (copies != null) {
				copies = List.copyOf(copies);
				long followed = copies.stream().filter(c -> c.fate() == FloodCopy.Fate.FOLLOWED).count();
				if (followed != (outPort == null ? 0 : 1) || (outPort != null && copies.stream()
					.noneMatch(c -> c.fate() == FloodCopy.Fate.FOLLOWED && c.port().equals(outPort)))) {
					throw new IllegalArgumentException(
							"a flood's walk follows the copy out of its outPort, and only that one");
				}
			}
		}
	}

	/**
	 * One table's traversal at one hook, with every rule that matched (in order), the
	 * verdict, and the whole walk: every rule tested in order, returns from user chains
	 * and the policy.
	 */
	@JsonTypeName("netfilter")
	record Netfilter(Place at, Packet packet, String narration, Table table, Hook hook, List<RuleMatch> matched,
			String verdict, int rulesEvaluated, List<RuleWalk> walk) implements Step {
		/**
		 * The iptables table (lower case in the JSON, as {@code iptables -t} names it).
		 */
		public enum Table {

			@JsonProperty("raw")
			RAW, @JsonProperty("mangle")
			MANGLE, @JsonProperty("nat")
			NAT, @JsonProperty("filter")
			FILTER

		}

		/** The netfilter hook, by its built-in chain's name. */
		public enum Hook {

			PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING

		}

		public Netfilter {
			check(at, packet, narration);
			matched = List.copyOf(matched);
			walk = List.copyOf(walk);
		}
	}

	/**
	 * One nftables base chain's traversal at one hook (kube-proxy's nftables mode): every
	 * rule that matched (in nft list syntax), every set and map lookup with the element
	 * it found, every {@code numgen} draw, and the verdict.
	 *
	 * @param table the table, {@code ip kube-proxy}
	 * @param chain the base chain ({@code nat-prerouting})
	 * @param chainType {@code filter} or {@code nat}
	 * @param priority the base chain's priority (lower runs first; iptables' tables sit
	 * at -300, -150, -100, 0, +100)
	 * @param lookups the set and verdict-map lookups, in order
	 * @param draws the {@code numgen random mod N} draws, in order
	 * @param walk the whole traversal, as {@link Netfilter#walk()}: every rule tested in
	 * order (runs of misses as {@code skipped}, a rule whose lookup found nothing or that
	 * matched on its own with its {@code lookup} and {@code numgen}), returns from chains
	 * jumped to, and the policy
	 */
	@JsonTypeName("nftables")
	record Nftables(Place at, Packet packet, String narration, String table, String chain, String chainType,
			Netfilter.Hook hook, int priority, List<RuleMatch> matched, List<Lookup> lookups, List<Draw> draws,
			String verdict, int rulesEvaluated, List<RuleWalk> walk) implements Step {

		/**
		 * A set or map lookup.
		 *
		 * @param set the set or map ({@code service-ips})
		 * @param key the key looked up ({@code 10.96.0.10 . tcp . 80})
		 * @param element the element found, as nft lists it
		 * ({@code 10.96.0.10 . tcp . 80 : goto service-…}), or null
		 */
		public record Lookup(String set, String key, String element) {
		}

		/**
		 * A {@code numgen random mod N} draw.
		 *
		 * @param mod N
		 * @param value the value drawn, 0..N-1
		 * @param verdict the verdict of that element ({@code goto endpoint-…})
		 */
		public record Draw(int mod, int value, String verdict) {
		}

		public Nftables {
			check(at, packet, narration);
			matched = List.copyOf(matched);
			lookups = List.copyOf(lookups);
			draws = List.copyOf(draws);
			walk = List.copyOf(walk);
		}
	}

	/**
	 * A connection-tracking lookup: a new entry, or an existing one in the original or
	 * reply direction.
	 */
	@JsonTypeName("conntrack")
	record Conntrack(Place at, Packet packet, String narration, State state, String entry) implements Step {
		public enum State {

			NEW, ESTABLISHED, REPLY

		}

		public Conntrack {
			check(at, packet, narration);
		}
	}

	/**
	 * An address or port rewrite. Carries at least one diff.
	 *
	 * @param rule the iptables-save rule that decided (a new connection), the conntrack
	 * entry (an existing one), or the IPVS virtual server
	 * @param comment the deciding rule's {@code --comment}, or null
	 */
	@JsonTypeName("nat")
	record Nat(Place at, Packet packet, String narration, Kind kind, List<FieldDiff> diffs, String rule,
			String comment) implements Step {
		public enum Kind {

			DNAT, SNAT, MASQUERADE, UN_DNAT, UN_SNAT

		}

		public Nat {
			check(at, packet, narration);
			diffs = List.copyOf(diffs);
			if (diffs.isEmpty()) {
				throw new IllegalArgumentException("a NAT step must carry at least one field diff");
			}
		}
	}

	/** The namespace forwards the packet (ip_forward=1): the TTL drops by one. */
	@JsonTypeName("forward")
	record Forward(Place at, Packet packet, String narration, List<FieldDiff> diffs) implements Step {
		public Forward {
			check(at, packet, narration);
			diffs = List.copyOf(diffs);
		}
	}

	/**
	 * A VXLAN device wraps the frame: outer Ethernet / IP / UDP / VXLAN around the
	 * untouched inner frame.
	 */
	@JsonTypeName("encapsulate")
	record Encapsulate(Place at, Packet packet, String narration, String device, int vni,
			String fdbEntry) implements Step {
		public Encapsulate {
			check(at, packet, narration);
		}
	}

	/** The receiving VXLAN device unwraps the frame. */
	@JsonTypeName("decapsulate")
	record Decapsulate(Place at, Packet packet, String narration, String device, int vni) implements Step {
		public Decapsulate {
			check(at, packet, narration);
		}
	}

	/**
	 * A NetworkPolicy verdict for one direction of a new connection, where the network
	 * plugin enforces it (the node, between the pod's veth and the rest of the datapath):
	 * whether the pod is isolated, by which policies, and the rule that allowed it (or
	 * why none did).
	 *
	 * @param direction {@code EGRESS} (the sending pod's policies) or {@code INGRESS}
	 * (the receiving pod's)
	 * @param pod the pod whose policies apply, {@code namespace/name}
	 * @param isolatedBy the policies that select the pod for this direction (empty: not
	 * isolated)
	 * @param rule the rule that allowed the connection, or the reason nothing did
	 */
	@JsonTypeName("policy")
	record Policy(Place at, Packet packet, String narration, Direction direction, String pod, boolean allowed,
			List<String> isolatedBy, String rule) implements Step {
		/**
		 * Whose policies: the sending pod's ({@code EGRESS}) or the receiving pod's
		 * ({@code INGRESS}).
		 */
		public enum Direction {

			EGRESS, INGRESS

		}

		public Policy {
			check(at, packet, narration);
			isolatedBy = List.copyOf(isolatedBy);
		}
	}

	/**
	 * IPVS (kube-proxy's IPVS mode) takes a packet for a virtual server at LOCAL_IN: the
	 * scheduler picks a real server and the packet is rewritten to it (masquerading
	 * forwarding).
	 *
	 * @param virtualServer the virtual service as {@code ipvsadm -Ln} prints it, e.g.
	 * {@code TCP 10.96.0.50:80 rr}
	 * @param realServers the real servers in ipvsadm's order
	 * @param chosen the real server the scheduler picked, {@code ip:port}
	 */
	@JsonTypeName("ipvs")
	record Ipvs(Place at, Packet packet, String narration, String virtualServer, String scheduler,
			List<String> realServers, String chosen) implements Step {
		public Ipvs {
			check(at, packet, narration);
			realServers = List.copyOf(realServers);
		}
	}

	/** The packet reaches a listening socket. Ends a walk as DELIVERED. */
	@JsonTypeName("deliver")
	record Deliver(Place at, Packet packet, String narration, String socket) implements Step {
		public Deliver {
			check(at, packet, narration);
		}
	}

	/** The packet dies here. Ends a walk as DROPPED with the same reason. */
	@JsonTypeName("drop")
	record Drop(Place at, Packet packet, String narration, DropReason reason, String icmp) implements Step {
		public Drop {
			check(at, packet, narration);
			if (reason == null) {
				throw new IllegalArgumentException("every drop has a reason");
			}
		}
	}

	/**
	 * One action of a pod's network setup (CNI ADD) or teardown (CNI DEL), in the order
	 * the container runtime and the {@code bridge} and {@code host-local} plugins perform
	 * it.
	 *
	 * @param pod the pod ({@code namespace/name})
	 * @param command CNI's command: {@code ADD} or {@code DEL}
	 * @param action what happens (below)
	 * @param plugin who does it: {@code runtime} (the container runtime, for kubelet),
	 * {@code bridge} or {@code host-local}
	 * @param equivalent the same action as an {@code ip} (or shell) command on the node
	 * @param details lines of evidence (the IPAM range and the address picked, the
	 * hairpin setting, ...)
	 * @param creates the devices that exist from this step on, as
	 * {@code namespace/device} (the namespace alone for a new network namespace)
	 * @param removes the devices (or namespace) that are gone from this step on
	 */
	@JsonTypeName("cni")
	record Cni(Place at, Packet packet, String narration, String pod, String command, Action action, String plugin,
			String equivalent, List<String> details, List<String> creates, List<String> removes) implements Step {
		/** The actions of CNI ADD and DEL. */
		public enum Action {

			/**
			 * The runtime starts the pause container, which holds a new network
			 * namespace.
			 */
			SANDBOX,
			/**
			 * A veth pair is created inside the pod's namespace: {@code eth0} and its
			 * peer.
			 */
			VETH,
			/** The peer is moved to the node's root namespace (and set up there). */
			MOVE,
			/**
			 * The host end becomes a port of the bridge (with hairpin mode as
			 * configured).
			 */
			ATTACH,
			/** host-local IPAM reserves the next free address of the node's range. */
			IPAM,
			/** The address is set on {@code eth0}. */
			ADDRESS,
			/** {@code eth0} is brought up. */
			UP,
			/** The default route via the bridge's address. */
			ROUTE,
			/** host-local releases the pod's address. */
			RELEASE,
			/**
			 * Deleting {@code eth0} deletes the pair; the bridge forgets the port and its
			 * learned MACs.
			 */
			UNPLUG,
			/** The pause container stops and the namespace is deleted. */
			TEARDOWN

		}

		public Cni {
			checkControl(at, packet, narration);
			if (pod == null || !("ADD".equals(command) || "DEL".equals(command)) || action == null || plugin == null) {
				throw new IllegalArgumentException("a CNI step names its pod, ADD or DEL, its action and its plugin");
			}
			details = List.copyOf(details);
			creates = List.copyOf(creates);
			removes = List.copyOf(removes);
		}
	}

	/**
	 * The EndpointSlice controller rewrites a Service's slice: endpoints added, removed
	 * or marked (not) ready.
	 *
	 * @param service the Service ({@code namespace/name})
	 * @param slice the EndpointSlice's name
	 * @param diff the slice's YAML as a unified diff: lines starting with {@code "+ "},
	 * {@code "- "} or {@code "  "}
	 * @param ready the ready endpoints' addresses after the change
	 */
	@JsonTypeName("endpoints")
	record EndpointsUpdate(Place at, Packet packet, String narration, String service, String slice, List<String> diff,
			List<String> ready) implements Step {
		public EndpointsUpdate {
			checkControl(at, packet, narration);
			diff = List.copyOf(diff);
			ready = List.copyOf(ready);
		}
	}

	/**
	 * kube-proxy on one node sees the change and rewrites the node's rules (one
	 * {@code iptables-restore}); UDP connections to endpoints that are gone are deleted
	 * from conntrack.
	 *
	 * @param node the node
	 * @param mode the proxy mode ({@code iptables}, {@code ipvs})
	 * @param diff the rules as a diff of {@code iptables-save} (or {@code ipvsadm -Ln}):
	 * {@code "+ "}, {@code "- "} lines, with {@code "@@ "} lines naming the chain
	 * @param ladder per Service port, its new probability ladder, e.g.
	 * {@code default/web:http 1/3 1/2 1}
	 * @param conntrackDeleted the conntrack entries kube-proxy deleted
	 * ({@code conntrack -D}), as {@code conntrack -L} printed them
	 */
	@JsonTypeName("proxy-sync")
	record ProxySync(Place at, Packet packet, String narration, String node, String mode, List<String> diff,
			List<String> ladder, List<String> conntrackDeleted) implements Step {
		public ProxySync {
			checkControl(at, packet, narration);
			diff = List.copyOf(diff);
			ladder = List.copyOf(ladder);
			conntrackDeleted = List.copyOf(conntrackDeleted);
		}

		/**
		 * The same step with the conntrack entries the engine deleted when it applied the
		 * change.
		 */
		public ProxySync withConntrackDeleted(List<String> deleted) {
			return new ProxySync(at, packet, narration + (deleted.isEmpty() ? ""
					: " It deletes " + deleted.size() + " UDP conntrack " + (deleted.size() == 1 ? "entry" : "entries")
							+ " whose endpoint is gone, so the next datagram is balanced again."),
					node, mode, diff, ladder, deleted);
		}
	}

	/**
	 * A node joins, or a node agent writes what it needs for one that joined: flanneld's
	 * neighbour (ARP), FDB and route entries for the new node's subnet lease.
	 *
	 * @param node the node whose state changes
	 * @param agent who writes it ({@code kubelet}, {@code flanneld})
	 * @param diff the node's entries as {@code ip route} / {@code ip neigh} /
	 * {@code bridge fdb} lines, {@code "+ "} or {@code "- "}
	 * @param creates what exists from this step on ({@code namespace} or
	 * {@code namespace/device}), like {@link Cni}
	 * @param removes what is gone from this step on (a node that leaves, its pods, the
	 * underlay's port for it), like {@link Cni}
	 */
	@JsonTypeName("node-sync")
	record NodeSync(Place at, Packet packet, String narration, String node, String agent, List<String> diff,
			List<String> creates, List<String> removes) implements Step {
		public NodeSync {
			checkControl(at, packet, narration);
			diff = List.copyOf(diff);
			creates = List.copyOf(creates);
			removes = List.copyOf(removes);
		}
	}

	/**
	 * Time passes (a timeline's {@code wait}): what timed out in one namespace, or, at
	 * the control plane, that nothing did.
	 *
	 * @param seconds how long
	 * @param conntrackExpired the conntrack entries that timed out, as
	 * {@code conntrack -L} printed them
	 * @param affinityExpired the session-affinity entries that expired: an
	 * {@code -m recent} list's address past the rule's {@code --seconds}, or an nftables
	 * affinity set element whose timeout ran out
	 */
	@JsonTypeName("wait")
	record Wait(Place at, Packet packet, String narration, long seconds, List<String> conntrackExpired,
			List<String> affinityExpired) implements Step {
		public Wait {
			checkControl(at, packet, narration);
			if (seconds < 0) {
				throw new IllegalArgumentException("a wait is not negative");
			}
			conntrackExpired = List.copyOf(conntrackExpired);
			affinityExpired = List.copyOf(affinityExpired);
		}
	}

}

package dev.packetwalk.trace;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.packetwalk.packet.Packet;

/**
 * One thing that happened to the packet, at one place. Every step carries the packet as it is <em>after</em> the
 * step, so any step renders on its own (seeking is instant), and one sentence of narration.
 * <p>
 * The JSON discriminator {@code type} is part of the trace contract (docs/api.md): each record declares it once with
 * {@link JsonTypeName}; never rename a type.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(Step.Send.class),
		@JsonSubTypes.Type(Step.RouteLookup.class),
		@JsonSubTypes.Type(Step.NeighborLookup.class),
		@JsonSubTypes.Type(Step.Transmit.class),
		@JsonSubTypes.Type(Step.Receive.class),
		@JsonSubTypes.Type(Step.BridgeForward.class),
		@JsonSubTypes.Type(Step.Netfilter.class),
		@JsonSubTypes.Type(Step.Conntrack.class),
		@JsonSubTypes.Type(Step.Nat.class),
		@JsonSubTypes.Type(Step.Forward.class),
		@JsonSubTypes.Type(Step.Encapsulate.class),
		@JsonSubTypes.Type(Step.Decapsulate.class),
		@JsonSubTypes.Type(Step.Policy.class),
		@JsonSubTypes.Type(Step.Ipvs.class),
		@JsonSubTypes.Type(Step.Deliver.class),
		@JsonSubTypes.Type(Step.Drop.class) })
public sealed interface Step {

	Place at();

	Packet packet();

	String narration();

	/** The step's {@code type} in the trace JSON, as its record's {@link JsonTypeName} declares it. */
	static String typeName(Step step) {
		return StepTypeNames.NAMES.get(step.getClass());
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
	 * The namespace's routing decision: the table as {@code ip route} prints it, the line that matched (longest prefix,
	 * then lowest metric), and what it decided.
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

	/** Resolving the next hop's MAC address: a cache hit, a permanent entry, or an ARP who-has / is-at exchange. */
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

	/** The packet leaves a device toward its peer (the other end of a veth pair, the wire, the tunnel). */
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
	 * A Linux bridge decides where the frame goes: a learned FDB entry, a flood, or up to the bridge's own stack; or,
	 * for br_netfilter's bridged DNAT to a neighbour without a cached header, out through the bridge device itself and
	 * back in ({@link Decision#NEIGH_OUTPUT}).
	 */
	@JsonTypeName("bridge")
	record BridgeForward(Place at, Packet packet, String narration, String bridge, String inPort, String outPort,
			Decision decision, List<String> fdb) implements Step {
		public enum Decision {
			FDB_HIT, FLOOD, LOCAL,
			/**
			 * Bridged DNAT, first frame to a just-resolved neighbour: the neighbour layer transmits it on the bridge
			 * device (with the bridge's MAC as source), and the bridge's transmit hook restores the source MAC and
			 * returns it to the bridge as if it had arrived on {@code inPort}.
			 */
			NEIGH_OUTPUT
		}

		public BridgeForward {
			check(at, packet, narration);
			fdb = List.copyOf(fdb);
		}
	}

	/**
	 * One table's traversal at one hook, with every rule that matched (in order), the verdict, and the whole walk: every
	 * rule tested in order, returns from user chains and the policy.
	 */
	@JsonTypeName("netfilter")
	record Netfilter(Place at, Packet packet, String narration, Table table, Hook hook, List<RuleMatch> matched,
			String verdict, int rulesEvaluated, List<RuleWalk> walk) implements Step {
		/** The iptables table (lower case in the JSON, as {@code iptables -t} names it). */
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

	/** A connection-tracking lookup: a new entry, or an existing one in the original or reply direction. */
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
	 * @param rule the iptables-save rule that decided (a new connection), the conntrack entry (an existing one), or
	 *        the IPVS virtual server
	 * @param comment the deciding rule's {@code --comment}, or null
	 */
	@JsonTypeName("nat")
	record Nat(Place at, Packet packet, String narration, Kind kind, List<FieldDiff> diffs, String rule, String comment)
			implements Step {
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

	/** A VXLAN device wraps the frame: outer Ethernet / IP / UDP / VXLAN around the untouched inner frame. */
	@JsonTypeName("encapsulate")
	record Encapsulate(Place at, Packet packet, String narration, String device, int vni, String fdbEntry)
			implements Step {
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
	 * A NetworkPolicy verdict for one direction of a new connection, where the network plugin enforces it (the node,
	 * between the pod's veth and the rest of the datapath): whether the pod is isolated, by which policies, and the
	 * rule that allowed it (or why none did).
	 *
	 * @param direction {@code EGRESS} (the sending pod's policies) or {@code INGRESS} (the receiving pod's)
	 * @param pod the pod whose policies apply, {@code namespace/name}
	 * @param isolatedBy the policies that select the pod for this direction (empty: not isolated)
	 * @param rule the rule that allowed the connection, or the reason nothing did
	 */
	@JsonTypeName("policy")
	record Policy(Place at, Packet packet, String narration, Direction direction, String pod, boolean allowed,
			List<String> isolatedBy, String rule) implements Step {
		/** Whose policies: the sending pod's ({@code EGRESS}) or the receiving pod's ({@code INGRESS}). */
		public enum Direction {
			EGRESS, INGRESS
		}

		public Policy {
			check(at, packet, narration);
			isolatedBy = List.copyOf(isolatedBy);
		}
	}

	/**
	 * IPVS (kube-proxy's IPVS mode) takes a packet for a virtual server at LOCAL_IN: the scheduler picks a real server
	 * and the packet is rewritten to it (masquerading forwarding).
	 *
	 * @param virtualServer the virtual service as {@code ipvsadm -Ln} prints it, e.g. {@code TCP 10.96.0.50:80 rr}
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

}

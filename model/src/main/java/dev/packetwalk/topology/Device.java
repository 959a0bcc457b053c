package dev.packetwalk.topology;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;
import dev.packetwalk.net.Mac;

/** A network device inside one namespace. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({ @JsonSubTypes.Type(value = Device.Loopback.class, name = "loopback"),
		@JsonSubTypes.Type(value = Device.Veth.class, name = "veth"),
		@JsonSubTypes.Type(value = Device.Bridge.class, name = "bridge"),
		@JsonSubTypes.Type(value = Device.Physical.class, name = "physical"),
		@JsonSubTypes.Type(value = Device.Dummy.class, name = "dummy"),
		@JsonSubTypes.Type(value = Device.Vxlan.class, name = "vxlan") })
public sealed interface Device {

	String name();

	Mac mac();

	int mtu();

	/** Addresses with their prefix length, as {@code ip addr} shows them. */
	List<Cidr> addresses();

	/** The bridge this device is a port of, or null. */
	String master();

	/** The far end of a veth or a NIC's cable, or null for a device without one. */
	static Endpoint peerOf(Device d) {
		return switch (d) {
			case Veth v -> v.peer();
			case Physical p -> p.peer();
			case Loopback l -> null;
			case Bridge b -> null;
			case Dummy du -> null;
			case Vxlan x -> null;
		};
	}

	default boolean owns(Ip ip) {
		for (Cidr c : addresses()) {
			if (c.address().equals(ip)) {
				return true;
			}
		}
		return false;
	}

	private static void check(String name, int mtu) {
		if (name == null || name.isBlank() || name.length() > 15) {
			throw new IllegalArgumentException("a device name is 1..15 characters (IFNAMSIZ), was '" + name + "'");
		}
		if (mtu < 68 || mtu > 65536) {
			throw new IllegalArgumentException("MTU of " + name + " must be 68..65536, was " + mtu);
		}
	}

	/** {@code lo}: packets sent to a local address loop back into the same namespace. */
	record Loopback(String name, Mac mac, int mtu, List<Cidr> addresses, String master) implements Device {
		public Loopback {
			check(name, mtu);
			addresses = List.copyOf(addresses);
		}
	}

	/**
	 * One end of a veth pair; what is sent here is received on the peer, which may live
	 * in another namespace.
	 *
	 * @param hairpin the bridge port's {@code hairpin_mode}
	 * ({@code bridge link set dev <veth> hairpin on}, what kubelet's
	 * {@code --hairpin-mode=hairpin-veth} and the CNI bridge plugin's
	 * {@code hairpinMode: true} set): the bridge may send a frame back out of the port it
	 * came in by. Only for a bridge port.
	 */
	record Veth(String name, Mac mac, int mtu, List<Cidr> addresses, String master, Endpoint peer,
			boolean hairpin) implements Device {
		public Veth {
			check(name, mtu);
			addresses = List.copyOf(addresses);
			if (peer == null) {
				throw new IllegalArgumentException("veth " + name + " needs a peer");
			}
			if (hairpin && master == null) {
				throw new IllegalArgumentException(
						"veth " + name + ": hairpin mode is a bridge port's flag, and it is no" + " bridge's port");
			}
		}

		/** A veth without hairpin mode. */
		public Veth(String name, Mac mac, int mtu, List<Cidr> addresses, String master, Endpoint peer) {
			this(name, mac, mtu, addresses, master, peer, false);
		}
	}

	/**
	 * A Linux bridge: a learning switch whose own address makes it an L3 interface of its
	 * namespace.
	 */
	record Bridge(String name, Mac mac, int mtu, List<Cidr> addresses, String master) implements Device {
		public Bridge {
			check(name, mtu);
			addresses = List.copyOf(addresses);
		}
	}

	/**
	 * A NIC (the node's uplink, {@code eth0}/{@code ens4}) cabled to a port of an
	 * underlay network.
	 */
	record Physical(String name, Mac mac, int mtu, List<Cidr> addresses, String master,
			Endpoint peer) implements Device {
		public Physical {
			check(name, mtu);
			addresses = List.copyOf(addresses);
			if (peer == null) {
				throw new IllegalArgumentException("NIC " + name + " must be attached to a network");
			}
		}
	}

	/** A dummy device: holds addresses (e.g. {@code kube-ipvs0}) and never transmits. */
	record Dummy(String name, Mac mac, int mtu, List<Cidr> addresses, String master) implements Device {
		public Dummy {
			check(name, mtu);
			addresses = List.copyOf(addresses);
		}
	}

	/**
	 * A VXLAN device ({@code flannel.1}): frames routed to it are wrapped in UDP to the
	 * remote VTEP its FDB names.
	 *
	 * @param vni the VXLAN network identifier
	 * @param port the UDP destination port (Linux default 8472)
	 * @param local the underlay address used as outer source
	 * @param underlay the device the outer packets leave by
	 * @param fdb MAC to remote VTEP address entries ({@code bridge fdb ... dst})
	 */
	record Vxlan(String name, Mac mac, int mtu, List<Cidr> addresses, String master, int vni, int port, Ip local,
			String underlay, List<FdbEntry> fdb) implements Device {
		public Vxlan {
			check(name, mtu);
			addresses = List.copyOf(addresses);
			fdb = List.copyOf(fdb);
			if (vni < 0 || vni > 0xffffff) {
				throw new IllegalArgumentException("VNI of " + name + " is 24 bits");
			}
		}
	}

	/** {@code <mac> dev flannel.1 dst <ip> self permanent} */
	record FdbEntry(Mac mac, Ip dst) {
	}

	/** The far end of a link: a device in a namespace. */
	record Endpoint(String namespace, String device) {
		public Endpoint {
			if (namespace == null || device == null) {
				throw new IllegalArgumentException("a link endpoint names a namespace and a device");
			}
		}
	}

}

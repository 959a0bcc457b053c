package dev.packetwalk.topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.packetwalk.net.Mac;

/**
 * Every namespace of a scenario and the links between them. Checked when built: link ends
 * exist and point back at each other, bridge ports name real bridges, MAC addresses are
 * unique.
 */
public record Topology(List<Namespace> namespaces) {

	public Topology {
		namespaces = List.copyOf(namespaces);
		Map<String, Namespace> byId = new java.util.HashMap<>();
		for (Namespace ns : namespaces) {
			if (byId.put(ns.id(), ns) != null) {
				throw new IllegalArgumentException("two namespaces have the id " + ns.id());
			}
		}
		// each namespace's devices by name: a node has a veth per pod and the VPC router
		// a port per node, so
		// looking masters and peers up by scanning the device lists would be quadratic in
		// a large cluster
		Map<String, Map<String, Device>> devicesByNs = new java.util.HashMap<>();
		for (Namespace ns : namespaces) {
			Map<String, Device> byName = new java.util.HashMap<>();
			for (Device d : ns.devices()) {
				byName.putIfAbsent(d.name(), d);
			}
			devicesByNs.put(ns.id(), byName);
		}
		Map<Mac, String> macs = new java.util.HashMap<>();
		for (Namespace ns : namespaces) {
			Map<String, Device> own = devicesByNs.get(ns.id());
			for (Device d : ns.devices()) {
				if (!(d instanceof Device.Loopback) && !(d instanceof Device.Dummy)) {
					String prev = macs.put(d.mac(), ns.id() + "/" + d.name());
					if (prev != null) {
						throw new IllegalArgumentException(
								"MAC " + d.mac() + " is used by both " + prev + " and " + ns.id() + "/" + d.name());
					}
				}
				if (d.master() != null && !(own.get(d.master()) instanceof Device.Bridge)) {
					throw new IllegalArgumentException(ns.id() + "/" + d.name() + " names master " + d.master()
							+ ", which is not a bridge in that namespace");
				}
				Device.Endpoint peer = Device.peerOf(d);
				if (peer != null) {
					Map<String, Device> other = devicesByNs.get(peer.namespace());
					Device od = other == null ? null : other.get(peer.device());
					if (od == null) {
						throw new IllegalArgumentException(ns.id() + "/" + d.name() + " is linked to "
								+ peer.namespace() + "/" + peer.device() + ", which does not exist");
					}
					Device.Endpoint back = Device.peerOf(od);
					if (back == null || !back.namespace().equals(ns.id()) || !back.device().equals(d.name())) {
						throw new IllegalArgumentException("link " + ns.id() + "/" + d.name() + " ↔ " + peer.namespace()
								+ "/" + peer.device() + " is not symmetric");
					}
				}
			}
		}
	}

	public Namespace namespace(String id) {
		for (Namespace ns : namespaces) {
			if (ns.id().equals(id)) {
				return ns;
			}
		}
		return null;
	}

}

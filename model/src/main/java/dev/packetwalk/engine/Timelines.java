package dev.packetwalk.engine;

import java.util.ArrayList;
import java.util.List;

import dev.packetwalk.topology.Device;
import dev.packetwalk.topology.Namespace;

/** Helpers for scenarios whose cluster changes. */
final class Timelines {

	private Timelines() {
	}

	/**
	 * The namespace as last seen, keeping the devices an earlier version had and the
	 * later one no longer has.
	 */
	static Namespace union(Namespace before, Namespace after) {
		List<Device> devices = new ArrayList<>(after.devices());
		for (Device d : before.devices()) {
			if (after.devices().stream().noneMatch(x -> x.name().equals(d.name()))) {
				devices.add(d);
			}
		}
		return new Namespace(after.id(), after.node(), after.kind(), after.label(), devices, after.routes(),
				after.neighbors(), after.iptables(), after.ipForward(), after.bridgeNfCallIptables(),
				after.listeners());
	}

}

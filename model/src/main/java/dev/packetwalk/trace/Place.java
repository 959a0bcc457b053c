package dev.packetwalk.trace;

/**
 * Where a step happened: the cluster node (or outside element) that owns the namespace,
 * the network namespace, and the device when the step is tied to one.
 *
 * @param node the node or outside element id, e.g. {@code node1}, {@code vpc},
 * {@code internet}
 * @param namespace the network namespace id, e.g. {@code node1} (root namespace) or
 * {@code node1/pod1}
 * @param device the device name inside that namespace, or null
 */
public record Place(String node, String namespace, String device) {

	public Place {
		if (node == null || node.isBlank() || namespace == null || namespace.isBlank()) {
			throw new IllegalArgumentException("a place names its node and namespace");
		}
	}

	public Place at(String dev) {
		return new Place(node, namespace, dev);
	}

	@Override
	public String toString() {
		return namespace + (device == null ? "" : "/" + device);
	}

}

package dev.packetwalk.kubeproxy;

import java.util.regex.Pattern;

/**
 * A Service's namespace and name; the key endpoints are looked up by. Prints as
 * {@code ns/name}.
 */
public record ServiceRef(String namespace, String name) implements Comparable<ServiceRef> {

	private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

	public ServiceRef {
		requireDnsLabel("namespace", namespace);
		requireDnsLabel("service name", name);
	}

	public static ServiceRef of(String namespace, String name) {
		return new ServiceRef(namespace, name);
	}

	static void requireDnsLabel(String what, String value) {
		if (value == null || !DNS_LABEL.matcher(value).matches()) {
			throw new IllegalArgumentException(
					what + " must be a DNS label (RFC 1123: a-z, 0-9, '-', at most 63), was '" + value + "'");
		}
	}

	@Override
	public int compareTo(ServiceRef o) {
		int c = namespace.compareTo(o.namespace);
		return c != 0 ? c : name.compareTo(o.name);
	}

	@Override
	public String toString() {
		return namespace + "/" + name;
	}

}

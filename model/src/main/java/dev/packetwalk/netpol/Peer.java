package dev.packetwalk.netpol;

import java.util.List;

import dev.packetwalk.net.Cidr;
import dev.packetwalk.net.Ip;

/**
 * One entry of a rule's {@code from}/{@code to} list. The API's four legal shapes, one
 * record each: a podSelector alone (pods of the policy's own namespace), a
 * namespaceSelector alone (every pod of the matching namespaces), both in one entry
 * (AND), or an ipBlock alone.
 */
public sealed interface Peer {

	/** {@code podSelector} alone: pods in the policy's own namespace. */
	record Pods(Selector pods) implements Peer {

		public Pods {
			if (pods == null) {
				throw new IllegalArgumentException("a podSelector peer needs a selector");
			}
		}

		@Override
		public String toString() {
			return "podSelector " + pods;
		}

	}

	/** {@code namespaceSelector} alone: every pod in the matching namespaces. */
	record Namespaces(Selector namespaces) implements Peer {

		public Namespaces {
			if (namespaces == null) {
				throw new IllegalArgumentException("a namespaceSelector peer needs a selector");
			}
		}

		@Override
		public String toString() {
			return "namespaceSelector " + namespaces;
		}

	}

	/**
	 * {@code namespaceSelector} and {@code podSelector} in the same entry: both must
	 * match (AND).
	 */
	record PodsInNamespaces(Selector namespaces, Selector pods) implements Peer {

		public PodsInNamespaces {
			if (namespaces == null || pods == null) {
				throw new IllegalArgumentException("a namespaceSelector+podSelector peer needs both selectors");
			}
		}

		@Override
		public String toString() {
			return "namespaceSelector " + namespaces + " and podSelector " + pods;
		}

	}

	/**
	 * {@code ipBlock}: {@code cidr} minus every {@code except}; each except must lie
	 * strictly inside cidr.
	 */
	record IpBlock(Cidr cidr, List<Cidr> except) implements Peer {

		public IpBlock {
			if (cidr == null) {
				throw new IllegalArgumentException("an ipBlock needs a cidr");
			}
			except = List.copyOf(except == null ? List.of() : except);
			for (Cidr e : except) {
				if (!(cidr.contains(e) && e.prefix() > cidr.prefix())) {
					throw new IllegalArgumentException(
							"ipBlock except " + e + " must be a strict subset of cidr " + cidr);
				}
			}
		}

		public boolean contains(Ip ip) {
			return cidr.contains(ip) && except.stream().noneMatch(e -> e.contains(ip));
		}

		/** The except entry that removes {@code ip}, or null. */
		Cidr excepting(Ip ip) {
			return except.stream().filter(e -> e.contains(ip)).findFirst().orElse(null);
		}

		@Override
		public String toString() {
			return "ipBlock " + cidr + (except.isEmpty() ? ""
					: " except " + String.join(", ", except.stream().map(Cidr::toString).toList()));
		}

	}

}

package dev.packetwalk.netpol;

import java.util.regex.Pattern;

/**
 * One entry of a rule's {@code ports} list: a protocol (default TCP) and either every
 * port, a number or inclusive range ({@code port}..{@code endPort}), or a named container
 * port.
 */
public record PolicyPort(PolicyProtocol protocol, Target target) {

	private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

	public PolicyPort {
		if (protocol == null || target == null) {
			throw new IllegalArgumentException("a policy port needs a protocol and a target");
		}
	}

	public static PolicyPort number(PolicyProtocol protocol, int port) {
		return new PolicyPort(protocol, new Target.Range(port, port));
	}

	public static PolicyPort range(PolicyProtocol protocol, int port, int endPort) {
		return new PolicyPort(protocol, new Target.Range(port, endPort));
	}

	public static PolicyPort named(PolicyProtocol protocol, String name) {
		return new PolicyPort(protocol, new Target.Named(name));
	}

	public static PolicyPort all(PolicyProtocol protocol) {
		return new PolicyPort(protocol, new Target.AllPorts());
	}

	/** What the {@code port}/{@code endPort} fields select. */
	public sealed interface Target {

		/** No {@code port}: every port of the protocol. */
		record AllPorts() implements Target {
		}

		/**
		 * A numeric port, or with {@code endPort} an inclusive range; needs 1 ≤ port ≤
		 * endPort ≤ 65535.
		 */
		record Range(int port, int endPort) implements Target {

			public Range {
				if (port < 1 || port > 65535) {
					throw new IllegalArgumentException("port must be 1..65535, was " + port);
				}
				if (endPort < port) {
					throw new IllegalArgumentException(
							"endPort must be greater than or equal to port (" + endPort + " < " + port + ")");
				}
				if (endPort > 65535) {
					throw new IllegalArgumentException("endPort must be at most 65535, was " + endPort);
				}
			}

			public boolean contains(int p) {
				return p >= port && p <= endPort;
			}

		}

		/**
		 * A container port name (IANA service name: 1-15 lower-case letters, digits and
		 * '-', at least one letter).
		 */
		record Named(String name) implements Target {

			public Named {
				if (name == null || name.isEmpty() || name.length() > 15 || !PORT_NAME.matcher(name).matches()
						|| name.contains("--") || name.chars().noneMatch(Character::isLetter)) {
					throw new IllegalArgumentException("'" + name
							+ "' is not a valid port name (1-15 lower-case letters, digits and '-', with at least one letter)");
				}
			}

		}

	}

	/**
	 * {@code 80/TCP}, {@code 32000-32768/TCP}, {@code serve-80-tcp/TCP}, {@code all/UDP}.
	 */
	@Override
	public String toString() {
		String p = switch (target) {
			case Target.AllPorts a -> "all ports";
			case Target.Range r when r.port() == r.endPort() -> Integer.toString(r.port());
			case Target.Range r -> r.port() + "-" + r.endPort();
			case Target.Named n -> n.name();
		};
		return p + "/" + protocol;
	}

}

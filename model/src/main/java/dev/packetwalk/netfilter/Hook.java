package dev.packetwalk.netfilter;

/**
 * The five netfilter IPv4 hooks; each table's built-in chain at a hook carries the hook's
 * name.
 */
public enum Hook {

	PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING;

	/** The built-in chain name ({@code PREROUTING}, …). */
	public String chainName() {
		return name();
	}

	/**
	 * Whether {@code -i} (an input device) exists at this hook: not at OUTPUT or
	 * POSTROUTING.
	 */
	public boolean hasInDevice() {
		return this != OUTPUT && this != POSTROUTING;
	}

	/**
	 * Whether {@code -o} (an output device) exists at this hook: not at PREROUTING or
	 * INPUT.
	 */
	public boolean hasOutDevice() {
		return this != PREROUTING && this != INPUT;
	}

	/** The hook whose built-in chain has this name, or null for a user chain name. */
	public static Hook ofChainName(String name) {
		return name == null ? null : switch (name) {
			case "PREROUTING" -> PREROUTING;
			case "INPUT" -> INPUT;
			case "FORWARD" -> FORWARD;
			case "OUTPUT" -> OUTPUT;
			case "POSTROUTING" -> POSTROUTING;
			default -> null;
		};
	}

}

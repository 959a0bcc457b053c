package dev.packetwalk.netfilter;

/** The conntrack state of a packet, as {@code -m conntrack --ctstate} sees it. */
public enum CtState {

	NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED;

	CtStateBit bit() {
		return switch (this) {
			case NEW -> CtStateBit.NEW;
			case ESTABLISHED -> CtStateBit.ESTABLISHED;
			case RELATED -> CtStateBit.RELATED;
			case INVALID -> CtStateBit.INVALID;
			case UNTRACKED -> CtStateBit.UNTRACKED;
		};
	}

}

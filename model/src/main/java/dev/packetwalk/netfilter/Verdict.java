package dev.packetwalk.netfilter;

/** How a table traversal ended for the packet. */
public sealed interface Verdict permits Verdict.Accept, Verdict.Drop, Verdict.Reject {

	Accept ACCEPT = new Accept();

	Drop DROP = new Drop();

	/** The packet goes on (NF_ACCEPT): to the next table at this hook, or onwards. */
	record Accept() implements Verdict {
	}

	/** The packet is dropped silently. */
	record Drop() implements Verdict {
	}

	/** The packet is dropped and answered with an ICMP error or a TCP reset. */
	record Reject(Target.RejectWith with) implements Verdict {
		public Reject {
			if (with == null) {
				throw new IllegalArgumentException("a REJECT verdict names its --reject-with type");
			}
		}
	}

}

package dev.packetwalk.engine;

import dev.packetwalk.packet.Packet;
import dev.packetwalk.trace.Disposition;

/**
 * Where a walk goes after one stage of the pipeline: into another namespace's device, or
 * nowhere.
 */
sealed interface Next {

	/**
	 * The frame arrives on {@code dev} in namespace {@code ns}: the walk continues there.
	 */
	record Arrive(String ns, String dev, Packet frame) implements Next {
	}

	/** The walk ends here. */
	record End(Disposition disposition) implements Next {
	}

}

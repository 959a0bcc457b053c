package dev.packetwalk.trace;

/** How one packet's walk ended. */
public record Disposition(Outcome outcome, DropReason reason, String detail) {

	public enum Outcome {

		DELIVERED, DROPPED,
		/** A cluster change (a walk of leg CHANGE) took effect. */
		APPLIED

	}

	public Disposition {
		if (outcome == null) {
			throw new IllegalArgumentException("a disposition has an outcome");
		}
		if ((outcome == Outcome.DROPPED) != (reason != null)) {
			throw new IllegalArgumentException("every DROPPED disposition has a reason, and only drops have one");
		}
	}

	public static Disposition delivered(String detail) {
		return new Disposition(Outcome.DELIVERED, null, detail);
	}

	public static Disposition dropped(DropReason reason, String detail) {
		return new Disposition(Outcome.DROPPED, reason, detail);
	}

	public static Disposition applied(String detail) {
		return new Disposition(Outcome.APPLIED, null, detail);
	}

	public boolean delivered() {
		return outcome == Outcome.DELIVERED;
	}

}

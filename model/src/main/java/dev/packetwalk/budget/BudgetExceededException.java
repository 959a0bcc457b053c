package dev.packetwalk.budget;

/**
 * The work stopped because its {@link Budget} ran out: its time passed, it was cancelled
 * (its client went away or its answer was already sent), or the trace grew past its size.
 * Whatever the work held is dropped with the stack.
 */
public final class BudgetExceededException extends RuntimeException {

	/** Which part of the budget ran out. */
	public enum Reason {

		/** The deadline passed ({@code packetwalk.limits.max-request-time}). */
		TIME,
		/** The work was cancelled from outside: nobody waits for its answer any more. */
		CANCELLED,
		/** The trace has more steps than {@code packetwalk.limits.max-trace-steps}. */
		STEPS,
		/** The trace is larger than {@code packetwalk.limits.max-trace-size}. */
		SIZE

	}

	private final Reason reason;

	BudgetExceededException(Reason reason, String message) {
		// no stack trace: this is an expected way for work to end, thrown from deep
		// loops, possibly often
		super(message, null, false, false);
		this.reason = reason;
	}

	public Reason reason() {
		return reason;
	}

}

package dev.packetwalk.budget;

import java.time.Duration;

/**
 * What one piece of work may cost: a deadline and a trace size. The compiler and the
 * engine call {@link #check()} (or the cheaper {@link #tick()}) in the loops that scale
 * with their input (objects and pods compiled, policies, rules generated, hops walked,
 * netfilter chains traversed, seeds and pod pairs evaluated) and stop with
 * {@link BudgetExceededException} once the deadline has passed or the work was
 * {@linkplain #cancel() cancelled}; whatever they built is dropped with the stack. The
 * engine reports each walk's size to {@link #traceSize}.
 * <p>
 * A budget changes nothing in a result: work that finishes within it gives the same bytes
 * as without one (the model stays deterministic; only whether it finishes depends on the
 * clock). Plain Java; {@link #cancel()} may be called from any thread.
 */
public final class Budget {

	/** No deadline, no size limit, never cancelled: the model's own tests and tools. */
	public static final Budget UNLIMITED = new Budget(null, Integer.MAX_VALUE, Long.MAX_VALUE);

	/**
	 * How often {@link #tick()} reads the clock: once every this many calls (a power of
	 * two).
	 */
	private static final int TICKS_PER_CHECK = 1024;

	private final Duration time;

	private final long deadlineNanos;

	private final int maxSteps;

	private final long maxTraceChars;

	private volatile boolean cancelled;

	/** Racy by design: a lost increment only moves a clock reading by one tick. */
	private int ticks;

	private Budget(Duration time, int maxSteps, long maxTraceChars) {
		this.time = time;
		this.deadlineNanos = time == null ? 0 : System.nanoTime() + time.toNanos();
		this.maxSteps = maxSteps;
		this.maxTraceChars = maxTraceChars;
	}

	/**
	 * A budget that starts now.
	 * @param time how long the work may take from now
	 * ({@code packetwalk.limits.max-request-time})
	 * @param maxSteps the steps one trace may hold
	 * ({@code packetwalk.limits.max-trace-steps})
	 * @param maxTraceChars the characters of narration, labels and payload text one trace
	 * may hold ({@code packetwalk.limits.max-trace-size})
	 */
	public static Budget of(Duration time, int maxSteps, long maxTraceChars) {
		if (time == null || time.isNegative() || time.isZero()) {
			throw new IllegalArgumentException("a budget's time must be positive, was " + time);
		}
		if (maxSteps < 1 || maxTraceChars < 1) {
			throw new IllegalArgumentException(
					"a budget's trace steps and size must be at least 1, were " + maxSteps + " and " + maxTraceChars);
		}
		return new Budget(time, maxSteps, maxTraceChars);
	}

	/** A budget with the trace limits and no deadline: it ends only when cancelled. */
	public static Budget untimed(int maxSteps, long maxTraceChars) {
		if (maxSteps < 1 || maxTraceChars < 1) {
			throw new IllegalArgumentException(
					"a budget's trace steps and size must be at least 1, were " + maxSteps + " and " + maxTraceChars);
		}
		return new Budget(null, maxSteps, maxTraceChars);
	}

	/**
	 * Throws when the deadline has passed or the work was cancelled; reads the clock
	 * every time.
	 */
	public void check() {
		if (cancelled) {
			throw new BudgetExceededException(BudgetExceededException.Reason.CANCELLED,
					"the work was cancelled: nobody waits for its answer");
		}
		if (time != null && System.nanoTime() - deadlineNanos > 0) {
			throw new BudgetExceededException(BudgetExceededException.Reason.TIME, "the work took longer than "
					+ time.toMillis() + " ms (setting packetwalk.limits.max-request-time)");
		}
	}

	/**
	 * {@link #check()} for the innermost loops: reads the clock once every
	 * {@value #TICKS_PER_CHECK} calls.
	 */
	public void tick() {
		if ((++ticks & (TICKS_PER_CHECK - 1)) == 0 || cancelled) {
			check();
		}
	}

	/**
	 * Stops the work at its next check: its client went away, or its answer was sent
	 * without it.
	 */
	public void cancel() {
		if (this != UNLIMITED) {
			cancelled = true;
		}
	}

	/** Whether the work should not start (or go on): cancelled, or past its deadline. */
	public boolean spent() {
		return cancelled || (time != null && System.nanoTime() - deadlineNanos > 0);
	}

	public boolean cancelled() {
		return cancelled;
	}

	/**
	 * The time left before the deadline (zero once it has passed); a budget without a
	 * deadline has all the time.
	 */
	public Duration remaining() {
		if (time == null) {
			return Duration.ofNanos(Long.MAX_VALUE);
		}
		return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
	}

	/** The time this budget allows, or null for none. */
	public Duration time() {
		return time;
	}

	/**
	 * Throws when a trace of {@code steps} steps holding {@code chars} characters of
	 * narration, labels and payload text is over the budget. Deterministic: the same
	 * scenario and seed are over it or not whatever the clock says.
	 */
	public void traceSize(long steps, long chars) {
		if (steps > maxSteps) {
			throw new BudgetExceededException(BudgetExceededException.Reason.STEPS, "it would have more than "
					+ maxSteps
					+ " steps (setting packetwalk.limits.max-trace-steps): trace fewer flows, or shorter walks");
		}
		if (chars > maxTraceChars) {
			throw new BudgetExceededException(BudgetExceededException.Reason.SIZE,
					"it would hold more than " + maxTraceChars
							+ " characters of narration, labels and payload (setting packetwalk.limits.max-trace-size):"
							+ " shorten long labels, paths and headers (an alias repeats its whole text)");
		}
	}

	/**
	 * The largest trace this budget allows, in characters of narration, labels and
	 * payload text.
	 */
	public long maxTraceChars() {
		return maxTraceChars;
	}

}

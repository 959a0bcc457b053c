package dev.packetwalk.web;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.budget.BudgetExceededException;
import dev.packetwalk.config.LimitsProperties;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where expensive work runs (issue 23): two bounded pools, each with a bounded queue.
 * Posted scenarios (trace, validate, resolve) run in the {@code posted} lane; built-in
 * and local catalogue work (traces, event streams, probes, distributions, reachability)
 * in the {@code catalog} lane, so a flood of posts never makes a built-in scenario wait.
 * When a lane's threads are busy and its queue is full, the request is refused at once
 * with 503 and {@code Retry-After} ({@link TooBusyException}).
 * <p>
 * Every request gets a {@link Budget}: a posted scenario
 * {@code packetwalk.limits.max-request-time} from its arrival, catalogue work no deadline
 * (it stops when its client leaves); both the trace size limits. The model checks it in
 * its loops and stops with {@link BudgetExceededException} (422); the request is answered
 * when its time is up in any case (422 when its work had started, 503 when it was still
 * queued). Work is never done for nobody: a request answered, timed out or whose client
 * went away cancels its budget (running work stops at its next check, its thread is
 * interrupted) and leaves the queue; work whose budget is spent when a thread takes it up
 * does not start.
 * <p>
 * Settings: {@code packetwalk.limits.max-concurrent-work} threads per lane,
 * {@code max-queued-work} queued posted requests, {@code max-queued-catalog-work} queued
 * catalogue requests. Gauges {@code packetwalk.work.running} and
 * {@code packetwalk.work.queued} (tag {@code lane}) show the work in progress;
 * {@code packetwalk.work.ended} counts how each request's work ended.
 */
@Component
public class WorkLanes implements DisposableBean {

	/**
	 * Work that checks the budget it is given (the compiler's and the engine's loops do).
	 */
	@FunctionalInterface
	interface Work<T> {

		T call(Budget budget) throws Exception;

	}

	private final ThreadPoolExecutor posted;

	private final ThreadPoolExecutor catalog;

	private final LimitsProperties limits;

	private final Metrics metrics;

	WorkLanes(LimitsProperties limits) {
		this(limits, null);
	}

	@Autowired
	WorkLanes(LimitsProperties limits, Metrics metrics) {
		this.limits = limits;
		this.metrics = metrics;
		this.posted = pool("posted", limits.maxConcurrentWork(), limits.maxQueuedWork());
		this.catalog = pool("catalog", limits.maxConcurrentWork(), limits.maxQueuedCatalogWork());
		if (metrics != null) {
			metrics.workLane("posted", this::running, this::queued);
			metrics.workLane("catalog", this::running, this::queued);
		}
	}

	private static ThreadPoolExecutor pool(String lane, int threads, int queue) {
		AtomicInteger n = new AtomicInteger();
		ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(queue), r -> {
					Thread t = new Thread(r, "work-" + lane + "-" + n.incrementAndGet());
					t.setDaemon(true);
					return t;
				}, new ThreadPoolExecutor.AbortPolicy());
		p.allowCoreThreadTimeOut(true);
		return p;
	}

	/** Work on a scenario sent in the request, with a budget that starts now. */
	<T> Mono<T> posted(Work<T> work) {
		return run(posted, "posted", null, work);
	}

	/**
	 * Work on a scenario sent in the request, with the budget the request got when it
	 * arrived ({@link #budget()}): reading a large body under load counts towards its
	 * time.
	 */
	<T> Mono<T> posted(Budget budget, Work<T> work) {
		return run(posted, "posted", budget, work);
	}

	/**
	 * A request's budget, starting now: {@code max-request-time},
	 * {@code max-trace-steps}, {@code max-trace-size}.
	 */
	Budget budget() {
		return limits.budget();
	}

	/** {@code max-trace-size} in bytes: the largest JSON or event stream of a trace. */
	long maxTraceBytes() {
		return limits.maxTraceSize().toBytes();
	}

	/**
	 * Work on a scenario sent in the request that does not look at its budget (only the
	 * time limit applies).
	 */
	<T> Mono<T> posted(Callable<T> work) {
		return posted(budget -> work.call());
	}

	/** Work on a scenario of the catalogue (built-in or local). */
	<T> Mono<T> catalog(Work<T> work) {
		return run(catalog, "catalog", null, work);
	}

	/** Catalogue work that does not look at its budget (only the time limit applies). */
	<T> Mono<T> catalog(Callable<T> work) {
		return catalog(budget -> work.call());
	}

	private ThreadPoolExecutor pool(String lane) {
		return lane.equals("posted") ? posted : catalog;
	}

	/**
	 * Requests of this lane running or queued now ({@code posted} or {@code catalog}).
	 */
	public int busy(String lane) {
		return running(lane) + queued(lane);
	}

	/** Requests of this lane whose work is running now. */
	public int running(String lane) {
		return pool(lane).getActiveCount();
	}

	/** Requests of this lane waiting for a thread now. */
	public int queued(String lane) {
		return pool(lane).getQueue().size();
	}

	private <T> Mono<T> run(ThreadPoolExecutor pool, String lane, Budget given, Work<T> work) {
		Duration limit = limits.maxRequestTime();
		return Mono.defer(() -> {
			// posted scenarios have max-request-time; catalogue work (built-in and local
			// scenarios) has no deadline, as
			// before, but stops when its client leaves
			boolean timed = pool == posted;
			Budget budget = given != null ? given : timed ? limits.budget() : limits.untimedBudget();
			AtomicBoolean started = new AtomicBoolean();
			Mono<T> done = Mono.create(sink -> {
				Future<?> task;
				try {
					task = pool.submit(() -> {
						if (budget.spent()) {
							// answered already (timed out) or its client left while it
							// waited: nobody wants it
							ended(lane, "not-started");
							sink.error(new TooBusyException(lane, limit));
							return;
						}
						started.set(true);
						try {
							T result = work.call(budget);
							ended(lane, "done");
							if (result == null) {
								sink.success();
							}
							else {
								sink.success(result);
							}
						}
						catch (BudgetExceededException ex) {
							ended(lane, switch (ex.reason()) {
								case TIME -> "too-expensive";
								case CANCELLED -> "cancelled";
								case STEPS, SIZE -> "too-large";
							});
							sink.error(ex);
						}
						catch (Throwable t) {
							// stopped from outside (an interrupt surfacing as some other
							// exception), or a real failure
							ended(lane, budget.spent() ? "cancelled" : "failed");
							sink.error(t);
						}
					});
				}
				catch (RejectedExecutionException ex) {
					ended(lane, "refused");
					sink.error(new TooBusyException(lane));
					return;
				}
				sink.onCancel(() -> {
					budget.cancel();
					if (pool.remove((Runnable) task)) {
						ended(lane, "not-started");
					}
					task.cancel(true);
				});
			});
			// the answer is due when the time is up, whether or not the work has noticed
			// (or even started)
			if (!timed) {
				return done;
			}
			return done.timeout(budget.remaining(), Mono
				.error(() -> started.get() ? new TooExpensiveException(limit) : new TooBusyException(lane, limit)));
		});
	}

	private void ended(String lane, String how) {
		if (metrics != null) {
			metrics.workEnded(lane, how);
		}
	}

	@Override
	public void destroy() {
		posted.shutdownNow();
		catalog.shutdownNow();
	}

}

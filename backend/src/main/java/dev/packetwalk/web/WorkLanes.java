package dev.packetwalk.web;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.packetwalk.config.LimitsProperties;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Where expensive work runs (issue 23): two bounded pools, each with a bounded queue. Posted scenarios (trace,
 * validate, resolve) run in the {@code posted} lane; built-in and local catalogue work (traces, event streams,
 * probes, distributions, reachability) in the {@code catalog} lane, so a flood of posts never makes a built-in
 * scenario wait. When a lane's threads are busy and its queue is full, the request is refused at once with 503 and
 * {@code Retry-After} ({@link TooBusyException}). Work cancelled before it starts (its request timed out or its client
 * left) leaves the queue; work that has started is interrupted.
 * <p>
 * Settings: {@code packetwalk.limits.max-concurrent-work} threads per lane, {@code max-queued-work} queued posted
 * requests, {@code max-queued-catalog-work} queued catalogue requests.
 */
@Component
public class WorkLanes implements DisposableBean {

	private final ThreadPoolExecutor posted;

	private final ThreadPoolExecutor catalog;

	WorkLanes(LimitsProperties limits) {
		this.posted = pool("posted", limits.maxConcurrentWork(), limits.maxQueuedWork());
		this.catalog = pool("catalog", limits.maxConcurrentWork(), limits.maxQueuedCatalogWork());
	}

	private static ThreadPoolExecutor pool(String lane, int threads, int queue) {
		AtomicInteger n = new AtomicInteger();
		ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
				r -> {
					Thread t = new Thread(r, "work-" + lane + "-" + n.incrementAndGet());
					t.setDaemon(true);
					return t;
				}, new ThreadPoolExecutor.AbortPolicy());
		p.allowCoreThreadTimeOut(true);
		return p;
	}

	/** Work on a scenario sent in the request. */
	<T> Mono<T> posted(Callable<T> work) {
		return run(posted, "posted", work);
	}

	/** Work on a scenario of the catalogue (built-in or local). */
	<T> Mono<T> catalog(Callable<T> work) {
		return run(catalog, "catalog", work);
	}

	/** Requests of this lane running or queued now ({@code posted} or {@code catalog}). */
	public int busy(String lane) {
		ThreadPoolExecutor p = lane.equals("posted") ? posted : catalog;
		return p.getActiveCount() + p.getQueue().size();
	}

	private static <T> Mono<T> run(ThreadPoolExecutor pool, String lane, Callable<T> work) {
		return Mono.create(sink -> {
			Future<?> task;
			try {
				task = pool.submit(() -> {
					try {
						T result = work.call();
						if (result == null) {
							sink.success();
						}
						else {
							sink.success(result);
						}
					}
					catch (Throwable t) {
						sink.error(t);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				sink.error(new TooBusyException(lane));
				return;
			}
			sink.onCancel(() -> {
				task.cancel(true);
				pool.remove((Runnable) task);
			});
		});
	}

	@Override
	public void destroy() {
		posted.shutdownNow();
		catalog.shutdownNow();
	}

}

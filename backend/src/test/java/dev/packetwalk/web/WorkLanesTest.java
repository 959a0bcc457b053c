package dev.packetwalk.web;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.packetwalk.budget.BudgetExceededException;
import dev.packetwalk.config.LimitsProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23: no work goes on after its answer. Work that checks its budget stops when its
 * time is up; work still queued then never starts; the lane's gauges are back at 0.
 */
class WorkLanesTest {

	private static LimitsProperties limits(Duration time, int threads, int queue) {
		return new LimitsProperties(null, null, null, null, null, null, null, null, null, DataSize.ofKilobytes(64), 64,
				time, threads, queue, queue);
	}

	@Test
	void runningWorkStopsWhenItsTimeIsUp() throws Exception {
		Metrics metrics = new Metrics(SseStreamsTest.provider(new SimpleMeterRegistry()));
		WorkLanes lanes = new WorkLanes(limits(Duration.ofMillis(300), 1, 1), metrics);
		try {
			// like the model's loops: work that would never end by itself, checking its
			// budget
			StepVerifier.create(lanes.posted(budget -> {
				while (true) {
					budget.check();
					Thread.onSpinWait();
				}
			}))
				.expectErrorSatisfies(
						ex -> assertThat(ex).isInstanceOfAny(TooExpensiveException.class, BudgetExceededException.class)
							.hasMessageContaining("packetwalk.limits.max-request-time"))
				.verify(Duration.ofSeconds(30));
			await(() -> lanes.busy("posted") == 0, "the lane is idle after the answer");
			await(() -> metrics.workEndedCount("posted", "too-expensive")
					+ metrics.workEndedCount("posted", "cancelled") == 1, "the work ended, stopped by its budget");
		}
		finally {
			lanes.destroy();
		}
	}

	@Test
	void queuedWorkWhoseTimeIsUpNeverStarts() throws Exception {
		Metrics metrics = new Metrics(SseStreamsTest.provider(new SimpleMeterRegistry()));
		WorkLanes lanes = new WorkLanes(limits(Duration.ofMillis(300), 1, 4), metrics);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean secondStarted = new AtomicBoolean();
		try {
			// the only thread is held by work that ignores its budget (as code outside
			// the model may)
			reactor.core.Disposable first = lanes.posted(() -> {
				long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				while (release.getCount() > 0 && System.nanoTime() < until) {
					try {
						release.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ignored) {
						// deaf to the lane's interrupt, as a computation that never looks
						// would be
					}
				}
				return "first";
			}).subscribe(x -> {
			}, ex -> {
			});
			await(() -> lanes.running("posted") == 1, "the first work runs");
			StepVerifier.create(lanes.posted(budget -> {
				secondStarted.set(true);
				return "late";
			}))
				.expectErrorSatisfies(
						ex -> assertThat(ex).isInstanceOf(TooBusyException.class).hasMessageContaining("did not start"))
				.verify(Duration.ofSeconds(30));
			assertThat(lanes.queued("posted")).as("the timed-out request left the queue").isZero();
			release.countDown();
			await(() -> lanes.busy("posted") == 0, "the lane is idle");
			assertThat(secondStarted).as("queued work whose time was up started").isFalse();
			assertThat(metrics.workEndedCount("posted", "not-started")).isEqualTo(1);
			first.dispose();
		}
		finally {
			release.countDown();
			lanes.destroy();
		}
	}

	private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as(what).isNegative();
			Thread.sleep(20);
		}
	}

}

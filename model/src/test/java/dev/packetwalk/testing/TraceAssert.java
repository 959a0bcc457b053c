package dev.packetwalk.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.packetwalk.trace.DropReason;
import dev.packetwalk.trace.Hop;
import dev.packetwalk.trace.Step;
import dev.packetwalk.trace.Trace;
import dev.packetwalk.trace.Walk;
import org.assertj.core.api.AbstractAssert;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions that speak the trace's language: walks, namespaces visited, steps,
 * dispositions.
 */
public final class TraceAssert extends AbstractAssert<TraceAssert, Trace> {

	private TraceAssert(Trace actual) {
		super(actual, TraceAssert.class);
	}

	public static TraceAssert assertThatTrace(Trace t) {
		return new TraceAssert(t);
	}

	public WalkAssert walk(int i) {
		isNotNull();
		assertThat(actual.walks()).as("walks of " + actual.scenario()).hasSizeGreaterThan(i);
		return new WalkAssert(actual.walks().get(i));
	}

	public TraceAssert hasWalks(int n) {
		assertThat(actual.walks()).hasSize(n);
		return this;
	}

	public static final class WalkAssert extends AbstractAssert<WalkAssert, Walk> {

		WalkAssert(Walk w) {
			super(w, WalkAssert.class);
		}

		public WalkAssert isDelivered() {
			assertThat(actual.disposition().delivered())
				.as("'%s' delivered, but was %s", actual.label(), actual.disposition())
				.isTrue();
			return this;
		}

		public WalkAssert isDroppedBecause(DropReason reason) {
			assertThat(actual.disposition().reason()).as("drop reason of '%s'", actual.label()).isEqualTo(reason);
			return this;
		}

		/** The namespaces of the hops, in order. */
		public WalkAssert visits(String... namespaces) {
			assertThat(actual.hops().stream().map(h -> h.place().namespace()).toList())
				.as("hops of '%s'", actual.label())
				.containsExactly(namespaces);
			return this;
		}

		public <S extends Step> WalkAssert hasStep(Class<S> type, Predicate<S> where, String description) {
			assertThat(steps(type).stream().anyMatch(where))
				.as("'%s' has a %s step %s; steps: %s", actual.label(), type.getSimpleName(), description, types())
				.isTrue();
			return this;
		}

		public <S extends Step> WalkAssert hasNoStep(Class<S> type) {
			assertThat(steps(type)).as("'%s' has no %s step", actual.label(), type.getSimpleName()).isEmpty();
			return this;
		}

		public <S extends Step> List<S> steps(Class<S> type) {
			List<S> out = new ArrayList<>();
			for (Hop h : actual.hops()) {
				for (Step s : h.steps()) {
					if (type.isInstance(s)) {
						out.add(type.cast(s));
					}
				}
			}
			return out;
		}

		public Step lastStep() {
			return actual.hops().getLast().steps().getLast();
		}

		private List<String> types() {
			List<String> out = new ArrayList<>();
			for (Hop h : actual.hops()) {
				for (Step s : h.steps()) {
					out.add(h.place().namespace() + ":" + s.getClass().getSimpleName());
				}
			}
			return out;
		}

	}

}

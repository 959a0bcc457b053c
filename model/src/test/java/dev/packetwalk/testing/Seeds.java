package dev.packetwalk.testing;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Seeds for generated test cases: a fixed, reproducible sequence per property, so a
 * failing case names the seed that rebuilds it ({@code @ParameterizedTest(name = "seed
 * {0}")}).
 */
public final class Seeds {

	private Seeds() {
	}

	/** {@code n} seeds derived from the property's name: the same every run. */
	public static Stream<Long> of(String property, int n) {
		SplittableRandom r = new SplittableRandom(property.hashCode());
		return LongStream.range(0, n).map(i -> r.nextLong()).boxed();
	}

}

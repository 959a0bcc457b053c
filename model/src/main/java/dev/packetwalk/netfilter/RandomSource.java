package dev.packetwalk.netfilter;

import java.util.SplittableRandom;

/**
 * Where {@code -m statistic --mode random} gets its random numbers (the kernel's
 * {@code get_random_u32()}). The engine passes a seeded generator so that traces replay.
 */
@FunctionalInterface
public interface RandomSource {

	int nextInt();

	/** A deterministic generator: the same seed gives the same draws. */
	static RandomSource seeded(long seed) {
		SplittableRandom r = new SplittableRandom(seed);
		return r::nextInt;
	}

}

package dev.packetwalk.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RedisLiveStoreContract} against a real redis-server on a free loopback port
 * ({@link RedisServerProcess}: skipped with a message when there is none, failing when
 * {@code PACKETWALK_REQUIRE_REDIS=true}, as in .ci/run).
 */
class RedisLiveStoreTest extends RedisLiveStoreContract {

	static RedisServerProcess redis;

	@BeforeAll
	static void startRedis() throws Exception {
		redis = RedisServerProcess.startOrSkip();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@Override
	String redisHost() {
		return "127.0.0.1";
	}

	@Override
	int redisPort() {
		return redis.port();
	}

}

package dev.packetwalk.redis;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@link RedisLiveStoreContract} against Testcontainers' Redis, where Docker exists
 * (skipped cleanly where not).
 */
@Testcontainers(disabledWithoutDocker = true)
class RedisLiveStoreContainerTest extends RedisLiveStoreContract {

	@Container
	static final GenericContainer<?> REDIS = new GenericContainer<>("redis:7.4-alpine").withExposedPorts(6379);

	@Override
	String redisHost() {
		return REDIS.getHost();
	}

	@Override
	int redisPort() {
		return REDIS.getMappedPort(6379);
	}

}

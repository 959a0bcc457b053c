package dev.packetwalk.web.live;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The Redis connection of {@code packetwalk.live.store=redis}, from Spring Boot's own
 * {@code spring.data.redis.*} settings (host, port, username, password, database,
 * ssl.enabled, timeout, connect-timeout; Lettuce). Boot's Redis auto-configuration is
 * excluded (application.yml): with the default memory store it would cost seconds of
 * startup and ~100 MiB of RSS (Lettuce's resources, Spring Data's mapping context and
 * repository scanning) for nothing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "packetwalk.live", name = "store", havingValue = "redis")
@EnableConfigurationProperties(DataRedisProperties.class)
class LiveRedisConfiguration {

	@Bean
	LettuceConnectionFactory liveRedisConnectionFactory(DataRedisProperties props) {
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(props.getHost(), props.getPort());
		server.setDatabase(props.getDatabase());
		server.setUsername(props.getUsername());
		if (props.getPassword() != null) {
			server.setPassword(RedisPassword.of(props.getPassword()));
		}
		LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder();
		if (props.getTimeout() != null) {
			client.commandTimeout(props.getTimeout());
		}
		if (props.getSsl().isEnabled()) {
			client.useSsl();
		}
		if (props.getConnectTimeout() != null) {
			client.clientOptions(io.lettuce.core.ClientOptions.builder()
				.socketOptions(
						io.lettuce.core.SocketOptions.builder().connectTimeout(props.getConnectTimeout()).build())
				.build());
		}
		return new LettuceConnectionFactory(server, client.build());
	}

	@Bean
	ReactiveStringRedisTemplate liveRedisTemplate(LettuceConnectionFactory connections) {
		return new ReactiveStringRedisTemplate(connections);
	}

}

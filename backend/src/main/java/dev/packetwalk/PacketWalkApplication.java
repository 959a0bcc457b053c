package dev.packetwalk;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** PacketWalk: the web application that transports the model's traces to the browser. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PacketWalkApplication {

	public static void main(String[] args) {
		SpringApplication.run(PacketWalkApplication.class, args);
	}

}

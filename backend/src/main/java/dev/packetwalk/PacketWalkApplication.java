package dev.packetwalk;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** PacketWalk: the web application that transports the model's traces to the browser. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PacketWalkApplication {

	public static void main(String[] args) {
		if (dev.packetwalk.lab.LabCommand.handles(args)) {
			System.exit(dev.packetwalk.lab.LabCommand.run(args, System.out, System.err));
		}
		if (dev.packetwalk.cli.ValidateCommand.handles(args)) {
			System.exit(dev.packetwalk.cli.ValidateCommand.run(args, System.out, System.err));
		}
		if (dev.packetwalk.cli.ImportCommand.handles(args)) {
			System.exit(dev.packetwalk.cli.ImportCommand.run(args, System.in, System.out, System.err));
		}
		// the built-in scenarios compile in the background once the web server answers
		// (CatalogWarmup; readiness waits for them)
		SpringApplication.run(PacketWalkApplication.class, args);
	}

}

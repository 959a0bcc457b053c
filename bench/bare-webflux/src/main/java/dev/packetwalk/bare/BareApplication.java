package dev.packetwalk.bare;

import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A bare Spring Boot WebFlux application: what starting PacketWalk would cost if
 * PacketWalk did nothing of its own. {@code GET /api/scenarios} answers a constant list,
 * so the startup script polls the same path on both jars.
 */
@SpringBootApplication
@RestController
public class BareApplication {

	public static void main(String[] args) {
		SpringApplication.run(BareApplication.class, args);
	}

	@GetMapping("/api/scenarios")
	List<Map<String, String>> scenarios() {
		return List.of(Map.of("id", "bare"));
	}

}

package dev.packetwalk.catalog;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code catalog} in the readiness group: OUT_OF_SERVICE until every built-in scenario is
 * compiled, then UP. Liveness does not include it, so the port answers
 * {@code /actuator/health/liveness} while the catalogue still compiles.
 */
@Component
class CatalogHealthIndicator implements HealthIndicator {

	private final ScenarioCatalog catalog;

	CatalogHealthIndicator(ScenarioCatalog catalog) {
		this.catalog = catalog;
	}

	@Override
	public Health health() {
		return catalog.ready() ? Health.up().build() : Health.outOfService().withDetail("catalog", "compiling").build();
	}

}

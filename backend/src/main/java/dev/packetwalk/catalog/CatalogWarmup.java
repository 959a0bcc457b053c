package dev.packetwalk.catalog;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Starts compiling the built-in scenarios once the application is ready (its web server
 * answers): before that, Spring's startup has the CPU to itself, the catalogue is listed
 * from the built-ins' headers, and a request for a scenario compiles that one. Readiness
 * turns UP when every built-in is compiled ({@link CatalogHealthIndicator}).
 */
@Component
class CatalogWarmup implements ApplicationListener<ApplicationReadyEvent> {

	private final ScenarioCatalog catalog;

	CatalogWarmup(ScenarioCatalog catalog) {
		this.catalog = catalog;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		catalog.startWarmup();
	}

}

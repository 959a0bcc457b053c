package dev.packetwalk.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code packetwalk.scenarios.*} (environment: {@code PACKETWALK_SCENARIOS_DIR}).
 *
 * @param dir a directory of {@code *.yaml} scenarios loaded beside the built-in ones and
 * reloaded when they change (unset: built-in scenarios only)
 * @param pollInterval how often the directory is checked for changes
 * @param writable whether the editor may save files into the directory ({@code PUT
 * /api/scenarios/{id}/yaml}); off unless set to true
 */
@ConfigurationProperties("packetwalk.scenarios")
public record ScenariosProperties(Path dir, @DefaultValue("1s") Duration pollInterval,
		@DefaultValue("false") boolean writable) {

}

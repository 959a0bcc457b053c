package dev.packetwalk.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code packetwalk.import.*}: the cluster import ({@code POST /api/import}) and the
 * rules diff ({@code POST /api/rules-diff}); docs/import.md.
 *
 * @param maxBodySize the largest dump (or dump plus node rules) one request may post (413
 * above); a kubectl dump of 2,000 pods with managedFields is about 12 MB, without them
 * about 6 MB
 */
@ConfigurationProperties("packetwalk.import")
public record ImportProperties(@DefaultValue("16MB") DataSize maxBodySize) {

	public ImportProperties {
		if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE / 2) {
			throw new IllegalArgumentException(
					"packetwalk.import.max-body-size must be 1 byte..1GB, was " + maxBodySize);
		}
	}

}

package dev.packetwalk.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code packetwalk.trace-cache.*}: the bounded cache of computed traces of catalogue
 * scenarios, kept encoded (the JSON of {@code /trace} and {@code /probe}, the SSE bytes
 * of {@code /events}) per scenario version, seed and request. Posted drafts never enter
 * it; a local scenario file that changes gets a new version.
 *
 * @param enabled false computes and encodes every request anew (the same bytes)
 * @param maxBytes the most encoded bytes the cache holds; the least used entries are
 * evicted beyond it
 * @param maxEntries the most entries it holds (each entry counts at least
 * {@code max-bytes / max-entries} bytes, so both bounds hold at once)
 */
@ConfigurationProperties("packetwalk.trace-cache")
public record TraceCacheProperties(@DefaultValue("true") boolean enabled, @DefaultValue("64MB") DataSize maxBytes,
		@DefaultValue("10000") int maxEntries) {

	public TraceCacheProperties {
		if (maxBytes.toBytes() < 1 || maxBytes.toBytes() > Integer.MAX_VALUE * 64L) {
			throw new IllegalArgumentException("packetwalk.trace-cache.max-bytes must be 1B..128GB, was " + maxBytes);
		}
		if (maxEntries < 1) {
			throw new IllegalArgumentException(
					"packetwalk.trace-cache.max-entries must be at least 1, was " + maxEntries);
		}
	}

}

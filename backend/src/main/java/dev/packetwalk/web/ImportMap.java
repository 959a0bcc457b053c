package dev.packetwalk.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import org.springframework.stereotype.Component;

/**
 * The import map that lets the editor's native ES modules import CodeMirror by its
 * package names ({@code @codemirror/view} →
 * {@code /webjars/codemirror__view/dist/index.js}, resolved to the pinned webjar version
 * by the webjars locator). Browsers read an import map only inline, and the
 * Content-Security-Policy allows no inline script, so {@link SecurityHeaders} allows
 * exactly this one by its SHA-256 hash.
 */
@Component
public class ImportMap {

	static final String RESOURCE = "static/js/author/codemirror.importmap.json";

	private final String json;

	private final String cspSource;

	public ImportMap() {
		try (InputStream in = ImportMap.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("missing " + RESOURCE);
			}
			this.json = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
			this.cspSource = "'sha256-" + Base64.getEncoder().encodeToString(hash) + "'";
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The map's text, exactly as the page inlines it. */
	public String json() {
		return json;
	}

	/** {@code 'sha256-…'}: the CSP source that allows the inline map and nothing else. */
	public String cspSource() {
		return cspSource;
	}

}

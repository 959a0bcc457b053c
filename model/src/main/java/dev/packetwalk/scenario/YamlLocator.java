package dev.packetwalk.scenario;

import java.util.HashMap;
import java.util.Map;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;

/**
 * Where each value of a YAML document starts: JSON Pointer ({@code /flows/1/to}) to line
 * and column. Lets problems found after binding point at the line the author wrote.
 */
final class YamlLocator {

	record Position(int line, int column) {
	}

	private final Map<String, Position> positions;

	/** Where each mapping key is written (pointer of its value → the key's position). */
	private final Map<String, Position> keys;

	/**
	 * From the positions {@link YamlTreeReader} recorded while reading (the maps are used
	 * as they are, not copied).
	 */
	YamlLocator(Map<String, Position> values, Map<String, Position> keys) {
		this.positions = values;
		this.keys = keys;
	}

	YamlLocator(ObjectMapper yaml, String text) {
		this.positions = new HashMap<>();
		this.keys = new HashMap<>();
		try (JsonParser p = yaml.createParser(text)) {
			JsonToken t;
			while ((t = p.nextToken()) != null) {
				if (t == JsonToken.PROPERTY_NAME) {
					continue;
				}
				TokenStreamLocation loc = p.currentTokenLocation();
				String pointer;
				if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
					continue;
				}
				pointer = p.streamReadContext().pathAsPointer().toString();
				if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
					// the container's own position is that of its parent property
					pointer = p.streamReadContext().getParent() == null ? ""
							: p.streamReadContext().getParent().pathAsPointer().toString();
				}
				positions.putIfAbsent(pointer, new Position(loc.getLineNr(), loc.getColumnNr()));
			}
		}
		catch (RuntimeException ex) {
			// the document does not parse; the reader reports that with the parser's own
			// location
		}
	}

	/**
	 * The position of the key of the value at the pointer (an unknown property's name),
	 * else of the value.
	 */
	Position keyAt(String pointer) {
		Position k = keys.get(pointer);
		return k != null ? k : at(pointer);
	}

	/**
	 * The position of the value at the pointer, or of its nearest ancestor that has one.
	 */
	Position at(String pointer) {
		String p = pointer;
		while (true) {
			Position pos = positions.get(p);
			if (pos != null) {
				return pos;
			}
			if (p.isEmpty()) {
				return new Position(1, 1);
			}
			int slash = p.lastIndexOf('/');
			p = slash <= 0 ? "" : p.substring(0, slash);
		}
	}

}

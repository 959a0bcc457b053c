package dev.packetwalk.scenario;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads one YAML document into a Jackson tree, straight from snakeyaml-engine's event
 * stream (no recursion, so no stack to overflow), enforcing {@link ScenarioLimits} as it
 * goes: length, nesting depth, aliases to collections, the number of values once aliases
 * are expanded, and no duplicate keys. Records where every value (and every mapping key)
 * starts, for {@link YamlLocator}.
 * <p>
 * Recording positions is bounded too (the pass that places problems reads a hostile file
 * as well): a value's JSON Pointer is recorded only while it is at most
 * {@link #MAX_POINTER_CHARS} characters long and all pointers recorded together stay
 * within {@link #POINTER_CHARS_PER_CODE_POINT} times {@code max-code-points}; past that a
 * value (and everything inside it) is placed at its nearest recorded ancestor. Without
 * the bound a long key holding many values repeats that key in every value's pointer
 * (quadratic in the file's length).
 *
 * <p>
 * Scalars are typed by the YAML 1.2 core schema: {@code yes} is a string, {@code 0x1F} an
 * integer, {@code ~} null. Jackson's own YAML parser is not used here because it does not
 * expand aliases (it reads {@code *a} as the string "a") and has no alias limit. One
 * reader reads one document.
 */
final class YamlTreeReader {

	/** The document could not be read; line and column are 1-based. */
	static final class YamlReadException extends RuntimeException {

		private final int line;

		private final int column;

		YamlReadException(int line, int column, String message) {
			super(message);
			this.line = line;
			this.column = column;
		}

		int line() {
			return line;
		}

		int column() {
			return column;
		}

	}

	/**
	 * The tree (null for an empty document), how many values it holds once aliases are
	 * expanded, where each value starts and where each mapping key is written.
	 */
	record Result(JsonNode root, long size, Map<String, YamlLocator.Position> values,
			Map<String, YamlLocator.Position> keys) {
	}

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final YamlLocator.Position NOWHERE = new YamlLocator.Position(0, 0);

	private static final ScalarResolver RESOLVER = new CoreSchema().getScalarResolver();

	private final ScenarioLimits limits;

	/**
	 * Whether to record positions and pointers ({@link Result#values},
	 * {@link Result#keys}); else they are empty.
	 */
	private final boolean positions;

	YamlTreeReader(ScenarioLimits limits) {
		this(limits, true);
	}

	/**
	 * A reader that records positions only when asked: without them a large file reads in
	 * a fraction of the time and memory. Reading the same text again with positions gives
	 * the same tree, and the same exception if any.
	 */
	YamlTreeReader(ScenarioLimits limits, boolean positions) {
		this(limits, positions, PREFETCH_CHARS);
	}

	/**
	 * A reader that parses the events of texts of at least {@code prefetchChars}
	 * characters on another thread.
	 */
	YamlTreeReader(ScenarioLimits limits, boolean positions, int prefetchChars) {
		this.limits = limits;
		this.positions = positions;
		this.prefetchChars = prefetchChars;
	}

	private final int prefetchChars;

	/** An open mapping or sequence. */
	private static final class Frame {

		final JsonNode node;

		/** Null when positions are not recorded inside this collection. */
		final String pointer;

		final String anchor;

		String key;

		YamlLocator.Position keyAt;

		long values = 1;

		/** The characters of the scalars inside, aliases expanded. */
		long chars;

		Frame(JsonNode node, String pointer, String anchor) {
			this.node = node;
			this.pointer = pointer;
			this.anchor = anchor;
		}

	}

	private record Anchored(JsonNode node, long values, long chars) {
	}

	Result read(String text) {
		return read(text, dev.packetwalk.budget.Budget.UNLIMITED);
	}

	/**
	 * {@link #read(String)} that checks the budget at every 1,024 events (a large file is
	 * read for a while).
	 */
	Result read(String text, dev.packetwalk.budget.Budget budget) {
		if (text.length() > limits.maxCodePoints() && text.codePointCount(0, text.length()) > limits.maxCodePoints()) {
			throw new YamlReadException(1, 1, "the file is longer than " + limits.maxCodePoints()
					+ " characters (limit " + ScenarioLimits.setting("max-code-points") + ")");
		}
		LoadSettings settings = LoadSettings.builder()
			.setLabel("scenario")
			.setCodePointLimit(limits.maxCodePoints() + 1)
			.setMaxAliasesForCollections(limits.maxAliases())
			.setAllowDuplicateKeys(false)
			.setAllowRecursiveKeys(false)
			.setBufferSize(64 * 1024)
			.setUseMarks(positions)
			.setSchema(new CoreSchema())
			.build();
		Map<String, YamlLocator.Position> values = new HashMap<>();
		Map<String, YamlLocator.Position> keys = new HashMap<>();
		Map<String, Anchored> anchors = new HashMap<>();
		Deque<Frame> stack = new ArrayDeque<>();
		int documents = 0;
		int collectionAliases = 0;
		long total = 0;
		long chars = 0;
		Iterator<Event> parsed = new Parse(settings).parseString(text).iterator();
		// a large file's events are parsed on a second core while this one builds the
		// tree
		PrefetchedEvents prefetched = text.length() >= prefetchChars ? new PrefetchedEvents(parsed) : null;
		Iterator<Event> events = prefetched != null ? prefetched : parsed;
		try {
			while (events.hasNext()) {
				budget.tick();
				Event e = events.next();
				// without positions, a problem is placed by reading again with them: skip
				// the work here
				YamlLocator.Position at = positions ? position(e.getStartMark()) : NOWHERE;
				switch (e.getEventId()) {
					case DocumentStart -> {
						if (++documents > 1) {
							throw new YamlReadException(at.line(), at.column(),
									"a scenario file holds one YAML document: remove the second '---' or split the file");
						}
					}
					case Scalar -> {
						ScalarEvent s = (ScalarEvent) e;
						JsonNode value = scalar(s, at);
						total = count(total, 1, at);
						int length = s.getValue().length();
						chars = expanded(chars, length, at);
						Frame top = stack.peek();
						if (top != null) {
							top.chars += length;
						}
						if (top != null && top.node.isObject() && top.key == null) {
							String key = s.getValue();
							if (top.node.has(key)) {
								YamlLocator.Position first = top.pointer == null ? null
										: keys.get(child(top.pointer, key));
								throw new YamlReadException(at.line(), at.column(),
										"duplicate key '" + key + "'"
												+ (first == null ? "" : " (first written at line " + first.line() + ")")
												+ ": each key may appear once in a mapping");
							}
							top.key = sharedKey(key);
							top.keyAt = at;
							continue;
						}
						String pointer = attach(stack, value, at, values, keys);
						if (pointer != null) {
							values.putIfAbsent(pointer, at);
						}
						anchor(s, anchors, value, 1, length);
						if (top != null) {
							top.values++;
						}
					}
					case Alias -> {
						AliasEvent a = (AliasEvent) e;
						String name = a.getAlias().getValue();
						Anchored target = anchors.get(name);
						if (target == null) {
							throw new YamlReadException(at.line(), at.column(),
									"unknown alias *" + name + ": define the anchor &" + name
											+ " earlier in the file (recursive aliases are not allowed)");
						}
						if (target.node().isContainer() && ++collectionAliases > limits.maxAliases()) {
							throw new YamlReadException(at.line(), at.column(),
									"more than " + limits.maxAliases() + " aliases to mappings or sequences (limit "
											+ ScenarioLimits.setting("max-aliases") + ")");
						}
						total = count(total, target.values(), at);
						chars = expanded(chars, target.chars(), at);
						Frame top = stack.peek();
						if (top != null && top.node.isObject() && top.key == null) {
							throw new YamlReadException(at.line(), at.column(), "an alias cannot be a mapping key");
						}
						String pointer = attach(stack, target.node(), at, values, keys);
						if (pointer != null) {
							values.putIfAbsent(pointer, at);
						}
						if (top != null) {
							top.values += target.values();
							top.chars += target.chars();
						}
					}
					case MappingStart, SequenceStart -> {
						CollectionStartEvent c = (CollectionStartEvent) e;
						if (stack.size() >= limits.maxDepth()) {
							throw new YamlReadException(at.line(), at.column(),
									"mappings and sequences nest deeper than " + limits.maxDepth() + " levels (limit "
											+ ScenarioLimits.setting("max-depth") + ")");
						}
						total = count(total, 1, at);
						Frame top = stack.peek();
						if (top != null && top.node.isObject() && top.key == null) {
							throw new YamlReadException(at.line(), at.column(),
									"a mapping key must be a plain value, not a mapping or a sequence");
						}
						JsonNode node = e.getEventId() == Event.ID.MappingStart ? NODES.objectNode()
								: NODES.arrayNode();
						String pointer = attach(stack, node, at, values, keys);
						if (pointer == null) {
							// nothing to record (no positions, or past their bound)
						}
						else if (top != null && top.node.isObject()) {
							// a block collection's own place is the key that holds it
							values.putIfAbsent(pointer, keys.getOrDefault(pointer, at));
						}
						else {
							values.putIfAbsent(pointer, at);
						}
						stack.push(new Frame(node, pointer, c.getAnchor().map(x -> x.getValue()).orElse(null)));
					}
					case MappingEnd, SequenceEnd -> {
						Frame done = stack.pop();
						if (done.anchor != null) {
							anchors.put(done.anchor, new Anchored(done.node, done.values, done.chars));
						}
						Frame parent = stack.peek();
						if (parent != null) {
							parent.values += done.values;
							parent.chars += done.chars;
						}
					}
					default -> {
						// stream and document boundaries, comments
					}
				}
			}
		}
		catch (MarkedYamlEngineException ex) {
			YamlLocator.Position at = position(ex.getProblemMark().or(ex::getContextMark));
			// in the author's words, never the parser's ("expected <block end>, but found
			// …")
			throw new YamlReadException(at.line(), at.column(),
					YamlErrors.explain(text, at.line(), ex.getContext(), ex.getProblem()));
		}
		catch (YamlEngineException ex) {
			throw new YamlReadException(1, 1, "not valid YAML: " + limitMessage(ex.getMessage()));
		}
		finally {
			if (prefetched != null) {
				prefetched.close();
			}
		}
		return new Result(root, total, values, keys);
	}

	/**
	 * The one copy of a mapping key: a scenario repeats a small vocabulary of keys
	 * ({@code name}, {@code node}, {@code labels}, ...) hundreds of thousands of times in
	 * a large cluster, and the tree keeps every key it holds. At most {@link #KEY_COPIES}
	 * distinct keys are kept.
	 */
	private String sharedKey(String key) {
		String known = keyCopies.get(key);
		if (known != null) {
			return known;
		}
		if (keyCopies.size() < KEY_COPIES) {
			keyCopies.put(key, key);
		}
		return key;
	}

	private static final int KEY_COPIES = 4_096;

	/**
	 * Texts of at least this many characters have their events parsed on another thread
	 * ({@link PrefetchedEvents}).
	 */
	static final int PREFETCH_CHARS = 1_000_000;

	private final Map<String, String> keyCopies = new HashMap<>();

	/** The document's top value, set when it is attached. */
	private JsonNode root;

	private long count(long total, long more, YamlLocator.Position at) {
		long t = total + more;
		if (t > limits.maxValues()) {
			throw new YamlReadException(at.line(), at.column(), "the document holds more than " + limits.maxValues()
					+ " values once its aliases are expanded (limit " + ScenarioLimits.setting("max-values") + ")");
		}
		return t;
	}

	/**
	 * Adds a value's characters to the document's text once aliases are expanded: an
	 * alias repeats its anchor's whole text (a long string referenced from many places
	 * would otherwise multiply it in the trace and in memory), so the expanded text is
	 * held to the same {@code max-code-points} as the file.
	 */
	private long expanded(long chars, long more, YamlLocator.Position at) {
		long c = chars + more;
		if (c > limits.maxCodePoints()) {
			throw new YamlReadException(at.line(), at.column(), "the document's text is longer than "
					+ limits.maxCodePoints() + " characters once its aliases are expanded (limit "
					+ ScenarioLimits.setting("max-code-points") + "): an alias repeats the whole text of its anchor");
		}
		return c;
	}

	private String limitMessage(String message) {
		if (message != null && message.contains("aliases")) {
			return message + " (limit " + ScenarioLimits.setting("max-aliases") + ")";
		}
		if (message != null && message.contains("code points")) {
			return message + " (limit " + ScenarioLimits.setting("max-code-points") + ")";
		}
		return message;
	}

	private static void anchor(NodeEvent e, Map<String, Anchored> anchors, JsonNode value, long values, long chars) {
		e.getAnchor().ifPresent(a -> anchors.put(a.getValue(), new Anchored(value, values, chars)));
	}

	/**
	 * Adds a value to the open collection (or makes it the root); returns its pointer, or
	 * null when its position is not recorded (no positions asked for, or past their
	 * bound).
	 */
	private String attach(Deque<Frame> stack, JsonNode value, YamlLocator.Position at,
			Map<String, YamlLocator.Position> values, Map<String, YamlLocator.Position> keys) {
		Frame top = stack.peek();
		if (top == null) {
			root = value;
			return positions ? "" : null;
		}
		if (top.node instanceof ArrayNode array) {
			String pointer = recorded(top.pointer, Integer.toString(array.size()));
			array.add(value);
			return pointer;
		}
		ObjectNode object = (ObjectNode) top.node;
		String pointer = recorded(top.pointer, top.key);
		object.set(top.key, value);
		if (pointer != null) {
			keys.put(pointer, top.keyAt);
		}
		top.key = null;
		return pointer;
	}

	/**
	 * The pointer of a child of {@code parent} (null: not recorded), or null when it is
	 * not to be recorded: too long, or the pointers recorded would pass their total.
	 */
	private String recorded(String parent, String segment) {
		if (parent == null) {
			return null;
		}
		String escaped = escape(segment);
		long length = parent.length() + 1L + escaped.length();
		if (length > MAX_POINTER_CHARS || pointerChars + length > maxPointerChars()) {
			return null;
		}
		pointerChars += length;
		return parent + "/" + escaped;
	}

	private long maxPointerChars() {
		return POINTER_CHARS_PER_CODE_POINT * (long) limits.maxCodePoints();
	}

	/**
	 * The longest JSON Pointer whose position is recorded: a value deeper or under longer
	 * keys is placed at its nearest recorded ancestor.
	 */
	static final int MAX_POINTER_CHARS = 4_096;

	/**
	 * The characters of all pointers recorded, per character the file may hold
	 * ({@code max-code-points}): a dense scenario records about three pointer characters
	 * per character of its text (YamlPositionsBoundTest: 5,000 pods in flow style,
	 * 626,484 characters, 1.92 million pointer characters), so a file at the limit keeps
	 * every position.
	 */
	static final int POINTER_CHARS_PER_CODE_POINT = 8;

	/** The characters of the pointers recorded so far. */
	private long pointerChars;

	/** The characters of the JSON Pointers this reader recorded (bounded). */
	long pointerChars() {
		return pointerChars;
	}

	private static String child(String pointer, String key) {
		return pointer + "/" + escape(key);
	}

	private static String escape(String key) {
		return key.replace("~", "~0").replace("/", "~1");
	}

	private static JsonNode scalar(ScalarEvent s, YamlLocator.Position at) {
		String v = s.getValue();
		Optional<String> explicit = s.getTag();
		Tag tag;
		if (explicit.isPresent() && !explicit.get().equals("!")) {
			tag = new Tag(explicit.get());
		}
		else if (!s.getImplicit().canOmitTagInPlainScalar()) {
			tag = Tag.STR; // quoted: the core schema's resolver says str without looking
		}
		else {
			tag = plainTag(v);
		}
		if (tag.equals(Tag.NULL)) {
			return NODES.nullNode();
		}
		if (tag.equals(Tag.BOOL)) {
			return NODES.booleanNode(v.toLowerCase(Locale.ROOT).equals("true"));
		}
		if (tag.equals(Tag.INT)) {
			if (v.length() <= 9 && v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
				return NODES.numberNode(Integer.parseInt(v));
			}
			try {
				BigInteger big = integer(v);
				if (big.bitLength() < 32) {
					return NODES.numberNode(big.intValue());
				}
				if (big.bitLength() < 64) {
					return NODES.numberNode(big.longValue());
				}
				return NODES.numberNode(big);
			}
			catch (NumberFormatException ex) {
				return NODES.stringNode(v);
			}
		}
		if (tag.equals(Tag.FLOAT)) {
			String f = v.toLowerCase(Locale.ROOT);
			if (f.endsWith(".inf") || f.equals(".nan")) {
				return NODES.stringNode(v);
			}
			try {
				java.math.BigDecimal d = new java.math.BigDecimal(v);
				// a magnitude no field can hold (1e19, 1e999999999) stays the text it
				// was: the schema then names the
				// field and its line ("must be an integer, not '1e19'") instead of a
				// checker failing on its size
				int digits = d.signum() == 0 ? 0 : d.precision() - d.scale();
				if (digits > 19 || digits < -19) {
					return NODES.stringNode(v);
				}
				return NODES.numberNode(d);
			}
			catch (NumberFormatException ex) {
				return NODES.stringNode(v);
			}
		}
		return NODES.stringNode(v);
	}

	/**
	 * The core schema's tag for a plain scalar. Most plain values in a scenario are names
	 * and addresses: a value that starts with a letter is a null or a bool only in the
	 * core schema's exact spellings ({@code null}, {@code true}, {@code false},
	 * capitalised or in capitals; numbers start with a digit, a sign or a dot) and
	 * otherwise a string, short runs of digits are ints, and a value starting with a
	 * digit that holds two dots or a slash (an address, a CIDR) is a string, all without
	 * the resolver's regular expressions. Everything else goes to the resolver.
	 */
	static Tag plainTag(String v) {
		if (!v.isEmpty()) {
			char c = v.charAt(0);
			if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return switch (v) {
					case "null", "Null", "NULL" -> Tag.NULL;
					case "true", "True", "TRUE", "false", "False", "FALSE" -> Tag.BOOL;
					default -> Tag.STR;
				};
			}
			if (c >= '0' && c <= '9' && v.length() <= 9) {
				boolean digits = true;
				for (int i = 1; i < v.length() && digits; i++) {
					digits = v.charAt(i) >= '0' && v.charAt(i) <= '9';
				}
				if (digits) {
					return Tag.INT;
				}
			}
			if (c >= '0' && c <= '9' && (v.indexOf('.') != v.lastIndexOf('.') || v.indexOf('/') >= 0)) {
				return Tag.STR; // an address or a CIDR: no int or float has two dots or a
								// slash
			}
		}
		return RESOLVER.resolve(v, true);
	}

	private static BigInteger integer(String v) {
		String t = v.startsWith("+") ? v.substring(1) : v;
		boolean negative = t.startsWith("-");
		if (negative) {
			t = t.substring(1);
		}
		BigInteger b;
		if (t.startsWith("0x")) {
			b = new BigInteger(t.substring(2), 16);
		}
		else if (t.startsWith("0o")) {
			b = new BigInteger(t.substring(2), 8);
		}
		else {
			b = new BigInteger(t);
		}
		return negative ? b.negate() : b;
	}

	private static YamlLocator.Position position(Optional<Mark> mark) {
		return mark.map(m -> new YamlLocator.Position(m.getLine() + 1, m.getColumn() + 1))
			.orElse(new YamlLocator.Position(0, 0));
	}

}

// What the scenario's JSON Schema says at a place in a YAML text: the pure half of the editor's completion, hover
// help and quick fixes (no DOM, no CodeMirror; unit-tested in src/test/js/yamlschema.test.js).
//
// The YAML is read by indentation, line by line, as an author writes it while typing (the text need not parse):
// the keys of the enclosing block mappings and the sequence items between them make the path, e.g.
// ['cluster', 'pods', '[]', 'containers', '[]', 'ports', '[]'].

const KEY_LINE = /^(\s*)((?:-\s+)*)([A-Za-z_][\w.-]*)\s*:(?:\s+|$)(.*)$/;

/** The column of a line's key (after its indentation and any "- " item markers) and its markers' columns. */
function shape(line) {
	const lead = /^(\s*)((?:-\s+)*)/.exec(line);
	const dashes = [];
	let col = lead[1].length;
	for (const m of lead[2].matchAll(/-\s+/g)) {
		dashes.push(col);
		col += m[0].length;
	}
	return { keyCol: col, dashes };
}

function isBlank(line) {
	return /^\s*(#.*)?$/.test(line);
}

/** The value part of a key line is empty (a block follows) when it is nothing, a comment, or a block scalar marker. */
function opensBlock(rest) {
	return /^\s*(#.*)?$/.test(rest);
}

/**
 * The path of the mapping a key at column {@code col} on line {@code lineIndex} belongs to, from the lines above.
 * {@code dashes} are the item markers on that line itself before the key.
 */
function parentPath(lines, lineIndex, col, dashes) {
	const path = [];
	let atDash = false; // col is an item marker's: the sequence's key may sit at that same column
	if (dashes.length > 0) {
		path.push(...dashes.map(() => '[]'));
		col = dashes[0];
		atDash = true;
	}
	for (let i = lineIndex - 1; i >= 0 && (col > 0 || atDash); i--) {
		const line = lines[i];
		if (isBlank(line)) {
			continue;
		}
		const s = shape(line);
		const m = KEY_LINE.exec(line);
		if (s.keyCol === col && s.dashes.length > 0 && s.dashes[s.dashes.length - 1] < col) {
			// the first key of the item this block is in: the item, then whatever holds the sequence
			const inner = s.dashes.filter(d => d < col);
			path.push(...inner.map(() => '[]'));
			col = inner[0];
			atDash = true;
			continue;
		}
		const parentHere = s.keyCol < col || (atDash && s.keyCol === col && s.dashes.length === 0);
		if (!parentHere) {
			continue; // a sibling or something nested in one
		}
		// a line left of the block: the key whose value the block is (or the sequence of items is)
		if (!m || !opensBlock(m[4])) {
			return null; // flow style or broken text: no path
		}
		path.push(m[3]);
		col = s.keyCol;
		atDash = false;
		if (s.dashes.length > 0) {
			path.push(...s.dashes.map(() => '[]'));
			col = s.dashes[0];
			atDash = true;
		}
	}
	return path.reverse();
}

/**
 * Where the cursor is: {kind: 'key', path, prefix, from} when a key is being written (path = the mapping's path),
 * {kind: 'value', path, key, prefix, from} when a key's value is, or null (comments, flow collections, block text).
 * {@code from} is the offset where the word being written starts.
 */
export function contextAt(text, pos) {
	const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
	const before = text.slice(lineStart, pos);
	if (before.includes('#') || /[{}[\]]/.test(before)) {
		return null;
	}
	const lines = text.slice(0, lineStart).split('\n');
	lines.pop(); // the part after the last newline is the current line's start: empty
	const keyish = /^(\s*)((?:-\s+)*)([\w.-]*)$/.exec(before);
	if (keyish) {
		const s = shape(before);
		const path = parentPath(lines, lines.length, s.keyCol, s.dashes);
		return path && { kind: 'key', path, prefix: keyish[3], from: pos - keyish[3].length };
	}
	const valued = /^(\s*)((?:-\s+)*)([A-Za-z_][\w.-]*)\s*:\s+([^\s'"]*)$/.exec(before);
	if (valued) {
		const s = shape(before);
		const path = parentPath(lines, lines.length, s.keyCol, s.dashes);
		return path && { kind: 'value', path, key: valued[3], prefix: valued[4], from: pos - valued[4].length };
	}
	return null;
}

/**
 * The key under offset {@code pos} (for hover help): {path, key, from, to} where path is the key's mapping, or null.
 * A position on a key's value counts as the key's too.
 */
export function keyAt(text, pos) {
	const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
	let lineEnd = text.indexOf('\n', pos);
	if (lineEnd < 0) {
		lineEnd = text.length;
	}
	const line = text.slice(lineStart, lineEnd);
	const m = KEY_LINE.exec(line);
	if (!m) {
		return null;
	}
	const from = lineStart + m[1].length + m[2].length;
	const to = from + m[3].length;
	const valueEnd = lineStart + line.replace(/\s+#.*$/, '').trimEnd().length;
	if (pos < from || pos > Math.max(to, valueEnd)) {
		return null;
	}
	const lines = text.slice(0, lineStart).split('\n');
	lines.pop();
	const s = shape(line);
	const path = parentPath(lines, lines.length, s.keyCol, s.dashes);
	return path && { path, key: m[3], from, to };
}

// ---- the schema ---------------------------------------------------------------------------------------------------

function deref(root, schema) {
	let s = schema;
	for (let guard = 0; s && s.$ref && guard < 20; guard++) {
		const parts = s.$ref.replace(/^#\//, '').split('/');
		let t = root;
		for (const p of parts) {
			t = t?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
		}
		s = t ? { ...t, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) } : null;
	}
	return s;
}

/** The schema of the value at {@code path} ('[]' = an item of a sequence), or null when the schema does not say. */
export function schemaAt(root, path) {
	let s = deref(root, root);
	for (const step of path) {
		if (!s) {
			return null;
		}
		if (step === '[]') {
			s = deref(root, s.items);
		}
		else {
			const next = s.properties?.[step] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : null);
			s = deref(root, next);
		}
	}
	return s;
}

function typeText(s) {
	if (s.enum) {
		return s.enum.join(' | ');
	}
	const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
	return t === 'array' ? 'list' : t === 'object' ? 'mapping' : t || '';
}

/** The keys a mapping at {@code path} may have, not counting those in {@code present}: completion options. */
export function keyOptions(root, path, present = new Set()) {
	const s = schemaAt(root, path);
	if (!s || !s.properties) {
		return [];
	}
	const required = new Set(s.required || []);
	return Object.entries(s.properties)
		.filter(([k]) => !present.has(k))
		.map(([k, raw]) => {
			const p = deref(root, raw) || {};
			const block = p.type === 'object' || p.type === 'array';
			return {
				label: k,
				type: 'property',
				detail: (required.has(k) ? 'required · ' : '') + typeText(p),
				info: describe(p),
				apply: block ? `${k}:` : `${k}: `,
				boost: required.has(k) ? 1 : 0
			};
		});
}

/** The values a key may take when the schema lists them (enum, const, boolean): completion options. */
export function valueOptions(root, path, key) {
	const s = schemaAt(root, [...path, key]);
	if (!s) {
		return [];
	}
	const values = s.enum || (s.const !== undefined ? [s.const] : s.type === 'boolean' ? [true, false] : []);
	return values.map(v => ({
		label: String(v),
		type: 'enum',
		detail: s.default !== undefined && String(s.default) === String(v) ? 'default' : '',
		info: describe(s)
	}));
}

/** A field's help: its description, its default and the values it takes. */
export function describe(s) {
	if (!s) {
		return '';
	}
	const parts = [];
	if (s.description) {
		parts.push(s.description);
	}
	if (s.enum) {
		parts.push(`One of: ${s.enum.join(', ')}.`);
	}
	if (s.default !== undefined) {
		parts.push(`Default: ${JSON.stringify(s.default)}.`);
	}
	return parts.join('\n\n');
}

/** The keys already written in the mapping the line {@code lineIndex} belongs to (so completion skips them). */
export function siblingKeys(text, pos) {
	const lines = text.split('\n');
	const lineIndex = text.slice(0, pos).split('\n').length - 1;
	const here = shape(lines[lineIndex] || '');
	const col = here.keyCol;
	const keys = new Set();
	const scan = (from, step) => {
		for (let i = from; i >= 0 && i < lines.length; i += step) {
			const line = lines[i];
			if (isBlank(line)) {
				continue;
			}
			const s = shape(line);
			if (s.keyCol < col) {
				return;
			}
			const m = KEY_LINE.exec(line);
			if (s.keyCol === col && m) {
				keys.add(m[3]);
				if (step < 0 && s.dashes.length > 0 && s.dashes[s.dashes.length - 1] < col) {
					return; // the item's first key: the mapping starts here
				}
			}
			if (step > 0 && s.keyCol === col && s.dashes.length > 0 && s.dashes[s.dashes.length - 1] < col) {
				return; // the next item
			}
		}
	};
	if (here.dashes.length === 0) {
		scan(lineIndex - 1, -1); // a line that starts an item has no siblings above it
	}
	scan(lineIndex + 1, 1);
	return keys;
}

// ---- quick fixes --------------------------------------------------------------------------------------------------

/**
 * The fix a problem's "did you mean" offers: {label, from, to, insert} with offsets into {@code lineText} (0-based),
 * or null. The first quoted word of the message is what was written; it is looked for on the line from the
 * problem's column on, then anywhere on the line.
 */
export function quickFix(message, lineText, column = 1) {
	const mean = /\(did you mean '([^']+)'\?\)/.exec(message || '');
	if (!mean) {
		return null;
	}
	const written = /'([^']+)'/.exec(message);
	if (!written || written[1] === mean[1]) {
		return null;
	}
	const word = written[1];
	const isWordChar = c => c !== undefined && /[\w.-]/.test(c);
	const find = start => {
		for (let at = lineText.indexOf(word, start); at >= 0; at = lineText.indexOf(word, at + 1)) {
			if (!isWordChar(lineText[at - 1]) && !isWordChar(lineText[at + word.length])) {
				return at;
			}
		}
		return -1;
	};
	let at = find(Math.max(0, column - 1));
	if (at < 0) {
		at = find(0);
	}
	return at < 0 ? null : { label: `Change to '${mean[1]}'`, from: at, to: at + word.length, insert: mean[1] };
}

// ---- indentation ---------------------------------------------------------------------------------------------------

/** The indentation a new line after {@code line} gets: the same, one level more after "key:", two after "- key:". */
export function indentAfter(line) {
	let indent = /^[ ]*/.exec(line)[0].length;
	if (/:\s*(#.*)?$/.test(line)) {
		indent += /^\s*- /.test(line) ? 4 : 2;
	}
	else if (/^\s*- /.test(line)) {
		indent += 2;
	}
	return indent;
}

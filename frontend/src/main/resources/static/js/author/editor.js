// The scenario editor: CodeMirror 6 (from its webjars, through the page's import map) with YAML colours, line numbers,
// folding, search, undo history and bracket matching; completion and hover help from the served JSON Schema
// (yamlschema.js works out where the cursor is); validation as you type (POST /api/validate, debounced) shown as lint
// markers (gutter, underline, the message after the line's end, a quick fix where the message has a "did you mean")
// and listed (click to jump); the draft kept in localStorage, download, save to the scenarios directory when the
// server allows it, and "Run in the player" (/editor/{key}/play, which posts the stored draft).

import { EditorState, StateEffect, StateField } from '@codemirror/state';
import {
	Decoration, EditorView, WidgetType, crosshairCursor, drawSelection, dropCursor, highlightActiveLine,
	highlightActiveLineGutter, highlightSpecialChars, hoverTooltip, keymap, lineNumbers, rectangularSelection
} from '@codemirror/view';
import {
	HighlightStyle, StreamLanguage, bracketMatching, foldGutter, foldKeymap, indentOnInput, indentService, indentUnit,
	syntaxHighlighting
} from '@codemirror/language';
import { defaultKeymap, history, historyKeymap, indentLess, indentMore } from '@codemirror/commands';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { yaml } from '@codemirror/legacy-modes/mode/yaml';
import { tags } from '@lezer/highlight';

import { dropDraft, loadDraft, saveDraft } from './drafts.js';
import { contextAt, describe, indentAfter, keyAt, keyOptions, quickFix, schemaAt, siblingKeys, valueOptions } from './yamlschema.js';

const STARTER = `# yaml-language-server: $schema=http://localhost:8080/schema/scenario.schema.json
apiVersion: packetwalk.dev/v1alpha1
kind: Scenario
metadata:
  name: my-first-scenario          # also the file name: my-first-scenario.yaml
  title: Pod to pod on one node
  chapter: Inside a node
cluster:
  network: kubenet                 # cbr0 bridge, one pod CIDR per node
  nodes:
    - {name: node1, podCIDR: 10.244.1.0/24}
  pods:
    - {name: client, node: node1}
    - name: server
      node: node1
      containers:
        - name: web
          ports: [{name: http, containerPort: 8080}]
flows:
  - {from: client, to: server:8080, protocol: TCP, reply: true}
`;

const VALIDATE_DELAY_MS = 400;

const root = document.getElementById('editor');
const key = root.dataset.draftKey || 'new';
const scenarioId = root.dataset.scenarioId || '';
const api = (root.dataset.apiBase || '/api').replace(/\/$/, '');
const editorBase = (root.dataset.editorBase || '/editor').replace(/\/$/, '');
const schemaUrl = root.dataset.schemaUrl || '/schema/scenario.schema.json';

const code = root.querySelector('[data-testid="code"]');
const list = root.querySelector('[data-testid="problems"]');
const status = root.querySelector('[data-testid="validation-status"]');
const draftStatus = root.querySelector('[data-testid="draft-status"]');
const revertButton = root.querySelector('[data-action="revert"]');
const runButton = root.querySelector('[data-action="run"]');
const downloadButton = root.querySelector('[data-action="download"]');
const saveButton = root.querySelector('[data-action="save"]'); // only when the server lets the editor save
const saveStatus = root.querySelector('[data-testid="save-status"]');
const openSelect = root.querySelector('[data-testid="open-scenario"]');

/** The last validation's problems: {line, column, path, message, severity}. */
let problems = [];
let schema = null;
let validateTimer = null;
let validation = null;
let seq = 0;
let loading = false;

// ---- the schema: completion and hover ------------------------------------------------------------------------------

function complete(context) {
	if (!schema) {
		return null;
	}
	const text = context.state.doc.toString();
	const at = contextAt(text, context.pos);
	if (!at || (!context.explicit && at.prefix === '' && at.kind === 'key')) {
		return null;
	}
	const options = at.kind === 'key'
		? keyOptions(schema, at.path, siblingKeys(text, context.pos))
		: valueOptions(schema, at.path, at.key);
	if (options.length === 0) {
		return null;
	}
	return { from: at.from, options, validFor: /^[\w.-]*$/ };
}

function hoverHelp(view, pos) {
	if (!schema) {
		return null;
	}
	const k = keyAt(view.state.doc.toString(), pos);
	const s = k && schemaAt(schema, [...k.path, k.key]);
	const help = s && describe(s);
	if (!help) {
		return null;
	}
	return {
		pos: k.from,
		end: k.to,
		above: true,
		create() {
			const dom = document.createElement('div');
			dom.className = 'ed-hover';
			dom.dataset.testid = 'hover-help';
			const title = document.createElement('strong');
			title.textContent = [...k.path.filter(p => p !== '[]'), k.key].join('.');
			const body = document.createElement('div');
			body.textContent = help;
			dom.append(title, body);
			return { dom };
		}
	};
}

// ---- problems: lint markers, line-end messages, the list -----------------------------------------------------------

const setInline = StateEffect.define();

class InlineProblem extends WidgetType {
	constructor(line, severity, text) {
		super();
		this.line = line;
		this.severity = severity;
		this.text = text;
	}

	eq(other) {
		return other.line === this.line && other.severity === this.severity && other.text === this.text;
	}

	toDOM() {
		const span = document.createElement('span');
		span.className = `ed-inline is-${this.severity}`;
		span.dataset.testid = 'inline-problem';
		span.dataset.line = String(this.line);
		span.textContent = this.text;
		span.setAttribute('aria-hidden', 'true');
		return span;
	}

	ignoreEvent() {
		return false;
	}
}

/** The first problem of each line, as text after the line's end (kept in place while typing). */
const inlineProblems = StateField.define({
	create: () => Decoration.none,
	update(deco, tr) {
		deco = deco.map(tr.changes);
		for (const e of tr.effects) {
			if (e.is(setInline)) {
				deco = e.value;
			}
		}
		return deco;
	},
	provide: f => EditorView.decorations.from(f)
});

function problemsByLine(doc) {
	const byLine = new Map();
	for (const p of problems) {
		if (!p.line) {
			continue;
		}
		const line = Math.min(p.line, doc.lines);
		if (!byLine.has(line)) {
			byLine.set(line, []);
		}
		byLine.get(line).push(p);
	}
	return byLine;
}

function fixAction(p, line) {
	const fix = quickFix(p.message, line.text, p.column || 1);
	if (!fix) {
		return [];
	}
	return [{
		name: fix.label,
		apply(view) {
			view.dispatch({ changes: { from: line.from + fix.from, to: line.from + fix.to, insert: fix.insert } });
		}
	}];
}

/** The quick fix of a listed problem, on the line as it is now. */
function fixOf(p) {
	const doc = view.state.doc;
	return fixAction(p, doc.line(Math.min(p.line, doc.lines)))[0] || null;
}

function diagnostics(doc) {
	const out = [];
	const widgets = [];
	for (const [n, ps] of problemsByLine(doc)) {
		const line = doc.line(n);
		for (const p of ps) {
			const start = line.from + Math.min(Math.max(0, (p.column || 1) - 1), line.length);
			const word = /^[^\s:,{}[\]]*/.exec(doc.sliceString(start, line.to))[0];
			out.push({
				from: start,
				to: word.length ? start + word.length : line.to,
				severity: p.severity,
				message: `${p.path ? p.path + ': ' : ''}${p.message}`,
				actions: fixAction(p, line)
			});
		}
		const severity = ps.some(p => p.severity === 'error') ? 'error' : 'warning';
		const text = `${severity === 'error' ? '✖' : '▲'} ${ps[0].message}${ps.length > 1 ? ` (+${ps.length - 1} more)` : ''}`;
		widgets.push(Decoration.widget({ widget: new InlineProblem(n, severity, text), side: 1 }).range(line.to));
		widgets.push(Decoration.line({ class: `ed-band is-${severity}` }).range(line.from));
	}
	widgets.sort((a, b) => a.from - b.from || a.value.startSide - b.value.startSide);
	return { diagnostics: out, decorations: Decoration.set(widgets, true) };
}

function showProblems() {
	const { diagnostics: d, decorations } = diagnostics(view.state.doc);
	view.dispatch(setDiagnostics(view.state, d));
	view.dispatch({ effects: setInline.of(decorations) });
	renderProblems();
}

/** Puts the caret on line:column (1-based), scrolls it into view and gives the editor the focus. */
function goTo(line, column = 1) {
	const doc = view.state.doc;
	const l = doc.line(Math.max(1, Math.min(line || 1, doc.lines)));
	const pos = l.from + Math.max(0, Math.min((column || 1) - 1, l.length));
	view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
	view.focus();
}

function renderProblems() {
	list.replaceChildren();
	if (problems.length === 0) {
		const li = document.createElement('li');
		li.className = 'ed-none';
		li.textContent = 'No problems: ready to run.';
		list.append(li);
		return;
	}
	for (const p of problems) {
		const li = document.createElement('li');
		const b = document.createElement('button');
		b.type = 'button';
		b.className = `ed-problem is-${p.severity}`;
		b.dataset.testid = 'problem';
		b.dataset.line = String(p.line || 0);
		const where = document.createElement('span');
		where.className = 'ed-where';
		where.textContent = p.line ? `${p.severity === 'error' ? '✖' : '▲'} ${p.line}:${p.column || 1}` : p.severity;
		const path = document.createElement('span');
		path.className = 'ed-path';
		path.textContent = p.path || '';
		const msg = document.createElement('span');
		msg.className = 'ed-msg';
		msg.textContent = p.message;
		b.append(where, path, msg);
		b.title = p.line ? `Go to line ${p.line}` : '';
		b.addEventListener('click', () => goTo(p.line, p.column));
		li.append(b);
		const fix = p.line ? fixOf(p) : null;
		if (fix) {
			const f = document.createElement('button');
			f.type = 'button';
			f.className = 'btn btn-small ed-fix';
			f.dataset.testid = 'quick-fix';
			f.textContent = fix.name;
			f.title = `Quick fix for line ${p.line}`;
			f.addEventListener('click', () => {
				fix.apply(view);
				view.focus();
			});
			li.append(f);
		}
		list.append(li);
	}
}

function setStatus(state, label) {
	status.dataset.state = state;
	status.textContent = label;
	root.dataset.validation = state;
	runButton.disabled = state === 'invalid';
	runButton.title = state === 'invalid' ? 'Fix the errors first' : 'Play this draft in the player';
}

// ---- validation ------------------------------------------------------------------------------------------------

function scheduleValidate() {
	clearTimeout(validateTimer);
	setStatus('pending', 'Checking…');
	validateTimer = setTimeout(validate, VALIDATE_DELAY_MS);
}

async function problemText(res) {
	try {
		const p = await res.json();
		return p.detail || p.title || `${res.status}`;
	} catch {
		return `${res.status} ${res.statusText}`;
	}
}

async function validate() {
	const mine = ++seq;
	validation?.abort();
	validation = new AbortController();
	try {
		const res = await fetch(`${api}/validate`, {
			method: 'POST',
			headers: { 'Content-Type': 'text/yaml', Accept: 'application/json' },
			body: view.state.doc.toString(),
			signal: validation.signal
		});
		if (!res.ok) {
			throw new Error(await problemText(res));
		}
		const v = await res.json();
		if (mine !== seq) {
			return;
		}
		// the server orders them root cause first; the list keeps that order
		problems = [
			...(v.errors || []).map(p => ({ ...p, severity: 'error' })),
			...(v.warnings || []).map(p => ({ ...p, severity: 'warning' }))
		];
		const errors = (v.errors || []).length;
		const warnings = (v.warnings || []).length;
		if (v.valid) {
			setStatus('valid', warnings ? `✓ Valid · ${warnings} warning${warnings > 1 ? 's' : ''}` : '✓ Valid');
		} else {
			setStatus('invalid', `✖ ${errors} error${errors === 1 ? '' : 's'}`);
		}
		showProblems();
	} catch (err) {
		if (err.name === 'AbortError' || mine !== seq) {
			return;
		}
		setStatus('failed', `Could not check: ${err.message}`);
	}
}

// ---- draft, revert, run, download ------------------------------------------------------------------------------

function showDraftStatus(draft, restored) {
	if (!draft) {
		draftStatus.textContent = scenarioId ? 'The original file, unchanged' : 'A new scenario';
		return;
	}
	const at = new Date(draft.savedAt).toLocaleTimeString();
	draftStatus.textContent = restored ? `Draft restored from this browser (saved ${at})` : `Draft saved in this browser at ${at}`;
}

async function original() {
	if (!scenarioId) {
		return STARTER;
	}
	const res = await fetch(`${api}/scenarios/${encodeURIComponent(scenarioId)}/yaml`, { headers: { Accept: 'application/yaml' } });
	if (!res.ok) {
		throw new Error(await problemText(res));
	}
	rememberVersion(scenarioId, res.headers.get('ETag'));
	return res.text();
}

// ---- save to the scenarios directory -------------------------------------------------------------------------------

/** The version of <name>.yaml this browser last opened or saved (a save must still find it on disk). */
function versionKey(name) {
	return `packetwalk.fileVersion.${name}`;
}

function rememberVersion(name, etag) {
	try {
		if (etag) {
			localStorage.setItem(versionKey(name), etag);
		} else {
			localStorage.removeItem(versionKey(name));
		}
	} catch {
		// storage full or off: the next save then only creates new files
	}
}

async function saveToDirectory() {
	const name = fileName().replace(/\.yaml$/, '');
	const base = localStorage.getItem(versionKey(name));
	const headers = { 'Content-Type': 'text/yaml', Accept: 'application/json' };
	if (base) {
		headers['If-Match'] = base;
	} else {
		headers['If-None-Match'] = '*';
	}
	saveStatus.dataset.state = 'saving';
	saveStatus.textContent = 'Saving…';
	try {
		const res = await fetch(`${api}/scenarios/${encodeURIComponent(name)}/yaml`, { method: 'PUT', headers, body: text() });
		if (!res.ok) {
			throw new Error(await problemText(res));
		}
		rememberVersion(name, res.headers.get('ETag'));
		saveStatus.dataset.state = 'saved';
		saveStatus.textContent = `Saved as ${name}.yaml at ${new Date().toLocaleTimeString()}`;
	} catch (err) {
		saveStatus.dataset.state = 'refused';
		saveStatus.textContent = `Not saved: ${err.message}`;
	}
}

/** Replaces the whole text (a load, not an edit: no draft is saved for it). */
function setText(value) {
	loading = true;
	try {
		view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value }, selection: { anchor: 0 } });
	} finally {
		loading = false;
	}
	view.scrollDOM.scrollTop = 0;
}

function text() {
	return view.state.doc.toString();
}

async function revert() {
	if (!window.confirm('Throw the draft away and load the original again?')) {
		return;
	}
	try {
		setText(await original());
		dropDraft(key);
		revertButton.disabled = true;
		showDraftStatus(null, false);
		validate();
	} catch (err) {
		setStatus('failed', `Could not load the original: ${err.message}`);
	}
}

function fileName() {
	const m = /^metadata:[^\n]*\n(?:[ \t]+[^\n]*\n)*?[ \t]+name:[ \t]*["']?([a-z0-9][a-z0-9-]*)/m.exec(text());
	return `${m ? m[1] : key}.yaml`;
}

function download() {
	const blob = new Blob([text()], { type: 'application/yaml' });
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = fileName();
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function run() {
	saveDraft(key, text(), scenarioId);
	window.location.href = `${editorBase}/${encodeURIComponent(key)}/play`;
}

// ---- keys: YAML indentation -------------------------------------------------------------------------------------

/** Tab inserts two spaces at the caret (indents the lines of a selection); Esc then Tab leaves the editor. */
function tab(target) {
	if (target.state.selection.ranges.some(r => !r.empty)) {
		return indentMore(target);
	}
	target.dispatch(target.state.replaceSelection('  '), { scrollIntoView: true, userEvent: 'input' });
	return true;
}

/** Enter keeps the line's indentation, one level more after "key:" or "- key:". */
const yamlIndent = indentService.of((cx, pos) => {
	const line = cx.state.doc.lineAt(pos);
	if (line.from === pos && line.number > 1) {
		return indentAfter(cx.state.doc.line(line.number - 1).text);
	}
	return indentAfter(line.text.slice(0, pos - line.from));
});

// ---- the look: both themes from app.css's tokens -----------------------------------------------------------------

const theme = EditorView.theme({
	'&': { height: '100%', color: 'var(--ink)', backgroundColor: 'var(--panel)', fontSize: '0.85rem' },
	'&.cm-focused': { outline: 'none' },
	'.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: 'var(--ed-lh)' },
	'.cm-content': { caretColor: 'var(--accent)', padding: 'var(--ed-pad) 0' },
	'.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)', borderLeftWidth: '2px' },
	'.cm-gutters': { backgroundColor: 'var(--muted-fill)', color: 'var(--muted)', borderRight: '1px solid var(--line)' },
	'.cm-activeLineGutter': { backgroundColor: 'var(--line-soft)', color: 'var(--ink)', fontWeight: '700' },
	'.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 6%, transparent)' },
	'&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
		{ backgroundColor: 'color-mix(in srgb, var(--accent) 25%, transparent)' },
	'.cm-matchingBracket': { backgroundColor: 'var(--hl-soft)', outline: '1px solid var(--hl)' },
	'.cm-searchMatch': { backgroundColor: 'var(--chg)', color: '#111c2b' },
	'.cm-panels': { backgroundColor: 'var(--muted-fill)', color: 'var(--ink)' },
	'.cm-panels input, .cm-panels button': { font: 'inherit', color: 'var(--ink)' },
	'.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--ink)', border: '1px solid var(--line)' },
	'.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--panel)' },
	'.cm-completionDetail': { color: 'var(--muted)', fontStyle: 'normal', marginLeft: '0.8em' },
	'.cm-tooltip.cm-completionInfo': { maxWidth: '28rem', whiteSpace: 'pre-line', padding: '0.4rem 0.6rem' },
	'.cm-diagnostic': { whiteSpace: 'pre-wrap', maxWidth: '36rem' },
	'.cm-diagnosticAction': { backgroundColor: 'var(--accent)', color: 'var(--panel)', font: 'inherit', fontWeight: '700' },
	'.cm-foldPlaceholder': { backgroundColor: 'var(--muted-fill)', color: 'var(--muted)', border: '1px solid var(--line)' }
});

const colours = HighlightStyle.define([
	{ tag: tags.atom, color: 'var(--accent)' }, // keys
	{ tag: tags.string, color: 'var(--ok)' },
	{ tag: tags.number, color: 'var(--nat)' },
	{ tag: tags.keyword, color: 'var(--nf)' },
	{ tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
	{ tag: [tags.meta, tags.definition(tags.variableName), tags.variableName], color: 'var(--muted)' }
]);

// ---- the editor ---------------------------------------------------------------------------------------------------

const view = new EditorView({
	parent: code,
	state: EditorState.create({
		doc: '',
		extensions: [
			lineNumbers(),
			foldGutter(),
			lintGutter(),
			highlightActiveLineGutter(),
			highlightSpecialChars(),
			history(),
			drawSelection(),
			dropCursor(),
			EditorState.allowMultipleSelections.of(true),
			indentOnInput(),
			indentUnit.of('  '),
			EditorState.tabSize.of(2),
			yamlIndent,
			StreamLanguage.define(yaml),
			syntaxHighlighting(colours),
			bracketMatching(),
			closeBrackets(),
			autocompletion({ override: [complete], icons: false }),
			rectangularSelection(),
			crosshairCursor(),
			highlightActiveLine(),
			highlightSelectionMatches(),
			search({ top: true }),
			hoverTooltip(hoverHelp, { hoverTime: 350 }),
			inlineProblems,
			keymap.of([
				{ key: 'Tab', run: tab, shift: indentLess },
				...closeBracketsKeymap,
				...defaultKeymap,
				...searchKeymap,
				...historyKeymap,
				...foldKeymap,
				...completionKeymap,
				...lintKeymap
			]),
			theme,
			EditorView.contentAttributes.of({ 'aria-label': 'Scenario YAML', 'aria-describedby': 'problems-title', 'data-testid': 'yaml' }),
			EditorView.updateListener.of(update => {
				if (!update.docChanged || loading) {
					return;
				}
				showDraftStatus(saveDraft(key, text(), scenarioId), false);
				revertButton.disabled = false;
				scheduleValidate();
			})
		]
	})
});
// for tests and the console: the text and the selection as CodeMirror holds them
root.editorView = view;

revertButton.addEventListener('click', revert);
runButton.addEventListener('click', run);
downloadButton.addEventListener('click', download);
saveButton?.addEventListener('click', saveToDirectory);
openSelect.addEventListener('change', () => {
	window.location.href = `${editorBase}/${encodeURIComponent(openSelect.value)}`;
});

async function loadSchema() {
	try {
		const res = await fetch(schemaUrl, { headers: { Accept: 'application/json' } });
		if (res.ok) {
			schema = await res.json();
		}
	} catch {
		schema = null; // completion and hover help stay off; validation still works
	}
}

async function start() {
	const schemaLoaded = loadSchema();
	const draft = loadDraft(key);
	try {
		setText(draft ? draft.yaml : await original());
	} catch (err) {
		setText('');
		setStatus('failed', `Could not load ${scenarioId}: ${err.message}`);
		return;
	}
	revertButton.disabled = !draft;
	showDraftStatus(draft, true);
	await Promise.all([validate(), schemaLoaded]);
	await document.fonts?.ready;
	view.requestMeasure();
	// ready means settled: the text (draft restored or original) is final, checked once, its marks drawn, and the
	// schema behind completion loaded
	root.dataset.ready = 'true';
}

start();

// The scenario editor: a textarea with a line-number gutter kept in step with it, validation as you type
// (POST /api/validate, debounced) with each problem marked at its line (gutter marker, a band behind the line, the
// message after the line's end) and listed (click to jump), the draft kept in localStorage, download, and "Run in
// the player" (/editor/{key}/play, which posts the stored draft).

import { dropDraft, loadDraft, saveDraft } from './drafts.js';

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

const text = root.querySelector('[data-testid="yaml"]');
const gutter = root.querySelector('.ed-gutter-lines');
const marks = root.querySelector('.ed-marks-inner');
const list = root.querySelector('[data-testid="problems"]');
const status = root.querySelector('[data-testid="validation-status"]');
const draftStatus = root.querySelector('[data-testid="draft-status"]');
const revertButton = root.querySelector('[data-action="revert"]');
const runButton = root.querySelector('[data-action="run"]');
const downloadButton = root.querySelector('[data-action="download"]');
const openSelect = root.querySelector('[data-testid="open-scenario"]');

/** The last validation's problems: {line, column, path, message, severity}. */
let problems = [];
let lineCount = 0;
let currentLine = 0;
let charWidth = 0;
let validateTimer = null;
let validation = null;
let seq = 0;

// ---- geometry --------------------------------------------------------------------------------------------------

function metrics() {
	const cs = getComputedStyle(text);
	return { lineHeight: parseFloat(cs.lineHeight), padTop: parseFloat(cs.paddingTop), padLeft: parseFloat(cs.paddingLeft) };
}

function measureCharWidth() {
	const probe = document.createElement('span');
	probe.style.visibility = 'hidden';
	probe.style.whiteSpace = 'pre';
	probe.style.font = getComputedStyle(text).font;
	probe.textContent = '0'.repeat(100);
	marks.append(probe);
	charWidth = probe.getBoundingClientRect().width / 100 || 8;
	probe.remove();
}

function lines() {
	return text.value.split('\n');
}

function lineOf(offset) {
	let n = 1;
	const v = text.value;
	for (let i = 0; i < offset && i < v.length; i++) {
		if (v.charCodeAt(i) === 10) {
			n++;
		}
	}
	return n;
}

function syncScroll() {
	gutter.style.transform = `translateY(${-text.scrollTop}px)`;
	marks.style.transform = `translate(${-text.scrollLeft}px, ${-text.scrollTop}px)`;
}

// ---- gutter and inline marks -----------------------------------------------------------------------------------

function renderGutter() {
	const n = lines().length;
	if (n === lineCount) {
		return;
	}
	const frag = document.createDocumentFragment();
	for (let i = 1; i <= n; i++) {
		const ln = document.createElement('div');
		ln.className = 'ed-ln';
		ln.dataset.line = String(i);
		ln.textContent = String(i);
		frag.append(ln);
	}
	gutter.replaceChildren(frag);
	lineCount = n;
	currentLine = 0;
	renderMarks();
	updateCurrentLine();
}

/** Problems by line (clamped into the text: it may have shrunk since it was checked); line 0 = nowhere. */
function problemsByLine() {
	const byLine = new Map();
	for (const p of problems) {
		if (!p.line) {
			continue;
		}
		const line = Math.min(p.line, lineCount);
		if (!byLine.has(line)) {
			byLine.set(line, []);
		}
		byLine.get(line).push(p);
	}
	return byLine;
}

function renderMarks() {
	for (const ln of gutter.querySelectorAll('.ed-ln.is-error, .ed-ln.is-warning')) {
		ln.classList.remove('is-error', 'is-warning');
		ln.removeAttribute('title');
		ln.removeAttribute('role');
		ln.removeAttribute('tabindex');
		ln.removeAttribute('aria-label');
		ln.textContent = ln.dataset.line;
	}
	marks.replaceChildren();
	const { lineHeight, padTop, padLeft } = metrics();
	const all = lines();
	for (const [line, ps] of problemsByLine()) {
		const severity = ps.some(p => p.severity === 'error') ? 'error' : 'warning';
		const summary = ps.map(p => `${p.severity}: ${p.path ? p.path + ': ' : ''}${p.message}`).join('\n');
		const ln = gutter.children[line - 1];
		if (ln) {
			ln.classList.add(`is-${severity}`);
			ln.title = summary;
			ln.setAttribute('aria-label', `line ${line}, ${summary}`);
			const mark = document.createElement('span');
			mark.className = 'ed-mark';
			mark.textContent = severity === 'error' ? '✖' : '▲';
			ln.prepend(mark);
		}
		const top = padTop + (line - 1) * lineHeight;
		const band = document.createElement('div');
		band.className = `ed-band is-${severity}`;
		band.style.top = `${top}px`;
		const inline = document.createElement('div');
		inline.className = `ed-inline is-${severity}`;
		inline.dataset.testid = 'inline-problem';
		inline.dataset.line = String(line);
		inline.style.top = `${top}px`;
		inline.style.left = `${padLeft + ((all[line - 1] || '').length + 3) * charWidth}px`;
		inline.textContent = `${severity === 'error' ? '✖' : '▲'} ${ps[0].message}${ps.length > 1 ? ` (+${ps.length - 1} more)` : ''}`;
		marks.append(band, inline);
	}
	syncScroll();
}

function updateCurrentLine() {
	const line = lineOf(text.selectionStart);
	if (line === currentLine) {
		return;
	}
	gutter.children[currentLine - 1]?.classList.remove('is-current');
	gutter.children[line - 1]?.classList.add('is-current');
	currentLine = line;
}

/** Puts the caret on line:column (1-based) and scrolls it into view. */
function goTo(line, column = 1) {
	const all = lines();
	const l = Math.max(1, Math.min(line || 1, all.length));
	let pos = 0;
	for (let i = 0; i < l - 1; i++) {
		pos += all[i].length + 1;
	}
	pos += Math.max(0, Math.min((column || 1) - 1, all[l - 1].length));
	text.focus({ preventScroll: true });
	text.setSelectionRange(pos, pos);
	const { lineHeight, padTop } = metrics();
	const top = padTop + (l - 1) * lineHeight;
	if (top < text.scrollTop || top + lineHeight > text.scrollTop + text.clientHeight) {
		text.scrollTop = Math.max(0, top - text.clientHeight / 3);
	}
	const left = ((column || 1) - 1) * charWidth;
	if (left < text.scrollLeft || left > text.scrollLeft + text.clientWidth - 40) {
		text.scrollLeft = Math.max(0, left - text.clientWidth / 2);
	}
	syncScroll();
	updateCurrentLine();
}

// ---- problems list ---------------------------------------------------------------------------------------------

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
		msg.textContent = p.message;
		b.append(where, path, msg);
		b.title = p.line ? `Go to line ${p.line}` : '';
		b.addEventListener('click', () => goTo(p.line, p.column));
		li.append(b);
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
			body: text.value,
			signal: validation.signal
		});
		if (!res.ok) {
			throw new Error(await problemText(res));
		}
		const v = await res.json();
		if (mine !== seq) {
			return;
		}
		problems = [
			...(v.errors || []).map(p => ({ ...p, severity: 'error' })),
			...(v.warnings || []).map(p => ({ ...p, severity: 'warning' }))
		].sort((a, b) => (a.line || 1e9) - (b.line || 1e9) || (a.column || 0) - (b.column || 0));
		const errors = (v.errors || []).length;
		const warnings = (v.warnings || []).length;
		if (v.valid) {
			setStatus('valid', warnings ? `✓ Valid · ${warnings} warning${warnings > 1 ? 's' : ''}` : '✓ Valid');
		} else {
			setStatus('invalid', `✖ ${errors} error${errors === 1 ? '' : 's'}`);
		}
		renderProblems();
		renderMarks();
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
	return res.text();
}

function setText(value) {
	text.value = value;
	text.scrollTop = 0;
	text.scrollLeft = 0;
	lineCount = 0;
	renderGutter();
	syncScroll();
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
	const m = /^metadata:[^\n]*\n(?:[ \t]+[^\n]*\n)*?[ \t]+name:[ \t]*["']?([a-z0-9][a-z0-9-]*)/m.exec(text.value);
	return `${m ? m[1] : key}.yaml`;
}

function download() {
	const blob = new Blob([text.value], { type: 'application/yaml' });
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = fileName();
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function run() {
	saveDraft(key, text.value, scenarioId);
	window.location.href = `${editorBase}/${encodeURIComponent(key)}/play`;
}

// ---- keys: YAML indentation -------------------------------------------------------------------------------------

/** Inserts text at the caret as typing would (kept in the undo history where the browser supports it). */
function insert(value) {
	if (!document.execCommand || !document.execCommand('insertText', false, value)) {
		text.setRangeText(value, text.selectionStart, text.selectionEnd, 'end');
		text.dispatchEvent(new Event('input'));
	}
}

// Tab indents by two spaces; Esc then Tab leaves the editor (so the keyboard is never trapped). Enter keeps the
// line's indentation, one level more after "key:" or "- key:".
let escaped = false;
text.addEventListener('keydown', event => {
	if (event.key === 'Escape') {
		escaped = true;
		return;
	}
	const plain = !event.altKey && !event.ctrlKey && !event.metaKey;
	if (event.key === 'Tab' && plain && !event.shiftKey && !escaped) {
		event.preventDefault();
		insert('  ');
	} else if (event.key === 'Enter' && plain && !event.shiftKey && text.selectionStart === text.selectionEnd) {
		const before = text.value.slice(0, text.selectionStart);
		const line = before.slice(before.lastIndexOf('\n') + 1);
		let indent = /^[ ]*/.exec(line)[0];
		if (/:\s*$/.test(line)) {
			indent += /^\s*- /.test(line) ? '    ' : '  ';
		} else if (/^\s*- /.test(line)) {
			indent += '  ';
		}
		event.preventDefault();
		insert(`\n${indent}`);
	}
	escaped = false;
});

// ---- wiring ----------------------------------------------------------------------------------------------------

text.addEventListener('input', () => {
	renderGutter();
	if (problems.length) {
		renderMarks(); // keep inline messages after their line's end while typing
	}
	showDraftStatus(saveDraft(key, text.value, scenarioId), false);
	revertButton.disabled = false;
	scheduleValidate();
});
text.addEventListener('scroll', syncScroll);
for (const type of ['keyup', 'click', 'focus', 'select']) {
	text.addEventListener(type, updateCurrentLine);
}
document.addEventListener('selectionchange', () => {
	if (document.activeElement === text) {
		updateCurrentLine();
	}
});
gutter.addEventListener('click', event => {
	const ln = event.target.closest('.ed-ln');
	if (!ln) {
		return;
	}
	const line = Number(ln.dataset.line);
	const p = problems.find(q => Math.min(q.line, lineCount) === line);
	goTo(line, p ? p.column : 1);
});
revertButton.addEventListener('click', revert);
runButton.addEventListener('click', run);
downloadButton.addEventListener('click', download);
openSelect.addEventListener('change', () => {
	window.location.href = `${editorBase}/${encodeURIComponent(openSelect.value)}`;
});
window.addEventListener('resize', renderMarks);

async function start() {
	measureCharWidth();
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
	await validate();
	await document.fonts?.ready;
	measureCharWidth();
	renderMarks();
	// ready means settled: the text (draft restored or original) is final, checked once, and its marks are drawn
	root.dataset.ready = 'true';
}

start();

// /import: the dump (pasted or uploaded) is posted to POST /api/import, which answers with the scenario, its warnings
// and what a flow can start from and go to. Playing a flow posts the dump again with ?from=&to= and opens the
// scenario as the editor draft "import" in the player (/editor/import/play). The dump is kept in this browser's
// storage only. ?from=ns/pod&to=service/ns/name:port preselects a flow.

import { saveDraft } from './drafts.js';

const DUMP_KEY = 'packetwalk.import.dump';
const KINDS = [
	['service', 'Services'], ['nodeport', 'NodePorts'], ['loadbalancer', 'Load balancers'], ['dns', 'DNS names'],
	['pod', 'Pods'], ['other', 'Other']
];

const root = document.getElementById('import');
const $ = id => root.querySelector(`[data-testid="${id}"]`);
const apiBase = root.dataset.apiBase || '/api';
const dump = $('dump');
const status = $('import-status');
const fromSel = $('pick-from');
const toSel = $('pick-to');
let last = null; // the last answer of /api/import

function store() {
	try {
		return window.localStorage;
	} catch {
		return null;
	}
}

function setStatus(text, state) {
	status.textContent = text;
	status.dataset.state = state || '';
}

async function postImport(params) {
	const q = new URLSearchParams();
	Object.entries(params || {}).forEach(([k, v]) => v && q.set(k, v));
	const res = await fetch(`${apiBase}/import${q.size ? '?' + q : ''}`, {
		method: 'POST', headers: { 'Content-Type': 'text/plain', Accept: 'application/json' }, body: dump.value
	});
	const body = await res.json().catch(() => ({}));
	if (!res.ok) {
		throw new Error(body.detail || `the import failed (${res.status})`);
	}
	return body;
}

function option(value, label) {
	const o = document.createElement('option');
	o.value = value;
	o.textContent = label;
	return o;
}

function fillPickers(answer, want) {
	fromSel.replaceChildren();
	const groups = { Pods: [], Nodes: [], Outside: [] };
	answer.sources.forEach(s => (s.startsWith('node/') ? groups.Nodes : s.startsWith('host/') ? groups.Outside : groups.Pods).push(s));
	Object.entries(groups).filter(([, l]) => l.length).forEach(([name, list]) => {
		const g = document.createElement('optgroup');
		g.label = name;
		list.forEach(s => g.append(option(s, s.startsWith('host/') ? `${s} (a client on the Internet)` : s)));
		fromSel.append(g);
	});
	toSel.replaceChildren();
	KINDS.forEach(([kind, name]) => {
		const list = answer.destinations.filter(d => d.kind === kind);
		if (list.length) {
			const g = document.createElement('optgroup');
			g.label = name;
			list.forEach(d => {
				const o = option(d.to, d.label);
				o.dataset.protocol = d.protocol;
				g.append(o);
			});
			toSel.append(g);
		}
	});
	select(fromSel, want.from || answer.flow.from);
	select(toSel, want.to || answer.flow.to);
}

/** Selects the value, adding it when the lists lack it (a deep link may name any form the scenario accepts). */
function select(sel, value) {
	if (!value) {
		return;
	}
	if (![...sel.options].some(o => o.value === value)) {
		sel.prepend(option(value, value));
	}
	sel.value = value;
}

function showAnswer(answer) {
	last = answer;
	$('import-result').hidden = false;
	$('import-summary').textContent = answer.summary;
	const list = $('import-warnings');
	list.replaceChildren(...answer.warnings.map(w => {
		const li = document.createElement('li');
		const obj = document.createElement('span');
		obj.className = 'im-object';
		obj.textContent = w.object;
		li.append(obj);
		if (w.field) {
			const f = document.createElement('span');
			f.className = 'im-field';
			f.textContent = w.field;
			li.append(' · ', f);
		}
		li.append(': ', w.message);
		return li;
	}));
	$('warnings-count').textContent = `${answer.warnings.length} warning${answer.warnings.length === 1 ? '' : 's'}: what the import could not carry over`;
	$('rules-diff').hidden = false;
	$('diff-node').replaceChildren(...answer.sources.filter(x => x.startsWith('node/')).map(x => option(x.slice(5), x.slice(5))));
	$('import-errors').replaceChildren(...answer.errors.map(e => {
		const li = document.createElement('li');
		li.textContent = `${e.path ? e.path + ': ' : ''}${e.message}`;
		return li;
	}));
}

async function runImport(want = {}) {
	if (!dump.value.trim()) {
		setStatus('Paste the output of kubectl first.', 'error');
		return;
	}
	store()?.setItem(DUMP_KEY, dump.value);
	setStatus('Importing…', 'pending');
	try {
		const answer = await postImport({});
		showAnswer(answer);
		fillPickers(answer, want);
		setStatus(answer.valid ? 'Imported.' : 'Imported, but the scenario has errors.', answer.valid ? 'ok' : 'error');
	} catch (e) {
		$('import-result').hidden = true;
		setStatus(e.message, 'error');
	}
}

function remember() {
	const q = new URLSearchParams({ from: fromSel.value, to: toSel.value });
	history.replaceState(null, '', `${location.pathname}?${q}`);
}

async function play() {
	const to = toSel.selectedOptions[0];
	setStatus('Preparing the flow…', 'pending');
	try {
		const answer = await postImport({ from: fromSel.value, to: to?.value, protocol: to?.dataset.protocol });
		showAnswer(answer);
		if (!answer.valid) {
			setStatus('This flow cannot be played: see the errors.', 'error');
			return;
		}
		remember();
		saveDraft('import', answer.yaml, null);
		location.assign(root.dataset.playUrl);
	} catch (e) {
		setStatus(e.message, 'error');
	}
}

function download() {
	if (!last) {
		return;
	}
	const a = document.createElement('a');
	a.href = URL.createObjectURL(new Blob([last.yaml], { type: 'application/yaml' }));
	a.download = 'my-cluster.yaml';
	a.click();
	setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function diffRules() {
	const out = $('diff-summary');
	out.textContent = 'Comparing…';
	try {
		const res = await fetch(`${apiBase}/rules-diff?node=${encodeURIComponent($('diff-node').value)}`, {
			method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify({ dump: dump.value, iptablesSave: $('iptables').value })
		});
		const r = await res.json();
		if (!res.ok) {
			throw new Error(r.detail || `the comparison failed (${res.status})`);
		}
		out.textContent = r.same ? `No difference: the node's ${r.compared} kube-proxy rules are what the model expects.`
			: `${r.services.length} Service port${r.services.length === 1 ? '' : 's'} differ${r.services.length === 1 ? 's' : ''}`
				+ (r.otherMissing.length + r.otherExtra.length ? `; ${r.otherMissing.length} other rules missing, ${r.otherExtra.length} extra` : '');
		$('diff-list').replaceChildren(...r.services.map(d => {
			const li = document.createElement('li');
			li.textContent = d.message;
			return li;
		}));
	} catch (e) {
		out.textContent = e.message;
	}
}

$('btn-diff').addEventListener('click', diffRules);
$('btn-import').addEventListener('click', () => runImport());
$('btn-play').addEventListener('click', play);
$('btn-download').addEventListener('click', download);
fromSel.addEventListener('change', remember);
toSel.addEventListener('change', remember);
$('upload').addEventListener('change', async e => {
	const texts = await Promise.all([...e.target.files].map(f => f.text()));
	dump.value = texts.join('\n---\n');
	runImport();
});

const params = new URLSearchParams(location.search);
const kept = store()?.getItem(DUMP_KEY);
if (kept && !dump.value) {
	dump.value = kept;
	runImport({ from: params.get('from'), to: params.get('to') });
}
root.dataset.ready = 'true';

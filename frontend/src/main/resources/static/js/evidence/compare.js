// The side-by-side page: two traces aligned by align.js, played in lockstep (one cursor over the aligned rows),
// differences marked. Deep link: ?left=ID&right=ID&row=N.

import { getJson } from '../api.js';
import { packetLabel, placeText } from '../format.js';
import { stepName, stepSummary as shortText } from '../steps/registry.js';
import { align, summary } from './align.js';

const root = document.getElementById('compare');
const api = (root.dataset.apiBase || '/api/scenarios').replace(/\/$/, '');
const playerBase = (root.dataset.playerBase || '/scenarios').replace(/\/$/, '');
const form = root.querySelector('[data-testid="cmp-controls"]');
const leftSelect = root.querySelector('[data-testid="cmp-left"]');
const rightSelect = root.querySelector('[data-testid="cmp-right"]');
const status = root.querySelector('[data-testid="cmp-status"]');
const body = root.querySelector('.cmp-body');
const rowsEl = root.querySelector('[data-testid="cmp-rows"]');
const pos = root.querySelector('[data-testid="cmp-pos"]');
const playButton = root.querySelector('[data-testid="cmp-play"]');

const MARK = { 'left-only': 'only ◀', 'right-only': '▶ only' };
const PLAY_MS = 900;

let flat = [];
let cursor = 0;
let timer = null;
let inflight = null;
let ids = { left: '', right: '' };

function showStatus(text, isError = false) {
	status.textContent = text;
	status.classList.toggle('is-error', isError);
}

function el(tag, cls, text) {
	const e = document.createElement(tag);
	if (cls) {
		e.className = cls;
	}
	if (text != null) {
		e.textContent = text;
	}
	return e;
}

/** One side of a row: step number, type, place and what happened; or a gap. */
function cell(side, entry) {
	const c = el('div', `cmp-cell cmp-${side}`);
	if (!entry) {
		c.classList.add('is-gap');
		c.append(el('span', 'cmp-gap', '—'));
		return c;
	}
	const s = entry.step;
	c.append(el('span', 'cmp-num', String(entry.index + 1)), el('span', `cmp-type t-${s.type}`, stepName(s.type)),
		el('span', 'cmp-ns', s.at?.namespace ?? ''), el('span', 'cmp-text', shortText(s)));
	c.title = s.narration || '';
	return c;
}

function renderRows(sections) {
	rowsEl.replaceChildren();
	flat = [];
	sections.forEach((sec, w) => {
		const walk = sec.left || sec.right;
		const head = el('div', 'cmp-walk');
		head.dataset.testid = 'cmp-walk';
		const label = (x, side) => x ? `${x.leg === 'REPLY' ? 'reply' : 'request'}: ${x.label}` : `no walk ${w + 1} on the ${side}`;
		head.append(el('span', 'cmp-walk-l', label(sec.left, 'left')), el('span', 'cmp-walk-r', label(sec.right, 'right')));
		head.setAttribute('aria-label', `walk ${w + 1}: ${walk.label}`);
		rowsEl.append(head);
		for (const row of sec.rows) {
			const r = el('div', `cmp-row is-${row.status}${row.diffs.length ? ' is-diff' : ''}`);
			r.dataset.testid = 'cmp-row';
			r.dataset.status = row.status;
			r.dataset.row = String(flat.length);
			r.dataset.diffs = row.diffs.map(d => d.kind).join(' ');
			const type = (row.left || row.right).step;
			r.dataset.type = type.type;
			if (type.kind) {
				r.dataset.kind = type.kind;
			}
			const mark = el('span', 'cmp-mark', MARK[row.status] || (row.diffs.length ? '≠' : ''));
			mark.title = row.diffs.map(d => `different ${d.kind}: ${d.text}`).join('\n');
			r.append(cell('left', row.left), mark, cell('right', row.right));
			const n = flat.length;
			r.addEventListener('click', () => go(n));
			flat.push({ row, el: r });
			rowsEl.append(r);
		}
	});
}

function nowPanel(side, entry, row) {
	const panel = root.querySelector(`[data-testid="cmp-now-${side}"]`);
	panel.replaceChildren();
	if (!entry) {
		panel.classList.add('is-gap');
		panel.append(el('p', 'cmp-now-gap', row.status === 'both' ? '' : `No such step on the ${side}.`));
		return;
	}
	panel.classList.remove('is-gap');
	const s = entry.step;
	const h = el('h2', null, `${entry.index + 1}. ${stepName(s.type)} · ${placeText(s.at)}`);
	panel.append(h, el('p', 'cmp-now-what', shortText(s)), el('p', 'cmp-now-packet', packetLabel(s.packet)),
		el('p', 'cmp-now-narr', s.narration || ''));
}

function go(n) {
	if (!flat.length) {
		return;
	}
	cursor = Math.max(0, Math.min(flat.length - 1, n));
	for (const f of flat) {
		f.el.classList.remove('is-current');
		f.el.removeAttribute('aria-current');
	}
	const cur = flat[cursor];
	cur.el.classList.add('is-current');
	cur.el.setAttribute('aria-current', 'step');
	cur.el.scrollIntoView({ block: 'nearest' });
	nowPanel('left', cur.row.left, cur.row);
	nowPanel('right', cur.row.right, cur.row);
	const diffs = cur.row.diffs.map(d => `different ${d.kind}: ${d.text}`);
	const mark = cur.row.status === 'both' ? diffs.join(' · ') || 'same on both sides' : `${cur.row.status === 'left-only' ? 'left' : 'right'} only`;
	pos.textContent = `row ${cursor + 1} of ${flat.length} — ${mark}`;
	root.dataset.cursor = String(cursor);
	const q = new URLSearchParams(location.search);
	q.set('row', String(cursor + 1));
	history.replaceState(null, '', `${location.pathname}?${q}`);
}

function stop() {
	clearInterval(timer);
	timer = null;
	playButton.textContent = '▶ Play';
	playButton.setAttribute('aria-pressed', 'false');
}

function play() {
	if (timer) {
		stop();
		return;
	}
	if (cursor >= flat.length - 1) {
		go(0);
	}
	playButton.textContent = '⏸ Pause';
	playButton.setAttribute('aria-pressed', 'true');
	timer = setInterval(() => {
		if (cursor >= flat.length - 1) {
			stop();
			return;
		}
		go(cursor + 1);
	}, PLAY_MS);
}

function head(side, id, detail) {
	const a = root.querySelector(`[data-testid="cmp-head-${side}"]`);
	a.textContent = detail.title;
	a.href = `${playerBase}/${encodeURIComponent(id)}`;
}

async function load(left, right, row) {
	stop();
	inflight?.abort();
	inflight = new AbortController();
	const signal = inflight.signal;
	root.dataset.ready = 'false';
	ids = { left, right };
	showStatus('Loading both traces…');
	try {
		const get = (id, what) => getJson(`${api}/${encodeURIComponent(id)}${what}`, signal);
		const [ld, rd, lt, rt] = await Promise.all([get(left, ''), get(right, ''), get(left, '/trace'), get(right, '/trace')]);
		head('left', left, ld);
		head('right', right, rd);
		const sections = align(lt, rt);
		renderRows(sections);
		const s = summary(sections);
		const parts = [`${s.leftOnly} step${s.leftOnly === 1 ? '' : 's'} on the left only`,
			`${s.rightOnly} on the right only`];
		if (s.rewrite) {
			parts.push(`${s.rewrite} different rewrite${s.rewrite === 1 ? '' : 's'}`);
		}
		if (s.endpoint) {
			parts.push('a different endpoint');
		}
		if (s.outcome) {
			parts.push('a different outcome');
		}
		root.querySelector('[data-testid="cmp-summary"]').textContent = `${parts.join(', ')}; `
			+ `${s.packet} aligned step${s.packet === 1 ? '' : 's'} see a different packet.`;
		body.hidden = false;
		showStatus(`Seeds: ${lt.seed} (left), ${rt.seed} (right), each scenario's own.`);
		go(Number.isFinite(row) ? row - 1 : 0);
		root.dataset.ready = 'true';
	} catch (e) {
		if (e.name !== 'AbortError') {
			body.hidden = true;
			showStatus(e.message, true);
			root.dataset.ready = 'error';
		}
	}
}

function submit() {
	const q = new URLSearchParams({ left: leftSelect.value, right: rightSelect.value });
	history.replaceState(null, '', `${location.pathname}?${q}`);
	load(leftSelect.value, rightSelect.value, 1);
}

form.addEventListener('submit', ev => {
	ev.preventDefault();
	submit();
});
root.querySelector('[data-testid="cmp-first"]').addEventListener('click', () => go(0));
root.querySelector('[data-testid="cmp-prev"]').addEventListener('click', () => go(cursor - 1));
root.querySelector('[data-testid="cmp-next"]').addEventListener('click', () => go(cursor + 1));
root.querySelector('[data-testid="cmp-last"]').addEventListener('click', () => go(flat.length - 1));
playButton.addEventListener('click', play);
document.addEventListener('keydown', ev => {
	if (ev.target.closest?.('select, input, textarea') || ev.altKey || ev.ctrlKey || ev.metaKey) {
		return;
	}
	const keys = { ArrowRight: () => go(cursor + 1), ArrowLeft: () => go(cursor - 1), Home: () => go(0), End: () => go(flat.length - 1) };
	if (keys[ev.key]) {
		ev.preventDefault();
		stop();
		keys[ev.key]();
	}
});

const q = new URLSearchParams(location.search);
const options = [...leftSelect.options].map(o => o.value);
const left = options.includes(root.dataset.left) ? root.dataset.left : 'lb-cluster-policy';
const right = options.includes(root.dataset.right) ? root.dataset.right : 'lb-local-policy';
leftSelect.value = left;
rightSelect.value = right;
const unknown = [root.dataset.left, root.dataset.right].filter(id => id && !options.includes(id));
if (unknown.length) {
	showStatus(`No scenario '${unknown[0]}' in the library: pick two scenarios above.`, true);
	root.dataset.ready = 'error';
} else {
	load(left, right, Number.parseInt(q.get('row') ?? '1', 10));
}

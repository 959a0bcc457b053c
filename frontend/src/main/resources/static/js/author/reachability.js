// The reachability grid: GET /api/scenarios/{id}/reachability?port=P&protocol=X drawn as a pod × pod table. Each
// cell is a button with a symbol and a word (never colour alone); hover, focus or (on a touch screen) a first tap shows its egress and ingress reasons;
// a click opens the player on that packet (/scenarios/{id}?probe=from,to,port,protocol). Arrow keys move between
// cells.

import { getJson } from '../api.js';

const root = document.getElementById('reachability');
const id = root.dataset.scenarioId;
const api = (root.dataset.apiBase || '/api/scenarios').replace(/\/$/, '');
const playerBase = (root.dataset.playerBase || '/scenarios').replace(/\/$/, '');
const form = root.querySelector('[data-testid="reach-controls"]');
const portInput = root.querySelector('[data-testid="reach-port"]');
const protocolSelect = root.querySelector('[data-testid="reach-protocol"]');
const chips = root.querySelector('[data-testid="reach-port-chips"]');
const status = root.querySelector('[data-testid="reach-status"]');
const table = root.querySelector('[data-testid="reach-grid"]');
const detail = root.querySelector('[data-testid="reach-detail"]');
const truth = root.querySelector('[data-testid="reach-truth"]');

let inflight = null;

function showStatus(text, isError = false) {
	status.textContent = text;
	status.classList.toggle('is-error', isError);
}

/** "store/fe-1" as a namespace part and a name part. */
function podLabel(podId) {
	const el = document.createElement('span');
	const slash = podId.indexOf('/');
	const ns = document.createElement('span');
	ns.className = 'ns';
	ns.textContent = slash >= 0 ? podId.slice(0, slash + 1) : '';
	el.append(ns, slash >= 0 ? podId.slice(slash + 1) : podId);
	return el;
}

function playerUrl(cell, m) {
	return `${playerBase}/${encodeURIComponent(id)}?probe=${encodeURIComponent([cell.from, cell.to, m.port, m.protocol].join(','))}`;
}

function describe(cell, m) {
	detail.replaceChildren();
	const h = document.createElement('h2');
	h.textContent = `${cell.from} → ${cell.to}:${m.port}/${m.protocol}`;
	const verdict = document.createElement('span');
	verdict.className = `reach-verdict ${cell.allowed ? 'is-allowed' : 'is-denied'}`;
	verdict.dataset.testid = 'reach-verdict';
	verdict.textContent = cell.allowed ? '✓ allowed' : '✗ denied';
	const dl = document.createElement('dl');
	for (const [term, text] of [[`egress of ${cell.from}`, cell.egress], [`ingress of ${cell.to}`, cell.ingress]]) {
		const dt = document.createElement('dt');
		dt.textContent = term;
		const dd = document.createElement('dd');
		dd.textContent = text;
		dl.append(dt, dd);
	}
	const hint = document.createElement('p');
	hint.className = 'reach-hint';
	hint.textContent = 'Click (or press Enter) to play this packet in the player.';
	detail.append(h, verdict, dl, hint);
}

function render(m) {
	const thead = table.tHead;
	const tbody = table.tBodies[0];
	const head = document.createElement('tr');
	const corner = document.createElement('th');
	corner.className = 'reach-corner';
	corner.scope = 'col';
	corner.textContent = 'from ↓  to →';
	head.append(corner);
	for (const p of m.pods) {
		const th = document.createElement('th');
		th.scope = 'col';
		th.append(podLabel(p));
		head.append(th);
	}
	thead.replaceChildren(head);
	const byPair = new Map(m.cells.map(c => [`${c.from}\u0000${c.to}`, c]));
	const rows = [];
	m.pods.forEach((from, r) => {
		const tr = document.createElement('tr');
		const th = document.createElement('th');
		th.scope = 'row';
		th.append(podLabel(from));
		tr.append(th);
		m.pods.forEach((to, c) => {
			const cell = byPair.get(`${from}\u0000${to}`);
			const td = document.createElement('td');
			if (cell) {
				const b = document.createElement('button');
				b.type = 'button';
				b.className = `cell ${cell.allowed ? 'is-allowed' : 'is-denied'}${from === to ? ' is-self' : ''}`;
				b.dataset.testid = 'reach-cell';
				b.dataset.from = from;
				b.dataset.to = to;
				b.dataset.allowed = String(cell.allowed);
				b.dataset.row = String(r);
				b.dataset.col = String(c);
				b.setAttribute('aria-label', `${from} to ${to}: ${cell.allowed ? 'allowed' : 'denied'}`);
				b.title = `${from} → ${to}: ${cell.allowed ? 'allowed' : 'denied'}\negress: ${cell.egress}\ningress: ${cell.ingress}`;
				const sym = document.createElement('span');
				sym.setAttribute('aria-hidden', 'true');
				sym.textContent = cell.allowed ? '✓' : '✗';
				const word = document.createElement('span');
				word.className = 'cell-text';
				word.setAttribute('aria-hidden', 'true');
				word.textContent = cell.allowed ? 'OK' : 'NO';
				b.append(sym, word);
				const show = () => {
					table.querySelector('.cell.is-active')?.classList.remove('is-active');
					b.classList.add('is-active');
					describe(cell, m);
				};
				b.addEventListener('mouseenter', show);
				b.addEventListener('focus', show);
				b.addEventListener('click', () => {
					// a touch screen has no hover: the first tap shows the reasons, a second tap opens the probe
					if (!b.classList.contains('is-active') && window.matchMedia('(hover: none)').matches) {
						show();
						return;
					}
					window.location.href = playerUrl(cell, m);
				});
				td.append(b);
			}
			tr.append(td);
		});
		rows.push(tr);
	});
	tbody.replaceChildren(...rows);
	table.hidden = false;
	truth.textContent = m.truthTable;
	const denied = m.cells.filter(c => !c.allowed).length;
	showStatus(`${m.cells.length - denied} of ${m.cells.length} pairs allowed, ${denied} denied on ${m.port}/${m.protocol}.`);
	root.dataset.ready = 'true';
}

async function load() {
	const port = portInput.value.trim();
	const protocol = protocolSelect.value;
	if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
		showStatus('Choose a port from 1 to 65535.', true);
		return;
	}
	const url = new URL(window.location.href);
	url.searchParams.set('port', port);
	url.searchParams.set('protocol', protocol);
	window.history.replaceState(null, '', url);
	inflight?.abort();
	inflight = new AbortController();
	root.dataset.ready = 'false';
	showStatus('Asking the policies…');
	try {
		const m = await getJson(`${api}/${encodeURIComponent(id)}/reachability?port=${port}&protocol=${protocol}`, inflight.signal);
		render(m);
	} catch (err) {
		if (err.name === 'AbortError') {
			return;
		}
		table.hidden = true;
		showStatus(err.message, true);
	}
}

/** Arrow keys move between the grid's cells. */
function onArrow(event) {
	const b = event.target.closest('.cell');
	const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
	if (!b || !moves[event.key]) {
		return;
	}
	const [dr, dc] = moves[event.key];
	const next = table.querySelector(`.cell[data-row="${Number(b.dataset.row) + dr}"][data-col="${Number(b.dataset.col) + dc}"]`);
	if (next) {
		event.preventDefault();
		next.focus();
	}
}

/** The ports the scenario's flows send to, as quick choices (the first one is the default). */
async function flowPorts() {
	try {
		const s = await getJson(`${api}/${encodeURIComponent(id)}`);
		const seen = new Map();
		for (const f of s.flows || []) {
			const m = /:(\d+)$/.exec(f.to || '');
			if (m && ['TCP', 'UDP', 'SCTP'].includes(f.protocol) && !seen.has(`${m[1]}/${f.protocol}`)) {
				seen.set(`${m[1]}/${f.protocol}`, { port: m[1], protocol: f.protocol });
			}
		}
		return [...seen.values()];
	} catch {
		return [];
	}
}

async function start() {
	if (!form) {
		return; // no NetworkPolicy: the page says so, there is no grid
	}
	table.addEventListener('keydown', onArrow);
	form.addEventListener('submit', event => {
		event.preventDefault();
		load();
	});
	portInput.addEventListener('change', load);
	protocolSelect.addEventListener('change', load);
	const params = new URLSearchParams(window.location.search);
	const ports = await flowPorts();
	for (const p of ports) {
		const b = document.createElement('button');
		b.type = 'button';
		b.className = 'btn btn-small';
		b.dataset.testid = 'reach-port-chip';
		b.textContent = `${p.port}/${p.protocol}`;
		b.addEventListener('click', () => {
			portInput.value = p.port;
			protocolSelect.value = p.protocol;
			load();
		});
		chips.append(b);
	}
	portInput.value = params.get('port') || ports[0]?.port || '80';
	const proto = (params.get('protocol') || ports[0]?.protocol || 'TCP').toUpperCase();
	protocolSelect.value = ['UDP', 'SCTP'].includes(proto) ? proto : 'TCP';
	load();
}

start();

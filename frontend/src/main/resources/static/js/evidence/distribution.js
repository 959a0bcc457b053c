// The distribution page: GET /api/scenarios/{id}/distribution?flow=F&samples=N drawn as two histograms (per
// endpoint pod, per node) with the expected share marked on every bar; the imbalance the datapath builds in is
// called out. Deep link: ?flow=&seeds=.

import d3 from '../d3.js';
import { getJson } from '../api.js';
import { fraction, imbalance, percent, rows, shortName } from './shares.js';

const root = document.getElementById('distribution');
const id = root.dataset.scenarioId;
const api = (root.dataset.apiBase || '/api/scenarios').replace(/\/$/, '');
const maxSamples = Number(root.dataset.maxSamples) || 5000;
const randomFlows = (root.dataset.randomFlows || '').split(',').filter(Boolean);
const form = root.querySelector('[data-testid="dist-controls"]');
const flowSelect = root.querySelector('[data-testid="dist-flow"]');
const seedsInput = root.querySelector('[data-testid="dist-seeds"]');
const status = root.querySelector('[data-testid="dist-status"]');
const callout = root.querySelector('[data-testid="dist-imbalance"]');
const why = root.querySelector('[data-testid="dist-why"]');

let inflight = null;

function showStatus(text, isError = false) {
	status.textContent = text;
	status.classList.toggle('is-error', isError);
}

/** The page's state from its URL, clamped to what the API accepts. */
function fromUrl() {
	const q = new URLSearchParams(location.search);
	const flows = [...flowSelect.options].map(o => o.value);
	const flow = flows.includes(q.get('flow')) ? q.get('flow') : (randomFlows[0] || flows[0]);
	const asked = Number.parseInt(q.get('seeds') ?? '1000', 10);
	const seeds = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), maxSamples) : 1000;
	return { flow, seeds };
}

function toUrl(state) {
	const q = new URLSearchParams(location.search);
	q.set('flow', state.flow);
	q.set('seeds', String(state.seeds));
	history.replaceState(null, '', `${location.pathname}?${q}`);
}

/** One histogram: a row per key, the bar its observed share, the mark its expected share. Keyed join on the key. */
function draw(section, data, noun) {
	const scaleMax = Math.min(1, Math.max(0.05, ...data.map(r => Math.max(r.share, r.expected ?? 0))) * 1.15);
	const x = d3.scaleLinear().domain([0, scaleMax]).range([0, 100]);
	const row = d3.select(section.querySelector('.dist-bars'))
		.selectAll('div.dist-row')
		.data(data, r => r.key)
		.join(enter => {
			const r = enter.append('div').attr('class', 'dist-row').attr('data-testid', 'dist-row');
			r.append('span').attr('class', 'dist-label');
			const track = r.append('div').attr('class', 'dist-track').attr('aria-hidden', 'true');
			track.append('div').attr('class', 'dist-bar');
			track.append('div').attr('class', 'dist-expected');
			r.append('span').attr('class', 'dist-value');
			return r;
		});
	row.attr('data-key', r => r.key)
		.attr('data-share', r => r.share.toFixed(4))
		.attr('data-expected', r => r.expected == null ? '' : r.expected.toFixed(4))
		.attr('role', 'group')
		.attr('aria-label', r => `${r.label}: ${r.count} ${noun}, ${percent(r.share)}`
			+ (r.expected == null ? '' : `, expected ${fraction(r.expected)}`));
	row.select('.dist-label').text(r => r.label).attr('title', r => r.key);
	row.select('.dist-bar').style('width', r => `${x(r.share)}%`);
	row.select('.dist-expected')
		.style('left', r => `${x(r.expected ?? 0)}%`)
		.style('display', r => r.expected == null ? 'none' : null);
	row.select('.dist-value').text(r => `${percent(r.share)} (${r.count})`
		+ (r.expected == null ? '' : ` · expected ${fraction(r.expected)}`));
}

function explain(m) {
	const imb = imbalance(m.expected.byNamespace);
	if (imb) {
		const most = imb.most.map(shortName).join(', ');
		const least = imb.least.map(shortName).join(', ');
		callout.textContent = `Uneven by design: ${most} ${imb.most.length > 1 ? 'are each' : 'is'} expected to get `
			+ `${fraction(imb.max)} of the requests, ${least} only ${fraction(imb.min)}${imb.least.length > 1 ? ' each' : ''}`
			+ ` (${imb.ratio.toFixed(imb.ratio % 1 === 0 ? 0 : 1)}× as many per pod).`
			+ (m.expected.ecmpNextHops > 0 ? ` The first random choice is made between ${m.expected.ecmpNextHops} nodes, `
				+ 'and only then between the pods on the chosen node.' : '');
		callout.hidden = false;
	} else {
		callout.hidden = true;
	}
	const ol = why.querySelector('ol');
	d3.select(ol).selectAll('li').data(m.expected.reasoning).join('li').text(t => t);
	why.hidden = m.expected.reasoning.length === 0;
}

async function load(state) {
	inflight?.abort();
	inflight = new AbortController();
	const signal = inflight.signal;
	root.dataset.ready = 'false';
	showStatus(`Sending the flow once per seed, ${state.seeds.toLocaleString('en')} times…`);
	try {
		const q = new URLSearchParams({ samples: String(state.seeds), flow: state.flow });
		const m = await getJson(`${api}/${encodeURIComponent(id)}/distribution?${q}`, signal);
		const delivered = Object.values(m.byNamespace).reduce((a, b) => a + b, 0);
		const dropped = Object.values(m.dropped).reduce((a, b) => a + b, 0);
		draw(root.querySelector('[data-testid="dist-pods"]'), rows(m.byNamespace, m.expected.byNamespace, m.samples, shortName), 'requests');
		draw(root.querySelector('[data-testid="dist-nodes"]'), rows(m.byNode, m.expected.byNode, m.samples), 'requests');
		explain(m);
		showStatus(`${m.samples.toLocaleString('en')} requests (seeds ${m.seedFrom}–${m.seedFrom + m.samples - 1}): `
			+ `${delivered.toLocaleString('en')} delivered${dropped ? `, ${dropped.toLocaleString('en')} dropped` : ''}.`
			+ (randomFlows.includes(state.flow) ? '' : ' This flow makes no random choice of destination.'));
		root.dataset.ready = 'true';
	} catch (e) {
		if (e.name !== 'AbortError') {
			showStatus(e.message, true);
			root.dataset.ready = 'error';
		}
	}
}

function current() {
	const seeds = Math.min(Math.max(Number.parseInt(seedsInput.value, 10) || 1000, 1), maxSamples);
	return { flow: flowSelect.value, seeds };
}

const start = fromUrl();
flowSelect.value = start.flow;
seedsInput.value = String(start.seeds);
toUrl(start);
form.addEventListener('submit', ev => {
	ev.preventDefault();
	const s = current();
	seedsInput.value = String(s.seeds);
	toUrl(s);
	load(s);
});
flowSelect.addEventListener('change', () => form.requestSubmit());
load(start);

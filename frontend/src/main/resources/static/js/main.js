// Wiring only: read the page's data-* config, create the store, the renderers and the timeline, load data.

import d3 from './d3.js';
import { createApi } from './api.js';
import { createStore, initialState, reducer } from './store.js';
import { createTimeline } from './timeline.js';
import { createTopology } from './render/topology.js';
import { createPacket } from './render/packet.js';
import { createPanels } from './render/panels.js';
import { createControls } from './controls.js';
import { createCamera } from './render/camera.js';
import { setStageAspect } from './layout.js';
import { withSource } from './author/source.js';

const root = document.getElementById('player');
const scenarioId = root.dataset.scenarioId;
const api = withSource(createApi(root.dataset.apiBase || '/api/scenarios'), root);
const status = root.querySelector('[data-testid="load-status"]');

const store = createStore(reducer, initialState);
const svg = d3.select('#topology');
const timeline = createTimeline({ store, svg });
const viewport = svg.append('g').attr('class', 'viewport');
const topology = createTopology(viewport);
const packet = createPacket(viewport);
const svgNode = svg.node();
setStageAspect(svgNode.clientWidth / Math.max(1, svgNode.clientHeight));
const panels = createPanels(root, { onSeek: i => timeline.seek(i) });
const followBox = root.querySelector('[data-testid="follow"]');
const camera = createCamera(svg, viewport, { onFollowChange: on => { followBox.checked = on; } });
followBox.addEventListener('change', () => {
	camera.setFollow(followBox.checked);
	camera.update(store.getState(), null);
});
const controls = createControls(root, { timeline, camera, onSeed: seed => loadTrace(seed) });
timeline.attach(topology, packet, panels, controls, camera);

function showStatus(text, isError = false) {
	status.textContent = text;
	status.hidden = !text;
	status.classList.toggle('is-error', isError);
	root.dataset.status = store.getState().status;
}

let inflight = null;

async function loadTrace(seed) {
	inflight?.abort();
	inflight = new AbortController();
	store.dispatch({ type: 'traceRequested', seed });
	timeline.reset();
	showStatus('Loading the trace…');
	try {
		const trace = await api.trace(scenarioId, seed, inflight.signal);
		store.dispatch({ type: 'traceLoaded', trace });
		const url = new URL(window.location.href);
		url.searchParams.set('seed', String(trace.seed));
		window.history.replaceState(null, '', url);
		showStatus('');
	} catch (err) {
		if (err.name === 'AbortError') {
			return;
		}
		store.dispatch({ type: 'failed', error: err.message });
		showStatus(`Could not load the trace: ${err.message}`, true);
	}
	timeline.reset();
}

async function start() {
	const fromUrl = new URLSearchParams(window.location.search).get('seed');
	try {
		const scenario = await api.scenario(scenarioId);
		store.dispatch({ type: 'scenarioLoaded', scenario });
	} catch (err) {
		store.dispatch({ type: 'failed', error: err.message });
		showStatus(`Could not load the scenario: ${err.message}`, true);
		return;
	}
	const seed = fromUrl != null && /^\d+$/.test(fromUrl) ? Number(fromUrl) : Number(root.dataset.defaultSeed);
	await loadTrace(seed);
	// a deep link to one step: ?step=N (1-based, as the step index shows it)
	const step = new URLSearchParams(window.location.search).get('step');
	if (step != null && /^\d+$/.test(step)) {
		timeline.seek(Number(step) - 1);
	}
}

start();

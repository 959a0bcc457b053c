// Wiring only: read the page's data-* config, create the store, the renderers and the timeline, load data.

import d3 from './d3.js';
import { createApi } from './api.js';
import { createStore, initialState, reducer } from './store.js';
import { createTimeline } from './timeline.js';
import { createTopology } from './render/topology.js';
import { createPacket } from './render/packet.js';
import { createPanels } from './render/panels.js';
import { createJourney } from './render/journey.js';
import { createControls } from './controls.js';
import { createCamera } from './render/camera.js';
import { createDeviceInspector } from './render/device-inspector.js';
import { setStageAspect } from './layout.js';
import { withSource } from './author/source.js';
import { createUrlSync, parseLink, resolveCursor } from './deeplink.js';
import { initExtras } from './extras.js';

const root = document.getElementById('player');
const scenarioId = root.dataset.scenarioId;
// player (the normal page), embed (/embed/{id}) or live (/live/{code}, a follower)
const mode = root.dataset.mode || 'player';
// read the deep link before anything rewrites the address bar; a live page gets its view from the server
const liveBar = root.querySelector('[data-testid="live-bar"]');
const link = mode === 'live' && liveBar
	? parseLink(new URLSearchParams({ seed: liveBar.dataset.linkSeed ?? '', step: liveBar.dataset.linkStep ?? '', flow: liveBar.dataset.linkFlow ?? '' }).toString())
	: parseLink(window.location.search);
const api = withSource(createApi(root.dataset.apiBase || '/api/scenarios'), root);
const status = root.querySelector('[data-testid="load-status"]');

const store = createStore(reducer, initialState);
const svg = d3.select('#topology');
const timeline = createTimeline({ store, svg });
const viewport = svg.append('g').attr('class', 'viewport');
const topology = createTopology(viewport);
// the camera is made below: the packet asks it, at each step, which part of the picture will be on the stage
let camera = null;
const packet = createPacket(viewport, { view: state => camera?.viewFor(state) });
const svgNode = svg.node();
setStageAspect(svgNode.clientWidth / Math.max(1, svgNode.clientHeight));
// pages add behaviour through these (extras.js): a follower stops following when the learner takes the controls
const hooks = { onUserAction: () => {}, seedLocked: () => false };
const panels = createPanels(root, { onSeek: i => { hooks.onUserAction('seek'); timeline.seek(i); } });
const journey = createJourney(root.querySelector('[data-testid="journey"]'), { onSeek: i => { hooks.onUserAction('seek'); timeline.seek(i); } });
const followBox = root.querySelector('[data-testid="follow"]');
camera = createCamera(svg, viewport, {
	onFollowChange: on => { followBox.checked = on; },
	packetRect: () => packet.labelRect(),
	onSettle: (view, atTarget) => packet.settle(view, atTarget)
});
followBox.addEventListener('change', () => {
	camera.setFollow(followBox.checked);
	camera.update(store.getState(), null);
});
const controls = createControls(root, {
	store,
	timeline,
	camera,
	onSeed: seed => { if (!hooks.seedLocked()) { loadTrace(seed); } },
	onUserAction: action => hooks.onUserAction(action)
});
const urlSync = createUrlSync({ enabled: () => mode !== 'live' });
// the journey strip first: its height is part of the stage's, which the packet's label and the camera measure
const deviceInspector = createDeviceInspector(root, {
	api,
	scenarioId,
	svg,
	onToast: text => {
		const t = root.querySelector('[data-testid="toast"]');
		if (t) {
			t.textContent = text;
			t.classList.add('is-shown');
			setTimeout(() => t.classList.remove('is-shown'), 2500);
		}
	}
});
timeline.attach(journey, topology, packet, panels, controls, camera, urlSync, deviceInspector);
// the stage changes size (the window, panels reflowing as fonts and text arrive, presenter mode): frame the current
// step again for the new size, the packet's label first (it is kept inside what the camera will show)
let stageSize = `${svgNode.clientWidth}x${svgNode.clientHeight}`;
new ResizeObserver(() => {
	const size = `${svgNode.clientWidth}x${svgNode.clientHeight}`;
	if (size !== stageSize) {
		stageSize = size;
		packet.update(store.getState(), null);
		camera.resized(store.getState());
	}
}).observe(svgNode);

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
		showStatus('');
	} catch (err) {
		if (err.name === 'AbortError') {
			return false;
		}
		store.dispatch({ type: 'failed', error: err.message });
		showStatus(`Could not load the trace: ${err.message}`, true);
	}
	timeline.reset();
	return store.getState().status === 'ready';
}

/** Shows a view {seed, step, flow}: loads another seed's trace when needed, then jumps to the step. */
async function showView(view) {
	if (view.seed != null && view.seed !== store.getState().seed) {
		if (!(await loadTrace(view.seed))) {
			return;
		}
	}
	timeline.seek(resolveCursor(store.getState().steps, view));
}

async function start() {
	try {
		const scenario = await api.scenario(scenarioId);
		store.dispatch({ type: 'scenarioLoaded', scenario });
	} catch (err) {
		store.dispatch({ type: 'failed', error: err.message });
		showStatus(`Could not load the scenario: ${err.message}`, true);
		return;
	}
	const seed = link.seed ?? extras.pinnedSeed() ?? Number(root.dataset.defaultSeed);
	if (link.view) {
		store.dispatch({ type: 'setView', view: link.view });
	}
	await loadTrace(seed);
	// a deep link to one step: ?step=N (1-based, as the step index shows it), &flow=F
	if (store.getState().status === 'ready') {
		timeline.seek(resolveCursor(store.getState().steps, link));
	}
	root.dataset.started = 'true';
	extras.started();
}

const extras = initExtras({ root, mode, store, timeline, camera, hooks, loadTrace, showView, scenarioId, link });
start();

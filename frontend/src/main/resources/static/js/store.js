// The player's state: a PURE reducer (state, action) → state, and selectors that derive what to show.
// Nothing here touches the DOM, D3 or the network, so every function can be tested with `node --test`.

import { collapseTopology } from './collapse.js';
import { isStoryStep } from './steps/registry.js';

/** The two levels of detail over one trace: every kernel step, or only the story's moments (steps/registry.js). */
export const VIEWS = Object.freeze(['kernel', 'story']);

export const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4];

export const initialState = Object.freeze({
	scenario: null, // GET /api/scenarios/{id}: metadata, intro, takeaway, flows, topology
	topology: null,
	trace: null, // GET /api/scenarios/{id}/trace
	steps: [], // the trace flattened: one entry per step, in order
	walks: [], // one entry per walk: label, leg, disposition, first/last flat index
	story: [], // the flat indices of the story view's steps, in order
	view: 'kernel', // kernel | story: which steps stepping visits (the cursor is always a flat index)
	cursor: -1, // flat step index; -1 = the intro, before the first step
	playing: false,
	speed: 1,
	seed: null,
	status: 'loading', // loading | ready | error
	error: null
});

/** Flattens walks → hops → steps into one list, remembering where each step sits. */
export function flatten(trace) {
	const steps = [];
	const walks = [];
	(trace?.walks || []).forEach((walk, w) => {
		const first = steps.length;
		walk.hops.forEach((hop, h) => {
			hop.steps.forEach((step, s) => {
				steps.push({
					index: steps.length,
					walk: w,
					hop: h,
					stepInHop: s,
					leg: walk.leg,
					flow: walk.flow,
					hopPlace: hop.place,
					firstInWalk: steps.length === first,
					step
				});
			});
		});
		walks.push({
			index: w,
			flow: walk.flow,
			leg: walk.leg,
			label: walk.label,
			disposition: walk.disposition,
			first,
			last: steps.length - 1
		});
	});
	return { steps, walks };
}

function clampCursor(state, index) {
	const max = state.steps.length - 1;
	if (!Number.isFinite(index)) {
		return state.cursor;
	}
	return Math.max(-1, Math.min(max, Math.trunc(index)));
}

export function reducer(state = initialState, action) {
	switch (action.type) {
		case 'scenarioLoaded':
			return {
				...state,
				scenario: action.scenario,
				topology: action.scenario.topology,
				seed: state.seed ?? action.scenario.seed
			};
		case 'traceRequested':
			return { ...state, seed: action.seed, status: 'loading', playing: false, error: null };
		case 'traceLoaded': {
			const { steps, walks } = flatten(action.trace);
			const keep = action.keepCursor ? clampCursor({ ...state, steps }, state.cursor) : -1;
			// crowded nodes draw only the pods this trace visits (plus a count of the others)
			const topology = collapseTopology(state.scenario?.topology ?? state.topology, action.trace);
			const story = steps.filter(e => isStoryStep(e.step)).map(e => e.index);
			return { ...state, topology, trace: action.trace, steps, walks, story, cursor: keep, seed: action.trace.seed, status: 'ready', error: null };
		}
		case 'failed':
			return { ...state, status: 'error', error: action.error, playing: false };
		case 'seek': {
			const cursor = clampCursor(state, action.index);
			return { ...state, cursor, playing: state.playing && !atEnd({ ...state, cursor }) };
		}
		case 'stepBy': {
			const cursor = clampCursor(state, state.view === 'story' ? storyStep(state, action.delta) : state.cursor + action.delta);
			return { ...state, cursor, playing: state.playing && !atEnd({ ...state, cursor }) };
		}
		case 'setView': {
			if (!VIEWS.includes(action.view) || action.view === state.view) {
				return state;
			}
			// the same moment in the other view: the cursor stays (on a kernel-only step the story view shows that step,
			// and the next or previous story step is one press away); only what stepping visits changes
			return { ...state, view: action.view };
		}
		case 'play':
			if (state.steps.length === 0) {
				return state;
			}
			// Playing from the end starts over.
			return { ...state, playing: true, cursor: atEnd(state) ? -1 : state.cursor };
		case 'pause':
			return state.playing ? { ...state, playing: false } : state;
		case 'speed': {
			const speed = Number(action.speed);
			return Number.isFinite(speed) && speed > 0 ? { ...state, speed: Math.min(4, Math.max(0.25, speed)) } : state;
		}
		default:
			return state;
	}
}

/** The flat index `delta` story steps away from the cursor (-1 before the first; the last story step at most). */
function storyStep(state, delta) {
	const story = state.story;
	if (story.length === 0) {
		return state.cursor;
	}
	// where the cursor sits among the story steps: on one, or between two (a deep link to a kernel-only step)
	let pos = story.findLastIndex(i => i <= state.cursor); // -1: before the first
	if (delta < 0 && pos >= 0 && story[pos] !== state.cursor) {
		pos += 1; // between two: one step back is the story step before the cursor
	}
	const next = pos + Math.trunc(delta);
	if (next < 0) {
		return -1;
	}
	return story[Math.min(next, story.length - 1)];
}

/** A minimal container for the reducer: the only mutable thing, kept tiny on purpose. */
export function createStore(reduce, state) {
	const listeners = new Set();
	return {
		getState: () => state,
		dispatch(action) {
			const next = reduce(state, action);
			if (next !== state) {
				state = next;
				listeners.forEach(l => l(state, action));
			}
			return state;
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		}
	};
}

// ---- selectors -------------------------------------------------------------------------------------------------

export const currentEntry = s => (s.cursor >= 0 ? s.steps[s.cursor] || null : null);

export const currentStep = s => currentEntry(s)?.step || null;

export const currentPacket = s => currentStep(s)?.packet || null;

export const currentWalk = s => {
	const e = currentEntry(s);
	return e ? s.walks[e.walk] : null;
};

/** The packet one step earlier in the same walk (null on a walk's first step: nothing to compare with). */
export const previousPacket = s => previousShown(s)?.step.packet ?? null;

export const atStart = s => s.cursor < 0;

/** The flat indices of the steps the current view visits. */
export const viewSteps = s => (s.view === 'story' ? s.story : s.steps.map(e => e.index));

/** The last step of the current view (the trace's last step in both: a walk always ends in a story step). */
const lastOfView = s => (s.view === 'story' && s.story.length ? s.story[s.story.length - 1] : s.steps.length - 1);

export const atEnd = s => s.steps.length > 0 && s.cursor >= lastOfView(s);

/** Where the cursor is in the current view: {position (1-based, 0 = intro), total}; position counts the view's steps up to the cursor. */
export function viewPosition(s) {
	const steps = viewSteps(s);
	const position = s.cursor < 0 ? 0 : steps.filter(i => i <= s.cursor).length;
	return { position, total: steps.length, onStep: s.cursor < 0 || steps.includes(s.cursor) };
}

/**
 * The entry shown before the current one in the same walk, in the current view (null on a walk's first step): what
 * the packet moves from and what the header inspector compares with. In the story view that is the previous story
 * step, so the inspector marks everything that changed since the last moment shown.
 */
export function previousShown(s) {
	const e = currentEntry(s);
	if (!e || e.firstInWalk) {
		return null;
	}
	if (s.view !== 'story') {
		return s.steps[e.index - 1];
	}
	const w = s.walks[e.walk];
	const i = s.story.findLast(x => x < e.index && x >= w.first);
	return i == null ? null : s.steps[i];
}

/** Walks whose last step has been reached: their dispositions can be shown. */
export const finishedWalks = s => s.walks.filter(w => w.last <= s.cursor);

/** How the whole trace ended: the last walk's disposition (shown once the cursor reaches the end). */
export const finalDisposition = s => (atEnd(s) ? s.walks[s.walks.length - 1]?.disposition || null : null);

/** Did the packet of the current step die here? */
export const isDropped = s => currentStep(s)?.type === 'drop';

/** The steps of the current walk up to the cursor (the packet's trail so far). */
export const trailSoFar = s => {
	const e = currentEntry(s);
	if (!e) {
		return [];
	}
	const w = s.walks[e.walk];
	return s.steps.slice(w.first, e.index + 1);
};

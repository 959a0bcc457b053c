// The one timeline: it alone changes the cursor during playback and owns every transition.
// Each animated step is a named transition ('step') on the SVG; renderers derive child transitions from it.
// `await t.end()` rejects when the transition is interrupted (seek, back, pause, re-roll): the loop then stops,
// and whoever interrupted renders the new cursor instantly. A generation counter makes stale loops exit.

import d3 from './d3.js';
import { atEnd, currentEntry, previousShown } from './store.js';

const MOVE_MS = 950;
const STAY_MS = 600;
const HOLD_MS = 260;

export function createTimeline({ store, svg }) {
	const renderers = [];
	let generation = 0;

	function interruptAll() {
		svg.interrupt('step');
		svg.selectAll('*').interrupt('step');
	}

	function renderNow() {
		interruptAll();
		const state = store.getState();
		renderers.forEach(r => r.update(state, null));
	}

	/** Duration of the animation INTO the current step: longer when the packet crosses a link. */
	function durationFor(state) {
		const e = currentEntry(state);
		const prev = previousShown(state);
		const moves = !!prev && (prev.step.at.namespace !== e.step.at.namespace || prev.step.at.device !== e.step.at.device);
		return (moves ? MOVE_MS : STAY_MS) / state.speed;
	}

	async function renderAnimated() {
		interruptAll();
		const state = store.getState();
		const t = svg.transition('step').duration(durationFor(state)).ease(d3.easeCubicInOut);
		renderers.forEach(r => r.update(state, t));
		try {
			await t.end();
			return true;
		} catch {
			return false; // interrupted: someone else rendered the new position
		}
	}

	function sleep(ms) {
		return new Promise(resolve => setTimeout(resolve, ms));
	}

	async function loop(gen) {
		while (gen === generation && store.getState().playing) {
			if (atEnd(store.getState())) {
				store.dispatch({ type: 'pause' });
				renderNow();
				return;
			}
			store.dispatch({ type: 'stepBy', delta: 1 });
			const finished = await renderAnimated();
			if (!finished || gen !== generation) {
				return;
			}
			if (!store.getState().playing) {
				renderNow(); // reached the end: update the controls
				return;
			}
			await sleep(HOLD_MS / store.getState().speed);
		}
	}

	function stopLoop() {
		generation += 1;
	}

	const api = {
		attach(...rs) {
			renderers.push(...rs);
		},
		/** Redraw everything at the cursor, no animation (after a load). */
		reset() {
			stopLoop();
			renderNow();
		},
		play() {
			stopLoop();
			const wasAtEnd = atEnd(store.getState());
			store.dispatch({ type: 'play' });
			if (!store.getState().playing) {
				return;
			}
			renderNow();
			const gen = generation;
			// from the end the cursor went back to the intro: let the learner see it for a moment
			sleep(wasAtEnd ? 400 : 0).then(() => loop(gen));
		},
		pause() {
			stopLoop();
			store.dispatch({ type: 'pause' });
			renderNow();
		},
		toggle() {
			if (store.getState().playing) {
				api.pause();
			} else {
				api.play();
			}
		},
		forward() {
			stopLoop();
			store.dispatch({ type: 'pause' });
			if (atEnd(store.getState())) {
				renderNow();
				return;
			}
			store.dispatch({ type: 'stepBy', delta: 1 });
			renderAnimated().then(done => {
				if (done) {
					renderNow(); // settle the controls (end reached?) without replaying the move
				}
			});
		},
		back() {
			stopLoop();
			store.dispatch({ type: 'pause' });
			store.dispatch({ type: 'stepBy', delta: -1 });
			renderNow();
		},
		/** Jump anywhere, instantly. If playing, playback continues from there. */
		seek(index) {
			const playing = store.getState().playing;
			stopLoop();
			store.dispatch({ type: 'seek', index });
			renderNow();
			if (playing && store.getState().playing) {
				const gen = generation;
				sleep(HOLD_MS / store.getState().speed).then(() => loop(gen));
			}
		},
		restart() {
			api.seek(-1);
		},
		end() {
			stopLoop();
			store.dispatch({ type: 'pause' });
			store.dispatch({ type: 'seek', index: Number.MAX_SAFE_INTEGER });
			renderNow();
		},
		/** Story or kernel view: the same moment, shown at the other level of detail (playback goes on in it). */
		setView(view) {
			const playing = store.getState().playing;
			stopLoop();
			store.dispatch({ type: 'setView', view });
			renderNow();
			if (playing && store.getState().playing) {
				const gen = generation;
				sleep(HOLD_MS / store.getState().speed).then(() => loop(gen));
			}
		},
		setSpeed(speed) {
			store.dispatch({ type: 'speed', speed });
			renderers.forEach(r => r.update(store.getState(), null));
		}
	};
	return api;
}

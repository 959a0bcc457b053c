// A follower of a live session (/live/{code}): the presenter's view arrives over SSE (GET /api/live/{code}/events,
// event "state" with {scenario, seed, flow, step, version}); no polling. Taking the controls (a key, a button, the
// scrubber, the event list) pauses following; "Rejoin" jumps back to the presenter's latest view.

import { resolveCursor } from './deeplink.js';

export function createFollower({ root, store, timeline, hooks, scenarioId, showView, handlers }) {
	const bar = root.querySelector('[data-testid="live-bar"]');
	const status = bar.querySelector('[data-testid="live-status"]');
	const toggle = bar.querySelector('[data-testid="btn-follow-toggle"]');
	const code = bar.dataset.liveCode;
	let following = true;
	let latest = null;
	let ended = false;
	let source = null;
	let applying = Promise.resolve();

	function render() {
		root.dataset.following = String(following && !ended);
		bar.classList.toggle('is-paused', !following);
		bar.classList.toggle('is-ended', ended);
		if (ended) {
			status.textContent = 'The presenter ended this live session: explore on your own';
			toggle.hidden = true;
		} else if (following) {
			status.textContent = 'Following the presenter';
			toggle.textContent = 'Pause following';
		} else {
			status.textContent = 'Exploring on your own';
			toggle.textContent = 'Rejoin the presenter';
		}
	}

	async function apply(state) {
		if (state.scenario !== scenarioId) {
			// another scenario: the server renders the page for the presenter's current one
			window.location.reload();
			return;
		}
		const view = { seed: state.seed, step: state.step, flow: state.flow };
		const s = store.getState();
		if (s.status === 'ready' && s.seed === state.seed) {
			const target = resolveCursor(s.steps, view);
			if (target === s.cursor + 1) {
				timeline.forward(); // one step on: animate it as the presenter saw it
			} else if (target !== s.cursor) {
				timeline.seek(target);
			}
		} else {
			await showView(view);
		}
		root.dataset.liveVersion = String(state.version);
	}

	function follow(state) {
		latest = state;
		if (following) {
			// in order: a seed change loads a trace before the next step applies
			applying = applying.then(() => apply(state)).catch(() => {});
		}
	}

	hooks.onUserAction = () => {
		if (following && !ended) {
			following = false;
			render();
		}
	};
	handlers.toggleFollow = () => {
		following = !following;
		render();
		if (following && latest) {
			follow(latest);
		}
	};

	function connect() {
		source = new EventSource(`/api/live/${encodeURIComponent(code)}/events`);
		source.addEventListener('state', event => follow(JSON.parse(event.data)));
		source.addEventListener('end', () => {
			ended = true;
			following = false;
			source.close();
			render();
		});
		source.addEventListener('error', () => {
			if (source.readyState === EventSource.CLOSED && !ended) {
				ended = true; // the session is gone (404): the browser will not reconnect
				following = false;
				render();
			}
		});
	}

	render();
	return {
		started() {
			connect();
		}
	};
}

// Presenter mode: large type and projector colours (CSS: body.presenting), the one inspector that matters for the
// current step, clicker keys (PageUp/PageDown are the player's), B or . to black out, N for the speaker-notes window
// (kept in sync over BroadcastChannel), a seed pin, and going live: a session the audience follows at /live/{code}.

import { currentEntry, atEnd, viewSteps } from './store.js';
import { copyText, viewOf } from './deeplink.js';
import * as fmt from './format.js';
import { stepName, stepType } from './steps/registry.js';

const CHANNEL = 'packetwalk-presenter';
const PRESENTING = 'packetwalk-presenting';
const LIVE = 'packetwalk-live';
const TYPING = new Set(['INPUT', 'SELECT', 'TEXTAREA']);

/** The inspector to keep open in presenter mode: the header inspector when the packet itself changes. */
export function focusPanel(entry) {
	if (!entry) {
		return 'none';
	}
	return stepType(entry.step.type).focus;
}

export function createPresenter({ root, store, timeline, hooks, scenarioId, toast, handlers, pins, storage, camera, link }) {
	const body = document.body;
	const bar = root.querySelector('[data-testid="presenter-bar"]');
	const blackout = root.querySelector('[data-testid="blackout"]');
	const pin = root.querySelector('[data-testid="pin-seed"]');
	const liveInfo = root.querySelector('[data-testid="live-info"]');
	const liveUrl = root.querySelector('[data-testid="live-url"]');
	const count = root.querySelector('[data-testid="follower-count"]');
	const goLive = root.querySelector('[data-testid="btn-go-live"]');
	const session = storage('session');
	const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(CHANNEL) : null;
	let presenting = false;
	let live = null; // {code, token}
	let followers = null; // EventSource of the follower count
	let pushing = false;
	let pending = false;
	let lastPushed = '';
	let keepAlive = null;

	hooks.seedLocked = () => {
		const locked = presenting && pins.get() != null;
		if (locked) {
			toast('The seed is pinned: unpin it to change the seed');
			const box = root.querySelector('[data-testid="seed"]');
			box.value = String(store.getState().seed);
		}
		return locked;
	};

	let themeBefore = null;

	/** `explicitView`: the view the page's link asked for, which wins over presenter mode's story view. */
	function setPresenting(on, explicitView = null) {
		// the projector theme is the light one: switch to it for the time of presenter mode (not persisted)
		const html = document.documentElement;
		if (on && !presenting) {
			themeBefore = html.dataset.theme;
			html.dataset.theme = 'light';
		} else if (!on && presenting && themeBefore) {
			html.dataset.theme = themeBefore;
			themeBefore = null;
		}
		presenting = on;
		body.classList.toggle('presenting', on);
		root.dataset.presenting = String(on);
		bar.hidden = !on;
		if (on) {
			session?.setItem(PRESENTING, '1');
		} else {
			session?.removeItem(PRESENTING);
			setBlackout(false);
		}
		syncPin();
		// a talk shows the story; the presenter can still switch to the kernel view (V)
		if (on && !explicitView) {
			timeline.setView('story');
		}
		// on a projector the picture follows the packet at a readable scale (the box can still turn it off)
		if (on && camera && !camera.isFollowing()) {
			camera.setFollow(true, false);
		}
		// the stage changed size: let the camera refit
		requestAnimationFrame(() => {
			window.dispatchEvent(new Event('resize'));
			camera?.update(store.getState(), null);
		});
		broadcast(true);
	}

	function setBlackout(on) {
		blackout.hidden = !on;
		root.dataset.blackout = String(on);
	}

	function syncPin() {
		const pinned = pins.get();
		pin.checked = pinned != null && pinned === store.getState().seed;
	}
	pin.addEventListener('change', () => {
		pins.set(pin.checked ? store.getState().seed : null);
		toast(pin.checked ? `Seed ${store.getState().seed} pinned: this scenario opens with it` : 'Seed unpinned');
		pin.blur();
	});

	// ---- speaker notes (a second window, same origin) -------------------------------------------------------------

	function notesMessage() {
		const s = store.getState();
		const e = currentEntry(s);
		// what the next press shows: the next step of the current view (the next story step in the story view)
		const nextIndex = viewSteps(s).find(i => i > s.cursor);
		const next = nextIndex == null ? null : s.steps[nextIndex];
		const walk = e ? s.walks[e.walk] : null;
		return {
			type: 'view',
			scenario: s.scenario ? { id: s.scenario.id, title: s.scenario.title, intro: s.scenario.intro, takeaway: s.scenario.takeaway } : { id: scenarioId },
			seed: s.seed,
			cursor: s.cursor,
			total: s.steps.length,
			key: `${scenarioId}:${s.seed}:${s.cursor}`,
			step: e ? { type: stepName(e.step.type), where: fmt.placeText(e.step.at), narration: e.step.narration, walk: walk?.label || '' } : null,
			next: next ? { type: stepName(next.step.type), narration: next.step.narration } : null,
			atEnd: atEnd(s),
			blackout: !blackout.hidden,
			presenting
		};
	}

	let lastBroadcast = '';
	function broadcast(force = false) {
		if (!channel) {
			return;
		}
		const m = notesMessage();
		const text = JSON.stringify(m);
		if (force || text !== lastBroadcast) {
			lastBroadcast = text;
			channel.postMessage(m);
		}
	}
	channel?.addEventListener('message', event => {
		const m = event.data || {};
		if (m.type === 'hello') {
			broadcast(true);
		} else if (m.type === 'cmd') {
			if (m.cmd === 'forward') {
				timeline.forward();
			} else if (m.cmd === 'back') {
				timeline.back();
			} else if (m.cmd === 'blackout') {
				setBlackout(blackout.hidden);
				broadcast(true);
			}
		}
	});

	function openNotes() {
		const w = window.open(`${window.location.origin}/presenter/notes`, 'packetwalk-notes', 'popup,width=960,height=760');
		if (!w) {
			toast('The browser blocked the notes window: allow pop-ups for this site');
		}
	}

	// ---- live session -------------------------------------------------------------------------------------------

	function liveView() {
		const v = viewOf(store.getState());
		return { scenario: scenarioId, seed: v.seed, flow: v.flow, step: v.step };
	}

	/** The follower page's URL for the room: the server's (packetwalk.public-url, or the name this page came in under). */
	function liveLink() {
		return live.link || `${window.location.origin}/live/${live.code}`;
	}

	function showLive() {
		liveInfo.hidden = !live;
		goLive.hidden = !!live;
		root.dataset.liveCode = live ? live.code : '';
		if (live) {
			const url = liveLink();
			liveUrl.href = url;
			liveUrl.textContent = url.replace(/^https?:\/\//, '');
		}
	}

	function watchFollowers() {
		followers?.close();
		if (!live) {
			return;
		}
		followers = new EventSource(`/api/live/${encodeURIComponent(live.code)}/followers`);
		followers.addEventListener('followers', event => {
			const n = JSON.parse(event.data).followers;
			count.dataset.count = String(n);
			count.textContent = `${n} following`;
		});
		followers.addEventListener('end', () => {
			followers.close();
			stopLive('The live session ended');
		});
	}

	async function push() {
		if (!live || store.getState().status !== 'ready') {
			return;
		}
		const view = liveView();
		const text = JSON.stringify(view);
		if (text === lastPushed) {
			return;
		}
		if (pushing) {
			pending = true;
			return;
		}
		pushing = true;
		try {
			const res = await fetch(`/api/live/${encodeURIComponent(live.code)}/state`, {
				method: 'PUT',
				headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${live.token}` },
				body: text
			});
			if (res.ok) {
				lastPushed = text;
				root.dataset.livePushed = text;
			} else if (res.status === 404 || res.status === 403) {
				stopLive('The live session is over (ended or timed out)');
			}
		} catch {
			// offline for a moment: the next change retries
		} finally {
			pushing = false;
			if (pending) {
				pending = false;
				push();
			}
		}
	}

	function stopLive(message) {
		live = null;
		session?.removeItem(LIVE);
		followers?.close();
		followers = null;
		clearInterval(keepAlive);
		lastPushed = '';
		showLive();
		if (message) {
			toast(message);
		}
	}

	function startKeepAlive() {
		clearInterval(keepAlive);
		// the same view re-sent every 5 minutes: a long explanation on one step does not let the session time out
		keepAlive = setInterval(() => {
			lastPushed = '';
			push();
		}, 5 * 60 * 1000);
	}

	handlers.goLive = async () => {
		try {
			const res = await fetch('/api/live', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(liveView())
			});
			if (!res.ok) {
				const problem = await res.json().catch(() => ({}));
				toast(`Could not go live: ${problem.detail || res.status}`);
				return;
			}
			const created = await res.json();
			live = { code: created.code, token: created.token, link: created.link };
			session?.setItem(LIVE, JSON.stringify(live));
			lastPushed = JSON.stringify(liveView());
			showLive();
			watchFollowers();
			startKeepAlive();
			const url = liveLink();
			toast((await copyText(url)) ? `Live: ${url} (copied)` : `Live: ${url}`);
		} catch (err) {
			toast(`Could not go live: ${err.message}`);
		}
	};
	handlers.copyLive = async () => {
		if (live) {
			const url = liveLink();
			toast((await copyText(url)) ? 'Live link copied' : `Live link: ${url}`);
		}
	};
	handlers.endLive = async () => {
		if (!live) {
			return;
		}
		const { code, token } = live;
		stopLive('Live session ended');
		await fetch(`/api/live/${encodeURIComponent(code)}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
	};
	handlers.present = () => setPresenting(!presenting);
	// another scenario, still presenting (and still live: the followers' pages follow)
	const picker = root.querySelector('[data-testid="presenter-scenario"]');
	// a clicker's keys must never change the scenario because the picker kept the focus
	picker?.addEventListener('keydown', event => {
		if (event.key === 'PageDown' || event.key === 'PageUp') {
			event.preventDefault();
			picker.blur();
			if (event.key === 'PageDown') {
				timeline.forward();
			} else {
				timeline.back();
			}
		}
	});
	picker?.addEventListener('change', () => {
		if (picker.value && picker.value !== scenarioId) {
			window.location.assign(`${window.location.origin}/scenarios/${encodeURIComponent(picker.value)}?present`);
		}
	});
	handlers.blackout = () => {
		setBlackout(blackout.hidden);
		broadcast(true);
	};
	handlers.notes = openNotes;

	document.addEventListener('keydown', event => {
		if (event.altKey || event.ctrlKey || event.metaKey) {
			return;
		}
		const t = event.target;
		if (t && (TYPING.has(t.tagName) || t.isContentEditable) && t.type !== 'range' && t.type !== 'checkbox') {
			return;
		}
		const help = document.querySelector('[data-testid="help"]');
		if (help && !help.hidden) {
			return;
		}
		if (event.key === 'p' || event.key === 'P') {
			event.preventDefault();
			setPresenting(!presenting);
		} else if (presenting && (event.key === 'b' || event.key === 'B' || event.key === '.')) {
			event.preventDefault();
			handlers.blackout();
		} else if (presenting && (event.key === 'n' || event.key === 'N')) {
			event.preventDefault();
			openNotes();
		} else if (!blackout.hidden && event.key === 'Escape') {
			setBlackout(false);
		}
	});
	blackout.addEventListener('click', () => handlers.blackout());

	store.subscribe(state => {
		root.dataset.focusPanel = focusPanel(currentEntry(state));
		if (state.status === 'ready') {
			broadcast();
			push();
			syncPin();
		}
	});

	return {
		started() {
			const wanted = new URLSearchParams(window.location.search).has('present') || session?.getItem(PRESENTING) === '1';
			if (wanted) {
				setPresenting(true, link?.view);
			}
			try {
				live = JSON.parse(session?.getItem(LIVE) || 'null');
			} catch {
				live = null;
			}
			if (live) {
				// a presenter who moved to another scenario keeps the session: followers follow there too
				showLive();
				watchFollowers();
				startKeepAlive();
				push();
			}
			root.dataset.focusPanel = focusPanel(currentEntry(store.getState()));
			broadcast(true);
		}
	};
}

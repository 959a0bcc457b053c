// Buttons, scrubber, speed, seed and keyboard → timeline calls; update(state) reflects the state back.

import { atEnd, atStart, viewPosition, viewSteps } from './store.js';

const TYPING = new Set(['INPUT', 'SELECT', 'TEXTAREA']);

export function createControls(root, { store, timeline, camera, onSeed, onUserAction = () => {} }) {
	const $ = sel => root.querySelector(sel);
	const play = $('[data-testid="btn-play"]');
	const back = $('[data-testid="btn-back"]');
	const fwd = $('[data-testid="btn-forward"]');
	const restart = $('[data-testid="btn-restart"]');
	const end = $('[data-testid="btn-end"]');
	const scrubber = $('[data-testid="scrubber"]');
	const index = $('[data-testid="step-index"]');
	const speed = $('[data-testid="speed"]');
	const seed = $('[data-testid="seed"]');
	const reroll = $('[data-testid="btn-reroll"]');
	const help = document.querySelector('[data-testid="help"]');
	const follow = $('[data-testid="follow"]');
	const viewButtons = [...root.querySelectorAll('button[data-view]')];
	let helpReturn = null;

	function showHelp(open) {
		if (open) {
			helpReturn = document.activeElement;
			help.hidden = false;
			help.querySelector('[data-action="closeHelp"]').focus();
		} else if (!help.hidden) {
			help.hidden = true;
			helpReturn?.focus?.();
		}
	}
	help.addEventListener('click', event => {
		if (event.target === help) {
			showHelp(false);
		}
	});

	const actions = {
		toggle: () => timeline.toggle(),
		back: () => timeline.back(),
		forward: () => timeline.forward(),
		restart: () => timeline.restart(),
		end: () => timeline.end(),
		reroll: () => onSeed(Math.floor(Math.random() * 1_000_000) + 1),
		zoomIn: () => camera.zoomBy(1.3),
		zoomOut: () => camera.zoomBy(1 / 1.3),
		fit: () => camera.fit(350),
		follow: () => {
			follow.checked = !follow.checked;
			follow.dispatchEvent(new Event('change'));
		},
		help: () => showHelp(help.hidden),
		closeHelp: () => showHelp(false),
		theme: () => window.packetwalkTheme?.toggle(),
		view: () => timeline.setView(store.getState().view === 'story' ? 'kernel' : 'story')
	};
	// what moves the view: a follower who does one of these stops following the presenter
	const NAVIGATION = new Set(['toggle', 'back', 'forward', 'restart', 'end', 'reroll']);
	function run(action) {
		if (NAVIGATION.has(action)) {
			onUserAction(action);
		}
		actions[action]?.();
	}
	root.querySelectorAll('button[data-action]').forEach(b => {
		b.addEventListener('click', () => run(b.dataset.action));
	});
	viewButtons.forEach(b => b.addEventListener('click', () => {
		timeline.setView(b.dataset.view);
		b.blur(); // the keyboard goes back to the player
	}));
	// the scrubber runs over the current view's steps: position p is the view's p-th step (-1 = the intro)
	scrubber.addEventListener('input', () => {
		onUserAction('seek');
		const p = Number(scrubber.value);
		timeline.seek(p < 0 ? -1 : viewSteps(store.getState())[p]);
	});
	speed.addEventListener('change', () => {
		timeline.setSpeed(Number(speed.value));
		speed.blur(); // give the keyboard back to the player (Space plays, arrows step)
	});
	seed.addEventListener('change', () => {
		const n = Number(seed.value);
		if (Number.isInteger(n) && n >= 0) {
			onUserAction('seed');
			onSeed(n);
		}
	});

	document.addEventListener('keydown', event => {
		if (event.altKey || event.ctrlKey || event.metaKey) {
			return;
		}
		const t = event.target;
		if (t && (TYPING.has(t.tagName) || t.isContentEditable) && t !== scrubber && t !== follow) {
			return;
		}
		if (!help.hidden) {
			if (event.key === 'Escape' || event.key === '?') {
				event.preventDefault();
				showHelp(false);
			}
			return;
		}
		const key = {
			'?': 'help',
			'+': 'zoomIn',
			'=': 'zoomIn',
			'-': 'zoomOut',
			f: 'fit',
			F: 'fit',
			l: 'follow',
			L: 'follow',
			t: 'theme',
			T: 'theme',
			v: 'view',
			V: 'view',
			' ': 'toggle',
			Spacebar: 'toggle',
			ArrowRight: 'forward',
			PageDown: 'forward',
			ArrowLeft: 'back',
			PageUp: 'back',
			Home: 'restart',
			End: 'end'
		}[event.key];
		if (key) {
			event.preventDefault(); // no page scroll, no double activation of a focused button
			run(key);
		}
	});

	function update(state) {
		const n = state.steps.length;
		const ready = state.status === 'ready' && n > 0;
		play.classList.toggle('is-playing', state.playing);
		play.setAttribute('aria-label', state.playing ? 'Pause' : 'Play');
		play.setAttribute('aria-pressed', String(state.playing));
		play.querySelector('.btn-text').textContent = state.playing ? 'Pause' : atEnd(state) ? 'Replay' : 'Play';
		play.disabled = !ready;
		back.disabled = !ready || atStart(state);
		restart.disabled = !ready || atStart(state);
		fwd.disabled = !ready || atEnd(state);
		end.disabled = !ready || atEnd(state);
		const story = state.view === 'story';
		const { position, total, onStep } = viewPosition(state);
		const word = story ? 'Story step' : 'Step';
		scrubber.max = String(Math.max(0, total - 1));
		scrubber.value = String(position - 1);
		scrubber.disabled = !ready;
		scrubber.setAttribute('aria-valuetext', state.cursor < 0 ? 'intro' : `${word.toLowerCase()} ${position} of ${total}`);
		// in the story view on a kernel-only step (a deep link, or switched from the kernel view): say which one
		const between = story && !onStep ? ` · kernel step ${state.cursor + 1}` : '';
		index.textContent = !ready ? '–' : state.cursor < 0 ? `Intro · ${total} ${story ? 'story ' : ''}steps` : `${word} ${position} / ${total}${between}`;
		index.dataset.cursor = String(state.cursor);
		index.dataset.total = String(n);
		index.dataset.view = state.view;
		index.dataset.position = String(position);
		index.dataset.viewTotal = String(total);
		root.dataset.view = state.view;
		viewButtons.forEach(b => {
			b.setAttribute('aria-pressed', String(b.dataset.view === state.view));
			b.disabled = !ready;
		});
		if (String(speed.value) !== String(state.speed)) {
			speed.value = String(state.speed);
		}
		if (document.activeElement !== seed && state.seed != null) {
			seed.value = String(state.seed);
		}
	}

	return { update };
}

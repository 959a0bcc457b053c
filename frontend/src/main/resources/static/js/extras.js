// What the pages add around the player: Share (all pages), presenter mode and going live (the player page), following
// a live session (/live/{code}), the "open in PacketWalk" link of the embed (/embed/{id}). Buttons say data-extra="…".

import { copyText, shareLink, viewOf, withView } from './deeplink.js';
import { createPresenter } from './present.js';
import { createFollower } from './live.js';

const PIN_PREFIX = 'packetwalk-pin:';

function storage(kind) {
	try {
		return kind === 'session' ? window.sessionStorage : window.localStorage;
	} catch {
		return null; // storage disabled: features that need it just do not persist
	}
}

export function initExtras(ctx) {
	const { root, mode, store, scenarioId } = ctx;
	const toastEl = root.querySelector('[data-testid="toast"]');
	let toastTimer = null;
	function toast(text) {
		if (!toastEl) {
			return;
		}
		toastEl.textContent = text;
		toastEl.classList.add('is-shown');
		clearTimeout(toastTimer);
		toastTimer = setTimeout(() => toastEl.classList.remove('is-shown'), 2500);
	}

	const pins = {
		get() {
			const v = storage('local')?.getItem(PIN_PREFIX + scenarioId);
			return v != null && /^\d+$/.test(v) ? Number(v) : null;
		},
		set(seed) {
			const s = storage('local');
			if (seed == null) {
				s?.removeItem(PIN_PREFIX + scenarioId);
			} else {
				s?.setItem(PIN_PREFIX + scenarioId, String(seed));
			}
		}
	};

	const handlers = {
		async share() {
			const link = shareLink(window.location.origin, scenarioId, viewOf(store.getState()));
			root.dataset.sharedLink = link;
			toast((await copyText(link)) ? 'Link copied' : `Copy this link: ${link}`);
		}
	};
	const env = { ...ctx, toast, handlers, pins, storage };
	const presenter = mode === 'player' ? createPresenter(env) : null;
	const follower = mode === 'live' ? createFollower(env) : null;

	if (mode === 'embed') {
		const open = root.querySelector('[data-testid="embed-open"]');
		store.subscribe(state => {
			if (open && state.status === 'ready') {
				open.href = withView(new URL(open.getAttribute('href'), window.location.href), viewOf(state)).toString();
			}
		});
	}

	root.querySelectorAll('[data-extra]').forEach(b => {
		b.addEventListener('click', () => handlers[b.dataset.extra]?.());
	});

	return {
		/** The seed this scenario is pinned to (presenter mode's "pin seed"), used when the URL names none. */
		pinnedSeed: () => (mode === 'player' ? pins.get() : null),
		started() {
			presenter?.started();
			follower?.started();
		}
	};
}

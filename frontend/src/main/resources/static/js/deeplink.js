// Deep links: the URL carries the seed, the step, (for a multi-flow scenario) the flow and the level of detail, so a
// link restores exactly one view. `step` is 1-based over the whole trace, as the kernel view's step index shows it
// (absent or 0 = the intro), in both views; `flow` names the flow the step belongs to; `view=story` opens the story
// view (absent: the kernel view, or the story view in presenter mode). Pure functions (no DOM) plus a tiny renderer that keeps the address bar in sync.

import { VIEWS, currentEntry } from './store.js';

/** What a query string asks for: {seed, step, flow, view}, each null when absent or malformed. */
export function parseLink(search) {
	const q = new URLSearchParams(search);
	const int = name => {
		const v = q.get(name);
		return v != null && /^\d+$/.test(v) ? Number(v) : null;
	};
	const flow = q.get('flow');
	const view = q.get('view');
	return { seed: int('seed'), step: int('step'), flow: flow ? flow : null, view: VIEWS.includes(view) ? view : null };
}

/**
 * The cursor (flat step index, -1 = intro) for a link: the step when it exists (and, when a flow is named too, belongs
 * to it); otherwise the named flow's first step; otherwise the intro.
 */
export function resolveCursor(steps, { step, flow }) {
	const firstOfFlow = flow == null ? -1 : steps.findIndex(s => s.flow === flow);
	if (step != null && step > 0) {
		const i = Math.min(step, steps.length) - 1;
		if (flow == null || firstOfFlow < 0 || steps[i]?.flow === flow) {
			return i;
		}
		return firstOfFlow;
	}
	return firstOfFlow;
}

/** Does the trace have more than one flow (then links name the flow)? */
export function multiFlow(state) {
	const flows = new Set(state.walks.map(w => w.flow));
	return flows.size > 1;
}

/** The view as link parameters: {seed, step, flow, view}; step 0 and flow null at the intro. */
export function viewOf(state) {
	const e = currentEntry(state);
	return {
		seed: state.seed,
		step: e ? e.index + 1 : 0,
		flow: e && multiFlow(state) ? e.flow : null,
		view: state.view === 'story' ? 'story' : null
	};
}

/** `url` (a URL) with the view's parameters set (and stale ones removed); other parameters are kept. */
export function withView(url, view) {
	const u = new URL(url);
	u.searchParams.delete('seed');
	u.searchParams.delete('step');
	u.searchParams.delete('flow');
	u.searchParams.delete('view');
	if (view.view) {
		u.searchParams.set('view', view.view);
	}
	if (view.seed != null) {
		u.searchParams.set('seed', String(view.seed));
	}
	if (view.step > 0) {
		if (view.flow) {
			u.searchParams.set('flow', view.flow);
		}
		u.searchParams.set('step', String(view.step));
	}
	return u;
}

/** A link to this view on the normal player page (what the Share button copies). */
export function shareLink(origin, scenarioId, view) {
	return withView(`${origin}/scenarios/${encodeURIComponent(scenarioId)}`, view).toString();
}

/**
 * A renderer that mirrors the view into the address bar (history.replaceState, no new history entries), only when the
 * ready trace's view changed. `enabled()` lets a page turn it off (a follower's URL stays /live/{code}).
 */
export function createUrlSync({ enabled = () => true } = {}) {
	let last = null;
	return {
		update(state) {
			if (state.status !== 'ready' || !enabled()) {
				return;
			}
			const next = withView(window.location.href, viewOf(state)).toString();
			if (next !== last && next !== window.location.href) {
				window.history.replaceState(window.history.state, '', next);
			}
			last = next;
		}
	};
}

/** Copies text to the clipboard: the async Clipboard API where allowed, else a selected textarea + execCommand. */
export async function copyText(text) {
	try {
		if (navigator.clipboard && window.isSecureContext) {
			await navigator.clipboard.writeText(text);
			return true;
		}
	} catch {
		// denied (no user gesture, permissions policy, an iframe): fall back
	}
	const area = document.createElement('textarea');
	area.value = text;
	area.setAttribute('readonly', '');
	area.style.position = 'fixed';
	area.style.top = '-1000px';
	document.body.append(area);
	area.select();
	let ok = false;
	try {
		ok = document.execCommand('copy');
	} catch {
		ok = false;
	}
	area.remove();
	return ok;
}

// Where the player's scenario and trace come from when they are not simply a catalogue scenario's. The player
// (main.js) asks an api object for scenario(id) and trace(id, seed); withSource wraps it:
//  - /editor/{key}/play: the editor's draft stored under {key} (drafts.js) is posted to POST /api/resolve (the
//    topology) and POST /api/trace (the trace); the page's title and default seed are the draft's;
//  - ?probe=from,to,port,protocol on a scenario's page: the trace is one ad-hoc connection between two pods
//    (GET /api/scenarios/{id}/probe), as a cell of the reachability grid asks for it.
// Otherwise the api is returned unchanged.

import { readJson } from '../api.js';
import { loadDraft } from './drafts.js';

/** {from, to, port, protocol} from "from,to,port,protocol", or null. */
export function parseProbe(text) {
	if (!text) {
		return null;
	}
	const [from, to, port, protocol = 'TCP'] = text.split(',').map(s => s.trim());
	return from && to && /^\d+$/.test(port || '') ? { from, to, port: Number(port), protocol: protocol.toUpperCase() } : null;
}

function crumbNote(root, text, href, linkText) {
	const crumb = document.querySelector('.crumb');
	if (!crumb) {
		return;
	}
	const note = document.createElement('span');
	note.className = 'crumb-note';
	note.dataset.testid = 'source-note';
	note.textContent = text;
	if (href) {
		const a = document.createElement('a');
		a.href = href;
		a.className = 'crumb-link';
		a.textContent = linkText;
		note.append(' ', a);
	}
	crumb.append(note);
}

export function withSource(api, root, location = window.location) {
	const scenariosBase = (root.dataset.apiBase || '/api/scenarios').replace(/\/$/, '');
	const apiBase = scenariosBase.replace(/\/scenarios$/, '');
	const draftMatch = /\/editor\/([^/]+)\/play$/.exec(location.pathname);
	if (draftMatch) {
		const key = decodeURIComponent(draftMatch[1]);
		const post = (path, signal) => {
			const draft = loadDraft(key);
			if (!draft) {
				return Promise.reject(new Error('there is no draft in this browser: open the editor and run it from there'));
			}
			return fetch(`${apiBase}${path}`, {
				method: 'POST',
				headers: { 'Content-Type': 'text/yaml', Accept: 'application/json' },
				body: draft.yaml,
				signal
			}).then(readJson);
		};
		return {
			...api,
			scenario: async (id, signal) => {
				const detail = await post('/resolve', signal);
				const title = document.querySelector('[data-testid="scenario-title"]');
				if (title) {
					title.textContent = detail.title;
				}
				document.title = `${detail.title} (draft) · PacketWalk`;
				root.dataset.defaultSeed = String(detail.seed); // main.js reads it once the scenario is loaded
				if (key === 'import') {
					crumbNote(root, 'your imported cluster', '/import', '◂ import');
				} else {
					crumbNote(root, 'draft from the editor');
				}
				return detail;
			},
			trace: (id, seed, signal) => post(seed == null || seed === '' ? '/trace' : `/trace?seed=${encodeURIComponent(seed)}`, signal),
			state: (id, seed, step, namespace, signal) => {
				const q = new URLSearchParams({ step: String(step), namespace });
				if (seed != null && seed !== '') {
					q.set('seed', String(seed));
				}
				return post(`/state?${q}`, signal);
			}
		};
	}
	const probe = parseProbe(new URLSearchParams(location.search).get('probe'));
	if (probe) {
		const grid = `${location.pathname.replace(/\/$/, '')}/reachability?port=${probe.port}&protocol=${encodeURIComponent(probe.protocol)}`;
		// the note links back to the grid at this port: the header's own grid link would say the same, and the
		// scenario's title needs the room
		document.querySelector('[data-testid="reachability-link"]')?.setAttribute('hidden', '');
		crumbNote(root, `probe ${probe.from} → ${probe.to}:${probe.port}/${probe.protocol}`, grid, '◂ grid');
		document.querySelector('[data-testid="source-note"] a')?.setAttribute('title', 'back to the reachability grid');
		return {
			...api,
			// a probe's run is not the scenario's: its tables would be another run's, so the map offers none
			state: null,
			trace: (id, seed, signal) => {
				const q = new URLSearchParams({ from: probe.from, to: probe.to, port: String(probe.port), protocol: probe.protocol });
				if (seed != null && seed !== '') {
					q.set('seed', String(seed));
				}
				return fetch(`${scenariosBase}/${encodeURIComponent(id)}/probe?${q}`, { headers: { Accept: 'application/json' }, signal })
					.then(readJson);
			}
		};
	}
	return api;
}

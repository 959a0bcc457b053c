// Drafts of the scenario editor, kept in localStorage so that a reload (or a trip to the player) loses nothing.
// One draft per key: a scenario id, or "new" for the scratch pad. Stored as {yaml, savedAt, base}.

const PREFIX = 'packetwalk.editor.draft.';

function storage() {
	try {
		return window.localStorage;
	} catch {
		return null; // storage disabled: drafts live as long as the page
	}
}

export function loadDraft(key) {
	const raw = storage()?.getItem(PREFIX + key);
	if (!raw) {
		return null;
	}
	try {
		const d = JSON.parse(raw);
		return typeof d?.yaml === 'string' ? d : null;
	} catch {
		return null;
	}
}

export function saveDraft(key, yaml, base) {
	const draft = { yaml, savedAt: new Date().toISOString(), base: base || null };
	try {
		storage()?.setItem(PREFIX + key, JSON.stringify(draft));
		return draft;
	} catch {
		return null; // quota exceeded: the page still has the text
	}
}

export function dropDraft(key) {
	storage()?.removeItem(PREFIX + key);
}

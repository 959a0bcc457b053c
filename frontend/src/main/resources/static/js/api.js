// The backend API. Errors come back as RFC 9457 problem+json: their `detail` is shown to the learner.

async function getJson(url, signal) {
	const res = await fetch(url, { headers: { Accept: 'application/json' }, signal });
	if (!res.ok) {
		let detail = `${res.status} ${res.statusText}`;
		try {
			const problem = await res.json();
			detail = problem.detail || problem.title || detail;
		} catch {
			// not JSON: keep the status line
		}
		throw new Error(detail);
	}
	return res.json();
}

export function createApi(base) {
	const root = base.replace(/\/$/, '');
	return {
		scenario: (id, signal) => getJson(`${root}/${encodeURIComponent(id)}`, signal),
		trace: (id, seed, signal) => {
			const q = seed == null || seed === '' ? '' : `?seed=${encodeURIComponent(seed)}`;
			return getJson(`${root}/${encodeURIComponent(id)}/trace${q}`, signal);
		}
	};
}

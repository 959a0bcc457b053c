// The backend API. Errors come back as RFC 9457 problem+json: their `detail` is shown to the learner.

/**
 * The body of a response as JSON; a failed one becomes an Error whose message is the problem's detail (or, for an
 * invalid scenario, its first error with the line), else the status line.
 */
export async function readJson(res) {
	if (!res.ok) {
		let detail = `${res.status} ${res.statusText}`;
		try {
			const problem = await res.json();
			detail = problem.detail || problem.title || detail;
			if (Array.isArray(problem.errors) && problem.errors.length) {
				const e = problem.errors[0];
				detail = `line ${e.line}: ${e.message}${problem.errors.length > 1 ? ` (and ${problem.errors.length - 1} more)` : ''}`;
			}
		} catch {
			// not JSON: keep the status line
		}
		throw new Error(detail);
	}
	return res.json();
}

export async function getJson(url, signal) {
	return readJson(await fetch(url, { headers: { Accept: 'application/json' }, signal }));
}

export function createApi(base) {
	const root = base.replace(/\/$/, '');
	return {
		scenario: (id, signal) => getJson(`${root}/${encodeURIComponent(id)}`, signal),
		trace: (id, seed, signal) => {
			const q = seed == null || seed === '' ? '' : `?seed=${encodeURIComponent(seed)}`;
			return getJson(`${root}/${encodeURIComponent(id)}/trace${q}`, signal);
		},
		/** A namespace's tables after a step (1-based; 0 = before the first). */
		state: (id, seed, step, namespace, signal) => {
			const q = new URLSearchParams({ step: String(step), namespace });
			if (seed != null && seed !== '') {
				q.set('seed', String(seed));
			}
			return getJson(`${root}/${encodeURIComponent(id)}/state?${q}`, signal);
		}
	};
}

// Pure helpers of the device inspector (render/device-inspector.js): which step the state API is asked for, and
// which table opens. Tested by tables.test.js.

/** The step number the API counts (1-based; 0 before the first) for the player's cursor (-1 = the intro). */
export function stateStep(cursor) {
	return cursor < 0 ? 0 : cursor + 1;
}

/** The tab to open: the one the user chose if the namespace has it, else the first the step touched, else routes. */
export function pickTab(tables, chosen) {
	if (chosen && tables.some(t => t.id === chosen)) {
		return chosen;
	}
	const touched = tables.find(t => t.lines.some(l => l.mark));
	return touched ? touched.id : (tables[0] ? tables[0].id : null);
}

// The speaker-notes window (/presenter/notes): what the projected player shows now and next, the scenario's intro and
// takeaway, the presenter's own notes per step (localStorage), a clock, and buttons that drive the player. Everything
// goes over BroadcastChannel('packetwalk-presenter'), so it works offline and across windows of the same origin.

const channel = new BroadcastChannel('packetwalk-presenter');
const $ = id => document.querySelector(`[data-testid="${id}"]`);
const mine = $('notes-mine');
let key = null;
let started = Date.now();

function text(id, value) {
	$(id).textContent = value || '';
}

function storageKey(k) {
	return `packetwalk-notes:${k}`;
}

channel.addEventListener('message', event => {
	const m = event.data || {};
	if (m.type !== 'view') {
		return;
	}
	document.body.dataset.cursor = String(m.cursor);
	text('notes-scenario', m.scenario?.title || m.scenario?.id);
	text('notes-step', m.total ? (m.cursor < 0 ? `Intro · ${m.total} steps` : `Step ${m.cursor + 1} / ${m.total}`) : '');
	text('notes-type', m.step ? m.step.type : 'intro');
	text('notes-where', m.step ? `${m.step.where}${m.step.walk ? ` · ${m.step.walk}` : ''}` : '');
	text('notes-narration', m.step ? m.step.narration : m.scenario?.intro);
	text('notes-next', m.next ? `${m.next.type}: ${m.next.narration}` : m.atEnd ? 'The end. Takeaway: ' + (m.scenario?.takeaway || '') : '');
	text('notes-intro', m.scenario?.intro);
	text('notes-takeaway', m.scenario?.takeaway ? `Takeaway: ${m.scenario.takeaway}` : '');
	document.body.classList.toggle('is-blackout', !!m.blackout);
	// the presenter's own notes for this step of this scenario (seed-independent: the story does not change)
	const k = `${m.scenario?.id}:${m.cursor}`;
	if (k !== key) {
		key = k;
		try {
			mine.value = localStorage.getItem(storageKey(k)) || '';
		} catch {
			mine.value = '';
		}
	}
});

mine.addEventListener('input', () => {
	if (key) {
		try {
			localStorage.setItem(storageKey(key), mine.value);
		} catch {
			// private mode: notes last for this window only
		}
	}
});

document.querySelectorAll('[data-cmd]').forEach(b => b.addEventListener('click', () => {
	if (b.dataset.cmd === 'resetClock') {
		started = Date.now();
		tick();
		return;
	}
	channel.postMessage({ type: 'cmd', cmd: b.dataset.cmd });
}));

// the clicker may be pointed at this window: the same keys drive the player
document.addEventListener('keydown', event => {
	if (event.target === mine) {
		return;
	}
	const cmd = { PageDown: 'forward', ArrowRight: 'forward', PageUp: 'back', ArrowLeft: 'back', b: 'blackout', B: 'blackout', '.': 'blackout' }[event.key];
	if (cmd) {
		event.preventDefault();
		channel.postMessage({ type: 'cmd', cmd });
	}
});

function tick() {
	const s = Math.floor((Date.now() - started) / 1000);
	text('notes-clock', `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`);
}
setInterval(tick, 1000);
tick();

channel.postMessage({ type: 'hello' });

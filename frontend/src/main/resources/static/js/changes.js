// Local scenario files are reloaded by the server when they change; this listens for that
// (GET /api/scenarios/changes, event "changed" with the id) and offers a reload of this page
// (or reloads by itself where the page says data-reload="auto", e.g. a scenario shown with its errors).

const root = document.getElementById('player');
const id = root?.dataset.scenarioId;
const base = root?.dataset.apiBase || '/api/scenarios';

if (id && typeof EventSource !== 'undefined') {
	const source = new EventSource(`${base}/changes`);
	source.addEventListener('changed', event => {
		if (event.data !== id) {
			return;
		}
		if (root.dataset.reload === 'auto') {
			window.location.reload();
			return;
		}
		showBanner();
	});
	window.addEventListener('beforeunload', () => source.close());
}

function showBanner() {
	if (document.querySelector('[data-testid="changed-banner"]')) {
		return;
	}
	const banner = document.createElement('div');
	banner.className = 'changed-banner';
	banner.setAttribute('role', 'status');
	banner.dataset.testid = 'changed-banner';
	banner.textContent = 'This scenario\'s file changed. ';
	const button = document.createElement('button');
	button.type = 'button';
	button.className = 'btn';
	button.textContent = 'Reload';
	button.addEventListener('click', () => window.location.reload());
	banner.append(button);
	document.body.prepend(banner);
}

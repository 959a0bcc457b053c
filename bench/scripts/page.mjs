// Page figures of the player, measured in headless Chromium through the DevTools protocol (no npm packages):
//   - transferred bytes: every response the page loads (HTML, CSS, JS modules, D3, JSON), as Chromium counts them
//     on the wire (Network.loadingFinished encodedDataLength: headers + body as sent, gzip-compressed when the server
//     compresses), with a fresh profile each run (cold cache); server-sent event streams are listed apart;
//   - time to first frame: from navigation start until the player has drawn its first frame, i.e. the trace is
//     loaded (the step index carries data-total) and the topology is drawn (#topology g.dev exists, the condition
//     PlayerBrowserTest waits for), then the next animation frame has run.
//
// usage: node --experimental-websocket bench/scripts/page.mjs [url] [runs]
//   url  default http://localhost:18081/scenarios/pod-to-service      runs  default 3
// Needs Debian's chromium. Only 127.0.0.1/localhost is contacted (--host-resolver-rules maps every other name away).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const url = process.argv[2] || 'http://localhost:18081/scenarios/pod-to-service';
const runs = Number(process.argv[3] || 3);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function launch() {
	const profile = mkdtempSync(join(tmpdir(), 'packetwalk-bench-chromium-'));
	const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
		'--disable-component-update', '--disable-sync', '--no-first-run',
		'--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost', '--disable-dev-shm-usage',
		'--window-size=1600,1000', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'];
	const proc = spawn(CHROMIUM, args, { stdio: 'ignore' });
	const portFile = join(profile, 'DevToolsActivePort');
	for (let i = 0; i < 200 && !existsSync(portFile); i++) {
		await sleep(50);
	}
	const port = readFileSync(portFile, 'utf8').split('\n')[0];
	const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
	const page = targets.find(t => t.type === 'page');
	return { proc, profile, wsUrl: page.webSocketDebuggerUrl };
}

function connect(wsUrl) {
	const ws = new WebSocket(wsUrl);
	let next = 1;
	const pending = new Map();
	const listeners = [];
	ws.onmessage = m => {
		const msg = JSON.parse(m.data);
		if (msg.id && pending.has(msg.id)) {
			const { resolve, reject } = pending.get(msg.id);
			pending.delete(msg.id);
			msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
		}
		else if (msg.method) {
			listeners.forEach(l => l(msg));
		}
	};
	const send = (method, params = {}) => new Promise((resolve, reject) => {
		const id = next++;
		pending.set(id, { resolve, reject });
		ws.send(JSON.stringify({ id, method, params }));
	});
	return new Promise(resolve => {
		ws.onopen = () => resolve({ send, on: l => listeners.push(l), close: () => ws.close() });
	});
}

// runs in the page before its own scripts: note when the first frame is drawn
const PROBE = `
(() => {
	const ready = () => {
		const idx = document.querySelector('[data-testid=step-index]');
		return idx && idx.getAttribute('data-total') && document.querySelector('#topology g.dev');
	};
	const check = () => {
		if (window.__firstFrame === undefined && ready()) {
			window.__firstFrame = null;
			requestAnimationFrame(() => { window.__firstFrame = performance.now(); });
			return true;
		}
		return false;
	};
	new MutationObserver((_, obs) => { if (check()) obs.disconnect(); })
		.observe(document, { subtree: true, childList: true, attributes: true });
})();`;

async function once() {
	const { proc, profile, wsUrl } = await launch();
	try {
		const cdp = await connect(wsUrl);
		const requests = new Map();
		cdp.on(msg => {
			const p = msg.params;
			if (msg.method === 'Network.requestWillBeSent') {
				requests.set(p.requestId, { url: p.request.url, type: p.type });
			}
			else if (msg.method === 'Network.responseReceived') {
				const r = requests.get(p.requestId) || {};
				const h = Object.fromEntries(Object.entries(p.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
				Object.assign(r, { status: p.response.status, mime: p.response.mimeType, encoding: h['content-encoding'] || '-' });
				requests.set(p.requestId, r);
			}
			else if (msg.method === 'Network.dataReceived') {
				const r = requests.get(p.requestId);
				if (r) {
					r.decoded = (r.decoded || 0) + p.dataLength;
					r.streamed = (r.streamed || 0) + p.encodedDataLength;
				}
			}
			else if (msg.method === 'Network.loadingFinished') {
				const r = requests.get(p.requestId);
				if (r) {
					r.transferred = p.encodedDataLength;
					r.done = true;
				}
			}
		});
		await cdp.send('Network.enable');
		await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
		await cdp.send('Page.enable');
		await cdp.send('Runtime.enable');
		await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: PROBE });
		await cdp.send('Page.navigate', { url });
		let ttff = null;
		for (let i = 0; i < 600 && ttff === null; i++) {
			await sleep(50);
			const r = await cdp.send('Runtime.evaluate', { expression: 'window.__firstFrame ?? null', returnByValue: true });
			ttff = r.result.value;
		}
		await sleep(2000); // let anything the first frame did not wait for finish
		const nav = await cdp.send('Runtime.evaluate', {
			expression: 'JSON.stringify(performance.getEntriesByType("navigation")[0])', returnByValue: true });
		cdp.close();
		return { ttff, requests: [...requests.values()], nav: JSON.parse(nav.result.value || '{}') };
	}
	finally {
		proc.kill('SIGTERM');
		await sleep(300);
		rmSync(profile, { recursive: true, force: true });
	}
}

const results = [];
for (let i = 1; i <= runs; i++) {
	const r = await once();
	const finished = r.requests.filter(q => q.done);
	const streams = r.requests.filter(q => !q.done);
	const bytes = finished.reduce((s, q) => s + q.transferred, 0);
	const decoded = finished.reduce((s, q) => s + (q.decoded || 0), 0);
	results.push({ ttff: r.ttff, bytes, decoded });
	console.log(`run ${i}: first frame ${r.ttff === null ? 'NOT REACHED' : r.ttff.toFixed(0) + ' ms'} after navigation start;`
		+ ` ${finished.length} responses, ${bytes} bytes transferred (${decoded} bytes decoded)`);
	if (i === 1) {
		for (const q of finished) {
			console.log(`  ${String(q.transferred).padStart(8)} B wire ${String(q.decoded || 0).padStart(8)} B body  ${q.encoding.padEnd(5)} ${q.status} ${q.mime}  ${q.url}`);
		}
		for (const q of streams) {
			console.log(`  (open stream, ${q.streamed || 0} B so far, ${q.encoding}) ${q.status} ${q.mime}  ${q.url}`);
		}
	}
}
const ttffs = results.map(r => r.ttff).filter(t => t !== null).sort((a, b) => a - b);
console.log(`time to first frame: median ${ttffs[Math.floor(ttffs.length / 2)]?.toFixed(0)} ms`
	+ ` (runs: ${results.map(r => r.ttff === null ? 'n/a' : r.ttff.toFixed(0)).join(', ')} ms)`);
console.log(`transferred: ${results.map(r => r.bytes).join(', ')} bytes (decoded ${results[0].decoded})`);

// The device inspector: click a namespace (or a device on it) on the map, or focus it and press Enter, to see its
// tables as they are after the current step (GET /api/scenarios/{id}/state): one tab per table, the entries the step
// created or used highlighted, a copy button, and it follows the step as you move. A side panel on a wide screen, a
// bottom sheet on a phone (css: .device-inspector). A renderer: update(state) is called at every step.

import d3 from '../d3.js';
import { copyText } from '../deeplink.js';
import { pickTab, stateStep } from '../evidence/tables.js';

const TAB_TEXT = {
	route: 'ip route',
	neigh: 'ip neigh',
	fdb: 'bridge fdb',
	conntrack: 'conntrack',
	iptables: 'iptables-save',
	ipvs: 'ipvsadm -Ln',
	'ipvs-conn': 'ipvsadm -Lnc',
	nftables: 'nft list ruleset',
	listeners: 'listeners'
};

const MARK_TEXT = {
	created: 'created by this step',
	used: 'used by this step',
	updated: 'changed by this step',
	confirmed: 'confirmed by this step'
};

export function createDeviceInspector(root, { api, scenarioId, svg, onToast }) {
	// in the page's flow before the inspectors: where a phone shows it (below the picture); a wide screen floats it
	const aside = root.querySelector('aside.inspect');
	const box = (aside ? d3.select(root).insert('section', () => aside) : d3.select(root).append('section'))
		.attr('class', 'device-inspector')
		.attr('data-testid', 'device-inspector')
		.attr('role', 'dialog')
		.attr('aria-modal', 'false')
		.attr('hidden', '');
	const head = box.append('div').attr('class', 'di-head');
	const title = head.append('h2').attr('class', 'di-title').attr('data-testid', 'di-title');
	const when = head.append('span').attr('class', 'di-when').attr('data-testid', 'di-step');
	const copy = head.append('button').attr('type', 'button').attr('class', 'btn btn-text di-copy').attr('data-testid', 'di-copy')
		.text('Copy');
	const close = head.append('button').attr('type', 'button').attr('class', 'btn di-close').attr('data-testid', 'di-close')
		.attr('aria-label', 'Close the tables').text('✕');
	const tabs = box.append('div').attr('class', 'di-tabs').attr('role', 'tablist');
	const cmd = box.append('div').attr('class', 'di-cmd').attr('data-testid', 'di-command');
	const body = box.append('pre').attr('class', 'di-body').attr('data-testid', 'di-table').attr('tabindex', '0');
	const note = box.append('p').attr('class', 'di-note').attr('data-testid', 'di-note');

	let ns = null; // the namespace shown, or null when closed
	let label = null;
	let chosen = null; // the tab the learner picked
	let shown = null; // {key, data}
	let pending = null; // AbortController of the request in flight
	let last = null; // the player's last state
	let opener = null; // the element to give focus back to
	const cache = new Map();

	function key(state) {
		return `${state.seed}|${stateStep(state.cursor)}|${ns}`;
	}

	let reveal = false; // just opened: on a phone, scroll the sheet into view once its tables are drawn

	function render() {
		if (!shown) {
			return;
		}
		if (reveal) {
			reveal = false;
			if (window.matchMedia && window.matchMedia('(max-width: 700px)').matches) {
				requestAnimationFrame(() => box.node().scrollIntoView({ block: 'start' }));
			}
		}
		const { data } = shown;
		const tab = pickTab(data.tables, chosen);
		const table = data.tables.find(t => t.id === tab);
		tabs.selectAll('button.di-tab')
			.data(data.tables, t => t.id)
			.join(enter => enter.append('button').attr('type', 'button').attr('class', 'di-tab').attr('role', 'tab')
				.on('click', (event, t) => {
					chosen = t.id;
					render();
				}))
			.attr('data-testid', t => `di-tab-${t.id}`)
			.attr('aria-selected', t => String(t.id === tab))
			.classed('is-current', t => t.id === tab)
			.classed('has-marks', t => t.lines.some(l => l.mark))
			.text(t => TAB_TEXT[t.id] || t.id);
		cmd.text(table ? `# ${table.command}` : '');
		const lines = table ? table.lines : [];
		body.selectAll('span.di-line')
			.data(lines, (l, i) => `${tab}:${i}:${l.text}`)
			.join('span')
			.attr('class', l => `di-line${l.mark ? ` is-${l.mark} is-marked` : ''}${l.inTable ? '' : ' is-pending'}`)
			.attr('data-testid', 'di-line')
			.attr('data-mark', l => l.mark || null)
			.attr('title', l => [l.mark ? MARK_TEXT[l.mark] : null, l.inTable ? null : 'not in the table yet: attached to the packet, confirmed when it leaves POSTROUTING or reaches INPUT']
				.filter(Boolean).join(' · ') || null)
			.text(l => `${l.text}${l.inTable ? '' : '   ← unconfirmed, on the packet only'}\n`);
		scrollToMarked();
		note.text(lines.length === 0 ? `${table ? table.command : 'this table'} prints nothing here${tab === 'conntrack' ? ': no connection has been tracked yet' : ''}.`
			: lines.some(l => l.mark) ? 'Highlighted: what this step created, used or confirmed.' : '');
	}

	/** The first highlighted entry, scrolled into the table's view (a third from its top) when it is out of it. */
	function scrollToMarked() {
		const marked = body.select('span.di-line.is-marked').node();
		const b = body.node();
		if (!marked || !b.clientHeight) {
			return;
		}
		const top = marked.getBoundingClientRect().top - b.getBoundingClientRect().top;
		if (top < 0 || top + marked.offsetHeight > b.clientHeight) {
			b.scrollTop += top - Math.max(0, (b.clientHeight - marked.offsetHeight) / 3);
		}
	}

	async function load() {
		if (!ns || !last || last.status !== 'ready') {
			return;
		}
		const k = key(last);
		if (shown && shown.key === k) {
			return;
		}
		when.text(last.cursor < 0 ? 'before the first step' : `after step ${last.cursor + 1}`);
		if (cache.has(k)) {
			shown = { key: k, data: cache.get(k) };
			box.attr('data-loaded-step', String(shown.data.step));
			render();
			return;
		}
		pending?.abort();
		const ctl = new AbortController();
		pending = ctl;
		box.attr('aria-busy', 'true');
		try {
			const data = await api.state(scenarioId, last.seed, stateStep(last.cursor), ns, ctl.signal);
			if (ctl.signal.aborted) {
				return;
			}
			if (cache.size > 200) {
				cache.clear();
			}
			cache.set(k, data);
			if (key(last) === k) {
				shown = { key: k, data };
				box.attr('data-loaded-step', String(data.step));
				render();
			}
		} catch (err) {
			if (!ctl.signal.aborted) {
				note.text(`The tables could not be loaded: ${err.message}`);
			}
		} finally {
			if (pending === ctl) {
				pending = null;
				box.attr('aria-busy', null);
			}
		}
	}

	function open(id, text, from) {
		ns = id;
		label = text || id;
		opener = from || null;
		shown = null;
		chosen = null;
		title.text(label);
		box.attr('aria-label', `Tables of ${label}`).attr('data-namespace', id).attr('hidden', null);
		root.classList.add('has-device-inspector');
		reveal = true;
		load();
	}

	function hide() {
		ns = null;
		shown = null;
		pending?.abort();
		box.attr('hidden', '').attr('data-namespace', null);
		root.classList.remove('has-device-inspector');
		opener?.focus?.();
	}

	close.on('click', hide);
	box.on('keydown', event => {
		if (event.key === 'Escape') {
			event.stopPropagation();
			hide();
		}
	});
	copy.on('click', async () => {
		const table = shown && shown.data.tables.find(t => t.id === pickTab(shown.data.tables, chosen));
		if (table) {
			const ok = await copyText(table.text);
			onToast?.(ok ? `Copied ${table.command}` : 'Copy failed: select the text instead');
		}
	});

	/** The namespace a click or key on the map is about: a namespace box, or the one a device belongs to. */
	function target(el) {
		const g = el.closest ? el.closest('g.ns, g.dev, g.stack') : null;
		if (!g) {
			return null;
		}
		const d = d3.select(g).datum();
		if (g.classList.contains('ns')) {
			return { id: d.id, label: d.label, el: g };
		}
		if (g.classList.contains('stack')) {
			// the IP-stack box inside a namespace: [namespace id, box]
			const box = svg.select(`g.ns[data-namespace="${CSS.escape(d[0])}"]`);
			return { id: d[0], label: box.empty() ? d[0] : box.datum().label, el: g };
		}
		return d && d.ns ? { id: d.ns, label: d.ns, el: g } : null;
	}

	svg.on('click.device-inspector', event => {
		const t = target(event.target);
		if (t && api.state) {
			open(t.id, t.label, t.el);
		}
	});
	svg.on('keydown.device-inspector', event => {
		if (event.key !== 'Enter' && event.key !== ' ') {
			return;
		}
		const t = target(event.target);
		if (t && api.state) {
			event.preventDefault();
			event.stopPropagation();
			open(t.id, t.label, t.el);
		}
	});

	return {
		update(state) {
			last = state;
			// every namespace box is a button for the keyboard too
			svg.selectAll('g.ns')
				.attr('tabindex', api.state ? '0' : null)
				.attr('role', api.state ? 'button' : null)
				.attr('aria-label', d => (api.state ? `${d.label}: show its tables at this step` : null));
			if (ns) {
				load();
			}
		},
		open,
		close: hide
	};
}

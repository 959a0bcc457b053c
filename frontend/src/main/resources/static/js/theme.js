// Light / dark theme: applied before the first paint (a classic script in <head>), persisted in localStorage.
(function () {
	var KEY = 'packetwalk-theme';
	var root = document.documentElement;
	function stored() {
		try {
			return localStorage.getItem(KEY);
		} catch (e) {
			return null;
		}
	}
	function apply(theme) {
		root.dataset.theme = theme === 'dark' ? 'dark' : 'light';
		var b = document.querySelector('[data-testid="btn-theme"]');
		if (b) {
			var dark = root.dataset.theme === 'dark';
			b.setAttribute('aria-pressed', String(dark));
			b.querySelector('.theme-text').textContent = dark ? 'Light' : 'Dark';
		}
	}
	function toggle() {
		var next = root.dataset.theme === 'dark' ? 'light' : 'dark';
		try {
			localStorage.setItem(KEY, next);
		} catch (e) {
			// private mode: the choice lasts for this page only
		}
		apply(next);
	}
	apply(stored());
	window.packetwalkTheme = { toggle: toggle };
	document.addEventListener('DOMContentLoaded', function () {
		apply(root.dataset.theme);
		var b = document.querySelector('[data-testid="btn-theme"]');
		if (b) {
			b.addEventListener('click', toggle);
		}
	});
})();

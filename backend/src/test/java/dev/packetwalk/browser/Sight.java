package dev.packetwalk.browser;

/**
 * What a user sees of named things on the player's stage, measured in the page: each
 * named element is drawn (not hidden), whole on the stage, not under what is drawn over
 * the stage (the walk's outcome, the journey strip, the view tools), and no two named
 * elements overlap. The script takes {@code [[name, css selector], ...]} and returns the
 * problems it finds (empty when the picture is right).
 */
final class Sight {

	static final String PROBLEMS = """
			const svg = document.querySelector('#topology');
			const st = svg.getBoundingClientRect();
			const meets = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
			  && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
			const shown = el => { for (let e = el; e && e !== document; e = e.parentElement || e.parentNode) {
			  const cs = getComputedStyle(e); if (cs.display === 'none' || cs.visibility === 'hidden' || +cs.opacity === 0) return false; }
			  return true; };
			const overlays = [['the walk\\'s outcome', '[data-testid=disposition]'], ['the journey strip', '[data-testid=journey]'],
			  ['the view tools', '.stage-tools']].map(([n, s]) => [n, document.querySelector(s)])
			  .filter(([, e]) => e && !e.hidden && shown(e) && e.getBoundingClientRect().height > 0)
			  .map(([n, e]) => [n, e.getBoundingClientRect()]);
			const problems = [];
			const named = [];
			for (const [name, sel] of arguments[0]) {
			  const el = document.querySelector(sel);
			  if (!el || !shown(el)) { problems.push(name + ' is not drawn (' + sel + ')'); continue; }
			  const r = el.getBoundingClientRect();
			  if (r.left < st.left - 1 || r.right > st.right + 1 || r.top < st.top - 1 || r.bottom > st.bottom + 1) {
			    problems.push(name + ' is cut by the stage\\'s edge: ' + [r.left, r.top, r.right, r.bottom].map(Math.round)
			      + ' on a stage of ' + [st.left, st.top, st.right, st.bottom].map(Math.round));
			  }
			  for (const [n, o] of overlays) if (meets(r, o)) problems.push(n + ' covers ' + name);
			  named.push([name, r]);
			}
			for (let i = 0; i < named.length; i++) for (let j = i + 1; j < named.length; j++) {
			  if (meets(named[i][1], named[j][1])) problems.push(named[i][0] + ' overlaps ' + named[j][0]);
			}
			return problems;""";

	private Sight() {
	}

}

package dev.packetwalk.browser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a learner can read: at Fit on a 1280x720 laptop every drawn node and pod name is
 * at least 11 CSS px on screen (semantic zoom, folded nodes); at every step of every
 * built-in scenario the page prints no {@code undefined}, {@code NaN} or {@code null},
 * the packet's label covers no drawn text, names are never cut by the stage and the
 * walk's ends stay in the frame while following; on a 390x844 phone no page is wider than
 * the screen. One page per scenario, stepped through with the player's own keys.
 * Screenshots at 1280x720, 1920x1080 and 390x844.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadableBrowserTest extends BrowserTest {

	/** The smallest a name may render on screen, in CSS px. */
	private static final double MIN_NAME_PX = 11;

	/** Sizes the page's viewport (not the window) to w x h. */
	private static void viewport(int w, int h) {
		driver.manage().window().setSize(new Dimension(w, h));
		@SuppressWarnings("unchecked")
		List<Number> inner = (List<Number>) js("return [innerWidth, innerHeight]");
		driver.manage()
			.window()
			.setSize(new Dimension(w + (w - inner.get(0).intValue()), h + (h - inner.get(1).intValue())));
	}

	private static Object js(String script, Object... args) {
		return ((JavascriptExecutor) driver).executeScript(script, args);
	}

	private List<String> scenarioIds() throws Exception {
		List<String> ids = new ArrayList<>();
		JsonMapper.builder().build().readTree(get("/api/scenarios")).forEach(s -> ids.add(s.get("id").asString()));
		assertThat(ids).hasSizeGreaterThanOrEqualTo(6);
		return ids;
	}

	private void open(String id) {
		open(id, "kernel");
	}

	private void open(String id, String view) {
		driver.get(url("/scenarios/" + id + ("story".equals(view) ? "?view=story" : "")));
		wait(WAIT).until(d -> {
			WebElement index = d.findElement(By.cssSelector("[data-testid=step-index]"));
			String total = index.getDomAttribute("data-total");
			return total != null && !"0".equals(total) && d.findElements(By.cssSelector("#topology g.dev")).size() > 0;
		});
	}

	/**
	 * Fit on every built-in scenario at 1280x720: every drawn node and pod name renders
	 * at 11 CSS px or more (its computed font size times the camera's zoom, cross-checked
	 * with the height of its bounding box) and inside its box.
	 */
	@Test
	void atFitEveryNodeAndPodNameIsReadableOnALaptop() throws Exception {
		viewport(1280, 720);
		Map<String, Object> smallest = new TreeMap<>();
		Map<String, Object> problems = new TreeMap<>();
		for (String id : scenarioIds()) {
			open(id);
			driver.findElement(By.cssSelector("[data-testid=btn-fit]")).click();
			wait(WAIT).until(d -> js(
					"const s = document.querySelector('#topology'); return s.dataset.zoom && !s.__transition") != null);
			@SuppressWarnings("unchecked")
			Map<String, Object> r = (Map<String, Object>) js(
					"""
							const svg = document.querySelector('#topology');
							const k = +svg.dataset.zoom;
							let min = Infinity, minName = '';
							const bad = [];
							document.querySelectorAll('#topology g.ns-node text.ns-label, #topology g.ns-pod text.ns-label').forEach(t => {
							  const r = t.getBoundingClientRect();
							  if (!r.width) return;
							  const px = parseFloat(getComputedStyle(t).fontSize) * k;
							  const box = t.parentNode.querySelector('rect.ns-box').getBoundingClientRect();
							  if (px < min) { min = px; minName = t.textContent; }
							  if (px < 11 || r.height < 11 * 0.95) bad.push(`${t.textContent}: ${px.toFixed(1)} px (box ${r.height.toFixed(1)} px high)`);
							  if (r.right > box.right + 1 || r.bottom > box.bottom + 1) bad.push(`${t.textContent}: past its box`);
							});
							return { min: Math.round(min * 100) / 100, name: minName, bad };""");
			smallest.put(id, r.get("min") + " px (" + r.get("name") + ")");
			if (!((List<?>) r.get("bad")).isEmpty()) {
				problems.put(id, r.get("bad"));
			}
			if (List.of("lb-cluster-policy", "pod-to-service", "kuard-five-endpoints", "netpol-three-tier")
				.contains(id)) {
				screenshot("fit-1280x720-" + id);
			}
		}
		System.out.println("[packetwalk] smallest node/pod name at Fit, 1280x720: " + smallest);
		assertThat(problems).as("names under %s px at Fit", MIN_NAME_PX).isEmpty();
	}

	/**
	 * Every step of every built-in scenario in both views (the kernel view's every step,
	 * the story view's every story step), following the packet at 1280x720 with the
	 * journey strip above the map, read back from the end with ← on one page per scenario
	 * and view:
	 * <ul>
	 * <li>the page's text never says undefined, NaN or null;</li>
	 * <li>the packet's label covers no drawn name, address or device label (measured
	 * boxes of the texts shown);</li>
	 * <li>no node or pod name is cut by the stage's edge (a name is wholly on the stage,
	 * or not drawn);</li>
	 * <li>the names of the walk's sender and receiver pods are on the stage whenever both
	 * their nodes are on the stage. Exempt: walks whose ends are not both pods on nodes
	 * (a host outside the cluster, a node's own stack, a router: there is no pod name to
	 * keep), and steps where the hop (glyph and label) and both pods do not fit the stage
	 * together at the camera's context scale of 0.5 — there the camera shows the hop at a
	 * readable scale instead, and the other pod may be off the stage. The stage's room is
	 * what is not covered: less its margins, the view tools at its bottom and, at a
	 * walk's last step, the outcome box (✓ DELIVERED / ✕ DROPPED) over its top, under
	 * which the camera draws nothing.</li>
	 * </ul>
	 */
	@Test
	void atEveryStepTheTextIsCleanTheLabelCoversNoTextAndTheWalksEndsStayInFrame() throws Exception {
		viewport(1280, 720);
		Map<String, Object> words = new TreeMap<>();
		Map<String, Object> covered = new TreeMap<>();
		Map<String, Object> framing = new TreeMap<>();
		Map<String, String> counts = new TreeMap<>();
		for (String id : scenarioIds()) {
			for (String view : List.of("kernel", "story")) {
				open(id, view);
				assertThat(driver.findElement(By.id("player")).getDomAttribute("data-view")).isEqualTo(view);
				// at the intro the strip shows the first walk's journey; a cluster change
				// (a timeline scenario may start with
				// one) moves no packet and has none. The event list's first walk row says
				// which it is.
				boolean change = driver.findElements(By.cssSelector(".ev-leg"))
					.stream()
					.findFirst()
					.map(e -> e.getDomProperty("textContent").contains("CHANGE"))
					.orElse(false);
				assertThat(driver.findElement(By.cssSelector("[data-testid=journey]")).isDisplayed())
					.as(id + " (" + view + "): the journey strip is drawn exactly when the walk moves a packet")
					.isEqualTo(!change);
				WebElement follow = driver.findElement(By.cssSelector("[data-testid=follow]"));
				if (!follow.isSelected()) {
					follow.click();
				}
				js("document.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', code: 'End', bubbles: true, cancelable: true }))");
				String at = id + " (" + view + ")";
				Map<String, List<Object>> found = new TreeMap<>();
				long[] tally = new long[3];
				// a few steps per script (a slow machine must not hit the driver's script
				// timeout), until the intro
				for (boolean done = false; !done;) {
					assertThat(tally[0]).as(at + ": stepped back to the intro").isLessThan(5000);
					@SuppressWarnings("unchecked")
					Map<String, Object> r = (Map<String, Object>) js(STEP_CHECKS, 0.5, 15);
					for (String kind : List.of("words", "covered", "framing")) {
						found.computeIfAbsent(kind, x -> new ArrayList<>()).addAll((List<?>) r.get(kind));
					}
					tally[0] += ((Number) r.get("steps")).longValue();
					tally[1] += ((Number) r.get("checked")).longValue();
					tally[2] += ((Number) r.get("exempt")).longValue();
					done = Boolean.TRUE.equals(r.get("done"));
				}
				for (Map.Entry<String, Map<String, Object>> e : Map
					.of("words", words, "covered", covered, "framing", framing)
					.entrySet()) {
					List<Object> f = found.get(e.getKey());
					if (!f.isEmpty()) {
						e.getValue().put(at, f.subList(0, Math.min(5, f.size())));
					}
				}
				counts.put(at, tally[0] + " steps, ends checked at " + tally[1] + ", exempt " + tally[2]);
			}
		}
		System.out.println("[packetwalk] follow-packet framing at 1280x720: " + counts);
		assertThat(words).as("undefined / NaN / null on the page").isEmpty();
		assertThat(covered).as("the packet's label covers a drawn name, address or device label").isEmpty();
		assertThat(framing).as("names cut by the stage, or the walk's ends off the stage").isEmpty();
	}

	private static final String STEP_CHECKS = """
			const CONTEXT = arguments[0];
			const LIMIT = arguments[1];
			const words = [], covered = [], framing = [];
			const rectIn = (r, s) => r.left >= s.left - 1 && r.right <= s.right + 1 && r.top >= s.top - 1 && r.bottom <= s.bottom + 1;
			const meets = (r, s) => r.right > s.left && r.left < s.right && r.bottom > s.top && r.top < s.bottom;
			const shown = t => t.getClientRects().length > 0 && getComputedStyle(t).visibility !== 'hidden';
			const fmt = r => `${Math.round(r.left)}..${Math.round(r.right)} x ${Math.round(r.top)}..${Math.round(r.bottom)}`;
			const rows = [...document.querySelectorAll('[data-testid=event]')];
			const word = /\\b(undefined|NaN|null)\\b/;
			let steps = 0, checked = 0, exempt = 0, done = false;
			for (let guard = 0; guard < LIMIT; guard++) {
			  const cursor = document.querySelector('[data-testid=step-index]').dataset.cursor;
			  const at = `step ${+cursor + 1}`;
			  const text = document.body.innerText + ' ' + document.querySelector('#topology').textContent;
			  const m = text.match(word);
			  if (m) {
			    const i = text.indexOf(m[0]);
			    words.push(`${at}: …${text.slice(Math.max(0, i - 60), i + 20).replace(/\\s+/g, ' ')}…`);
			  }
			  if (cursor === '-1') { done = true; break; }
			  steps++;
			  const svg = document.querySelector('#topology');
			  const stage = svg.getBoundingClientRect();
			  const k = +svg.dataset.zoom;
			  // the packet's label against every name, address and device label drawn
			  const bg = svg.querySelector('g.packet rect.plabel-bg');
			  if (bg) {
			    const r = bg.getBoundingClientRect();
			    const hits = [];
			    svg.querySelectorAll('.topo text.ns-label, .topo text.dev-name, .topo .dev-lines tspan, .topo text.lb-name, .topo text.lb-ip').forEach(t => {
			      if (!shown(t)) return;
			      const q = t.getBoundingClientRect();
			      if (Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1 && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1) hits.push(`'${t.textContent}'`);
			    });
			    if (hits.length) covered.push(`${at}: covers ${hits.join(', ')}`);
			  }
			  // no node or pod name cut by the stage's edge
			  svg.querySelectorAll('g.ns-node .ns-label, g.ns-pod .ns-label').forEach(n => {
			    const r = n.getBoundingClientRect();
			    if (shown(n) && meets(r, stage) && !rectIn(r, stage)) framing.push(`${at}: name '${n.textContent}' ${fmt(r)} cut by the stage ${fmt(stage)}`);
			  });
			  // the walk's sender and receiver pods
			  const row = rows.find(x => x.dataset.index === cursor);
			  const walk = rows.filter(x => x.dataset.walk === row.dataset.walk);
			  const gs = [walk[0], walk[walk.length - 1]].map(x => svg.querySelector(`g.ns[data-namespace="${CSS.escape(x.dataset.namespace)}"]`));
			  // (a cluster change of a timeline moves no packet: no glyph, no sender or receiver to keep in frame)
			  const glyph = svg.querySelector('g.packet');
			  if (glyph && shown(glyph) && gs.every(g => g && g.classList.contains('ns-pod') && g.dataset.node)) {
			    const nodes = gs.map(g => svg.querySelector(`g.ns[data-namespace="${CSS.escape(g.dataset.node)}"] rect.ns-box`));
			    const rs = [glyph.getBoundingClientRect(), ...gs.map(g => g.querySelector('rect.ns-box').getBoundingClientRect())];
			    const u = { l: Math.min(...rs.map(r => r.left)), r: Math.max(...rs.map(r => r.right)), t: Math.min(...rs.map(r => r.top)), b: Math.max(...rs.map(r => r.bottom)) };
			    // the room: the stage less its margins, the view tools at its bottom and, at a walk's last step, the
			    // outcome box (✓ DELIVERED / ✕ DROPPED) over its top
			    const disp = document.querySelector('[data-testid=disposition]');
			    const dr = disp && !disp.hidden ? disp.getBoundingClientRect() : null;
			    const top = dr && dr.height > 0 && dr.bottom > stage.top ? Math.max(16, dr.bottom - stage.top + 6) : 16;
			    const fits = k * Math.min((stage.width - 32) / (u.r - u.l + 24), (stage.height - top - 64) / (u.b - u.t + 24));
			    if (nodes.every(n => n && meets(n.getBoundingClientRect(), stage)) && fits >= CONTEXT) {
			      checked++;
			      gs.forEach(g => {
			        const l = g.querySelector('.ns-label');
			        const r = l.getBoundingClientRect();
			        if (!shown(l) || !rectIn(r, stage)) framing.push(`${at}: ${g.dataset.namespace}'s name ${fmt(r)} is not on the stage ${fmt(stage)} (hop and pods fit at ${fits.toFixed(2)})`);
			      });
			    } else {
			      exempt++;
			    }
			  }
			  document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', code: 'ArrowLeft', bubbles: true, cancelable: true }));
			}
			return { words, covered, framing, steps, checked, exempt, done };""";

	/**
	 * At 390x844 the library, a player, the editor and a reachability grid are no wider
	 * than the screen.
	 */
	@Test
	void onAPhoneNoPageIsWiderThanTheScreen() throws Exception {
		viewport(390, 844);
		Map<String, Long> widths = new TreeMap<>();
		for (String[] page : List.of(new String[] { "/", "library" },
				new String[] { "/scenarios/pod-to-service?step=20", "player" }, new String[] { "/editor", "editor" },
				new String[] { "/scenarios/netpol-three-tier/reachability", "reachability" })) {
			driver.get(url(page[0]));
			wait(WAIT).until(d -> "complete".equals(js("return document.readyState")));
			if ("player".equals(page[1])) {
				wait(WAIT).until(d -> d.findElements(By.cssSelector("#topology g.dev")).size() > 0);
			}
			if ("reachability".equals(page[1])) {
				wait(WAIT).until(d -> d.findElements(By.cssSelector("[data-testid=reach-cell]")).size() > 0);
			}
			widths.put(page[1], ((Number) js("return document.documentElement.scrollWidth")).longValue());
			screenshot("phone-390x844-" + page[1]);
		}
		assertThat(widths).allSatisfy((page, w) -> assertThat(w).as(page + " scrollWidth").isLessThanOrEqualTo(390));
	}

	/**
	 * The key moments in both views at a laptop's, a projector's and a phone's size, for
	 * a person to look at.
	 */
	@Test
	void screenshotsAtThreeSizes() throws Exception {
		int[][] sizes = { { 1280, 720 }, { 1920, 1080 }, { 390, 844 } };
		String[][] moments = { { "lb-cluster-policy", "28" }, { "pod-to-service", "30" },
				{ "kuard-five-endpoints", "40" }, { "netpol-three-tier", "150" } };
		for (int[] size : sizes) {
			viewport(size[0], size[1]);
			for (String view : List.of("kernel", "story")) {
				for (String[] m : moments) {
					driver
						.get(url("/scenarios/" + m[0] + "?step=" + m[1] + ("story".equals(view) ? "&view=story" : "")));
					wait(WAIT).until(d -> String.valueOf(Integer.parseInt(m[1]) - 1)
						.equals(d.findElement(By.cssSelector("[data-testid=step-index]"))
							.getDomAttribute("data-cursor"))
							&& d.findElements(By.cssSelector("#topology g.dev")).size() > 0);
					screenshot(
							m[0] + "-step" + m[1] + ("story".equals(view) ? "-story-" : "-") + size[0] + "x" + size[1]);
				}
			}
		}
	}

	private String get(String path) throws IOException, InterruptedException {
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url(path))).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(res.statusCode()).isEqualTo(200);
			return res.body();
		}
	}

}

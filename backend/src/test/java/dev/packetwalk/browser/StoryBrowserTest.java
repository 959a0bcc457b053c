package dev.packetwalk.browser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The story view, the journey strip and presenter mode, as a learner and a speaker see
 * them: every built-in scenario told in at most 25 story steps per walk with every
 * rewrite, verdict and end of the kernel view in it (checked against the trace from the
 * API, not a list), no "undefined"/"NaN"/"null" on the page at any story step, switching
 * views keeps the moment, the journey strip seeks, and presenter mode at 1280×720 and
 * 1920×1080 reads from the back of the room (narration ≥ 28 px, inspector ≥ 18 px at
 * 1080p, bars on one line, no sentence twice).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StoryBrowserTest extends BrowserTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern BAD_TEXT = Pattern.compile("\\b(undefined|NaN|null)\\b");

	/**
	 * Text the page shows at the current step: the player's rendered text and the
	 * picture's (SVG) text.
	 */
	private static final String PAGE_TEXT = "return document.getElementById('player').innerText + '\\n'"
			+ " + [...document.querySelectorAll('#topology text')].map(t => t.textContent).join('\\n');";

	@AfterEach
	void realViewportAndNoPresenterMode() {
		((ChromeDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		// presenter mode lasts for the tab's session: the next test opens its pages as a
		// learner
		js("window.sessionStorage.clear()");
	}

	/**
	 * The page laid out as on a screen of w × h CSS px (the window itself stays as it
	 * is).
	 */
	private static void viewport(int w, int h) {
		((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", w, "height", h, "deviceScaleFactor", 1, "mobile", false));
	}

	private static Object js(String script, Object... args) {
		return ((JavascriptExecutor) driver).executeScript(script, args);
	}

	private String get(String path) throws IOException, InterruptedException {
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(path))).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(r.statusCode()).as(path).isEqualTo(200);
			return r.body();
		}
	}

	/** One step of the trace from the API, with its walk. */
	record TraceStep(int index, int walk, JsonNode step) {
		String type() {
			return step.get("type").asString();
		}
	}

	private List<TraceStep> steps(String id) throws Exception {
		JsonNode trace = JSON.readTree(get("/api/scenarios/" + id + "/trace"));
		List<TraceStep> out = new ArrayList<>();
		int w = 0;
		for (JsonNode walk : trace.get("walks")) {
			for (JsonNode hop : walk.get("hops")) {
				for (JsonNode s : hop.get("steps")) {
					out.add(new TraceStep(out.size(), w, s));
				}
			}
			w++;
		}
		return out;
	}

	private static TraceStep firstOf(List<TraceStep> steps, String type) {
		return steps.stream().filter(s -> s.type().equals(type)).findFirst().orElseThrow();
	}

	private List<String> scenarioIds() throws Exception {
		List<String> ids = new ArrayList<>();
		JSON.readTree(get("/api/scenarios")).forEach(s -> ids.add(s.get("id").asString()));
		assertThat(ids).hasSizeGreaterThanOrEqualTo(20);
		return ids;
	}

	/** Opens a page of the player and waits until the trace is drawn. */
	private void open(String pathAndQuery, int total) {
		driver.get(url(pathAndQuery));
		WebElement index = driver.findElement(By.cssSelector("[data-testid=step-index]"));
		wait(WAIT).until(d -> String.valueOf(total).equals(index.getDomAttribute("data-total"))
				&& "true".equals(d.findElement(By.id("player")).getDomAttribute("data-started"))
				&& d.findElements(By.cssSelector("#topology g.dev")).size() > 0);
	}

	private static String cursor() {
		return driver.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor");
	}

	private static void waitCursor(int cursor) {
		wait(WAIT).until(d -> String.valueOf(cursor).equals(cursor()));
	}

	/**
	 * Does the story view have to show this kernel step? Every NAT, encapsulation,
	 * verdict and end.
	 */
	private static boolean mustTell(TraceStep s) {
		return switch (s.type()) {
			case "nat", "encapsulate", "decapsulate", "policy", "ipvs", "deliver", "drop", "send" -> true;
			case "netfilter" -> s.step().get("verdict").asString().matches("^(DROP|REJECT)\\b.*");
			default -> false;
		};
	}

	/**
	 * Presses → from the intro to the end in the story view (keydown events dispatched in
	 * one script, as a person's presses would arrive; the keyboard test of
	 * PlayerBrowserTest presses real keys) and reads, at every step, the cursor, the step
	 * index and the page's text.
	 */
	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> stepThroughToTheEnd() {
		List<Map<String, Object>> all = new ArrayList<>();
		// a few presses per script (a slow machine must not hit the driver's script
		// timeout), until → moves no more
		for (boolean done = false; !done;) {
			assertThat(all.size()).as("stepped to the end").isLessThan(500);
			Map<String, Object> r = (Map<String, Object>) js(
					"""
							const index = document.querySelector('[data-testid=step-index]');
							const text = () => document.getElementById('player').innerText + '\\n'
							  + [...document.querySelectorAll('#topology text')].map(t => t.textContent).join('\\n');
							const out = [];
							for (let k = 0; k < 20; k++) {
							  const before = index.dataset.cursor;
							  document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', code: 'ArrowRight', bubbles: true, cancelable: true }));
							  if (index.dataset.cursor === before) {
							    return { out, done: true };
							  }
							  out.push({ cursor: Number(index.dataset.cursor), position: Number(index.dataset.position), view: index.dataset.view, text: text() });
							}
							return { out, done: false };""");
			all.addAll((List<Map<String, Object>>) r.get("out"));
			done = Boolean.TRUE.equals(r.get("done"));
		}
		return all;
	}

	@Test
	void everyScenarioIsToldInAtMost25StoryStepsPerWalkWithEveryRewriteVerdictAndEnd() throws Exception {
		viewport(1280, 720);
		List<String> counts = new ArrayList<>();
		for (String id : scenarioIds()) {
			List<TraceStep> steps = steps(id);
			open("/scenarios/" + id + "?view=story", steps.size());
			assertThat(driver.findElement(By.cssSelector("[data-testid=view-story]")).getDomAttribute("aria-pressed"))
				.as(id + ": ?view=story opens the story view")
				.isEqualTo("true");
			String intro = (String) js(PAGE_TEXT);
			assertThat(BAD_TEXT.matcher(intro).find()).as(id + " intro: " + intro).isFalse();

			List<Map<String, Object>> reads = stepThroughToTheEnd();
			assertThat(reads).as(id + ": stepped").isNotEmpty();
			Set<Integer> told = new HashSet<>();
			int[] perWalk = new int[steps.get(steps.size() - 1).walk() + 1];
			for (int k = 0; k < reads.size(); k++) {
				Map<String, Object> r = reads.get(k);
				int c = ((Number) r.get("cursor")).intValue();
				assertThat(r.get("view")).isEqualTo("story");
				assertThat(((Number) r.get("position")).intValue()).as(id + ": the index counts story steps")
					.isEqualTo(k + 1);
				String text = (String) r.get("text");
				assertThat(BAD_TEXT.matcher(text).find())
					.as("%s story step %d (kernel step %d, %s) shows undefined/NaN/null in: %s", id, k + 1, c + 1,
							steps.get(c).type(), text)
					.isFalse();
				told.add(c);
				perWalk[steps.get(c).walk()]++;
			}
			assertThat(((Number) reads.get(reads.size() - 1).get("cursor")).intValue()).as(id + ": ends at the end")
				.isEqualTo(steps.size() - 1);
			for (TraceStep s : steps) {
				if (mustTell(s)) {
					assertThat(told)
						.as("%s: kernel step %d (%s at %s) is in the story", id, s.index() + 1, s.type(),
								s.step().at("/at/namespace").asString())
						.contains(s.index());
				}
			}
			for (int w = 0; w < perWalk.length; w++) {
				assertThat(perWalk[w]).as("%s walk %d: story steps", id, w).isBetween(1, 25);
			}
			assertThat(reads.size()).as(id + ": fewer steps than the kernel view").isLessThan(steps.size());
			counts.add(id + " " + java.util.Arrays.toString(perWalk));
		}
		System.out.println("story steps per walk: " + String.join("; ", counts));
	}

	@Test
	void switchingViewsKeepsTheMomentAndTheLinkSaysWhich() throws Exception {
		viewport(1280, 720);
		String id = "pod-to-service";
		List<TraceStep> steps = steps(id);
		// a conntrack step of the request: kernel-only; the story view shows that same
		// step and says so
		TraceStep kernelOnly = firstOf(steps, "conntrack");
		open("/scenarios/" + id + "?step=" + (kernelOnly.index() + 1), steps.size());
		assertThat(driver.findElement(By.id("player")).getDomAttribute("data-view")).isEqualTo("kernel");
		new Actions(driver).sendKeys("v").perform();
		wait(WAIT).until(d -> "story".equals(d.findElement(By.id("player")).getDomAttribute("data-view")));
		assertThat(cursor()).isEqualTo(String.valueOf(kernelOnly.index()));
		wait(WAIT).until(d -> d.getCurrentUrl().contains("view=story"));
		assertThat(driver.getCurrentUrl()).contains("step=" + (kernelOnly.index() + 1));
		assertThat(driver.findElement(By.cssSelector("[data-testid=step-index]")).getText()).startsWith("Story step ")
			.endsWith(" · kernel step " + (kernelOnly.index() + 1));
		// the event list shows only the story's rows (and the current one)
		List<String> rows = driver.findElements(By.cssSelector("[data-testid=event]"))
			.stream()
			.filter(WebElement::isDisplayed)
			.filter(e -> !String.valueOf(kernelOnly.index()).equals(e.getDomAttribute("data-index")))
			.map(e -> e.getDomAttribute("data-type"))
			.toList();
		assertThat(rows).isNotEmpty().doesNotContain("conntrack", "neighbor", "route", "bridge", "forward");
		screenshot("story-switch-1280x720");

		// a step forward in the story, then back to the kernel view at that same step
		new Actions(driver).sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT).perform();
		wait(WAIT).until(d -> !String.valueOf(kernelOnly.index()).equals(cursor())
				&& Integer.parseInt(cursor()) > kernelOnly.index());
		String storyCursor = cursor();
		assertThat(mustTellOrBoundary(steps.get(Integer.parseInt(storyCursor)))).isTrue();
		driver.findElement(By.cssSelector("[data-testid=view-kernel]")).click();
		wait(WAIT).until(d -> "kernel".equals(d.findElement(By.id("player")).getDomAttribute("data-view")));
		assertThat(cursor()).isEqualTo(storyCursor);
		assertThat(driver.findElement(By.cssSelector("[data-testid=view-kernel]")).getDomAttribute("aria-pressed"))
			.isEqualTo("true");
		wait(WAIT).until(d -> !d.getCurrentUrl().contains("view="));
	}

	private static boolean mustTellOrBoundary(TraceStep s) {
		return mustTell(s) || s.type().equals("transmit") || s.type().equals("receive") || s.type().equals("route");
	}

	@Test
	void theJourneyStripShowsTheLegsAndTheirRewritesAndSeeks() throws Exception {
		viewport(1280, 720);
		String id = "pod-to-service";
		List<TraceStep> steps = steps(id);
		TraceStep dnat = firstOf(steps, "nat");
		open("/scenarios/" + id + "?view=story", steps.size());
		List<WebElement> legs = driver.findElements(By.cssSelector("[data-testid=journey-leg]"));
		assertThat(legs).as("the request's legs: to the Service IP, then (after the DNAT) to the endpoint").hasSize(2);
		JsonNode sent = steps.get(0).step().get("packet");
		assertThat(legs.get(0).getText())
			.contains(sent.at("/ip/src").asString() + ":" + sent.at("/l4/srcPort").asString() + " → "
					+ sent.at("/ip/dst").asString() + ":" + sent.at("/l4/dstPort").asString());
		JsonNode rewritten = dnat.step().get("packet");
		assertThat(legs.get(1).getText())
			.contains("→ " + rewritten.at("/ip/dst").asString() + ":" + rewritten.at("/l4/dstPort").asString());
		WebElement marker = driver.findElement(By.cssSelector("[data-testid=journey-marker]"));
		assertThat(marker.getText()).isEqualTo("DNAT · node1");
		assertThat(marker.getDomAttribute("data-type")).isEqualTo("nat");

		legs.get(1).click();
		waitCursor(dnat.index());
		wait(WAIT).until(d -> "step".equals(
				d.findElements(By.cssSelector("[data-testid=journey-leg]")).get(1).getDomAttribute("aria-current")));
		assertThat(
				driver.findElements(By.cssSelector("[data-testid=journey-leg]")).get(0).getDomAttribute("aria-current"))
			.isNull();
		screenshot("story-pod-to-service-1280x720");
		copyTo("story-pod-to-service-1280x720", "story-view-pod-to-service");
	}

	/**
	 * Keeps a second copy of a screenshot under another name (the one the docs use is
	 * picked from these).
	 */
	private static void copyTo(String shot, String name) throws IOException {
		Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
		Files.copy(dir.resolve(shot + ".png"), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

	/**
	 * What a speaker's screen shows, read in the page: the narration's font size, the
	 * smallest inspector text, whether a bar wrapped (its visible children on more than
	 * one line), and every sentence (≥ 6 words) seen more than once.
	 */
	private static final String PRESENTER_READ = """
			const visible = el => {
			  const r = el.getBoundingClientRect();
			  const cs = getComputedStyle(el);
			  return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' && cs.display !== 'none';
			};
			const wrapped = bar => {
			  const kids = [...bar.children].filter(visible);
			  if (kids.length === 0) { return false; }
			  const mids = kids.map(k => { const r = k.getBoundingClientRect(); return r.top + r.height / 2; });
			  return Math.max(...mids) - Math.min(...mids) > 8;
			};
			const seen = new Map();
			for (const el of document.querySelectorAll('body *')) {
			  if (!visible(el)) { continue; }
			  const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join(' ').replace(/\\s+/g, ' ').trim();
			  for (const sentence of own.split(/(?<=[.;!?])\\s+/)) {
			    if (sentence.split(' ').length >= 6) {
			      seen.set(sentence, (seen.get(sentence) || 0) + 1);
			    }
			  }
			}
			const inspectorSizes = [...document.querySelectorAll('.inspect *')].filter(visible)
			  .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
			  .map(el => parseFloat(getComputedStyle(el).fontSize));
			return {
			  narration: parseFloat(getComputedStyle(document.querySelector('[data-testid=narration]')).fontSize),
			  inspectorShown: visible(document.querySelector('.inspect')),
			  inspectorMin: inspectorSizes.length ? Math.min(...inspectorSizes) : null,
			  controlsWrapped: wrapped(document.querySelector('.controls')),
			  presenterBarWrapped: wrapped(document.querySelector('[data-testid=presenter-bar]')),
			  hiddenControls: ['seed', 'btn-reroll', 'btn-share', 'speed'].every(t => !visible(document.querySelector(`[data-testid=${t}]`))),
			  repeated: [...seen.entries()].filter(([, n]) => n > 1).map(([s]) => s),
			  view: document.getElementById('player').dataset.view,
			  cursor: document.querySelector('[data-testid=step-index]').dataset.cursor
			};""";

	@SuppressWarnings("unchecked")
	private void presenterReadsFromTheBackOfTheRoom(int w, int h) throws Exception {
		viewport(w, h);
		for (String id : List.of("lb-cluster-policy", "netpol-three-tier")) {
			List<TraceStep> steps = steps(id);
			open("/scenarios/" + id + "?present", steps.size());
			wait(WAIT).until(d -> "true".equals(d.findElement(By.id("player")).getDomAttribute("data-presenting")));
			assertThat(driver.findElement(By.id("player")).getDomAttribute("data-view"))
				.as("presenter mode opens the story view")
				.isEqualTo("story");
			String where = id + " at " + w + "x" + h;
			int k = 0;
			int c = -1;
			boolean shotDrop = false;
			do {
				String from = cursor();
				new Actions(driver).sendKeys(org.openqa.selenium.Keys.PAGE_DOWN).perform();
				wait(WAIT).until(d -> !from.equals(cursor()));
				c = Integer.parseInt(cursor());
				k++;
				Map<String, Object> r = (Map<String, Object>) js(PRESENTER_READ);
				String at = where + " story step " + k + " (kernel step " + (c + 1) + ")";
				assertThat(((Number) r.get("narration")).doubleValue()).as(at + ": narration px")
					.isGreaterThanOrEqualTo(28);
				assertThat(r.get("controlsWrapped")).as(at + ": the control bar is one line").isEqualTo(false);
				assertThat(r.get("presenterBarWrapped")).as(at + ": the presenter bar is one line").isEqualTo(false);
				assertThat(r.get("hiddenControls")).as(at + ": only presenter controls").isEqualTo(true);
				assertThat((List<String>) r.get("repeated")).as(at + ": sentences on screen twice").isEmpty();
				if (w >= 1600 && Boolean.TRUE.equals(r.get("inspectorShown"))) {
					assertThat(((Number) r.get("inspectorMin")).doubleValue()).as(at + ": smallest inspector text px")
						.isGreaterThanOrEqualTo(18);
				}
				if (!shotDrop && "drop".equals(steps.get(c).type())) {
					screenshot("presenter-" + id + "-drop-" + w + "x" + h);
					shotDrop = true;
				}
				if (k == 10) {
					screenshot("presenter-" + id + "-" + w + "x" + h);
				}
			}
			while (c != steps.size() - 1 && k < 200);
			assertThat(c).as(where + ": reached the end").isEqualTo(steps.size() - 1);
			screenshot("presenter-" + id + "-end-" + w + "x" + h);
		}
		if (w >= 1600) {
			// the inspector stands beside the map at 1080p and reads at ≥ 18 px
			assertThat(driver.findElement(By.cssSelector(".inspect")).isDisplayed()).isTrue();
		}
	}

	@Test
	void presenterModeReadsAt1280x720() throws Exception {
		presenterReadsFromTheBackOfTheRoom(1280, 720);
	}

	@Test
	void presenterModeReadsAt1920x1080() throws Exception {
		presenterReadsFromTheBackOfTheRoom(1920, 1080);
	}

	@Test
	void storyViewOnAPhone() throws Exception {
		viewport(390, 844);
		String id = "pod-to-service";
		List<TraceStep> steps = steps(id);
		TraceStep dnat = firstOf(steps, "nat");
		open("/scenarios/" + id + "?view=story&step=" + (dnat.index() + 1), steps.size());
		assertThat(driver.findElement(By.cssSelector("[data-testid=journey]")).isDisplayed()).isTrue();
		String text = (String) js(PAGE_TEXT);
		assertThat(BAD_TEXT.matcher(text).find()).as(text).isFalse();
		screenshot("story-pod-to-service-390x844");
	}

}

package dev.packetwalk.browser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evidence of one step: the rule walk of a netfilter step (every rule tested, the
 * misses collapsed until opened, the probability ladder with its draws). Screenshots at
 * 1280x720 and 390x844 go to {@code screenshots.dir}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InspectBrowserTest extends BrowserTest {

	@AfterEach
	void normalViewport() {
		((ChromiumDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		// presenter mode lives in the tab's session: a test that fails in it leaves the
		// next one the normal player
		((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
	}

	static void viewport(String name) {
		EvidenceBrowserTest.viewport(name);
	}

	/** Opens a scenario at a 1-based step and waits until that step's detail is drawn. */
	private void openAt(String id, int step, String stepType) {
		driver.get(url("/scenarios/" + id + "?step=" + step));
		wait(WAIT).until(d -> {
			WebElement index = d.findElement(By.cssSelector("[data-testid=step-index]"));
			return String.valueOf(step - 1).equals(index.getDomAttribute("data-cursor"))
					&& !d.findElements(By.cssSelector(".detail[data-step-type=" + stepType + "]")).isEmpty();
		});
	}

	private void scrollTo(WebElement e) {
		((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'start'})", e);
	}

	@Test
	void iptablesScalingStep7WalksPast46RulesOfWhichFourMatch() throws IOException {
		for (String vp : List.of("desktop", "phone")) {
			viewport(vp);
			openAt("iptables-scaling", 7, "netfilter");
			WebElement walk = driver.findElement(By.cssSelector("[data-testid=rule-walk]"));
			// collapsed: the 39 KUBE-SERVICES rules walked past are one row that opens
			WebElement skip = walk.findElement(By.cssSelector("[data-testid=walk-skip]"));
			assertThat(skip.getText()).matches("… 39 rules that did not match \\(KUBE-SERVICES #1–#39\\)");
			assertThat(walk.findElements(By.cssSelector("[data-testid=walk-match]"))).hasSize(4);
			assertThat(driver.findElement(By.cssSelector("[data-testid=rules-evaluated]")).getText())
				.contains("4 of 46 rules evaluated matched");
			scrollTo(walk);
			screenshot("rule-walk-collapsed-" + vp);
			if (vp.equals("phone")) {
				continue; // opened on the desktop below; the phone shows the same list
			}
			WebElement all = driver.findElement(By.cssSelector("[data-testid=walk-expand-all]"));
			((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", all);
			all.click();
			wait(WAIT).until(d -> d.findElements(By.cssSelector("[data-testid=rule-walk] [data-testid=walk-miss]"))
				.size() == 42);
			List<WebElement> rules = walk
				.findElements(By.cssSelector("[data-testid=walk-match], [data-testid=walk-miss]"));
			assertThat(rules).hasSize(46);
			assertThat(walk.findElements(By.cssSelector("[data-testid=walk-match]"))).hasSize(4);
			// misses are dimmed, matches highlighted
			String missOpacity = walk.findElement(By.cssSelector("[data-testid=walk-miss]")).getCssValue("opacity");
			assertThat(Double.parseDouble(missOpacity)).isLessThan(1);
			assertThat(walk.findElements(By.cssSelector("[data-testid=walk-miss] .rule-text")).getFirst().getText())
				.startsWith("-A KUBE-SERVICES ");
			scrollTo(walk);
			screenshot("rule-walk-expanded-" + vp);
		}
	}

	@Test
	void kuardLadderShowsFourRungsWithProbabilitiesAndDraws() throws IOException {
		for (String vp : List.of("desktop", "phone")) {
			viewport(vp);
			openAt("kuard-five-endpoints", 7, "netfilter");
			WebElement ladder = wait(WAIT).until(
					ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=probability-ladder]")));
			List<WebElement> rungs = ladder.findElements(By.cssSelector("[data-testid=ladder-rung]"));
			assertThat(rungs).hasSize(4);
			assertThat(rungs).extracting(r -> r.findElement(By.cssSelector("[data-testid=rung-probability]")).getText())
				.containsExactly("p = 0.2000", "p = 0.2500", "p = 0.3333", "p = 0.5000");
			assertThat(rungs).extracting(r -> r.findElement(By.cssSelector("[data-testid=rung-draw]")).getText())
				.allMatch(t -> t.matches("drew 0\\.\\d{4}"));
			assertThat(rungs.subList(0, 3))
				.allMatch(r -> r.getText().contains("missed") && !r.getDomAttribute("class").contains("is-hit"));
			assertThat(rungs.get(3).getText()).contains("picked");
			assertThat(rungs.get(3).getText()).contains("10.244.4.14:8080");
			scrollTo(ladder);
			screenshot("ladder-" + vp);
		}
	}

	// ---------------------------------------------------------------- device inspector

	private List<JsonNode> steps(String id) throws Exception {
		return traceSteps(url("/api/scenarios/" + id + "/trace"));
	}

	/** The steps of the trace at that address, in order. */
	static List<JsonNode> traceSteps(String traceUrl) throws Exception {
		String body = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(traceUrl)).build(), HttpResponse.BodyHandlers.ofString())
			.body();
		List<JsonNode> out = new ArrayList<>();
		JsonMapper.builder()
			.build()
			.readTree(body)
			.get("walks")
			.forEach(w -> w.get("hops").forEach(h -> h.get("steps").forEach(out::add)));
		return out;
	}

	private static int firstDnat(List<JsonNode> steps) {
		for (int i = 0; i < steps.size(); i++) {
			if ("nat".equals(steps.get(i).get("type").asString())
					&& "DNAT".equals(steps.get(i).get("kind").asString())) {
				return i;
			}
		}
		throw new AssertionError("no DNAT step");
	}

	/** The device inspector once it shows the tables after that (1-based) step. */
	static WebElement inspectorAt(int step) {
		return wait(WAIT).until(d -> {
			WebElement box = d.findElement(By.cssSelector("[data-testid=device-inspector]"));
			return box.isDisplayed() && String.valueOf(step).equals(box.getDomAttribute("data-loaded-step")) ? box
					: null;
		});
	}

	@Test
	void node1sTablesAtTheDnatStepHighlightTheConntrackEntryAndFollowTheSteps() throws Exception {
		List<JsonNode> steps = steps("pod-to-service");
		int dnat = firstDnat(steps);
		String node = steps.get(dnat).at("/at/namespace").asString();
		String backend = steps.get(dnat).at("/packet/ip/dst").asString();
		for (String vp : List.of("desktop", "phone", "presenter")) {
			viewport(vp.equals("phone") ? "phone" : "desktop");
			driver
				.get(url("/scenarios/pod-to-service?step=" + (dnat + 1) + (vp.equals("presenter") ? "&present" : "")));
			wait(WAIT).until(d -> String.valueOf(dnat)
				.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
					&& !d.findElements(By.cssSelector("g.ns[data-namespace='" + node + "']")).isEmpty());
			// where the packet is: node1's IP stack, on the stage wherever the camera
			// follows it
			WebElement stack = wait(WAIT).until(ExpectedConditions
				.visibilityOfElementLocated(By.cssSelector("g.stack[data-namespace='" + node + "'] rect")));
			new Actions(driver).moveToElement(stack).click().perform();
			WebElement box = inspectorAt(dnat + 1);
			assertThat(box.findElement(By.cssSelector("[data-testid=di-title]")).getText()).isEqualTo(node);
			assertThat(
					box.findElement(By.cssSelector("[data-testid=di-tab-conntrack]")).getDomAttribute("aria-selected"))
				.isEqualTo("true");
			List<WebElement> marked = box.findElements(By.cssSelector("[data-testid=di-line][data-mark]"));
			assertThat(marked).singleElement().satisfies(l -> {
				assertThat(l.getText()).contains("src=" + backend + " dst=");
				assertThat(l.getDomAttribute("class")).contains("is-marked");
			});
			// on screen: inside the viewport
			Number bottom = (Number) ((JavascriptExecutor) driver).executeScript(
					"return arguments[0].getBoundingClientRect().bottom <= window.innerHeight + 1 ? 1 : 0", box);
			assertThat(bottom.intValue()).isEqualTo(1);
			screenshot("device-inspector-" + vp);
			if (vp.equals("presenter")) {
				assertThat(driver.findElement(By.tagName("body")).getDomAttribute("class")).contains("presenting");
				((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
			}
			if (vp.equals("desktop")) {
				// it follows the step: → loads the next step's tables
				new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
				inspectorAt(dnat + 2);
				// other tabs: the routes as ip route prints them
				box.findElement(By.cssSelector("[data-testid=di-tab-route]")).click();
				wait(WAIT).until(d -> box.findElement(By.cssSelector("[data-testid=di-command]"))
					.getText()
					.equals("# ip route"));
				assertThat(box.findElement(By.cssSelector("[data-testid=di-table]")).getText())
					.contains("proto kernel scope link");
				// Escape closes it
				new Actions(driver).sendKeys(box.findElement(By.cssSelector("[data-testid=di-table]")), Keys.ESCAPE)
					.perform();
				wait(WAIT).until(d -> !d.findElement(By.cssSelector("[data-testid=device-inspector]")).isDisplayed());
				// the keyboard: focus the namespace and press Enter
				((JavascriptExecutor) driver)
					.executeScript("document.querySelector(\"g.ns[data-namespace='" + node + "']\").focus()");
				new Actions(driver).sendKeys(Keys.ENTER).perform();
				inspectorAt(dnat + 2);
			}
		}
	}

	/**
	 * The tables are readable where they open: at netpol-three-tier's end node1 tracks
	 * four connections, each conntrack entry (about 150 characters) wraps instead of
	 * scrolling sideways, all four are in view at once (three in presenter mode, where
	 * the large type, the narration and the takeaway leave the picture about 350 px; the
	 * fourth is a scroll down), and the panel covers neither the map's zoom controls nor
	 * the narration (1280x720, presenter mode, and the sheet on a phone).
	 */
	@Test
	void theConntrackTableShowsSeveralWholeEntriesWithoutScrollingSideways() throws Exception {
		int last = steps("netpol-three-tier").size();
		for (String vp : List.of("desktop", "presenter", "phone")) {
			viewport(vp.equals("phone") ? "phone" : "desktop");
			driver.get(url("/scenarios/netpol-three-tier?step=" + last + (vp.equals("presenter") ? "&present" : "")));
			wait(WAIT).until(d -> String.valueOf(last - 1)
				.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
					&& !d.findElements(By.cssSelector("g.ns[data-namespace='node1']")).isEmpty());
			((JavascriptExecutor) driver)
				.executeScript("document.querySelector(\"g.ns[data-namespace='node1']\").focus()");
			new Actions(driver).sendKeys(Keys.ENTER).perform();
			WebElement box = inspectorAt(last);
			box.findElement(By.cssSelector("[data-testid=di-tab-conntrack]")).click();
			wait(WAIT).until(d -> box.findElement(By.cssSelector("[data-testid=di-command]"))
				.getText()
				.equals("# conntrack -L"));
			WebElement table = box.findElement(By.cssSelector("[data-testid=di-table]"));
			List<WebElement> lines = table.findElements(By.cssSelector("[data-testid=di-line]"));
			assertThat(lines).as(vp + ": node1's conntrack entries").hasSize(4);
			Map<?, ?> fit = (Map<?, ?>) ((JavascriptExecutor) driver).executeScript("""
					const [table, box] = arguments;
					const t = table.getBoundingClientRect();
					const whole = [...table.querySelectorAll('[data-testid=di-line]')].filter(l => {
					  const r = l.getBoundingClientRect();
					  return r.height > 0 && r.top >= t.top - 1 && r.bottom <= t.bottom + 1 && r.right <= t.right + 1;
					}).length;
					const b = box.getBoundingClientRect();
					const hit = sel => {
					  const e = document.querySelector(sel);
					  if (!e || !e.getClientRects().length) return false;
					  const r = e.getBoundingClientRect();
					  return r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom;
					};
					return {whole, sideways: table.scrollWidth - table.clientWidth,
					  tools: hit('.stage-tools'), narration: hit('[data-testid=narration]'),
					  inView: b.top >= 0 && b.bottom <= window.innerHeight + 1 ? 1 : 0};
					""", table, box);
			screenshot("device-inspector-conntrack-" + vp);
			assertThat(((Number) fit.get("sideways")).intValue()).as(vp + ": the table scrolls sideways")
				.isLessThanOrEqualTo(0);
			assertThat(((Number) fit.get("whole")).intValue()).as(vp + ": whole conntrack entries in view at once")
				.isGreaterThanOrEqualTo(vp.equals("presenter") ? 3 : 4);
			if (!vp.equals("phone")) {
				// the sheet on a phone lies in the page's flow, between picture and
				// narration; elsewhere the panel floats and must leave them free
				assertThat(fit.get("tools")).as(vp + ": covers the map's zoom controls").isEqualTo(false);
				assertThat(fit.get("narration")).as(vp + ": covers the narration").isEqualTo(false);
				assertThat(((Number) fit.get("inView")).intValue()).as(vp + ": inside the window").isEqualTo(1);
			}
			if (vp.equals("presenter")) {
				((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
			}
		}
	}

	/**
	 * A long table follows the step to the entry it used: node2's bridge FDB in
	 * iptables-scaling (61 entries, longer than the panel) scrolled to its end, one step
	 * on (the bridge step that looks the backend's MAC up) the highlighted entry is in
	 * the table's view.
	 */
	@Test
	void theHighlightedEntryIsScrolledIntoView() throws Exception {
		List<JsonNode> steps = steps("iptables-scaling");
		int hit = -1;
		for (int i = 0; i < steps.size() && hit < 0; i++) {
			if ("bridge".equals(steps.get(i).get("type").asString())
					&& "FDB_HIT".equals(steps.get(i).path("decision").asString())) {
				hit = i;
			}
		}
		assertThat(hit).as("a bridge step that uses an FDB entry").isPositive();
		int step = hit;
		String node = steps.get(hit).at("/at/namespace").asString();
		viewport("desktop");
		driver.get(url("/scenarios/iptables-scaling?step=" + step));
		wait(WAIT).until(d -> String.valueOf(step - 1)
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& !d.findElements(By.cssSelector("g.ns[data-namespace='" + node + "']")).isEmpty());
		((JavascriptExecutor) driver)
			.executeScript("document.querySelector(\"g.ns[data-namespace='" + node + "']\").focus()");
		new Actions(driver).sendKeys(Keys.ENTER).perform();
		WebElement box = inspectorAt(step);
		box.findElement(By.cssSelector("[data-testid=di-tab-fdb]")).click();
		wait(WAIT)
			.until(d -> box.findElement(By.cssSelector("[data-testid=di-command]")).getText().contains("bridge fdb"));
		WebElement table = box.findElement(By.cssSelector("[data-testid=di-table]"));
		Number longer = (Number) ((JavascriptExecutor) driver).executeScript(
				"const t = arguments[0]; t.scrollTop = t.scrollHeight; return t.scrollHeight > t.clientHeight * 1.5 ? 1 : 0;",
				table);
		assertThat(longer.intValue()).as("bridge fdb is longer than the panel").isEqualTo(1);
		driver.findElement(By.cssSelector("[data-testid=btn-forward]")).click();
		inspectorAt(step + 1);
		List<WebElement> marked = table.findElements(By.cssSelector("[data-testid=di-line][data-mark]"));
		assertThat(marked).as("the FDB entry this step used").isNotEmpty();
		Number visible = (Number) ((JavascriptExecutor) driver).executeScript("""
				const [table, line] = arguments;
				const t = table.getBoundingClientRect(), r = line.getBoundingClientRect();
				return r.top >= t.top - 1 && r.bottom <= t.bottom + 1 ? 1 : 0;
				""", table, marked.getFirst());
		assertThat(visible.intValue()).as("the highlighted entry is in the table's view").isEqualTo(1);
		screenshot("device-inspector-fdb-desktop");
	}

	// ---------------------------------------------------------------- the Ingress: two
	// connections

	/**
	 * ingress-http as the player draws it: the SYN carries nothing, the request rides the
	 * first data segment, the proxy's connection to the NodePort starts afresh (its own
	 * addresses, nothing struck through as if rewritten), and the client's last walk
	 * delivers the HTTP response.
	 */
	@Test
	void ingressHttpIsTwoConnectionsAndTheClientGetsItsResponse() throws Exception {
		String body = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url("/api/scenarios/ingress-http/trace"))).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		List<Integer> starts = new ArrayList<>();
		List<String> labels = new ArrayList<>();
		int n = 0;
		for (JsonNode w : JsonMapper.builder().build().readTree(body).get("walks")) {
			starts.add(n + 1);
			labels.add(w.get("label").asString());
			for (JsonNode h : w.get("hops")) {
				n += h.get("steps").size();
			}
		}
		assertThat(labels).hasSize(8);
		viewport("desktop");
		WebElement inspector;
		// the SYN: no payload
		openAt("ingress-http", 1, "send");
		inspector = driver.findElement(By.cssSelector("[data-testid=inspector]"));
		assertThat(inspector.findElement(By.cssSelector("[data-field='payload'] .hf-v")).getText()).isEqualTo("empty");
		assertThat(inspector.findElement(By.cssSelector("[data-field='l4.flags'] .hf-v")).getText()).contains("SYN");
		// the request: the first data segment after the handshake
		openAt("ingress-http", starts.get(2), "send");
		assertThat(driver.findElement(By.cssSelector("[data-testid=walk-label]")).getText()).contains("HTTP request");
		inspector = driver.findElement(By.cssSelector("[data-testid=inspector]"));
		assertThat(inspector.findElement(By.cssSelector("[data-field='payload'] .hf-v")).getText())
			.isEqualTo("GET /cart HTTP/1.1");
		// the proxy's own connection: a new packet from its address, not a rewrite
		openAt("ingress-http", starts.get(3), "send");
		inspector = driver.findElement(By.cssSelector("[data-testid=inspector]"));
		assertThat(inspector.findElement(By.cssSelector("[data-field='ip.src'] .hf-v")).getText())
			.isEqualTo("203.0.113.80");
		assertThat(inspector.findElements(By.cssSelector("del"))).as("struck-through values").isEmpty();
		assertThat(inspector.findElements(By.cssSelector(".hf.is-changed"))).as("fields marked changed").isEmpty();
		screenshot("ingress-proxy-connection-desktop");
		// the end: the client's socket takes the HTTP response
		openAt("ingress-http", n, "deliver");
		assertThat(driver.findElement(By.cssSelector("[data-testid=walk-label]")).getText()).contains("HTTP response");
		inspector = driver.findElement(By.cssSelector("[data-testid=inspector]"));
		assertThat(inspector.findElement(By.cssSelector("[data-field='payload'] .hf-v")).getText())
			.isEqualTo("HTTP/1.1 200 OK");
		assertThat(inspector.findElement(By.cssSelector("[data-field='ip.dst'] .hf-v")).getText())
			.isEqualTo("192.0.2.50");
		assertThat(driver.findElement(By.cssSelector("[data-testid=disposition]")).getText()).contains("192.0.2.50");
		screenshot("ingress-response-desktop");
	}

	// ---------------------------------------------------------------- encapsulation as
	// an envelope

	@Test
	void encapsulationAddsAnEnvelopeAroundTheUnchangedFrame() throws Exception {
		List<JsonNode> steps = steps("pod-to-pod-vxlan");
		int encap = -1;
		int decap = -1;
		for (int i = 0; i < steps.size(); i++) {
			String type = steps.get(i).get("type").asString();
			if (encap < 0 && type.equals("encapsulate")) {
				encap = i;
			}
			if (decap < 0 && type.equals("decapsulate")) {
				decap = i;
			}
		}
		assertThat(encap).isGreaterThanOrEqualTo(0);
		assertThat(decap).isGreaterThan(encap);
		viewport("desktop");
		openAt("pod-to-pod-vxlan", encap + 1, "encapsulate");
		WebElement inspector = driver.findElement(By.cssSelector("[data-testid=inspector]"));
		assertThat(inspector.findElements(By.cssSelector("[data-field^='inner.']"))).isNotEmpty();
		assertThat(inspector.findElements(By.cssSelector("[data-field^='inner.'].is-changed")))
			.as("inner fields marked changed")
			.isEmpty();
		assertThat(inspector.findElements(By.cssSelector("del"))).as("struck-through values").isEmpty();
		assertThat(inspector.findElements(By.cssSelector(".hf.is-added[data-field='ip.src']"))).hasSize(1);
		((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'start'})", inspector);
		screenshot("envelope-encapsulate-desktop");
		openAt("pod-to-pod-vxlan", decap + 1, "decapsulate");
		WebElement after = driver.findElement(By.cssSelector("[data-testid=inspector]"));
		assertThat(after.findElements(By.cssSelector("del"))).as("decapsulation is not a reverse rewrite").isEmpty();
		assertThat(after.findElements(By.cssSelector(".hf.is-changed"))).isEmpty();
		screenshot("envelope-decapsulate-desktop");
	}

}

package dev.packetwalk.browser;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nftables step in the player: opened by a deep link at the client node's
 * nat-prerouting walk, the step panel shows the rule walk in nft syntax (every rule
 * tested, the matched ones highlighted), the verdict-map element used and the numgen
 * value drawn, on the rule that used them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NftablesBrowserTest extends BrowserTest {

	/**
	 * Step 8 of seed 3: nft ip kube-proxy nat-prerouting on node1
	 * (model/src/test/resources/golden).
	 */
	private static final String LINK = "/scenarios/pod-to-service-nftables?seed=3&step=8";

	/** Step 8 of seed 7: nat-prerouting on kubworker1, numgen random mod 5. */
	private static final String KUARD = "/scenarios/kuard-five-endpoints-nftables?seed=7&step=8";

	@AfterEach
	void normalViewport() {
		((ChromiumDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
	}

	private static List<String> texts(String css) {
		return driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
	}

	private void open(String link) {
		driver.get(url(link));
		wait(WAIT)
			.until(d -> !d.findElements(By.cssSelector("[data-testid=rule-walk] [data-testid=walk-numgen]")).isEmpty());
	}

	@Test
	void theStepPanelShowsTheWalkTheMapElementAndTheNumgenDraw() throws IOException {
		InspectBrowserTest.viewport("desktop");
		open(LINK);
		List<String> matches = texts("[data-testid=rule-walk] [data-testid=walk-match]");
		assertThat(matches).anySatisfy(
				r -> assertThat(r).contains("services #1", "ip daddr . meta l4proto . th dport vmap @service-ips"));
		assertThat(matches).anySatisfy(r -> assertThat(r).contains("numgen random mod 3 vmap { 0 : goto endpoint-"));
		assertThat(matches).anySatisfy(r -> assertThat(r).contains("dnat to 10.11.0.9:80"));
		assertThat(texts("[data-testid=rule-walk] [data-testid=walk-lookup].is-hit")).anySatisfy(l -> assertThat(l)
			.contains("@service-ips [10.9.3.76 . tcp . 80] → 10.9.3.76 . tcp . 80 : goto service-"));
		assertThat(texts("[data-testid=rule-walk] [data-testid=walk-numgen]")).singleElement()
			.asString()
			.startsWith("numgen random mod 3 drew 0 → goto endpoint-");
		// the summary lists stay: every lookup with the element used, every draw
		WebElement used = driver.findElement(By.cssSelector("[data-testid=nft-lookups] li.is-hit"));
		assertThat(used.getText())
			.contains("@service-ips [10.9.3.76 . tcp . 80] → 10.9.3.76 . tcp . 80 : goto service-", "element used");
		assertThat(driver.findElement(By.cssSelector("[data-testid=nft-draws] li")).getText())
			.contains("numgen random mod 3 = 0 → goto endpoint-", "drawn");
		screenshot("nftables-step-1280");
		InspectBrowserTest.viewport("phone");
		open(LINK);
		screenshot("nftables-step-390");
	}

	/**
	 * kuard-five-endpoints-nftables: the walk shows every rule tested (the counts add up
	 * to the rules evaluated), the @service-ips element on the vmap rule and the value
	 * numgen drew on the rule that picked one of five endpoints, with the matched rules
	 * highlighted; at 1280x720, 390x844 and in presenter mode on a 1920x1080 projector.
	 */
	@Test
	void kuardsWalkShowsTheNumgenValueAndTheVmapElement() throws IOException {
		for (String vp : List.of("desktop", "phone", "presenter")) {
			if (vp.equals("presenter")) {
				// a projector: below 1600 px wide presenter mode gives the map the room
				// and
				// shows no inspector (app.css)
				((ChromiumDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
						Map.of("width", 1920, "height", 1080, "deviceScaleFactor", 1, "mobile", false));
			}
			else {
				InspectBrowserTest.viewport(vp);
			}
			open(KUARD + (vp.equals("presenter") ? "&present" : ""));
			WebElement walk = driver.findElement(By.cssSelector("[data-testid=rule-walk]"));
			List<WebElement> rows = walk
				.findElements(By.cssSelector("[data-testid=walk-match], [data-testid=walk-miss]"));
			String summary = driver.findElement(By.cssSelector(".detail [data-testid=rules-evaluated]")).getText();
			List<WebElement> matched = walk.findElements(By.cssSelector("[data-testid=walk-match]"));
			assertThat(summary).as(vp).startsWith(matched.size() + " of " + rows.size() + " rules evaluated matched");
			assertThat(matched).as(vp)
				.isNotEmpty()
				.allSatisfy(m -> assertThat(m.getDomAttribute("class")).contains("is-match"));
			WebElement vmap = walk.findElement(By.xpath(
					".//li[@data-testid='walk-match'][.//*[@data-testid='walk-lookup' and contains(@class, 'is-hit')]]"));
			assertThat(vmap.getText()).as(vp)
				.contains("services #1", "goto",
						"@service-ips [10.96.0.100 . tcp . 8080] → 10.96.0.100 . tcp . 8080 : goto service-");
			WebElement numgen = walk.findElement(By.cssSelector("[data-testid=walk-numgen]"));
			assertThat(numgen.getText()).as(vp).matches("numgen random mod 5 drew [0-4] → goto endpoint-\\S+");
			assertThat(numgen.isDisplayed()).isTrue();
			if (vp.equals("presenter")) {
				assertThat(driver.findElement(By.tagName("body")).getDomAttribute("class")).contains("presenting");
			}
			EvidenceBrowserTest.noHorizontalOverflow("kuard nftables walk " + vp);
			((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'start'})", walk);
			screenshot("nftables-walk-" + vp);
		}
	}

	/**
	 * The device inspector on node1 at pod-to-service-nftables' nat-prerouting step has
	 * an "nft list ruleset" tab with the rules the walk matched and the @service-ips
	 * element highlighted; at 1280x720, 390x844 and in presenter mode (1920x1080).
	 */
	@Test
	void theDeviceInspectorHasTheNftRulesetWithTheMatchedRulesHighlighted() throws IOException {
		for (String vp : List.of("desktop", "phone", "presenter")) {
			if (vp.equals("presenter")) {
				((ChromiumDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
						Map.of("width", 1920, "height", 1080, "deviceScaleFactor", 1, "mobile", false));
			}
			else {
				InspectBrowserTest.viewport(vp);
			}
			open(LINK + (vp.equals("presenter") ? "&present" : ""));
			WebElement stack = wait(WAIT).until(org.openqa.selenium.support.ui.ExpectedConditions
				.visibilityOfElementLocated(By.cssSelector("g.stack[data-namespace='node1'] rect")));
			new org.openqa.selenium.interactions.Actions(driver).moveToElement(stack).click().perform();
			WebElement box = wait(WAIT).until(d -> {
				WebElement b = d.findElement(By.cssSelector("[data-testid=device-inspector]"));
				return b.isDisplayed() && "8".equals(b.getDomAttribute("data-loaded-step")) ? b : null;
			});
			WebElement tab = box.findElement(By.cssSelector("[data-testid=di-tab-nftables]"));
			assertThat(tab.getText()).isEqualTo("nft list ruleset");
			if (!"true".equals(tab.getDomAttribute("aria-selected"))) {
				((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", tab);
				tab.click();
			}
			wait(WAIT).until(d -> box.findElement(By.cssSelector("[data-testid=di-command]"))
				.getText()
				.equals("# nft list ruleset"));
			List<String> marked = box.findElements(By.cssSelector("[data-testid=di-line][data-mark=used]"))
				.stream()
				.map(e -> e.getText().strip())
				.toList();
			assertThat(marked).as(vp)
				.anySatisfy(m -> assertThat(m).isEqualTo("jump services"))
				.anySatisfy(m -> assertThat(m).isEqualTo("ip daddr . meta l4proto . th dport vmap @service-ips"))
				.anySatisfy(m -> assertThat(m).startsWith("numgen random mod 3 vmap {"))
				.anySatisfy(m -> assertThat(m).contains("10.9.3.76 . tcp . 80 : goto service-"));
			assertThat(
					box.findElement(By.cssSelector("[data-testid=di-line][data-mark=used]")).getDomAttribute("class"))
				.contains("is-marked");
			WebElement first = box.findElement(By.cssSelector("[data-testid=di-line][data-mark=used]"));
			((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", first);
			screenshot("nft-inspector-" + vp);
		}
	}

}

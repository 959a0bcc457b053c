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
import org.openqa.selenium.support.ui.ExpectedConditions;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evidence in the browser: the "verified on Linux" badge in the player, the distribution page and the compare
 * page, each at 1280x720 and 390x844 (no horizontal overflow), light and dark. Screenshots go to
 * {@code screenshots.dir}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EvidenceBrowserTest extends BrowserTest {

	static final Map<String, int[]> VIEWPORTS = Map.of("desktop", new int[] { 1280, 720 }, "phone", new int[] { 390, 844 });

	@AfterEach
	void normalViewport() {
		((ChromiumDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
	}

	static void viewport(String name) {
		int[] size = VIEWPORTS.get(name);
		((ChromiumDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", size[0], "height", size[1], "deviceScaleFactor", 1, "mobile", name.equals("phone")));
	}

	static void theme(String theme) {
		WebElement html = driver.findElement(By.tagName("html"));
		if (!theme.equals(html.getDomAttribute("data-theme"))) {
			driver.findElement(By.cssSelector("[data-testid=btn-theme]")).click();
			wait(WAIT).until(d -> theme.equals(d.findElement(By.tagName("html")).getDomAttribute("data-theme")));
		}
	}

	static void noHorizontalOverflow(String where) {
		Object[] widths = ((List<?>) ((JavascriptExecutor) driver)
			.executeScript("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")).toArray();
		assertThat(((Number) widths[0]).intValue()).as(where + ": page width vs viewport")
			.isLessThanOrEqualTo(((Number) widths[1]).intValue());
	}

	// ---------------------------------------------------------------- verified on Linux

	@Test
	void theBadgeShowsOnlyWhatTheKernelLabMatched() throws IOException {
		for (String vp : List.of("desktop", "phone")) {
			viewport(vp);
			driver.get(url("/scenarios/pod-to-service"));
			WebElement badge = wait(WAIT)
				.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=lab-badge]")));
			if (vp.equals("desktop")) {
				assertThat(badge.getText()).matches("✓\\s*matched hop for hop on Linux \\d+\\.\\d+");
			}
			else {
				assertThat(badge.getText()).matches("✓\\s*Linux \\d+\\.\\d+");
			}
			assertThat(badge.getDomAttribute("title")).contains("kernel lab", "matched the model");
			assertThat(driver.findElements(By.cssSelector("[data-testid=lab-model-only]"))).isEmpty();
			// on a phone the player's header is wider than the screen with or without the badge (its phone layout is
			// not this test's): there the badge must be in the header, on screen at 1280 px
			if (vp.equals("desktop")) {
				Number right = (Number) ((JavascriptExecutor) driver)
					.executeScript("return arguments[0].getBoundingClientRect().right", badge);
				assertThat(right.doubleValue()).as("badge's right edge").isLessThanOrEqualTo(1280);
			}
			screenshot("evidence-badge-" + vp);
		}
		viewport("desktop");
		// IPVS: no badge, but why not, on demand
		driver.get(url("/scenarios/pod-to-service-ipvs"));
		WebElement modelOnly = wait(WAIT)
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=lab-model-only]")));
		assertThat(driver.findElements(By.cssSelector("[data-testid=lab-badge]"))).isEmpty();
		assertThat(modelOnly.getText()).containsIgnoringCase("model only");
		modelOnly.findElement(By.tagName("summary")).click();
		WebElement why = modelOnly.findElement(By.cssSelector(".lab-why"));
		wait(WAIT).until(d -> why.isDisplayed());
		assertThat(why.getText()).contains("no ip_vs module");
		screenshot("evidence-badge-model-only");
	}

	// ---------------------------------------------------------------- distribution

	@Test
	void kuardsFivePodsEachGetAboutOneFifthOverAThousandSeeds() throws IOException {
		driver.get(url("/scenarios/kuard-five-endpoints/distribution?seeds=1000"));
		waitReady("distribution");
		List<WebElement> pods = driver.findElements(By.cssSelector("[data-testid=dist-pods] [data-testid=dist-row]"));
		assertThat(pods).hasSize(5);
		for (WebElement row : pods) {
			double share = Double.parseDouble(row.getDomAttribute("data-share"));
			assertThat(share).as(row.getDomAttribute("data-key")).isBetween(0.15, 0.25);
			assertThat(Double.parseDouble(row.getDomAttribute("data-expected"))).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-6));
			assertThat(row.getText()).contains("expected 1/5");
		}
		assertThat(text("dist-status")).startsWith("1,000 requests");
		assertThat(driver.findElement(By.cssSelector("[data-testid=dist-imbalance]")).isDisplayed()).isFalse();
		assertThat(text("dist-why")).contains("picks one of 5 endpoints");
		for (String vp : List.of("desktop", "phone")) {
			for (String theme : List.of("light", "dark")) {
				viewport(vp);
				theme(theme);
				noHorizontalOverflow("distribution " + vp + " " + theme);
				screenshot("evidence-distribution-kuard-" + vp + "-" + theme);
			}
		}
		theme("light");
	}

	@Test
	void localPolicysImbalanceIsCalledOutAndTheLinkKeepsTheSettings() throws IOException {
		driver.get(url("/scenarios/lb-local-policy"));
		WebElement link = wait(WAIT)
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=distribution-link]")));
		link.click();
		wait(WAIT).until(ExpectedConditions.urlContains("/scenarios/lb-local-policy/distribution"));
		waitReady("distribution");
		WebElement callout = driver.findElement(By.cssSelector("[data-testid=dist-imbalance]"));
		assertThat(callout.isDisplayed()).isTrue();
		assertThat(callout.getText()).contains("store-be-3 is expected to get 1/2", "store-be-1, store-be-2 only 1/4 each");
		assertThat(driver.findElements(By.cssSelector("[data-testid=dist-nodes] [data-testid=dist-row]")))
			.extracting(r -> r.getDomAttribute("data-key"))
			.containsExactly("node1", "node2");
		assertThat(driver.getCurrentUrl()).contains("flow=syn", "seeds=1000");
		// deep link: another seed count is in the URL and in the counts
		driver.get(url("/scenarios/lb-local-policy/distribution?flow=syn&seeds=200"));
		waitReady("distribution");
		assertThat(text("dist-status")).startsWith("200 requests");
		for (String vp : List.of("desktop", "phone")) {
			viewport(vp);
			noHorizontalOverflow("distribution " + vp);
			screenshot("evidence-distribution-local-" + vp);
		}
		// a scenario without a random choice has no link
		viewport("desktop");
		driver.get(url("/scenarios/pod-to-pod-same-node"));
		wait(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=scenario-title]")));
		assertThat(driver.findElements(By.cssSelector("[data-testid=distribution-link]"))).isEmpty();
	}

	static void waitReady(String testid) {
		wait(WAIT).until(d -> "true".equals(d.findElement(By.cssSelector("[data-testid=" + testid + "]")).getDomAttribute("data-ready")));
	}

	static String text(String testid) {
		return driver.findElement(By.cssSelector("[data-testid=" + testid + "]")).getText();
	}

}

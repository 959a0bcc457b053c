package dev.packetwalk.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10: script tags and HTML in a scenario's title, summary, chapter, intro,
 * takeaway, flow label, pod labels and host label are shown as text on every page, in
 * headless Chromium: no element is made from them and none of their scripts runs (the
 * markers they would set stay unset). The scenario is a local file, as a visitor's would
 * be. Skipped like {@link PlayerBrowserTest} when Chromium is missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class XssBrowserTest extends BrowserTest {

	/** Each payload, if it ran, would set window.__pwned and the document title. */
	private static final String[] PAYLOADS = { "<img src=x onerror=\"window.__pwned='img';document.title='pwned'\">",
			"<script>window.__pwned='script';document.title='pwned'</script>",
			"<svg onload=\"window.__pwned='svg'\"></svg>",
			"\"><iframe src=\"javascript:parent.__pwned='iframe'\"></iframe>" };

	private static final String XSS = String.join(" ", PAYLOADS);

	static final Path DIR;

	static {
		try {
			DIR = Files.createTempDirectory("pw-xss-browser");
			Files.writeString(DIR.resolve("xss.yaml"), scenario(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static String scenario() {
		String q = "'" + XSS.replace("'", "''") + "'";
		return """
				apiVersion: packetwalk.dev/v1alpha1
				kind: Scenario
				metadata: {name: xss, title: %1$s, summary: %1$s, chapter: %1$s, order: 1000, tags: [%1$s]}
				intro: %1$s
				takeaway: %1$s
				cluster:
				  cloud: {provider: gcp}
				  nodes: [{name: node1}]
				  pods:
				    - {name: pod1, node: node1, labels: {app: %1$s}}
				    - name: pod2
				      node: node1
				      labels: {app: %1$s}
				      containers: [{name: web, ports: [{containerPort: 8080}]}]
				  hosts:
				    - {name: web, ip: 203.0.113.10, label: %1$s, listen: [tcp/80]}
				flows:
				  - {from: pod1, to: pod2:8080, label: %1$s}
				  - {from: pod1, to: host/web:80, label: %1$s}
				""".formatted(q);
	}

	@DynamicPropertySource
	static void dir(DynamicPropertyRegistry registry) {
		registry.add("packetwalk.scenarios.dir", DIR::toString);
	}

	private Object js(String script) {
		return ((JavascriptExecutor) driver).executeScript(script);
	}

	/** Nothing ran and no element was made from the payloads. */
	private void assertNoScriptRan(String where) {
		assertThat(js("return window.__pwned === undefined ? null : String(window.__pwned);"))
			.as(where + ": window.__pwned")
			.isNull();
		assertThat(driver.getTitle()).as(where + ": title").isNotEqualTo("pwned");
		assertThat(js("return document.querySelectorAll('img[src=x], svg[onload], iframe, script:not([src])').length;"))
			.as(where + ": elements made from the payloads")
			.isEqualTo(0L);
	}

	@Test
	void theLibraryShowsTheMarkupAsText() {
		driver.get(url("/"));
		var card = new WebDriverWait(driver, WAIT).until(ExpectedConditions
			.visibilityOfElementLocated(By.cssSelector("[data-testid=scenario-card][data-scenario-id=xss]")));
		assertThat(card.getText()).contains("<img src=x onerror=").contains("<script>window.__pwned");
		assertNoScriptRan("library");
	}

	@Test
	void thePlayerShowsTheMarkupAsTextFromIntroToTakeaway() {
		driver.get(url("/scenarios/xss"));
		// (a title this long may be laid out with no width in the header: read its text,
		// not what is painted)
		var title = new WebDriverWait(driver, WAIT)
			.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=scenario-title]")));
		assertThat(title.getDomProperty("textContent")).contains("<img src=x onerror=");
		// wait until the trace is drawn, then walk it to the end so every label,
		// narration and the takeaway are shown
		new WebDriverWait(driver, WAIT).until(d -> !"0"
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-total"))
				&& d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-total") != null);
		assertNoScriptRan("player, intro");
		driver.findElement(By.cssSelector("[data-testid=btn-end]")).click();
		new WebDriverWait(driver, WAIT).until(d -> {
			var index = d.findElement(By.cssSelector("[data-testid=step-index]"));
			String total = index.getDomAttribute("data-total");
			String cursor = index.getDomAttribute("data-cursor");
			return total != null && cursor != null && Integer.parseInt(cursor) == Integer.parseInt(total) - 1;
		});
		String page = driver.findElement(By.tagName("body")).getText();
		assertThat(page).contains("<script>window.__pwned").contains("<iframe src=");
		assertNoScriptRan("player, end");
		// and the JSON the page read carried it verbatim: it is data, not markup
		assertThat((String) js("return document.body.textContent;")).contains("<svg onload=");
	}

}

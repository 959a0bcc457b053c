package dev.packetwalk.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /import} in headless Chromium: a kubectl dump is pasted (or uploaded), a source
 * and a destination are picked from the lists, and the player plays that flow to its end.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportBrowserTest extends BrowserTest {

	static final Path FIXTURES = Path.of(System.getProperty("repo.root", ".."), "model/src/test/resources/import");

	@BeforeEach
	void forgetDumps() {
		driver.get(url("/"));
		js("localStorage.clear()");
	}

	@Test
	void aPastedDumpPlaysThePickedFlowInThePlayer() throws IOException {
		driver.get(url("/import"));
		wait(WAIT).until(d -> "true".equals(el("import").getDomAttribute("data-ready")));
		// a paste: the whole text arrives at once in the focused field, as the browser's
		// paste does
		String dump = Files.readString(FIXTURES.resolve("flannel-vxlan.yaml"));
		el("dump").click();
		js("const t = arguments[0]; t.value = arguments[1]; t.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));",
				el("dump"), dump);
		el("btn-import").click();
		wait(WAIT).until(d -> el("import-result").isDisplayed());
		assertThat(el("import-summary").getText()).contains("3 nodes", "network flannel-vxlan");
		assertThat(el("warnings-count").getText()).contains("warnings");
		assertThat(driver.getPageSource()).doesNotContain("aHVudGVyMi1TRUNSRVQtdmFsdWUtOTFiNw", "cm-value-do-not-echo");
		screenshot("import-1-imported");
		// the node's own iptables-save, as the model writes it: the rules diff finds
		// nothing
		String yaml = dev.packetwalk.importer.ClusterImporter
			.importDumps(java.util.List.of(new dev.packetwalk.importer.ImportSource("d", dump)),
					dev.packetwalk.importer.ImportOptions.DEFAULTS)
			.yaml();
		String rules = dev.packetwalk.rulesdiff.RulesDiff.modelRules(
				new dev.packetwalk.scenario.ScenarioCompiler().compile("my-cluster.yaml", yaml).scenario(),
				"k8s-worker-1");
		new Select(el("diff-node")).selectByValue("k8s-worker-1");
		el("iptables").click();
		js("arguments[0].value = arguments[1]", el("iptables"), rules);
		el("btn-diff").click();
		wait(WAIT).until(d -> el("diff-summary").getText().startsWith("No difference"));
		assertThat(el("diff-summary").getText()).contains("kube-proxy rules are what the model expects");
		new Select(el("pick-from")).selectByValue("web/toolbox");
		new Select(el("pick-to")).selectByValue("service/web/web:80");
		assertThat(driver.getCurrentUrl()).contains("from=web%2Ftoolbox", "to=service%2Fweb%2Fweb%3A80");
		el("btn-play").click();
		wait(WAIT).until(d -> d.getCurrentUrl().contains("/editor/import/play"));
		waitTraceDrawn();
		assertThat(el("scenario-title").getText()).startsWith("Imported cluster: 3 nodes");
		assertThat(el("source-note").getText()).contains("your imported cluster");
		new Actions(driver).sendKeys(Keys.END).perform();
		WebElement disposition = el("disposition");
		wait(WAIT).until(d -> disposition.isDisplayed());
		assertThat(disposition.getDomAttribute("data-outcome")).isEqualTo("DELIVERED");
		screenshot("import-2-flow-in-player");
	}

	@Test
	void anUploadedDumpAndADeepLinkPreselectTheFlow() throws IOException {
		driver.get(url("/import?from=default/toolbox&to=35.202.118.40:80"));
		wait(WAIT).until(d -> "true".equals(el("import").getDomAttribute("data-ready")));
		el("upload").sendKeys(FIXTURES.resolve("gke.yaml").toAbsolutePath().normalize().toString());
		wait(WAIT).until(d -> el("import-result").isDisplayed());
		// the deep link's choice was not applied before this import: pick as a user would
		new Select(el("pick-from")).selectByValue("host/outside");
		new Select(el("pick-to")).selectByValue("35.202.118.40:80");
		// a reload keeps the dump (in this browser) and applies ?from=&to=
		driver.navigate().refresh();
		wait(WAIT).until(d -> el("import-result").isDisplayed());
		assertThat(new Select(el("pick-from")).getFirstSelectedOption().getDomAttribute("value"))
			.isEqualTo("host/outside");
		assertThat(new Select(el("pick-to")).getFirstSelectedOption().getText())
			.contains("load balancer 35.202.118.40:80");
		assertThat(el("import-summary").getText()).contains("10 pods");
		el("btn-play").click();
		wait(WAIT).until(d -> d.getCurrentUrl().contains("/editor/import/play"));
		waitTraceDrawn();
		new Actions(driver).sendKeys(Keys.END).perform();
		WebElement disposition = el("disposition");
		wait(WAIT).until(d -> disposition.isDisplayed());
		assertThat(disposition.getDomAttribute("data-outcome")).isEqualTo("DELIVERED");
	}

	@Test
	void somethingThatIsNotADumpSaysWhy() {
		driver.get(url("/import"));
		wait(WAIT).until(d -> "true".equals(el("import").getDomAttribute("data-ready")));
		el("dump").click();
		js("arguments[0].value = 'kind: [oops'", el("dump"));
		el("btn-import").click();
		wait(WAIT).until(d -> "error".equals(el("import-status").getDomAttribute("data-state")));
		assertThat(el("import-status").getText()).contains("pasted:1:", "not YAML or JSON");
		assertThat(el("import-result").isDisplayed()).isFalse();
	}

	private void waitTraceDrawn() {
		wait(WAIT).until(d -> {
			String total = el("step-index").getDomAttribute("data-total");
			return total != null && !total.equals("0") && d.findElements(By.cssSelector("#topology g.dev")).size() > 0;
		});
	}

	private static WebElement el(String testid) {
		return driver.findElement(By.cssSelector("[data-testid='" + testid + "']"));
	}

	private static Object js(String script, Object... args) {
		return ((JavascriptExecutor) driver).executeScript(script, args);
	}

}

package dev.packetwalk.browser;

import java.io.IOException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authoring pages in headless Chromium: the editor marks a typed error at its line and keeps the draft across a
 * reload, runs the draft in the player, and a reachability grid cell opens the player on that very packet.
 * Screenshots go to {@code screenshots.dir}. Skipped without Chromium unless {@code PACKETWALK_REQUIRE_BROWSER=true}
 * (the same setup as {@link PlayerBrowserTest}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthoringBrowserTest extends BrowserTest {

	/** Every test starts without drafts. */
	@BeforeEach
	void forgetDrafts() {
		driver.get(url("/"));
		js("localStorage.clear()");
	}

	@Test
	void theEditorMarksATypedErrorAtItsLineAndKeepsTheDraftAcrossAReload() throws IOException {
		openEditor("pod-to-pod-same-node", "valid");
		WebElement yaml = el("yaml");
		String original = yaml.getDomProperty("value");
		int at = original.indexOf("reply: true");
		assertThat(at).isPositive();
		int line = lineOf(original, at);

		// type an 'a' into "reply" (→ "replay": an unknown field) with real key presses
		typeAt(yaml, at + 4, "a");
		waitState("invalid");
		assertThat(yaml.getDomProperty("value")).contains("replay: true");

		// the gutter marks the line, the message sits on it, the list names it
		WebElement gutterLine = driver.findElement(By.cssSelector("[data-testid=gutter] .ed-ln[data-line='" + line + "']"));
		assertThat(gutterLine.getDomAttribute("class")).contains("is-error");
		assertThat(gutterLine.getText()).contains("✖").contains(String.valueOf(line));
		assertThat(driver.findElements(By.cssSelector("[data-testid=gutter] .ed-ln.is-error"))).hasSize(1);
		WebElement inline = driver.findElement(By.cssSelector("[data-testid=inline-problem]"));
		assertThat(inline.getDomAttribute("data-line")).isEqualTo(String.valueOf(line));
		assertThat(inline.getText()).contains("replay").contains("reply");
		// drawn on the same row as its gutter number
		assertThat(Math.abs(inline.getRect().getY() - gutterLine.getRect().getY())).isLessThanOrEqualTo(2);
		WebElement problem = driver.findElement(By.cssSelector("[data-testid=problem]"));
		assertThat(problem.getDomAttribute("data-line")).isEqualTo(String.valueOf(line));
		assertThat(problem.getText()).contains(line + ":");
		screenshot("editor-1-inline-error");

		// clicking the problem puts the caret on its line
		js("const t = arguments[0]; t.setSelectionRange(0, 0); t.blur();", yaml);
		problem.click();
		assertThat(caretLine(yaml)).isEqualTo(line);
		assertThat((Boolean) js("return document.activeElement === arguments[0]", yaml)).isTrue();

		// a reload loses nothing
		driver.navigate().refresh();
		waitState("invalid");
		assertThat(el("yaml").getDomProperty("value")).contains("replay: true");
		assertThat(el("draft-status").getText()).contains("restored");
		assertThat(driver.findElement(By.cssSelector("[data-testid=gutter] .ed-ln[data-line='" + line + "']")).getDomAttribute("class"))
			.contains("is-error");
		screenshot("editor-2-after-reload");
		darkScreenshot("editor-2-after-reload-dark");
	}

	@Test
	void theEditorRunsTheDraftInThePlayer() throws IOException {
		openEditor("pod-to-pod-same-node", "valid");
		WebElement yaml = el("yaml");
		String original = yaml.getDomProperty("value");
		int at = original.indexOf("title: Pod to pod on the same node") + "title: Pod to pod on the same node".length();
		typeAt(yaml, at, ", edited");
		waitState("valid");
		el("btn-run").click();
		wait(WAIT).until(d -> d.getCurrentUrl().contains("/editor/pod-to-pod-same-node/play"));
		waitTraceDrawn();
		assertThat(el("scenario-title").getText()).isEqualTo("Pod to pod on the same node, edited");
		key(Keys.END);
		WebElement disposition = el("disposition");
		wait(WAIT).until(d -> disposition.isDisplayed());
		assertThat(disposition.getDomAttribute("data-outcome")).isEqualTo("DELIVERED");
		assertThat(el("edit-link").getDomAttribute("href")).isEqualTo("/editor/pod-to-pod-same-node");
		screenshot("editor-3-draft-in-player");
	}

	@Test
	void clickingAGridCellPlaysThatPacket() throws IOException {
		driver.get(url("/scenarios/netpol-three-tier/reachability?port=6379&protocol=TCP"));
		WebElement grid = driver.findElement(By.cssSelector("[data-testid=reachability]"));
		wait(WAIT).until(d -> "true".equals(grid.getDomAttribute("data-ready")));
		assertThat(driver.findElements(By.cssSelector("[data-testid=reach-cell]"))).hasSize(16);

		WebElement allowed = cell("store/be-1", "store/db-1");
		assertThat(allowed.getDomAttribute("data-allowed")).isEqualTo("true");
		assertThat(allowed.getText()).contains("✓");
		WebElement denied = cell("store/fe-1", "store/db-1");
		assertThat(denied.getDomAttribute("data-allowed")).isEqualTo("false");
		assertThat(denied.getText()).contains("✗");
		assertThat(denied.getDomAttribute("aria-label")).isEqualTo("store/fe-1 to store/db-1: denied");

		// pointing at a cell shows its reason
		new Actions(driver).moveToElement(denied).perform();
		wait(WAIT).until(d -> !d.findElements(By.cssSelector("[data-testid='reach-verdict']")).isEmpty());
		assertThat(el("reach-verdict").getText()).contains("denied");
		assertThat(el("reach-detail").getText()).contains("store/fe-1 → store/db-1:6379/TCP").contains("isolated");
		// and so does reaching it with the keyboard: Tab from the port selector into the grid, arrows to the cell
		new Actions(driver).moveToElement(allowed).perform();
		wait(WAIT).until(d -> el("reach-detail").getText().contains("store/be-1 → store/db-1"));
		focusByKeyboard(denied);
		wait(WAIT).until(d -> el("reach-detail").getText().contains("store/fe-1 → store/db-1"));
		assertThat(el("reach-verdict").getText()).contains("denied");
		screenshot("grid-1-denied-cell");
		darkScreenshot("grid-1-denied-cell-dark");

		denied.click();
		wait(WAIT).until(d -> d.getCurrentUrl().contains("/scenarios/netpol-three-tier?probe="));
		waitTraceDrawn();
		assertThat(el("source-note").getText()).contains("store/fe-1 → store/db-1:6379/TCP");
		key(Keys.END);
		WebElement disposition = el("disposition");
		wait(WAIT).until(d -> disposition.isDisplayed());
		assertThat(disposition.getDomAttribute("data-outcome")).isEqualTo("DROPPED");
		assertThat(disposition.getDomAttribute("data-reason")).isEqualTo("POLICY_DENIED");
		assertThat(el("walk-label").getText()).contains("probe store/fe-1 → store/db-1:6379/TCP");
		screenshot("grid-2-probe-in-player");

		// the allowed pair from the same grid, via the link back
		driver.findElement(By.cssSelector("[data-testid=source-note] a")).click();
		wait(WAIT).until(d -> "true".equals(d.findElement(By.cssSelector("[data-testid=reachability]")).getDomAttribute("data-ready")));
		assertThat(el("reach-port").getDomProperty("value")).isEqualTo("6379");
		cell("store/be-1", "store/db-1").click();
		wait(WAIT).until(d -> d.getCurrentUrl().contains("probe="));
		waitTraceDrawn();
		key(Keys.END);
		wait(WAIT).until(d -> el("disposition").isDisplayed());
		assertThat(el("disposition").getDomAttribute("data-outcome")).isEqualTo("DELIVERED");
	}

	@Test
	void enterKeepsTheIndentationAndTabIndents() {
		driver.get(url("/editor"));
		wait(WAIT).until(d -> "true".equals(el("editor").getDomAttribute("data-ready")));
		WebElement yaml = el("yaml");
		String original = yaml.getDomProperty("value");
		typeAt(yaml, original.indexOf("  pods:") + "  pods:".length(), Keys.ENTER, "- name: extra", Keys.ENTER,
				"node: node1");
		wait(WAIT).until(d -> yaml.getDomProperty("value").contains("  pods:\n    - name: extra\n      node: node1\n"));
		new Actions(driver).sendKeys(Keys.ENTER, Keys.TAB, "x").perform();
		wait(WAIT).until(d -> yaml.getDomProperty("value").contains("      node: node1\n        x"));
	}

	// ---- helpers

	/** The same page in the dark theme, then back to light (the theme is remembered). */
	private void darkScreenshot(String name) throws IOException {
		driver.findElement(By.cssSelector("[data-testid=btn-theme]")).click();
		wait(WAIT).until(d -> "dark".equals(d.findElement(By.tagName("html")).getDomAttribute("data-theme")));
		screenshot(name);
		driver.findElement(By.cssSelector("[data-testid=btn-theme]")).click();
		wait(WAIT).until(d -> "light".equals(d.findElement(By.tagName("html")).getDomAttribute("data-theme")));
	}

	private void openEditor(String id, String state) {
		driver.get(url("/editor/" + id));
		wait(WAIT).until(d -> "true".equals(el("editor").getDomAttribute("data-ready")));
		waitState(state);
	}

	private void waitState(String state) {
		wait(WAIT).until(d -> state.equals(el("validation-status").getDomAttribute("data-state")));
	}

	private void waitTraceDrawn() {
		wait(WAIT).until(d -> {
			String total = el("step-index").getDomAttribute("data-total");
			return total != null && !total.equals("0") && d.findElements(By.cssSelector("#topology g.dev")).size() > 0;
		});
	}

	private WebElement cell(String from, String to) {
		return driver.findElement(By.cssSelector("[data-testid=reach-cell][data-from='" + from + "'][data-to='" + to + "']"));
	}

	/**
	 * Types {@code keys} at {@code offset} of a textarea as a person would: clicks into it (which gives the page and
	 * the field focus, whatever the browser's window focus was), puts the caret at the offset, checks it is there,
	 * then presses the keys on the focused element (no driver focus logic that may move the caret).
	 */
	private void typeAt(WebElement textarea, int offset, CharSequence... keys) {
		textarea.click();
		wait(WAIT).until(d -> (Boolean) js("return document.hasFocus() && document.activeElement === arguments[0]", textarea));
		js("arguments[0].setSelectionRange(arguments[1], arguments[1])", textarea, offset);
		wait(WAIT).until(d -> ((Number) js("return arguments[0].selectionStart", textarea)).intValue() == offset);
		new Actions(driver).sendKeys(keys).perform();
	}

	/** Moves keyboard focus to {@code cell} with Tab and the arrow keys, from the port selector above the grid. */
	private void focusByKeyboard(WebElement cell) {
		el("reach-port").click(); // a real click: the page has focus from here on
		el("reach-port").sendKeys(Keys.ESCAPE);
		for (int i = 0; i < 40 && !isFocused(cell); i++) {
			WebElement active = driver.switchTo().activeElement();
			boolean inGrid = "reach-cell".equals(active.getDomAttribute("data-testid"));
			if (!inGrid) {
				new Actions(driver).sendKeys(Keys.TAB).perform();
				continue;
			}
			int row = Integer.parseInt(active.getDomAttribute("data-row"));
			int col = Integer.parseInt(active.getDomAttribute("data-col"));
			int wantRow = Integer.parseInt(cell.getDomAttribute("data-row"));
			int wantCol = Integer.parseInt(cell.getDomAttribute("data-col"));
			Keys k = row < wantRow ? Keys.ARROW_DOWN : row > wantRow ? Keys.ARROW_UP : col < wantCol ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT;
			new Actions(driver).sendKeys(k).perform();
		}
		assertThat(isFocused(cell)).as("keyboard focus reached the cell").isTrue();
	}

	private boolean isFocused(WebElement element) {
		return (Boolean) js("return document.activeElement === arguments[0]", element);
	}

	private static int lineOf(String text, int offset) {
		return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
	}

	private int caretLine(WebElement textarea) {
		Number n = (Number) js("const t = arguments[0]; return t.value.slice(0, t.selectionStart).split('\\n').length;", textarea);
		return n.intValue();
	}

	private static WebElement el(String testid) {
		return driver.findElement(By.cssSelector("[data-testid='" + testid + "']"));
	}

	private static Object js(String script, Object... args) {
		return ((JavascriptExecutor) driver).executeScript(script, args);
	}

	private static void key(CharSequence k) {
		new Actions(driver).sendKeys(k).perform();
	}
}

package dev.packetwalk.browser;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import org.springframework.boot.test.context.SpringBootTest;

import static dev.packetwalk.browser.EditorPage.el;
import static dev.packetwalk.browser.EditorPage.js;
import static dev.packetwalk.browser.EditorPage.text;
import static dev.packetwalk.browser.EditorPage.typeAt;
import static dev.packetwalk.browser.EditorPage.waitReady;
import static dev.packetwalk.browser.EditorPage.waitState;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authoring pages in headless Chromium: the editor (CodeMirror) marks a typed error
 * at its line with a quick fix, completes values and keys from the schema, keeps the
 * draft across a reload, runs the draft in the player, and a reachability grid cell opens
 * the player on that very packet. Screenshots go to {@code screenshots.dir}. Skipped
 * without Chromium unless {@code PACKETWALK_REQUIRE_BROWSER=true} (the same setup as
 * {@link PlayerBrowserTest}).
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
	void theEditorMarksATypedErrorAtItsLineOffersTheFixAndKeepsTheDraftAcrossAReload() throws IOException {
		openEditor("pod-to-pod-same-node", "valid");
		String original = text();
		int at = original.indexOf("reply: true");
		assertThat(at).isPositive();
		int line = lineOf(original, at);

		// type an 'a' into "reply" (→ "replay": an unknown field) with real key presses
		typeAt(at + 4, "a");
		waitState("invalid");
		assertThat(text()).contains("replay: true");

		// one mistake, one problem: the lint gutter marks the line, the message sits
		// after it, the list names it
		assertThat(driver.findElements(By.cssSelector("[data-testid=problem]"))).hasSize(1);
		assertThat(el("validation-status").getText()).contains("1 error");
		WebElement number = lineNumber(line);
		List<WebElement> markers = driver.findElements(By.cssSelector(".cm-gutter-lint .cm-lint-marker-error"));
		assertThat(markers).hasSize(1);
		assertThat(Math.abs(markers.get(0).getRect().getY() - number.getRect().getY())).isLessThanOrEqualTo(2);
		WebElement inline = driver.findElement(By.cssSelector("[data-testid=inline-problem]"));
		assertThat(inline.getDomAttribute("data-line")).isEqualTo(String.valueOf(line));
		assertThat(inline.getText()).contains("replay").contains("reply");
		assertThat(Math.abs(inline.getRect().getY() - number.getRect().getY())).isLessThanOrEqualTo(4);
		WebElement problem = el("problem");
		assertThat(problem.getDomAttribute("data-line")).isEqualTo(String.valueOf(line));
		assertThat(problem.getText()).contains(line + ":");
		WebElement fix = el("quick-fix");
		assertThat(fix.getText()).isEqualTo("Change to 'reply'");
		screenshot("editor-1-inline-error");
		darkScreenshot("editor-1-inline-error-dark");

		// clicking the problem puts the caret on its line
		js("const v = arguments[0].editorView; v.dispatch({selection: {anchor: 0}}); v.contentDOM.blur();",
				el("editor"));
		problem.click();
		wait(WAIT)
			.until(d -> caretLine() == line && (Boolean) js("return arguments[0].editorView.hasFocus", el("editor")));

		// a reload loses nothing
		driver.navigate().refresh();
		waitReady();
		waitState("invalid");
		assertThat(text()).contains("replay: true");
		assertThat(el("draft-status").getText()).contains("restored");
		assertThat(driver.findElements(By.cssSelector(".cm-gutter-lint .cm-lint-marker-error"))).hasSize(1);
		screenshot("editor-2-after-reload");

		// the quick fix puts the right word back and the problem is gone
		el("quick-fix").click();
		waitState("valid");
		assertThat(text()).contains("reply: true").doesNotContain("replay");
		assertThat(driver.findElements(By.cssSelector("[data-testid=problem]"))).isEmpty();
		assertThat(driver.findElements(By.cssSelector(".cm-lint-marker-error"))).isEmpty();
		assertThat(el("problems").getText()).contains("No problems");
	}

	@Test
	void completionOffersTheSchemasValuesAndKeys() throws IOException {
		driver.get(url("/editor"));
		waitReady();
		waitState("valid");
		String original = text();
		int end = original.indexOf("network: kubenet") + "network: kubenet".length();
		typeAt(end, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE,
				Keys.BACK_SPACE, Keys.BACK_SPACE, "fl");
		wait(WAIT).until(d -> !d.findElements(By.cssSelector(".cm-tooltip-autocomplete li")).isEmpty());
		List<String> offered = driver.findElements(By.cssSelector(".cm-tooltip-autocomplete li .cm-completionLabel"))
			.stream()
			.map(WebElement::getText)
			.toList();
		assertThat(offered).contains("flannel-vxlan", "flannel-host-gw").doesNotContain("kubenet");
		screenshot("editor-4-completion");
		new Actions(driver).sendKeys(Keys.ENTER).perform();
		wait(WAIT).until(d -> text().matches("(?s).*\\n  network: flannel-(vxlan|host-gw)\\s.*"));
		waitState("valid");

		// completion of keys, asked for with Ctrl+Space on an empty line of a pod
		int afterNode = text().indexOf("      node: node1") + "      node: node1".length();
		typeAt(afterNode, Keys.ENTER);
		new Actions(driver).keyDown(Keys.CONTROL).sendKeys(" ").keyUp(Keys.CONTROL).perform();
		wait(WAIT).until(d -> !d.findElements(By.cssSelector(".cm-tooltip-autocomplete li")).isEmpty());
		List<String> keys = driver.findElements(By.cssSelector(".cm-tooltip-autocomplete li .cm-completionLabel"))
			.stream()
			.map(WebElement::getText)
			.toList();
		assertThat(keys).contains("labels", "ip", "namespace").doesNotContain("name", "node", "containers", "network");
		new Actions(driver).sendKeys(Keys.ESCAPE).perform();

	}

	@Test
	void aBadIndentIsShownAsASentenceNotParserInternals() throws IOException {
		driver.get(url("/editor"));
		waitReady();
		waitState("valid");
		String original = text();
		int at = original.indexOf("      node: node1");
		int line = lineOf(original, at);
		typeAt(at, "  ");
		waitState("invalid");
		assertThat(driver.findElements(By.cssSelector("[data-testid=problem]"))).hasSize(1);
		String message = el("problem").getText();
		assertThat(message).contains("line " + line + ": this line is indented more than the key above it")
			.doesNotContain("mapping values", "<block", "expected");
		// the sentence wraps inside the panel: nothing scrolls sideways
		assertThat((Boolean) js("const s = document.querySelector('.ed-side'); return s.scrollWidth <= s.clientWidth",
				new Object[0]))
			.isTrue();
		screenshot("editor-6-bad-indent");
	}

	@Test
	void theEditorRunsTheDraftInThePlayer() throws IOException {
		openEditor("pod-to-pod-same-node", "valid");
		String original = text();
		int at = original.indexOf("title: Pod to pod on the same node") + "title: Pod to pod on the same node".length();
		typeAt(at, ", edited");
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
		// and so does reaching it with the keyboard: Tab from the port selector into the
		// grid, arrows to the cell
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
		wait(WAIT).until(d -> "true"
			.equals(d.findElement(By.cssSelector("[data-testid=reachability]")).getDomAttribute("data-ready")));
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
		waitReady();
		String original = text();
		typeAt(original.indexOf("  pods:") + "  pods:".length(), Keys.ENTER, "- name: extra", Keys.ENTER,
				"node: node1");
		wait(WAIT).until(d -> text().contains("  pods:\n    - name: extra\n      node: node1\n"));
		new Actions(driver).sendKeys(Keys.ENTER, Keys.TAB, "x").perform();
		wait(WAIT).until(d -> text().contains("      node: node1\n        x"));
		// undo takes the typing back
		new Actions(driver).keyDown(Keys.CONTROL).sendKeys("z").keyUp(Keys.CONTROL).perform();
		wait(WAIT).until(d -> !text().contains("        x"));
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
		waitReady();
		waitState(state);
	}

	private int caretLine() {
		return ((Number) js(
				"const s = arguments[0].editorView.state; return s.doc.lineAt(s.selection.main.head).number",
				el("editor")))
			.intValue();
	}

	/** The line-number gutter element of {@code line} (scrolled into view first). */
	private WebElement lineNumber(int line) {
		return driver.findElements(By.cssSelector(".cm-lineNumbers .cm-gutterElement"))
			.stream()
			.filter(e -> e.getText().equals(String.valueOf(line)))
			.findFirst()
			.orElseThrow();
	}

	private void waitTraceDrawn() {
		wait(WAIT).until(d -> {
			String total = el("step-index").getDomAttribute("data-total");
			return total != null && !total.equals("0") && d.findElements(By.cssSelector("#topology g.dev")).size() > 0;
		});
	}

	private WebElement cell(String from, String to) {
		return driver
			.findElement(By.cssSelector("[data-testid=reach-cell][data-from='" + from + "'][data-to='" + to + "']"));
	}

	/**
	 * Moves keyboard focus to {@code cell} with Tab and the arrow keys, from the port
	 * selector above the grid.
	 */
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
			Keys k = row < wantRow ? Keys.ARROW_DOWN
					: row > wantRow ? Keys.ARROW_UP : col < wantCol ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT;
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

	private static void key(CharSequence k) {
		new Actions(driver).sendKeys(k).perform();
	}

}

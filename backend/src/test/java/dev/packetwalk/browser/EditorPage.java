package dev.packetwalk.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import static dev.packetwalk.browser.BrowserTest.WAIT;
import static dev.packetwalk.browser.BrowserTest.driver;

/**
 * The scenario editor (CodeMirror) as the browser tests drive it: as a user does, waiting
 * on what the page shows.
 */
final class EditorPage {

	private EditorPage() {
	}

	static WebElement el(String testid) {
		return driver.findElement(By.cssSelector("[data-testid='" + testid + "']"));
	}

	static Object js(String script, Object... args) {
		return ((JavascriptExecutor) driver).executeScript(script, args);
	}

	/**
	 * Ready means settled: the text is final, checked once, its marks drawn and the
	 * schema loaded.
	 */
	static void waitReady() {
		BrowserTest.wait(WAIT).until(d -> "true".equals(el("editor").getDomAttribute("data-ready")));
	}

	static void waitState(String state) {
		BrowserTest.wait(WAIT).until(d -> state.equals(el("validation-status").getDomAttribute("data-state")));
	}

	/** The editor's text as CodeMirror holds it (its DOM has only the lines in view). */
	static String text() {
		return (String) js("return arguments[0].editorView.state.doc.toString()", el("editor"));
	}

	/**
	 * Types {@code keys} at {@code offset} of the editor as a person would: clicks into
	 * the text (which gives the page and the editor focus, whatever the browser's window
	 * focus was), puts the caret at the offset (as a click there would, but exactly) and
	 * scrolls it into view, checks it is there and focused, then presses the keys on the
	 * focused element (no driver focus logic that may move the caret).
	 */
	static void typeAt(int offset, CharSequence... keys) {
		WebElement editor = el("editor");
		driver.findElement(By.cssSelector(".cm-content")).click();
		BrowserTest.wait(WAIT)
			.until(d -> (Boolean) js("return document.hasFocus() && arguments[0].editorView.hasFocus", editor));
		js("arguments[0].editorView.dispatch({selection: {anchor: arguments[1]}, scrollIntoView: true})", editor,
				offset);
		BrowserTest.wait(WAIT)
			.until(d -> ((Number) js("return arguments[0].editorView.state.selection.main.head", editor))
				.intValue() == offset && (Boolean) js("return arguments[0].editorView.hasFocus", editor));
		new Actions(driver).sendKeys(keys).perform();
	}

}

package dev.packetwalk.browser;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages built for talks, in two headless Chromiums (a presenter's and a follower's,
 * every outside host unresolvable): a deep link round trip, presenter mode with live
 * follow-along (the follower sees the presenter's steps, pauses, rejoins, sees the end),
 * the speaker-notes window in sync, and the embed. Screenshots (projector size) go to
 * {@code screenshots.dir}. Skipped like {@link PlayerBrowserTest} when Chromium is
 * missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TalkBrowserTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final List<Chromium> browsers = new ArrayList<>();

	/** The presenter's browser (projector size) and a follower's (laptop size). */
	private static WebDriver presenter;

	private static WebDriver follower;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBrowsers() throws IOException {
		Chromium.requireOrSkip();
		presenter = browser("1920,1080");
		follower = browser("1280,800");
	}

	private static WebDriver browser(String size) throws IOException {
		Chromium c = Chromium.start(size);
		browsers.add(c);
		return c.driver();
	}

	@AfterAll
	static void stopBrowsers() throws IOException {
		presenter = null;
		follower = null;
		IOException first = null;
		for (Chromium c : browsers) {
			try {
				c.close();
			}
			catch (IOException | RuntimeException ex) {
				// keep stopping the rest
				if (first == null) {
					first = ex instanceof IOException io ? io : new IOException(ex);
				}
			}
		}
		browsers.clear();
		if (first != null) {
			throw first;
		}
	}

	@Test
	void aDeepLinkRestoresTheSeedStepAndFlow() {
		// a multi-flow scenario, asked for one flow only: its first step
		open(presenter, "/scenarios/netpol-three-tier?seed=5&flow=fe-to-db");
		String walk = presenter.findElement(By.cssSelector("[data-testid=walk-label]")).getText();
		assertThat(walk).contains("fe-1 → db-1:6379");
		int first = cursor(presenter);
		assertThat(first).isPositive();
		assertThat(presenter.getCurrentUrl()).contains("seed=5")
			.contains("flow=fe-to-db")
			.contains("step=" + (first + 1));

		new Actions(presenter).sendKeys(Keys.ARROW_RIGHT).sendKeys(Keys.ARROW_RIGHT).perform();
		waitCursor(presenter, first + 2);
		waitFor(presenter, d -> d.getCurrentUrl().contains("step=" + (first + 3)));
		String link = presenter.getCurrentUrl();

		// the same link in another browser: the same view
		open(follower, link.substring(link.indexOf("/scenarios/")));
		assertThat(cursor(follower)).isEqualTo(first + 2);
		assertThat(follower.findElement(By.cssSelector("[data-testid=seed]")).getDomProperty("value")).isEqualTo("5");
		assertThat(follower.findElement(By.cssSelector("[data-testid=walk-label]")).getText()).isEqualTo(walk);

		// Share copies exactly that link (or shows it when the clipboard is not allowed)
		follower.findElement(By.cssSelector("[data-testid=btn-share]")).click();
		waitFor(follower, d -> d.findElement(By.id("player")).getDomAttribute("data-shared-link") != null);
		assertThat(follower.findElement(By.id("player")).getDomAttribute("data-shared-link")).isEqualTo(link);
	}

	@Test
	void aFollowerFollowsThePresenterPausesRejoinsAndSeesTheEnd() throws IOException {
		open(presenter, "/scenarios/pod-to-service?present&view=kernel&step=3");
		assertThat(presenter.findElement(By.id("player")).getDomAttribute("data-presenting")).isEqualTo("true");
		assertThat(presenter.findElement(By.cssSelector("[data-testid=presenter-bar]")).isDisplayed()).isTrue();
		assertThat(presenter.findElements(By.cssSelector(".appbar")).get(0).isDisplayed()).isFalse();

		presenter.findElement(By.cssSelector("[data-testid=btn-go-live]")).click();
		waitFor(presenter, d -> {
			String c = d.findElement(By.id("player")).getDomAttribute("data-live-code");
			return c != null && !c.isEmpty();
		});
		String code = presenter.findElement(By.id("player")).getDomAttribute("data-live-code");
		assertThat(code).hasSize(12);
		assertThat(presenter.findElement(By.cssSelector("[data-testid=live-url]")).getText()).endsWith("/live/" + code);

		open(follower, "/live/" + code);
		assertThat(cursor(follower)).isEqualTo(2);
		waitFor(presenter, d -> "1"
			.equals(d.findElement(By.cssSelector("[data-testid=follower-count]")).getDomAttribute("data-count")));

		// the clicker: PageDown three times on the presenter's page, the follower follows
		for (int i = 0; i < 3; i++) {
			new Actions(presenter).sendKeys(Keys.PAGE_DOWN).perform();
		}
		waitCursor(presenter, 5);
		waitCursor(follower, 5);
		assertThat(follower.findElement(By.id("player")).getDomAttribute("data-following")).isEqualTo("true");
		screenshot(presenter, "talk-presenter-live");
		screenshot(follower, "talk-follower");

		// the follower explores on their own: following pauses, the presenter's steps no
		// longer move them
		new Actions(follower).sendKeys(Keys.HOME).perform();
		waitCursor(follower, -1);
		waitFor(follower, d -> "false".equals(d.findElement(By.id("player")).getDomAttribute("data-following")));
		new Actions(presenter).sendKeys(Keys.PAGE_DOWN).perform();
		waitCursor(presenter, 6);
		waitFor(presenter, d -> String.valueOf(d.findElement(By.id("player")).getDomAttribute("data-live-pushed"))
			.contains("\"step\":7"));
		assertThat(cursor(follower)).isEqualTo(-1);
		assertThat(follower.findElement(By.cssSelector("[data-testid=live-status]")).getText())
			.isEqualTo("Exploring on your own");
		screenshot(follower, "talk-follower-paused");

		// rejoin: straight to the presenter's latest step
		follower.findElement(By.cssSelector("[data-testid=btn-follow-toggle]")).click();
		waitCursor(follower, 6);

		// the presenter moves to another scenario, still presenting and still live: the
		// follower's page follows there
		new Select(presenter.findElement(By.cssSelector("[data-testid=presenter-scenario]")))
			.selectByValue("pod-to-pod-same-node");
		waitFor(presenter, d -> d.getCurrentUrl().contains("/scenarios/pod-to-pod-same-node")
				&& "true".equals(d.findElement(By.id("player")).getDomAttribute("data-started")));
		assertThat(presenter.findElement(By.id("player")).getDomAttribute("data-presenting")).isEqualTo("true");
		new Actions(presenter).sendKeys(Keys.PAGE_DOWN).perform();
		waitCursor(presenter, 0);
		waitFor(follower, d -> d.findElement(By.cssSelector("[data-testid=scenario-title]"))
			.getText()
			.equals("Pod to pod on the same node")
				&& "0"
					.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor")));

		// the presenter ends the session: the follower's stream closes, the page says so
		presenter.findElement(By.cssSelector("[data-testid=btn-end-live]")).click();
		waitFor(follower, d -> d.findElement(By.cssSelector("[data-testid=live-status]")).getText().contains("ended"));
		assertThat(presenter.findElement(By.cssSelector("[data-testid=btn-go-live]")).isDisplayed()).isTrue();
		new Actions(presenter).sendKeys("p").perform(); // leave presenter mode for the
														// other tests
		waitFor(presenter, d -> d.findElement(By.cssSelector(".appbar")).isDisplayed());
	}

	@Test
	void presenterModeBlackoutAndTheSpeakerNotesWindowStayInSync() throws IOException {
		open(presenter, "/scenarios/pod-to-service?present&view=kernel&step=8");
		String main = presenter.getWindowHandle();
		presenter.switchTo().newWindow(WindowType.TAB);
		presenter.get(url("/presenter/notes"));
		String notes = presenter.getWindowHandle();
		waitFor(presenter, d -> "7".equals(d.findElement(By.tagName("body")).getDomAttribute("data-cursor")));
		assertThat(presenter.findElement(By.cssSelector("[data-testid=notes-scenario]")).getText())
			.startsWith("Pod to a Service");
		assertThat(presenter.findElement(By.cssSelector("[data-testid=notes-step]")).getText()).startsWith("Step 8 /");
		screenshot(presenter, "talk-speaker-notes");

		// the notes window drives the player
		presenter.findElement(By.cssSelector("[data-testid=notes-forward]")).click();
		presenter.switchTo().window(main);
		waitCursor(presenter, 8);
		// and the player's steps show in the notes
		new Actions(presenter).sendKeys(Keys.PAGE_DOWN).perform();
		waitCursor(presenter, 9);
		presenter.switchTo().window(notes);
		waitFor(presenter, d -> "9".equals(d.findElement(By.tagName("body")).getDomAttribute("data-cursor")));
		presenter.close();
		presenter.switchTo().window(main);

		screenshot(presenter, "talk-presenter");
		// one inspector: the one this step needs
		String focus = presenter.findElement(By.id("player")).getDomAttribute("data-focus-panel");
		assertThat(focus).isIn("headers", "detail");
		assertThat(presenter.findElement(By.cssSelector(".panel-headers")).isDisplayed())
			.isEqualTo("headers".equals(focus));
		assertThat(presenter.findElement(By.cssSelector(".panel-detail")).isDisplayed())
			.isEqualTo("detail".equals(focus));

		new Actions(presenter).sendKeys("b").perform();
		waitFor(presenter, d -> d.findElement(By.cssSelector("[data-testid=blackout]")).isDisplayed());
		new Actions(presenter).sendKeys("b").perform();
		waitFor(presenter, d -> !d.findElement(By.cssSelector("[data-testid=blackout]")).isDisplayed());

		// leaving presenter mode brings the chrome back
		new Actions(presenter).sendKeys("p").perform();
		waitFor(presenter, d -> d.findElement(By.cssSelector(".appbar")).isDisplayed());
	}

	@Test
	void theEmbedRendersTheLinkedStepWithoutTheSiteChrome() throws IOException {
		open(follower, "/embed/pod-to-service?seed=3&step=12");
		assertThat(cursor(follower)).isEqualTo(11);
		assertThat(follower.findElements(By.cssSelector(".appbar"))).isEmpty();
		assertThat(follower.findElements(By.cssSelector("#topology g.dev"))).isNotEmpty();
		assertThat(follower.findElement(By.cssSelector("[data-testid=embed-open]")).getDomAttribute("href"))
			.contains("/scenarios/pod-to-service")
			.contains("step=12");
		screenshot(follower, "talk-embed");
	}

	// ---- helpers
	// -------------------------------------------------------------------------------------------------

	private String url(String path) {
		return "http://localhost:" + port + path;
	}

	/**
	 * Opens a page and waits until the player has loaded its trace and applied the link.
	 */
	private void open(WebDriver d, String path) {
		d.get(url(path));
		waitFor(d, x -> "true".equals(x.findElement(By.id("player")).getDomAttribute("data-started"))
				&& !x.findElements(By.cssSelector("#topology g.dev")).isEmpty());
	}

	private static int cursor(WebDriver d) {
		return Integer
			.parseInt(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"));
	}

	private static void waitCursor(WebDriver d, int cursor) {
		waitFor(d, x -> String.valueOf(cursor)
			.equals(x.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor")));
	}

	private static void waitFor(WebDriver d, java.util.function.Function<WebDriver, Boolean> condition) {
		new WebDriverWait(d, WAIT).until(condition::apply);
	}

	private static void screenshot(WebDriver d, String name) throws IOException {
		// let the transitions of the last step settle
		((JavascriptExecutor) d)
			.executeScript("return new Promise(r => requestAnimationFrame(() => setTimeout(r, 400)))");
		Chromium.screenshot(d, name);
	}

}

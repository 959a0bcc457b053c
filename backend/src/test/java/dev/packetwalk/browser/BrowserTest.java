package dev.packetwalk.browser;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page test with one headless Chromium for the whole class, against the application on
 * a random port (the subclass carries its {@code @SpringBootTest}).
 */
abstract class BrowserTest {

	static final Duration WAIT = Duration.ofSeconds(20);

	private static Chromium chromium;

	static WebDriver driver;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBrowser() throws IOException {
		Chromium.requireOrSkip();
		chromium = Chromium.start("1600,1000");
		driver = chromium.driver();
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		try {
			if (chromium != null) {
				chromium.close();
			}
		}
		finally {
			chromium = null;
			driver = null;
		}
	}

	String url(String path) {
		return "http://localhost:" + port + path;
	}

	static WebDriverWait wait(Duration timeout) {
		WebDriverWait w = new WebDriverWait(driver, timeout);
		w.pollingEvery(Duration.ofMillis(100));
		return w;
	}

	/**
	 * What a user sees, checked until it holds: {@code script} returns the problems it
	 * finds on the page (texts off the stage, overlaps...), none once the picture is
	 * right. The page is polled until the list is empty and the camera stands still;
	 * after {@link #WAIT} the last problems fail the test, named by {@code what}.
	 */
	static void untilNoProblems(String what, String script, Object... args) {
		String settled = "const s = document.querySelector('#topology'); return !!s && !!s.dataset.zoom && !s.__transition;";
		List<?>[] last = { List.of("never measured") };
		try {
			wait(WAIT).until(d -> {
				if (!Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(settled))) {
					return false;
				}
				last[0] = (List<?>) ((JavascriptExecutor) d).executeScript(script, args);
				return last[0].isEmpty();
			});
		}
		catch (TimeoutException ex) {
			assertThat(last[0]).as(what).isEmpty();
		}
	}

	static void screenshot(String name) throws IOException {
		Chromium.screenshot(driver, name);
	}

}

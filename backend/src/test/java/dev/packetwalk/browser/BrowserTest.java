package dev.packetwalk.browser;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

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

	static void screenshot(String name) throws IOException {
		Chromium.screenshot(driver, name);
	}

}

package dev.packetwalk.browser;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium for the browser tests, driven by Debian's chromedriver
 * (Selenium never downloads a browser). Offline: every host but localhost resolves to
 * nothing, and background networking is off. Each instance has its own temporary profile,
 * deleted on {@link #close()}.
 */
final class Chromium implements AutoCloseable {

	/**
	 * Debian's Chromium, or the build named by {@code PACKETWALK_CHROMIUM} (to try the
	 * tests on another version).
	 */
	static final Path BINARY = Path.of(envOr("PACKETWALK_CHROMIUM", "/usr/bin/chromium"));

	/**
	 * Debian's chromedriver, or the one named by {@code PACKETWALK_CHROMEDRIVER} (it must
	 * match the browser).
	 */
	static final Path DRIVER = Path.of(envOr("PACKETWALK_CHROMEDRIVER", "/usr/bin/chromedriver"));

	private final ChromeDriverService service;

	private final Path profile;

	private final WebDriver driver;

	private Chromium(ChromeDriverService service, Path profile, WebDriver driver) {
		this.service = service;
		this.profile = profile;
		this.driver = driver;
	}

	/**
	 * Skips the calling test class when Chromium or chromedriver is missing; with
	 * {@code PACKETWALK_REQUIRE_BROWSER=true} (CI) their absence fails it instead.
	 */
	static void requireOrSkip() {
		List<String> missing = new ArrayList<>();
		for (Path p : List.of(BINARY, DRIVER)) {
			if (!Files.isExecutable(p)) {
				missing.add(p.toString());
			}
		}
		if (!missing.isEmpty()) {
			String message = "Browser tests need " + String.join(" and ", missing)
					+ " (apt-get install -y chromium chromium-driver)";
			if ("true".equalsIgnoreCase(System.getenv("PACKETWALK_REQUIRE_BROWSER"))) {
				fail(message + "; PACKETWALK_REQUIRE_BROWSER=true makes their absence a failure");
			}
			assumeTrue(false, message + "; skipping");
		}
	}

	/** A browser with a window of {@code windowSize} ({@code "1600,1000"}). */
	static Chromium start(String windowSize) throws IOException {
		Path profile = Files.createTempDirectory("packetwalk-chromium-");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(BINARY.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost", "--user-data-dir=" + profile,
				"--window-size=" + windowSize);
		try {
			ChromeDriver driver = new ChromeDriver(service, options);
			System.out.println("browser tests: Chromium " + driver.getCapabilities().getBrowserVersion() + " at "
					+ BINARY + ", driver " + DRIVER);
			driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
			return new Chromium(service, profile, driver);
		}
		catch (RuntimeException ex) {
			service.stop();
			delete(profile);
			throw ex;
		}
	}

	WebDriver driver() {
		return driver;
	}

	/**
	 * Quits the browser, stops its driver and deletes its profile, each even when the one
	 * before fails.
	 */
	@Override
	public void close() throws IOException {
		try {
			driver.quit();
		}
		finally {
			try {
				service.stop();
			}
			finally {
				delete(profile);
			}
		}
	}

	/**
	 * Saves what {@code driver} shows as {@code <screenshots.dir>/<name>.png} (default
	 * {@code target/screenshots}).
	 */
	static void screenshot(WebDriver driver, String name) throws IOException {
		Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
		Files.createDirectories(dir);
		Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

	private static String envOr(String name, String fallback) {
		String value = System.getenv(name);
		return value == null || value.isBlank() ? fallback : value;
	}

	private static void delete(Path dir) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
	}

}

package dev.packetwalk.browser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives the real pages in headless Chromium: the library lists the scenario and links to it; the player plays the
 * pod-to-pod trace to its end, shows DELIVERED, and steps back to the previous step's packet. Screenshots go to
 * {@code screenshots.dir}.
 * <p>
 * Skipped when Chromium or chromedriver is missing, unless {@code PACKETWALK_REQUIRE_BROWSER=true}: then it fails.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PlayerBrowserTest {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final String SCENARIO = "pod-to-pod-same-node";

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static ChromeDriverService service;

	private static WebDriver driver;

	private static Path profile;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBrowser() throws IOException {
		List<String> missing = new ArrayList<>();
		if (!Files.isExecutable(CHROMIUM)) {
			missing.add(CHROMIUM.toString());
		}
		if (!Files.isExecutable(CHROMEDRIVER)) {
			missing.add(CHROMEDRIVER.toString());
		}
		if (!missing.isEmpty()) {
			String message = "Browser tests need " + String.join(" and ", missing)
					+ " (apt-get install -y chromium chromium-driver)";
			if ("true".equalsIgnoreCase(System.getenv("PACKETWALK_REQUIRE_BROWSER"))) {
				fail(message + "; PACKETWALK_REQUIRE_BROWSER=true makes their absence a failure");
			}
			assumeTrue(false, message + "; skipping");
		}
		profile = Files.createTempDirectory("packetwalk-chromium-");
		service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost", "--user-data-dir=" + profile,
				"--window-size=1600,1000");
		driver = new ChromeDriver(service, options);
		driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		try {
			if (driver != null) {
				driver.quit();
			}
		}
		finally {
			driver = null;
			if (service != null) {
				service.stop();
				service = null;
			}
			if (profile != null) {
				try (Stream<Path> files = Files.walk(profile)) {
					files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
				}
			}
		}
	}

	@Test
	void libraryListsTheScenarioAndLinksToIt() throws IOException {
		driver.get(url("/"));
		WebElement card = wait(WAIT).until(ExpectedConditions.visibilityOfElementLocated(
				By.cssSelector("[data-testid=scenario-card][data-scenario-id='" + SCENARIO + "']")));
		assertThat(card.getText()).contains("Pod to pod on the same node").containsIgnoringCase("beginner").contains("veth");
		assertThat(driver.findElement(By.cssSelector("[data-testid=chapter] h2")).getText()).isEqualToIgnoringCase("Inside a node");
		screenshot("index");

		card.findElement(By.cssSelector("[data-testid=scenario-link]")).click();
		wait(WAIT).until(ExpectedConditions.urlContains("/scenarios/" + SCENARIO));
		assertThat(driver.findElement(By.cssSelector("[data-testid=scenario-title]")).getText())
			.isEqualTo("Pod to pod on the same node");
	}

	@Test
	void playerPlaysTheTraceToDeliveryAndStepsBack() throws Exception {
		JsonNode trace = JsonMapper.builder().build().readTree(get("/api/scenarios/" + SCENARIO + "/trace"));
		List<JsonNode> steps = new ArrayList<>();
		for (JsonNode walk : trace.get("walks")) {
			for (JsonNode hop : walk.get("hops")) {
				hop.get("steps").forEach(steps::add);
			}
		}
		int total = steps.size();

		driver.get(url("/scenarios/" + SCENARIO));
		WebElement index = driver.findElement(By.cssSelector("[data-testid=step-index]"));
		wait(WAIT).until(d -> String.valueOf(total).equals(index.getDomAttribute("data-total"))
				&& d.findElements(By.cssSelector("#topology g.dev")).size() > 0);
		assertThat(index.getDomAttribute("data-cursor")).isEqualTo("-1");
		assertThat(text("narration")).startsWith("Every pod has its own network namespace");
		screenshot("player-1-initial");

		// jump to the request's bridge step from the event list
		int bridge = indexOf(steps, "bridge");
		driver.findElement(By.cssSelector("[data-testid=event][data-index='" + bridge + "'] button")).click();
		waitCursor(bridge);
		assertThat(text("narration")).isEqualTo(steps.get(bridge).get("narration").asString());
		assertThat(driver.findElement(By.cssSelector("[data-testid=current-namespace]")).getDomAttribute("data-namespace"))
			.isEqualTo("node1");
		assertThat(driver.findElements(By.cssSelector("[data-testid=fdb] li.is-hit"))).hasSize(1);
		assertThat(driver.findElement(By.cssSelector("[data-testid=packet-label]")).getDomAttribute("data-label"))
			.isEqualTo("10.244.1.2:" + steps.get(bridge).at("/packet/l4/srcPort").asInt() + " → 10.244.1.3:8080");
		screenshot("player-2-bridge");

		// back to the start, then play the whole trace at 4×
		new Actions(driver).sendKeys(Keys.HOME).perform();
		waitCursor(-1);
		new Select(driver.findElement(By.cssSelector("[data-testid=speed]"))).selectByValue("4");
		new Actions(driver).sendKeys(Keys.SPACE).perform();
		wait(Duration.ofSeconds(45)).until(d -> String.valueOf(total - 1).equals(index.getDomAttribute("data-cursor"))
				&& "false".equals(d.findElement(By.cssSelector("[data-testid=btn-play]")).getDomAttribute("aria-pressed")));

		WebElement disposition = driver.findElement(By.cssSelector("[data-testid=disposition]"));
		assertThat(disposition.isDisplayed()).isTrue();
		assertThat(disposition.getDomAttribute("data-outcome")).isEqualTo("DELIVERED");
		assertThat(disposition.getText()).contains("DELIVERED");
		// the request walk ended in pod2's namespace, with a deliver step
		WebElement requestDeliver = driver
			.findElement(By.cssSelector("[data-testid=event][data-walk='0'][data-type='deliver']"));
		assertThat(requestDeliver.getDomAttribute("data-namespace")).isEqualTo("default/pod2");
		assertThat(requestDeliver.findElement(By.cssSelector("[data-testid=event-namespace]")).getText()).isEqualTo("pod2");
		assertThat(driver.findElement(By.cssSelector("[data-testid=takeaway]")).isDisplayed()).isTrue();
		screenshot("player-3-end");

		// one step back: the index goes back by one and the inspector shows that step's packet
		new Actions(driver).sendKeys(Keys.ARROW_LEFT).perform();
		waitCursor(total - 2);
		assertThat(index.getText()).isEqualTo("Step " + (total - 1) + " / " + total);
		JsonNode packet = steps.get(total - 2).get("packet");
		assertThat(field("ip.src")).isEqualTo(packet.at("/ip/src").asString());
		assertThat(field("ip.dst")).isEqualTo(packet.at("/ip/dst").asString());
		assertThat(field("ip.ttl")).isEqualTo(packet.at("/ip/ttl").asString());
		assertThat(field("l4.srcPort")).isEqualTo(packet.at("/l4/srcPort").asString());
		assertThat(field("l4.dstPort")).isEqualTo(packet.at("/l4/dstPort").asString());
		if (packet.has("eth")) {
			assertThat(field("eth.src")).isEqualTo(packet.at("/eth/src").asString());
			assertThat(field("eth.dst")).isEqualTo(packet.at("/eth/dst").asString());
		}
		assertThat(driver.findElement(By.cssSelector("[data-testid=disposition]")).isDisplayed()).isFalse();
		screenshot("player-4-back");
	}

	private static int indexOf(List<JsonNode> steps, String type) {
		for (int i = 0; i < steps.size(); i++) {
			if (type.equals(steps.get(i).get("type").asString())) {
				return i;
			}
		}
		throw new AssertionError("the trace has no " + type + " step");
	}

	private void waitCursor(int cursor) {
		WebElement index = driver.findElement(By.cssSelector("[data-testid=step-index]"));
		wait(WAIT).until(d -> String.valueOf(cursor).equals(index.getDomAttribute("data-cursor")));
	}

	private String text(String testid) {
		return driver.findElement(By.cssSelector("[data-testid='" + testid + "']")).getText();
	}

	private String field(String key) {
		return driver.findElement(By.cssSelector("[data-testid=inspector] [data-field='" + key + "'] .hf-v")).getText();
	}

	private static WebDriverWait wait(Duration timeout) {
		WebDriverWait w = new WebDriverWait(driver, timeout);
		w.pollingEvery(Duration.ofMillis(100));
		return w;
	}

	private String url(String path) {
		return "http://localhost:" + port + path;
	}

	private String get(String path) throws IOException, InterruptedException {
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url(path))).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(res.statusCode()).isEqualTo(200);
			return res.body();
		}
	}

	private static void screenshot(String name) throws IOException {
		Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
		Files.createDirectories(dir);
		Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

}

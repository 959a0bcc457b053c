package dev.packetwalk.browser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bridge's flood in the player: backend-dies-mid-connection's dead segment reaches
 * node2's cbr0 with web-1's stale MAC; the map draws the copy the bridge floods to web-2
 * and marks it discarded there, and the step panel lists the copy with its fate.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FloodBrowserTest extends BrowserTest {

	/** Step 114: cbr0's flood (model/src/test/resources/golden). */
	private static final String FLOOD = "/scenarios/backend-dies-mid-connection?flow=next&step=114";

	/** Step 115: the drop that follows it. */
	private static final String DROP = "/scenarios/backend-dies-mid-connection?flow=next&step=115";

	private static final By COPY = By.cssSelector("g.flood-copy[data-fate=DISCARDED]");

	private static final String DISCARDED = "g.flood-copy[data-fate=DISCARDED] ";

	@AfterEach
	void normalViewport() {
		((ChromiumDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		// presenter mode lives in the tab's session
		((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
	}

	/**
	 * On a phone (390x844) and a projector (1280x720, presenter mode), at the flood and
	 * at the drop that follows it, the discarded copy's cross and its words are whole on
	 * the stage, clear of the packet and its label; the drop's banner covers neither them
	 * nor the packet (it covered the cross on both, and the phone cut "copy discarded" at
	 * the stage's right edge).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "phone", "presenter" })
	void theDiscardedCopyIsReadableOnAPhoneAndAProjector(String vp) throws IOException {
		EvidenceBrowserTest.viewport(vp.equals("phone") ? "phone" : "desktop");
		String present = vp.equals("presenter") ? "&present" : "";
		List<List<String>> copy = List.of(List.of("the copy's cross", DISCARDED + "circle.flood-end"),
				List.of("the words 'copy discarded'", DISCARDED + "text.flood-text"),
				List.of("the packet's label", "g.packet rect.plabel-bg"));
		driver.get(url(FLOOD + present));
		wait(WAIT).until(d -> !d.findElements(By.cssSelector("[data-testid=flood-copies] li")).isEmpty()
				&& !d.findElements(By.cssSelector(DISCARDED + "text.flood-text")).isEmpty());
		untilNoProblems(vp + ", the flood step", Sight.PROBLEMS, copy);
		screenshot("flood-step-readable-" + vp);
		driver.get(url(DROP + present));
		wait(WAIT).until(d -> !d.findElements(By.cssSelector("g.packet.is-dropped")).isEmpty()
				&& d.findElement(By.cssSelector("[data-testid=disposition]")).isDisplayed());
		List<List<String>> drop = new ArrayList<>(copy);
		drop.add(List.of("the dropped packet", "g.packet circle.drop-ring"));
		untilNoProblems(vp + ", the drop after the flood", Sight.PROBLEMS, drop);
		screenshot("flood-drop-readable-" + vp);
	}

	@Test
	void theFloodedCopyIsDrawnToWeb2AndMarkedDiscarded() throws IOException {
		for (Dimension size : new Dimension[] { new Dimension(1280, 720), new Dimension(390, 844) }) {
			driver.manage().window().setSize(size);
			driver.get(url(FLOOD));
			wait(WAIT).until(d -> !d.findElements(By.cssSelector("[data-testid=flood-copies] li")).isEmpty());
			WebElement copy = wait(WAIT).until(d -> d.findElements(COPY).stream().findFirst().orElse(null));
			assertThat(copy.getAttribute("data-peer")).isEqualTo("default/web-2/eth0");
			assertThat(copy.getAttribute("data-port")).isEqualTo("vethaae5e2dd");
			// a line that goes somewhere, and the word on the map
			WebElement path = copy.findElement(By.cssSelector("path.flood-line"));
			assertThat(path.getRect().getWidth() + path.getRect().getHeight()).isGreaterThan(20);
			// the camera frames where the copy arrives: its cross and words are on the
			// stage
			WebElement word = copy.findElement(By.cssSelector("text.flood-text"));
			wait(WAIT).until(d -> word.isDisplayed() && "copy discarded".equals(word.getText()));
			screenshot("flood-step-" + size.getWidth());
			assertThat(driver.findElement(By.cssSelector("[data-testid=flood-copies] li")).getText())
				.contains("vethaae5e2dd → default/web-2/eth0: DISCARDED");
			// the copy stays drawn at the walk's end, the drop at the bridge
			driver.get(url(DROP));
			wait(WAIT).until(d -> !d.findElements(By.cssSelector("g.packet.is-dropped")).isEmpty());
			assertThat(driver.findElements(COPY)).hasSize(1);
			screenshot("flood-drop-" + size.getWidth());
		}
		// an earlier walk of the scenario floods nothing: no copy is drawn
		driver.get(url("/scenarios/backend-dies-mid-connection?flow=open&step=20"));
		wait(WAIT).until(d -> !d.findElements(By.cssSelector("g.packet")).isEmpty());
		assertThat(driver.findElements(COPY)).isEmpty();
	}

}

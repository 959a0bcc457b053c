package dev.packetwalk.browser;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
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

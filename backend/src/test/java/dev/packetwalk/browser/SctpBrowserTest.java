package dev.packetwalk.browser;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SCTP association in the player (scenario sctp-service): the header inspector shows
 * the SCTP header as it shows TCP's (ports, verification tag, chunk, init tag), the step
 * panel names the chunk, and the conntrack step shows the association's state.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SctpBrowserTest extends BrowserTest {

	/**
	 * Step 40: hss-2 sends the INIT ACK; step 120: node1's conntrack after the COOKIE ACK
	 * (model/src/test/resources/golden/sctp-service.json).
	 */
	private static final int INIT_ACK = 40;

	private static final int ESTABLISHED = 120;

	private void openAt(int step, String stepType) {
		driver.get(url("/scenarios/sctp-service?step=" + step));
		wait(WAIT).until(d -> {
			WebElement index = d.findElement(By.cssSelector("[data-testid=step-index]"));
			return String.valueOf(step - 1).equals(index.getDomAttribute("data-cursor"))
					&& !d.findElements(By.cssSelector(".detail[data-step-type=" + stepType + "]")).isEmpty();
		});
	}

	private static String field(WebElement inspector, String key) {
		return inspector.findElement(By.cssSelector("[data-field='" + key + "'] .hf-v")).getText();
	}

	@Test
	void theInspectorShowsTheSctpHeaderAndTheStepPanelItsChunk() throws IOException {
		for (String vp : List.of("desktop", "phone")) {
			EvidenceBrowserTest.viewport(vp);
			openAt(INIT_ACK, "send");
			WebElement detail = driver.findElement(By.cssSelector(".detail[data-step-type=send]"));
			assertThat(detail.getText()).contains("SCTP INIT ACK").contains("10.11.5.3:3868 → 10.11.0.5:");
			WebElement inspector = driver.findElement(By.cssSelector("[data-testid=inspector]"));
			if (vp.equals("desktop")) {
				assertThat(field(inspector, "l4.chunk")).isEqualTo("INIT ACK");
				assertThat(field(inspector, "l4.srcPort")).isEqualTo("3868");
				assertThat(field(inspector, "l4.vtag")).matches("[1-9][0-9]* \\(0x[0-9a-f]{8}\\)");
				assertThat(field(inspector, "l4.initTag")).matches("[1-9][0-9]* \\(0x[0-9a-f]{8}\\)");
				assertThat(field(inspector, "ip.protocol")).isEqualTo("SCTP");
				EvidenceBrowserTest.noHorizontalOverflow("sctp-service step " + INIT_ACK + " " + vp);
			}
			screenshot("sctp-init-ack-" + vp);
			openAt(ESTABLISHED, "conntrack");
			assertThat(driver.findElement(By.cssSelector(".detail[data-step-type=conntrack]")).getText())
				.contains("sctp     132 210 ESTABLISHED")
				.contains("[ASSURED]");
			screenshot("sctp-established-" + vp);
		}
	}

}

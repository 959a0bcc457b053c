package dev.packetwalk.browser;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nftables step in the player: opened by a deep link at node1's nat-prerouting walk
 * of pod-to-service-nftables, the step panel shows the nft rules that matched, the
 * verdict-map element used and the numgen value drawn.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NftablesBrowserTest extends BrowserTest {

	/**
	 * Step 8 of seed 3: nft ip kube-proxy nat-prerouting on node1
	 * (model/src/test/resources/golden).
	 */
	private static final String LINK = "/scenarios/pod-to-service-nftables?seed=3&step=8";

	@Test
	void theStepPanelShowsTheRuleTheMapElementAndTheNumgenDraw() throws IOException {
		driver.manage().window().setSize(new Dimension(1280, 720));
		driver.get(url(LINK));
		wait(WAIT).until(d -> !d.findElements(By.cssSelector("[data-testid=nft-draws] li")).isEmpty());
		List<String> rules = driver.findElements(By.cssSelector("[data-testid=nft-rules] li"))
			.stream()
			.map(WebElement::getText)
			.toList();
		assertThat(rules).anySatisfy(
				r -> assertThat(r).contains("services #1", "ip daddr . meta l4proto . th dport vmap @service-ips"));
		assertThat(rules).anySatisfy(r -> assertThat(r).contains("numgen random mod 3 vmap { 0 : goto endpoint-"));
		assertThat(rules).anySatisfy(r -> assertThat(r).contains("dnat to 10.11.0.9:80"));
		WebElement used = driver.findElement(By.cssSelector("[data-testid=nft-lookups] li.is-hit"));
		assertThat(used.getText())
			.contains("@service-ips [10.9.3.76 . tcp . 80] → 10.9.3.76 . tcp . 80 : goto service-", "element used");
		assertThat(driver.findElement(By.cssSelector("[data-testid=nft-draws] li")).getText())
			.contains("numgen random mod 3 = 0 → goto endpoint-", "drawn");
		screenshot("nftables-step-1280");
		driver.manage().window().setSize(new Dimension(390, 844));
		driver.get(url(LINK));
		wait(WAIT).until(d -> !d.findElements(By.cssSelector("[data-testid=nft-draws] li")).isEmpty());
		screenshot("nftables-step-390");
	}

}

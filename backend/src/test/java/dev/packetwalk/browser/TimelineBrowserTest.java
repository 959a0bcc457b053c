package dev.packetwalk.browser;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clusters that change, as a learner sees them: the pod's network is drawn piece by piece
 * as CNI ADD builds it, and a kube-proxy sync shows the rules it rewrote.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TimelineBrowserTest extends BrowserTest {

	private static final String ETH0 = "#topology g.dev[data-device='default/web|eth0']";

	private void open(String path) {
		driver.get(url(path));
		wait(WAIT).until(d -> "true".equals(d.findElement(By.id("player")).getDomAttribute("data-started"))
				&& !d.findElements(By.cssSelector("#topology g.dev")).isEmpty());
	}

	private static String cursor() {
		return driver.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor");
	}

	private static void forward() {
		String before = cursor();
		driver.findElement(By.cssSelector("[data-testid=btn-forward]")).click();
		wait(WAIT).until(d -> !before.equals(cursor()));
	}

	/** The current step's type, from its badge's class (the badge's text is styled). */
	private static String stepType() {
		String cls = driver.findElement(By.cssSelector("[data-testid=step-type]")).getDomAttribute("class");
		return cls.replaceFirst(".*\\bstep-(?!badge)([\\w-]+).*", "$1");
	}

	private static boolean eth0Drawn() {
		List<WebElement> e = driver.findElements(By.cssSelector(ETH0));
		assertThat(e).as("the map knows web's eth0 (it exists later in the run)").hasSize(1);
		return e.getFirst().isDisplayed();
	}

	@Test
	void podNetworkSetupDrawsEth0OnlyFromTheStepThatCreatesIt() throws Exception {
		open("/scenarios/pod-network-setup");
		assertThat(eth0Drawn()).as("before CNI ADD").isFalse();
		assertThat(driver.findElement(By.cssSelector("#topology g.ns[data-namespace='default/web']")).isDisplayed())
			.isFalse();
		forward();
		// the sandbox: the pod's namespace exists, eth0 does not yet
		assertThat(stepType()).isEqualTo("cni");
		assertThat(driver.findElement(By.id("narration")).getText()).contains("pause container");
		assertThat(driver.findElement(By.cssSelector("#topology g.ns[data-namespace='default/web']")).isDisplayed())
			.isTrue();
		assertThat(eth0Drawn()).as("after the sandbox, before the veth pair").isFalse();
		screenshot("timeline-1-sandbox");
		forward();
		assertThat(driver.findElement(By.cssSelector("[data-testid=step-detail]")).getText())
			.contains("ip link add eth0");
		wait(WAIT).until(d -> eth0Drawn());
		screenshot("timeline-2-veth");
		// the veth pair has no address yet: eth0 is drawn without one until CNI ADD sets
		// it
		assertThat(addressShown()).as("eth0's address at the veth step").isFalse();
		for (String action : List.of("MOVE", "ATTACH", "IPAM")) {
			forward();
			assertThat(stepType()).isEqualTo("cni");
			assertThat(addressShown()).as("eth0's address at the " + action + " step").isFalse();
		}
		assertThat(driver.findElement(By.cssSelector("[data-testid=step-detail]")).getText())
			.contains("allocated 10.244.1.3/24");
		forward();
		assertThat(driver.findElement(By.cssSelector("[data-testid=step-detail]")).getText())
			.contains("ip addr add 10.244.1.3/24 dev eth0");
		wait(WAIT).until(d -> addressShown());
		assertThat(driver.findElement(By.cssSelector(ETH0 + " tspan.addr")).getText()).isEqualTo("10.244.1.3/24");
		screenshot("timeline-3-address");
	}

	/** Is web's eth0 drawn with its address? */
	private static boolean addressShown() {
		List<WebElement> addr = driver.findElements(By.cssSelector(ETH0 + " tspan.addr"));
		return eth0Drawn() && !addr.isEmpty() && addr.getFirst().isDisplayed();
	}

	@Test
	void theKubeProxySyncStepShowsTheRuleDiffAndTheNewLadder() throws Exception {
		open("/scenarios/service-scale-up");
		// step until the first kube-proxy sync, as a learner clicking forward
		for (int i = 0; i < 200 && !stepType().equals("proxy-sync"); i++) {
			forward();
		}
		assertThat(stepType()).isEqualTo("proxy-sync");
		WebElement detail = driver.findElement(By.cssSelector("[data-testid=step-detail]"));
		List<WebElement> lines = detail.findElements(By.cssSelector("[data-testid=proxy-diff] li"));
		assertThat(lines).extracting(WebElement::getText)
			.anyMatch(t -> t.startsWith("- -A KUBE-SVC-") && t.contains("--probability 0.3333333333"))
			.anyMatch(t -> t.startsWith("+ -A KUBE-SVC-") && t.contains("--probability 0.2000000000"));
		assertThat(detail.getText()).contains("1/5 1/4 1/3 1/2 1");
		screenshot("timeline-4-proxy-sync");
	}

}

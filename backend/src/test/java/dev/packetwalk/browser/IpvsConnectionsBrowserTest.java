package dev.packetwalk.browser;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device inspector's {@code ipvsadm -Lnc} tab in an IPVS scenario: at
 * pod-to-service-ipvs's {@code ipvs} step node1's IPVS connection table opens by itself
 * (the only table the step touched), with ipvsadm's header and the connection the step
 * made highlighted, next to the {@code ipvsadm -Ln} tab; one step on it is still listed,
 * no longer marked. Screenshots at 1280x720 and 390x844.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IpvsConnectionsBrowserTest extends BrowserTest {

	@AfterEach
	void normalViewport() {
		((ChromiumDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
	}

	@Test
	void theIpvsStepsConnectionIsHighlightedInIpvsadmLnc() throws Exception {
		List<JsonNode> steps = InspectBrowserTest.traceSteps(url("/api/scenarios/pod-to-service-ipvs/trace"));
		int ipvs = -1;
		for (int i = 0; i < steps.size() && ipvs < 0; i++) {
			if ("ipvs".equals(steps.get(i).get("type").asString())) {
				ipvs = i;
			}
		}
		assertThat(ipvs).as("an ipvs step").isNotNegative();
		JsonNode step = steps.get(ipvs);
		String node = step.at("/at/namespace").asString();
		String client = step.at("/packet/ip/src").asString() + ":" + step.at("/packet/l4/srcPort").asInt();
		String chosen = step.get("chosen").asString();
		int at = ipvs + 1;
		for (String vp : List.of("desktop", "phone")) {
			EvidenceBrowserTest.viewport(vp);
			driver.get(url("/scenarios/pod-to-service-ipvs?step=" + at));
			wait(WAIT).until(d -> String.valueOf(at - 1)
				.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
					&& !d.findElements(By.cssSelector("g.ns[data-namespace='" + node + "']")).isEmpty());
			((JavascriptExecutor) driver)
				.executeScript("document.querySelector(\"g.ns[data-namespace='" + node + "']\").focus()");
			new Actions(driver).sendKeys(Keys.ENTER).perform();
			WebElement box = InspectBrowserTest.inspectorAt(at);
			WebElement tab = box.findElement(By.cssSelector("[data-testid=di-tab-ipvs-conn]"));
			assertThat(tab.getText()).isEqualTo("ipvsadm -Lnc");
			assertThat(tab.getDomAttribute("aria-selected")).as(vp + ": the table the step touched opens")
				.isEqualTo("true");
			assertThat(box.findElement(By.cssSelector("[data-testid=di-tab-ipvs]")).getText()).isEqualTo("ipvsadm -Ln");
			assertThat(box.findElement(By.cssSelector("[data-testid=di-command]")).getText())
				.isEqualTo("# ipvsadm -Lnc");
			WebElement table = box.findElement(By.cssSelector("[data-testid=di-table]"));
			List<WebElement> lines = table.findElements(By.cssSelector("[data-testid=di-line]"));
			assertThat(lines).hasSize(3);
			assertThat(lines.get(0).getText()).isEqualTo("IPVS connection entries");
			assertThat(lines.get(1).getText()).startsWith("pro expire state");
			WebElement created = lines.get(2);
			assertThat(created.getDomAttribute("data-mark")).isEqualTo("created");
			assertThat(created.getDomAttribute("class")).contains("is-marked");
			assertThat(created.getText().replaceAll("\\s+", " ").strip()).isEqualTo("TCP 01:00 SYN_RECV " + client + " "
					+ step.get("virtualServer").asString().split("\\s+")[1] + " " + chosen);
			Map<?, ?> fit = (Map<?, ?>) ((JavascriptExecutor) driver).executeScript("""
					const [table, line, box] = arguments;
					const t = table.getBoundingClientRect(), r = line.getBoundingClientRect();
					return {sideways: table.scrollWidth - table.clientWidth,
					  inTable: r.top >= t.top - 1 && r.bottom <= t.bottom + 1 ? 1 : 0,
					  page: document.documentElement.scrollWidth - window.innerWidth};
					""", table, created, box);
			((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", box);
			screenshot("device-inspector-ipvs-conn-" + vp);
			assertThat(((Number) fit.get("sideways")).intValue()).as(vp + ": the table scrolls sideways")
				.isLessThanOrEqualTo(0);
			assertThat(((Number) fit.get("inTable")).intValue()).as(vp + ": the entry in the table's view")
				.isEqualTo(1);
			assertThat(((Number) fit.get("page")).intValue()).as(vp + ": the page overflows sideways")
				.isLessThanOrEqualTo(0);
			// one step on (the DNAT it made): still listed, marked used by the
			// conntrack binding's step
			driver.findElement(By.cssSelector("[data-testid=btn-forward]")).click();
			InspectBrowserTest.inspectorAt(at + 1);
			box.findElement(By.cssSelector("[data-testid=di-tab-ipvs-conn]")).click();
			wait(WAIT).until(d -> box.findElements(By.cssSelector("[data-testid=di-line]")).size() == 3
					&& box.findElement(By.cssSelector("[data-testid=di-command]")).getText().equals("# ipvsadm -Lnc"));
			assertThat(box.findElements(By.cssSelector("[data-testid=di-line]")).get(2).getText()).contains(chosen);
		}
	}

}

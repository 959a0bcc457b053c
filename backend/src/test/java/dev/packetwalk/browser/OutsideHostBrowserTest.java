package dev.packetwalk.browser;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside hosts made on the fly by a flow's bare address (netpol-docs-example: the
 * clients 172.17.0.5 and 172.17.1.5, the egress destination 10.0.0.5) are drawn readably
 * at Fit on a laptop and a phone: each box shows its address as its name, the names do
 * not overlap each other, and each is linked to its port on the router.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OutsideHostBrowserTest extends BrowserTest {

	private static Object js(String script, Object... args) {
		return ((JavascriptExecutor) driver).executeScript(script, args);
	}

	@AfterEach
	void normalViewport() {
		((ChromiumDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
	}

	@ParameterizedTest
	@ValueSource(strings = { "desktop", "phone" })
	void onTheFlyHostsAreDrawnReadably(String viewport) throws Exception {
		EvidenceBrowserTest.viewport(viewport);
		driver.get(url("/scenarios/netpol-docs-example"));
		wait(WAIT).until(d -> {
			WebElement index = d.findElement(By.cssSelector("[data-testid=step-index]"));
			String total = index.getDomAttribute("data-total");
			return total != null && !"0".equals(total) && !d.findElements(By.cssSelector("#topology g.dev")).isEmpty();
		});
		driver.findElement(By.cssSelector("[data-testid=btn-fit]")).click();
		wait(WAIT).until(d -> js(
				"const s = document.querySelector('#topology'); return s.dataset.zoom && !s.__transition") != null);
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> hosts = (List<Map<String, Object>>) js(
				"""
						const k = +document.querySelector('#topology').dataset.zoom;
						return [...document.querySelectorAll('#topology g.ns[data-kind=HOST]')].map(g => {
						  const t = g.querySelector('text.ns-label').getBoundingClientRect();
						  const box = g.querySelector('rect.ns-box').getBoundingClientRect();
						  return { id: g.dataset.namespace, label: g.querySelector('text.ns-label').textContent,
						    px: parseFloat(getComputedStyle(g.querySelector('text.ns-label')).fontSize) * k,
						    l: t.left, r: t.right, t: t.top, b: t.bottom, inside: t.right <= box.right + 1 && t.bottom <= box.bottom + 1 };
						});""");
		assertThat(hosts).extracting(h -> h.get("id"))
			.containsExactlyInAnyOrder("host/172.17.0.5", "host/172.17.1.5", "host/10.0.0.5");
		for (Map<String, Object> h : hosts) {
			assertThat((String) h.get("label")).as("the name shows the address")
				.contains(((String) h.get("id")).substring(5));
			assertThat((Boolean) h.get("inside")).as(h.get("id") + "'s name inside its box").isTrue();
			if (viewport.equals("desktop")) {
				// (on a phone Fit shows the whole picture small; the step below checks
				// the
				// sender's name where the camera follows the packet)
				assertThat(((Number) h.get("px")).doubleValue()).as(h.get("id") + "'s name size at Fit")
					.isGreaterThanOrEqualTo(11);
			}
		}
		for (int i = 0; i < hosts.size(); i++) {
			for (int j = i + 1; j < hosts.size(); j++) {
				Map<String, Object> a = hosts.get(i);
				Map<String, Object> b = hosts.get(j);
				boolean overlap = num(a, "l") < num(b, "r") && num(b, "l") < num(a, "r") && num(a, "t") < num(b, "b")
						&& num(b, "t") < num(a, "b");
				assertThat(overlap).as(a.get("id") + " and " + b.get("id") + " names overlap").isFalse();
			}
		}
		// each host's eth0 is drawn with the link to its port on the router
		for (String ip : List.of("172.17.0.5", "172.17.1.5", "10.0.0.5")) {
			assertThat(driver.findElements(By.cssSelector("#topology [data-device='router|h-" + ip + "']")))
				.as("router port toward " + ip)
				.isNotEmpty();
			assertThat(driver.findElements(By.cssSelector("#topology [data-link*='host/" + ip + "|eth0']")))
				.as("link of " + ip + "'s eth0")
				.isNotEmpty();
		}
		String size = viewport.equals("phone") ? "390x844" : "1280x720";
		screenshot("outside-hosts-fit-" + size);
		// the first step: the outside host 172.17.0.5 sends; the camera frames it, its
		// name readable on the stage
		sendersNameOnTheStageAtStep1("netpol-docs-example", "host/172.17.0.5", viewport);
		@SuppressWarnings("unchecked")
		Map<String, Object> sender = (Map<String, Object>) js("""
				const svg = document.querySelector('#topology');
				const t = svg.querySelector('g.ns[data-namespace="host/172.17.0.5"] text.ns-label');
				return { px: parseFloat(getComputedStyle(t).fontSize) * +svg.dataset.zoom };""");
		screenshot("outside-hosts-step1-" + size);
		assertThat(((Number) sender.get("px")).doubleValue()).as("the sender's name at step 1")
			.isGreaterThanOrEqualTo(11);
	}

	/**
	 * At step 1 an outside host sends: on a phone (390x844) its box is wider than the
	 * stage, and the camera keeps the packet at the box's right in view; the host's name
	 * (at the box's left) slides onto the stage with its box's edge, whole, clear of the
	 * packet's label (it was cut at the stage's left edge: "…2.50").
	 */
	@ParameterizedTest
	@ValueSource(
			strings = { "nodeport host/client", "lb-source-ranges host/office", "netpol-docs-example host/172.17.0.5" })
	void theSendersNameIsWholeOnAPhoneAtStep1(String scenarioAndHost) throws Exception {
		String[] s = scenarioAndHost.split(" ");
		EvidenceBrowserTest.viewport("phone");
		sendersNameOnTheStageAtStep1(s[0], s[1], "phone");
		screenshot("outside-sender-step1-" + s[0] + "-390x844");
	}

	private void sendersNameOnTheStageAtStep1(String scenario, String host, String viewport) {
		driver.get(url("/scenarios/" + scenario + "?step=1"));
		wait(WAIT).until(d -> "0"
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& !d.findElements(By.cssSelector("#topology g.ns[data-namespace='" + host + "'] text.ns-label"))
					.isEmpty());
		untilNoProblems(scenario + " on a " + viewport + " at step 1", Sight.PROBLEMS,
				List.of(List.of(host + "'s name", "#topology g.ns[data-namespace='" + host + "'] text.ns-label"),
						List.of("the packet's label", "g.packet rect.plabel-bg")));
	}

	private static double num(Map<String, Object> m, String k) {
		return ((Number) m.get(k)).doubleValue();
	}

}

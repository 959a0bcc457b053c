package dev.packetwalk.browser;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chromium.ChromiumDriver;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Following the packet on a phone (390x844) and a projector (1280x720, presenter mode),
 * the packet's label stays readable: the camera zooms out to keep the walk's sender and
 * receiver in the frame only down to a scale where it still is. On a phone the stage is
 * too narrow for them at a readable scale (zoomed out to 0.5 the label and the addresses
 * were drawn 6 px high, pod names overlapped their netns lines); on a projector the label
 * stays at least 14 px (at 0.8 it was 11 px, the addresses 10 px).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PhoneAndProjectorBrowserTest extends BrowserTest {

	@AfterEach
	void normalViewport() {
		((ChromiumDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		// presenter mode lives in the tab's session
		((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
	}

	/** The packet's label: its first line's size on screen, and its box. */
	private static final String LABEL_SIZE = """
			const svg = document.querySelector('#topology');
			const t = svg.querySelector('g.packet text.plabel-text tspan.plabel-main') || svg.querySelector('g.packet text.plabel-text');
			if (!t) return ['the packet has no label'];
			const px = parseFloat(getComputedStyle(t).fontSize) * +svg.dataset.zoom;
			return px >= arguments[0] ? [] : ['the packet\\'s label is drawn ' + px.toFixed(1) + ' px high'];""";

	/**
	 * Step 1 of walks whose pods are far apart (pod1 and the backend on another node, or
	 * in another node's column): the label is at least 9 px high, whole on the stage.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "pod-to-service-ipvs", "pod-to-pod-host-gw", "service-session-affinity" })
	void theCameraStaysReadableOnAPhone(String scenario) throws Exception {
		EvidenceBrowserTest.viewport("phone");
		driver.get(url("/scenarios/" + scenario + "?step=1"));
		wait(WAIT).until(d -> "0"
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& !d.findElements(By.cssSelector("g.packet rect.plabel-bg")).isEmpty());
		untilNoProblems(scenario + " on a phone at step 1", LABEL_SIZE, 9.0);
		untilNoProblems(scenario + " on a phone at step 1", Sight.PROBLEMS,
				List.of(List.of("the packet's label", "g.packet rect.plabel-bg")));
		Number k = (Number) ((JavascriptExecutor) driver)
			.executeScript("return +document.querySelector('#topology').dataset.zoom");
		assertThat(k.doubleValue()).as("the camera's scale").isGreaterThanOrEqualTo(0.75);
		screenshot("phone-step1-" + scenario);
	}

	/**
	 * In presenter mode at 1280x720, mid-walk where the sender and the receiver are in
	 * different nodes side by side (kernel step 41 of pod-to-pod-vxlan: cni0 on node2;
	 * step 30 of docker-bridge-vs-pod: docker0 on host1): the packet's label is at least
	 * 14 px high, whole on the stage.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "pod-to-pod-vxlan 41", "docker-bridge-vs-pod 30" })
	void theLabelReadsFromTheBackOfTheRoom(String scenarioAndStep) throws Exception {
		String[] s = scenarioAndStep.split(" ");
		EvidenceBrowserTest.viewport("desktop");
		driver.get(url("/scenarios/" + s[0] + "?present&step=" + s[1]));
		wait(WAIT).until(d -> String.valueOf(Integer.parseInt(s[1]) - 1)
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& "true".equals(d.findElement(By.id("player")).getDomAttribute("data-presenting"))
				&& !d.findElements(By.cssSelector("g.packet rect.plabel-bg")).isEmpty());
		untilNoProblems(s[0] + " presenting at kernel step " + s[1], LABEL_SIZE, 14.0);
		untilNoProblems(s[0] + " presenting at kernel step " + s[1], Sight.PROBLEMS,
				List.of(List.of("the packet's label", "g.packet rect.plabel-bg")));
		screenshot("projector-" + s[0] + "-" + s[1]);
	}

	/**
	 * A pod's name slid onto the stage (its box's top is above the stage) moves past its
	 * devices' address lines instead of covering them: nodeport in presenter mode at
	 * kernel step 49 (node2's nat POSTROUTING) slid "web-1" down onto "10.244.2.5/24".
	 */
	@Test
	void aSlidPodNameCoversNoAddress() throws Exception {
		EvidenceBrowserTest.viewport("desktop");
		driver.get(url("/scenarios/nodeport?present&step=49"));
		wait(WAIT).until(d -> "48"
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& "true".equals(d.findElement(By.id("player")).getDomAttribute("data-presenting")));
		untilNoProblems("nodeport presenting at kernel step 49", Sight.PROBLEMS,
				List.of(List.of("web-1's name", "g.ns[data-namespace='default/web-1'] text.ns-label"),
						List.of("web-1's eth0 address", "g.dev[data-device='default/web-1|eth0'] text.dev-lines"),
						List.of("the packet's label", "g.packet rect.plabel-bg")));
		screenshot("projector-nodeport-49");
	}

	/**
	 * In presenter mode at 1280x720, a walk's last step with a long takeaway
	 * (lb-source-ranges-ipvs: the node's own connection dropped by KUBE-IPVS-OUT-FILTER):
	 * the narration scrolls past 40% of the screen's height, so the stage keeps room for
	 * the dropped packet and its label, whole and clear of the outcome banner and the
	 * journey strip (the takeaway left the stage 160 px, the label cut at its top).
	 */
	@Test
	void aLongTakeawayLeavesThePictureRoom() throws Exception {
		EvidenceBrowserTest.viewport("desktop");
		driver.get(url("/scenarios/lb-source-ranges-ipvs?present&step=140"));
		wait(WAIT).until(d -> "139"
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& "true".equals(d.findElement(By.id("player")).getDomAttribute("data-presenting"))
				&& d.findElement(By.cssSelector("[data-testid=takeaway]")).isDisplayed());
		untilNoProblems("lb-source-ranges-ipvs presenting at its last step", Sight.PROBLEMS,
				List.of(List.of("the dropped packet", "g.packet circle.drop-ring"),
						List.of("the packet's label", "g.packet rect.plabel-bg")));
		screenshot("projector-lb-source-ranges-ipvs-last");
	}

	/**
	 * A network band's name (the VPC, an L2 segment, the Internet) drawn on the stage is
	 * whole, not under the view tools or the walk's outcome, and not under the dropped
	 * packet.
	 */
	private static final String BAND_NAMES = """
			const svg = document.querySelector('#topology');
			const st = svg.getBoundingClientRect();
			const meets = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
			  && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
			const covers = [...document.querySelectorAll('.stage-tools, [data-testid=disposition]')]
			  .filter(e => !e.hidden && e.getBoundingClientRect().height > 0).map(e => e.getBoundingClientRect());
			const ring = svg.querySelector('g.packet circle.drop-ring');
			if (ring && ring.getAttribute('display') !== 'none') covers.push(ring.getBoundingClientRect());
			const problems = [];
			for (const t of svg.querySelectorAll('g.ns-underlay text.ns-label')) {
			  const r = t.getBoundingClientRect();
			  if (getComputedStyle(t).visibility === 'hidden' || !meets(r, st)) continue;
			  if (r.left < st.left - 1 || r.right > st.right + 1 || r.top < st.top - 1 || r.bottom > st.bottom + 1) {
			    problems.push(t.textContent + ' is cut by the stage\\'s edge');
			  }
			  if (covers.some(c => meets(r, c))) problems.push(t.textContent + ' lies under the view tools, the outcome or the packet');
			}
			return problems;""";

	/**
	 * On a phone, a network band's name is whole on the stage or not drawn: it slides
	 * with the stage's left edge, and is not drawn where the stage would cut it, the view
	 * tools would cover it or the dropped packet lies on it (pod-to-pod-cross-node-routed
	 * step 34: "VPC network 10.240.0.0/16" cut at the right edge and under the tools;
	 * antispoof's last step: the drop's cross on "VPC network").
	 */
	@ParameterizedTest
	@ValueSource(strings = { "pod-to-pod-cross-node-routed 34", "pod-to-pod-host-gw 28",
			"pod-to-pod-cross-node-antispoof 22" })
	void aNetworksNameIsWholeOrNotDrawnOnAPhone(String scenarioAndStep) throws Exception {
		String[] s = scenarioAndStep.split(" ");
		EvidenceBrowserTest.viewport("phone");
		driver.get(url("/scenarios/" + s[0] + "?step=" + s[1]));
		wait(WAIT).until(d -> String.valueOf(Integer.parseInt(s[1]) - 1)
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& !d.findElements(By.cssSelector("g.packet")).isEmpty());
		untilNoProblems(s[0] + " on a phone at step " + s[1], BAND_NAMES);
		screenshot("phone-band-name-" + s[0] + "-" + s[1]);
	}

	/**
	 * A packet's label wider than a phone's stage at the readable scale (ingress-http
	 * step 114: the un-DNAT's struck backend address and the restored one) is shown
	 * whole, the camera zoomed out to fit it (it was cut at both edges).
	 */
	@Test
	void aWideLabelIsWholeOnAPhone() throws Exception {
		EvidenceBrowserTest.viewport("phone");
		driver.get(url("/scenarios/ingress-http?step=114"));
		wait(WAIT).until(d -> "113"
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& !d.findElements(By.cssSelector("g.packet rect.plabel-bg")).isEmpty());
		untilNoProblems("ingress-http on a phone at step 114", Sight.PROBLEMS,
				List.of(List.of("the packet's label", "g.packet rect.plabel-bg")));
		screenshot("phone-ingress-http-114");
	}

	/**
	 * A step off the map (a cluster change: the EndpointSlice controller) opened in
	 * presenter mode shows the whole picture fitted to the presenter's stage: it was
	 * fitted to the stage before presenter mode changed its size (a third of the stage
	 * used, in its top left corner).
	 */
	@Test
	void aControlPlaneStepIsFittedToThePresentersStage() throws Exception {
		EvidenceBrowserTest.viewport("desktop");
		driver.get(url("/scenarios/udp-conntrack-flush?present&step=78"));
		wait(WAIT).until(d -> "77"
			.equals(d.findElement(By.cssSelector("[data-testid=step-index]")).getDomAttribute("data-cursor"))
				&& "true".equals(d.findElement(By.id("player")).getDomAttribute("data-presenting")));
		untilNoProblems("udp-conntrack-flush presenting at kernel step 78", """
				const svg = document.querySelector('#topology');
				const st = svg.getBoundingClientRect();
				const p = svg.querySelector('g.topo').getBoundingClientRect();
				const used = Math.max(p.width / st.width, p.height / st.height);
				return used >= 0.85 ? [] : ['the picture fills ' + Math.round(used * 100) + '% of the stage'];""");
		screenshot("projector-udp-conntrack-flush-78");
	}

}

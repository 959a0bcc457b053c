package dev.packetwalk.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.packetwalk.browser.EditorPage.el;
import static dev.packetwalk.browser.EditorPage.js;
import static dev.packetwalk.browser.EditorPage.text;
import static dev.packetwalk.browser.EditorPage.typeAt;
import static dev.packetwalk.browser.EditorPage.waitReady;
import static dev.packetwalk.browser.EditorPage.waitState;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saving from the editor into the scenarios directory
 * ({@code packetwalk.scenarios.writable=true}): the file is written, the library lists it
 * (hot reload), and a save over a file changed on disk since it was opened is refused
 * with nothing written.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SaveToDirectoryBrowserTest extends BrowserTest {

	private static Path dir;

	@DynamicPropertySource
	static void scenariosDirectory(DynamicPropertyRegistry registry) throws IOException {
		dir = Files.createTempDirectory("packetwalk-save-");
		registry.add("packetwalk.scenarios.dir", dir::toString);
		registry.add("packetwalk.scenarios.writable", () -> "true");
		registry.add("packetwalk.scenarios.poll-interval", () -> "200ms");
	}

	@Test
	void theEditorSavesIntoTheDirectoryTheLibraryListsItAndAChangedFileIsNotOverwritten() throws IOException {
		driver.get(url("/"));
		js("localStorage.clear()");
		driver.get(url("/editor"));
		waitReady();
		waitState("valid");
		String name = "name: my-first-scenario";
		typeAt(text().indexOf(name) + name.length(), "-saved");
		wait(WAIT).until(d -> text().contains("name: my-first-scenario-saved"));
		el("btn-save").click();
		wait(WAIT).until(d -> "saved".equals(el("save-status").getDomAttribute("data-state")));
		assertThat(el("save-status").getText()).contains("my-first-scenario-saved.yaml");
		Path file = dir.resolve("my-first-scenario-saved.yaml");
		assertThat(Files.readString(file)).isEqualTo(text());
		assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
			.containsExactly("my-first-scenario-saved.yaml");
		screenshot("editor-7-saved");

		// the library has it
		driver.get(url("/"));
		wait(WAIT).until(d -> !d
			.findElements(By.cssSelector("[data-testid=scenario-card][data-scenario-id='my-first-scenario-saved']"))
			.isEmpty());

		// opened again, changed on disk meanwhile: the editor's save is refused and the
		// file keeps the other change
		driver.get(url("/editor/my-first-scenario-saved"));
		waitReady();
		Files.writeString(file, Files.readString(file) + "# changed by someone else\n");
		String title = "title: Pod to pod on one node";
		typeAt(text().indexOf(title) + title.length(), ", mine");
		el("btn-save").click();
		wait(WAIT).until(d -> "refused".equals(el("save-status").getDomAttribute("data-state")));
		assertThat(el("save-status").getText()).contains("has changed on disk since you opened it");
		assertThat(Files.readString(file)).contains("# changed by someone else").doesNotContain(", mine");
		screenshot("editor-8-save-refused");
	}

	@Test
	void onlyAPlainNameInsideTheDirectoryIsWritten() throws Exception {
		java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
		for (String id : new String[] { "Not_A_Name", "..%2Fescaped", "%2Ftmp%2Fescaped" }) {
			java.net.http.HttpResponse<String> res = http
				.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/api/scenarios/" + id + "/yaml")))
					.header("Content-Type", "text/yaml")
					.PUT(java.net.http.HttpRequest.BodyPublishers.ofString("kind: Scenario\n"))
					.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
			assertThat(res.statusCode()).as(id).isIn(403, 404);
		}
		assertThat(Files.exists(dir.getParent().resolve("escaped"))).isFalse();
		assertThat(Files.exists(Path.of("/tmp/escaped"))).isFalse();
		try (var files = Files.list(dir)) {
			assertThat(files.map(p -> p.getFileName().toString()))
				.noneMatch(n -> n.contains("escaped") || n.contains("Not_A_Name"));
		}
	}

}

package dev.landfall.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renderer in headless Chromium on hand-made extremes the flow tests do not reach: markup in
 * every value, a record of 5,000 characters, 40 months, a million rows, a source without routines,
 * and an empty report. (Real runs: {@code dev.landfall.flow.ReportPageBrowserTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportPageRenderingTest {
  private Chromium chromium;
  private Path temp;

  @BeforeAll
  void startBrowser(@TempDir Path dir) throws IOException {
    temp = dir;
    chromium = Chromium.start(dir.resolve("chromium-profile"));
  }

  @AfterAll
  void stopBrowser() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void awkwardReport_runsNoDataAsCodeAndFitsTheWindow() throws IOException {
    Chromium.Page page = open("awkward", ReportFixtures.awkward());

    assertEquals(
        "undefined",
        page.evaluate("typeof window.pwned").asText(),
        "markup in the data stays text");
    assertEquals(0, page.evaluate("document.scripts.length").asInt());
    assertEquals(
        "1,000,002",
        page.evaluate(
                "document.querySelector(\"[data-k='src.transactions.lake_rows']\").textContent")
            .asText());
    assertEquals(
        ReportFixtures.HOSTILE,
        page.evaluate("document.querySelector(\"[data-k='cust.id']\").textContent").asText());
    assertEquals(2, page.evaluate("document.querySelectorAll('svg.chart').length").asInt());
    assertEquals(
        40, page.evaluate("document.querySelectorAll('#monthly-totals tbody tr').length").asInt());
    assertFitsAndFetchesNothing(page, "awkward");
    int height = page.evaluate("document.documentElement.scrollHeight").asInt();
    assertTrue(height < 4000, "40 months and long records keep the page short: " + height + " px");
  }

  @Test
  void emptyReport_rendersEverySectionWithItsMessage() throws IOException {
    Chromium.Page page = open("empty", ReportFixtures.empty());

    JsonNode empty =
        page.evaluate("[...document.querySelectorAll('.empty')].map(e => e.textContent)");
    assertEquals(
        List.of(
            "No sources configured.",
            "No transactions yet.",
            "No customer with spend yet.",
            "No snapshot yet."),
        List.of(
            empty.get(0).asText(),
            empty.get(1).asText(),
            empty.get(2).asText(),
            empty.get(3).asText()));
    assertFitsAndFetchesNothing(page, "empty");
  }

  private Chromium.Page open(String name, RunReport report) throws IOException {
    Path html = temp.resolve(name + ".html");
    ReportPage.write(html, report);
    return chromium.open(html.toUri(), 1280, 900);
  }

  private static void assertFitsAndFetchesNothing(Chromium.Page page, String name) {
    for (int width : new int[] {760, 1280}) {
      page.resize(width, 900);
      assertTrue(
          page.evaluate("document.documentElement.scrollWidth <= window.innerWidth").asBoolean(),
          name + ": nothing wider than a " + width + " px window");
    }
    String self = page.evaluate("location.href").asText();
    assertEquals(List.of(), page.requests().stream().filter(u -> !u.equals(self)).toList(), name);
    byte[] png = page.screenshot();
    assertTrue(png.length > 1000 && png[1] == 'P', name + ": a PNG screenshot");
  }
}

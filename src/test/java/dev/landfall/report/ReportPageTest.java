package dev.landfall.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renderers without a browser: escaping, empty and extreme reports, formats. */
class ReportPageTest {

  @Test
  void render_escapesEveryValueFromTheData() {
    String html = ReportPage.render(ReportFixtures.awkward());

    assertFalse(html.contains("<script"), "no markup from the data survives");
    assertTrue(html.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;&#39;&amp;"));
    assertFalse(html.contains("http://") || html.contains("https://"), "nothing to fetch");
  }

  @Test
  void render_emptyReportSaysWhatIsMissing() {
    String html = ReportPage.render(ReportFixtures.empty());

    assertTrue(html.contains("No sources configured."));
    assertTrue(html.contains("No transactions yet."));
    assertTrue(html.contains("No customer with spend yet."));
    assertTrue(html.contains("No snapshot yet."));
    assertTrue(html.contains("<code data-k=\"load_id\">all loads</code>"));
  }

  @Test
  void render_showsPathsRelativeToTheRunsFolderAndCutsLongRecords() {
    String html = ReportPage.render(ReportFixtures.awkward());

    assertTrue(html.contains("<main data-root=\"gs://bucket/landing/\">"));
    assertTrue(html.contains("<span class=\"file\">transactions/t.csv</span>"));
    assertTrue(html.contains("title=\"gs://bucket/landing/transactions/t.csv\""));
    assertTrue(html.contains("x".repeat(ReportPage.MAX_EXAMPLE_CHARS) + "… (5,000 characters)"));
    assertFalse(html.contains("x".repeat(ReportPage.MAX_EXAMPLE_CHARS + 1)));
  }

  @Test
  void render_sourceWithoutRoutinesStaysInTheLakeAndUnbalancedLoadSaysWhy() {
    String html = ReportPage.render(ReportFixtures.awkward());

    assertTrue(
        html.contains(
            "<span data-k=\"src.clicks.lake_rows\">12,345</span> lake rows — no routines"));
    assertFalse(html.contains("src.clicks.typed"));
    assertTrue(
        html.contains(
            "<span class=\"bad\" data-k=\"src.transactions.status\">awaiting_unpack</span>"));
    assertTrue(html.contains("… and 9,998 more in rejects.csv"));
  }

  @Test
  void erasedRows_countInConservationAndTheRunsErasuresShowEverywhere(@TempDir Path dir)
      throws IOException {
    RunReport report = ReportFixtures.awkward();

    String html = ReportPage.render(report);
    SummaryJson.write(dir.resolve("summary.json"), report);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TerminalSummary.print(new PrintStream(out, true, StandardCharsets.UTF_8), report);
    String terminal = out.toString(StandardCharsets.UTF_8);

    assertTrue(report.sources().get(1).isBalanced(), "5 lake rows = 3 typed + 2 erased");
    assertTrue(html.contains("<span data-k=\"src.customers.erased\">2</span> erased"));
    assertTrue(html.contains("class=\"seg erased\" style=\"flex-grow:2\""));
    assertTrue(html.contains("<section id=\"erasures\">"));
    assertTrue(html.contains("<code>scripts/erase_customer.sh --landing-copies</code>"), "the page names the sweep");
    assertTrue(html.contains("customers 2"));
    assertFalse(html.contains("src.clicks.erased"), "no routines: no erased count");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals(2, json.at("/sources/customers/erased").asLong());
    assertTrue(json.at("/sources/clicks/erased").isMissingNode());
    JsonNode erasure = json.at("/run/erasures/0");
    assertEquals("REQ-" + ReportFixtures.HOSTILE, erasure.path("request_id").asText());
    assertTrue(erasure.path("requested_at").isNull());
    assertEquals(2, erasure.at("/lines/customers").asLong());
    assertEquals(1, erasure.at("/pseudonymised_lines/transactions").asLong());
    assertTrue(terminal.contains("lake rows = typed + rejected + duplicates + erased"));
    assertTrue(terminal.contains("landed 3 line(s) of the erased customer as erased (customers 2), pseudonymised (transactions 1)"), terminal);
    assertTrue(terminal.contains("run scripts/erase_customer.sh --landing-copies to remove them"), terminal);
    assertFalse(terminal.contains("--request-id"), "the sweep needs no request id: " + terminal);
  }

  @Test
  void deadLetteredRows_showTheViewsStatusAlthoughTheLakeRowsBalance(@TempDir Path dir)
      throws IOException {
    RunReport empty = ReportFixtures.empty();
    RunReport report =
        new RunReport(
            "load-1",
            null,
            "GBP",
            "",
            List.of(
                new RunReport.SourceSummary(
                    "transactions", 3, 2L, 1L, 0L, 0L, "rows_dead_lettered", List.of()),
                new RunReport.SourceSummary("customers", 1, 1L, 0L, 0L, 0L, "balanced", List.of())),
            List.of(),
            null,
            null,
            null,
            empty.facts(),
            List.of(),
            List.of());

    String html = ReportPage.render(report);
    SummaryJson.write(dir.resolve("summary.json"), report);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TerminalSummary.print(new PrintStream(out, true, StandardCharsets.UTF_8), report);

    assertTrue(report.sources().get(0).isBalanced(), "the lake rows are accounted for");
    assertTrue(
        html.contains(
            "<span class=\"bad\" data-k=\"src.transactions.status\">rows_dead_lettered</span>"));
    assertTrue(
        html.contains("<span class=\"ok\" data-k=\"src.customers.status\">balanced</span>"));
    JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals("rows_dead_lettered", json.at("/sources/transactions/status").asText());
    assertEquals("balanced", json.at("/sources/customers/status").asText());
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.contains(
            "  transactions            3          2          1          0          0  rows_dead_lettered"),
        text);
  }

  @Test
  void commonFolder_isTheLongestSharedFolder() {
    assertEquals(
        "/data/in/", RunReport.commonFolder(List.of("/data/in/a/x.csv", "/data/in/b/y.csv")));
    assertEquals("/data/", RunReport.commonFolder(List.of("/data/in/x.csv", "/data/inbox/y.csv")));
    assertEquals("gs://b/c/", RunReport.commonFolder(List.of("gs://b/c/x.csv")));
    assertEquals("", RunReport.commonFolder(List.of("x.csv", "/a/y.csv")));
    assertEquals("", RunReport.commonFolder(List.of()));
  }

  @Test
  void niceStep_isOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
    assertEquals(2500, Charts.niceStep(2189.5), 1e-9);
    assertEquals(100, Charts.niceStep(72.5), 1e-9);
    assertEquals(0.5, Charts.niceStep(0.31), 1e-9);
    assertEquals(1, Charts.niceStep(1), 1e-9);
  }

  @Test
  void numbers_areGroupedAndMoneyRoundsHalfUp() {
    assertEquals("10,000", Numbers.count(10_000));
    assertEquals("1,234.57", Numbers.money(new BigDecimal("1234.565")));
    assertEquals("0.00", Numbers.money(BigDecimal.ZERO));
    assertEquals("12.5", Numbers.seconds(12.46));
  }

  @Test
  void summaryJson_keepsTheContractShapeAndExactAmounts(@TempDir Path dir) throws IOException {
    SummaryJson.write(dir.resolve("summary.json"), ReportFixtures.awkward());

    JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals(1_000_002, json.at("/sources/transactions/lake_rows").asLong());
    assertEquals(10_000, json.at("/sources/transactions/rejected").asLong());
    assertTrue(json.at("/sources/clicks/typed").isMissingNode(), "no routines: no typed count");
    assertEquals(10_000, json.at("/rejects_by_reason/transactions/invalid_amount").asLong());
    assertEquals(
        99, json.at("/reject_examples/transactions/invalid_amount/1/source_offset").asLong());
    assertEquals(
        "123456789.123456789", json.at("/top_customers/customers/0/lifetime_value").asText());
    assertEquals(
        "12345.678901234",
        json.at("/customer_monthly_spend/months/0/avg_monthly_spend_to_date").asText());
    assertEquals(1_012_350 / 300.5, json.at("/run/records_per_second").asDouble(), 1e-9);
    assertEquals("drop/unknown_2026-11-01.csv", json.at("/run/unmatched_files/0").asText());
  }

  @Test
  void terminalSummary_printsTheSameCounts() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TerminalSummary.print(
        new PrintStream(out, true, StandardCharsets.UTF_8), ReportFixtures.awkward());

    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.contains(
            "  transactions    1,000,002    990,000     10,000          1          0  awaiting_unpack"),
        text);
    assertTrue(
        text.contains(
            "  clicks             12,345          -          -          -          -  stays in the lake"),
        text);
    assertTrue(text.contains("e.g. transactions/t.csv at byte 10"), text);
    assertTrue(text.contains("no configured source claims them"), text);
    assertTrue(text.contains("drop/unknown_2026-11-01.csv"), text);
  }
}

package dev.landfall.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.landfall.config.LandfallConfig;
import dev.landfall.deploy.Deployer;
import dev.landfall.landing.LandingOptions;
import dev.landfall.landing.LandingPipeline;
import dev.landfall.report.Chromium;
import dev.landfall.report.RunReport;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in headless Chromium: the whole flow (deploy, land with the pipeline, unpack,
 * snapshot, export) runs on the local engine, then the page is opened in the browser and every
 * number it shows ({@code data-k} elements) is compared with the exported CSV files, read back
 * independently. Also: the page fetches nothing, fits the window, and stays short with 0 rejects,
 * 10,000 rejects and one customer. Full-page screenshots go to {@code target/report-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportPageBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double LANDING_SECONDS = 12.5;

  /** Longer than this (CSS px at 1280 wide) is not "at a glance" any more. */
  private static final int MAX_PAGE_HEIGHT = 6000;

  private static final String CUSTOMERS_HEADER =
      "customer_id,first_name,last_name,email,date_of_birth,city,country,updated_at\n";
  private static final String TRANSACTIONS_HEADER =
      "transaction_id,customer_id,transaction_date,amount,currency,merchant,category\n";

  private final LocalBigQuery engine = LocalBigQuery.get();
  private Chromium chromium;
  private Path temp;

  @BeforeAll
  void startBrowser(@TempDir Path dir) throws IOException {
    temp = dir;
    chromium = Chromium.start(temp.resolve("chromium-profile"));
  }

  @AfterAll
  void stopBrowser() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void samples_pageShowsExactlyTheNumbersOfTheExports() throws IOException {
    Run run = run("samples", engine.repoRoot().resolve("samples"));

    Chromium.Page page = chromium.open(run.page().toUri(), 1280, 900);

    assertPageShowsExports(page, run);
    assertReadable(page, "samples");
    List<String> why = texts(page, "article[data-source=transactions] li.example .why");
    assertTrue(why.size() >= 7, "one example at least per transactions reject reason: " + why);
    assertEquals(Set.of("customers", "transactions"), Set.copyOf(texts(page, "article.source h3")));
  }

  @Test
  void zeroRejects_saysSoForEverySource() throws IOException {
    Path data = temp.resolve("data-clean");
    write(
        data.resolve("customers/customers_1.csv"),
        CUSTOMERS_HEADER
            + "A1,Ada,Lovelace,ada@example.com,1990-01-01,London,GB,2026-01-01T00:00:00Z\n"
            + "A2,Alan,Turing,alan@example.com,1990-02-02,Leeds,GB,2026-01-01T00:00:00Z\n"
            + "A3,Grace,Hopper,grace@example.com,1990-03-03,York,GB,2026-01-01T00:00:00Z\n");
    StringBuilder txns = new StringBuilder(TRANSACTIONS_HEADER);
    for (int i = 0; i < 30; i++) {
      txns.append(
          String.format(
              Locale.ROOT,
              "T%03d,A%d,2026-%02d-%02d,%d.%02d,GBP,Shop,food%n",
              i,
              i % 3 + 1,
              i % 3 + 1,
              i % 28 + 1,
              10 + i,
              i));
    }
    write(data.resolve("transactions/transactions_1.csv"), txns.toString());
    Run run = run("clean", data);

    Chromium.Page page = chromium.open(run.page().toUri(), 1280, 900);

    assertPageShowsExports(page, run);
    assertReadable(page, "zero-rejects");
    assertEquals(List.of("No rejects.", "No rejects."), texts(page, "article.source p.empty"));
    assertEquals(List.of(), texts(page, "tr[data-reason]"));
  }

  @Test
  void oneCustomer_chartsAndListStayReadable() throws IOException {
    Path data = temp.resolve("data-one");
    write(
        data.resolve("customers/customers_1.csv"),
        CUSTOMERS_HEADER
            + "S1,Solo,Customer,solo@example.com,1980-05-05,Bath,GB,2026-01-01T00:00:00Z\n");
    write(
        data.resolve("transactions/transactions_1.csv"),
        TRANSACTIONS_HEADER
            + "X1,S1,2026-03-02,120.00,GBP,Shop,food\n"
            + "X2,S1,2026-03-20,30.50,GBP,Shop,food\n"
            + "X3,S1,2026-05-01,99.99,GBP,Shop,food\n");
    Run run = run("one", data);

    Chromium.Page page = chromium.open(run.page().toUri(), 1280, 900);

    assertPageShowsExports(page, run);
    assertReadable(page, "one-customer");
    assertEquals(List.of("S1"), texts(page, "table.top tr[data-customer] code"));
    assertEquals(
        3,
        page.evaluate("document.querySelectorAll('#customer-months tbody tr').length").asInt(),
        "March, an idle April and May");
  }

  @Test
  void tenThousandRejects_showsCountsAndOnlyAFewExamples() throws IOException {
    Path data = temp.resolve("data-rejects");
    write(
        data.resolve("customers/customers_1.csv"),
        CUSTOMERS_HEADER
            + "R1,Rae,Jones,rae@example.com,1970-07-07,Hull,GB,2026-01-01T00:00:00Z\n"
            + "R2,Rob,Smith,rob@example.com,1971-08-08,Ely,GB,2026-01-01T00:00:00Z\n");
    StringBuilder txns = new StringBuilder(TRANSACTIONS_HEADER);
    for (int i = 0; i < 20; i++) {
      txns.append(
          String.format(
              Locale.ROOT,
              "G%02d,R%d,2026-06-%02d,%d.00,GBP,Shop,food%n",
              i,
              i % 2 + 1,
              i + 1,
              5 + i));
    }
    String[] bad = {
      "B%05d,R1,2026-06-01,-5.00,GBP,Shop,food", // non_positive_amount
      "B%05d,R1,2026-13-01,5.00,GBP,Shop,food", // invalid_date
      "B%05d,R1,2026-06-01,5.00,EUR,Shop,food", // unsupported_currency
      "B%05d,,2026-06-01,5.00,GBP,Shop,food", // missing_value
      "B%05d,R1,2026-06-01,\"1,005.00\",GBP,Shop,food", // invalid_amount
    };
    for (int i = 0; i < 10_000; i++) {
      txns.append(String.format(Locale.ROOT, bad[i % bad.length], i)).append('\n');
    }
    write(data.resolve("transactions/transactions_1.csv"), txns.toString());
    Run run = run("rejects", data);

    Chromium.Page page = chromium.open(run.page().toUri(), 1280, 900);

    assertPageShowsExports(page, run);
    assertReadable(page, "ten-thousand-rejects");
    assertEquals("10,000", text(page, "[data-k='src.transactions.rejected']"));
    assertEquals(
        5 * ReportBuilder.EXAMPLES_PER_REASON,
        texts(page, "article[data-source=transactions] li.example").size());
    assertEquals(
        List.of("… and 1,997 more in rejects.csv"),
        texts(page, "tr[data-reason=invalid_amount] li.more"));
  }

  // ---------------------------------------------------------------------------------------------

  private record Run(Path out, String loadId, RunReport report, String terminal) {
    Path page() {
      return out.resolve("report.html");
    }
  }

  /** Deploys fresh datasets, lands {@code data}, and runs FlowCommand as demo.sh does. */
  private Run run(String name, Path data) throws IOException {
    String suffix = "rep_" + name + "_" + UUID.randomUUID().toString().substring(0, 8);
    LandfallConfig config = engine.config().withDatasetSuffix(suffix);
    Deployer deployer =
        new Deployer(
            engine.bigQuery(),
            engine.projectId(),
            config,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    deployer.deploy(engine.repoRoot().resolve("routines"));
    try {
      String loadId = "report-" + name;
      assertEquals(PipelineResult.State.DONE, land(config, data, loadId));
      Path out = temp.resolve("out-" + name);
      FlowCommand.Settings settings =
          FlowCommand.Settings.parse(
              "--load-id",
              loadId,
              "--out",
              out.toString(),
              "--compare-previous-week",
              "--timing",
              "landing=" + LANDING_SECONDS);
      ByteArrayOutputStream terminal = new ByteArrayOutputStream();
      RunReport report =
          FlowCommand.run(
              new Queries(engine.bigQuery()),
              config,
              settings,
              new PrintStream(terminal, true, StandardCharsets.UTF_8));
      return new Run(out, loadId, report, terminal.toString(StandardCharsets.UTF_8));
    } finally {
      deployer.dropDatasets();
    }
  }

  private PipelineResult.State land(LandfallConfig config, Path data, String loadId) {
    LandingOptions options = engine.landingOptions(config, data + "/*/*.csv", temp, loadId);
    options.setSplitSizeBytes(1024L * 1024);
    return LandingPipeline.run(options).waitUntilFinish();
  }

  /**
   * Every {@code data-k} number on the page equals the one computed here from the CSV files (step
   * durations measured inside the flow excepted: no CSV holds them); so do summary.json and the
   * terminal summary.
   */
  private void assertPageShowsExports(Chromium.Page page, Run run) throws IOException {
    Map<String, String> expected = expectedFromCsvs(run.out(), run.loadId());
    Map<String, String> shown = new TreeMap<>();
    page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('[data-k]')]"
                + ".map(e => [e.dataset.k, e.textContent.trim()]))")
        .fields()
        .forEachRemaining(f -> shown.put(f.getKey(), plain(f.getValue().asText())));
    Map<String, String> measured = new TreeMap<>(shown);
    measured.keySet().removeIf(k -> !k.startsWith("step.") || k.equals("step.landing"));
    shown.keySet().removeAll(measured.keySet());
    assertEquals(expected, shown);
    assertTrue(
        measured
            .keySet()
            .containsAll(
                List.of(
                    "step.unpack customers",
                    "step.unpack transactions",
                    "step.snapshot",
                    "step.export queries")),
        "flow steps timed: " + measured);
    measured.values().forEach(v -> assertTrue(new BigDecimal(v).signum() >= 0, v));

    assertExamplesAreRejectRows(page, run);
    assertEnteredAndLeft(page, run.out());

    JsonNode summary = JSON.readTree(run.out().resolve("summary.json").toFile());
    for (String source : List.of("customers", "transactions")) {
      for (String count : List.of("lake_rows", "typed", "rejected", "duplicates", "erased")) {
        assertEquals(
            expected.get("src." + source + "." + count),
            summary.at("/sources/" + source + "/" + count).asText(),
            "summary.json " + source + " " + count);
      }
      String counts =
          String.format(
              Locale.ROOT,
              "  %-14s %10s %10s %10s %10s %10s",
              source,
              grouped(expected.get("src." + source + ".lake_rows")),
              grouped(expected.get("src." + source + ".typed")),
              grouped(expected.get("src." + source + ".rejected")),
              grouped(expected.get("src." + source + ".duplicates")),
              grouped(expected.get("src." + source + ".erased")));
      assertTrue(
          run.terminal().contains(counts), "terminal shows " + counts + " in:\n" + run.terminal());
    }
    assertEquals(expected.get("facts.records"), summary.at("/run/records").asText());
  }

  private Map<String, String> expectedFromCsvs(Path out, String loadId) throws IOException {
    Map<String, String> k = new TreeMap<>();
    k.put("load_id", loadId);
    List<Map<String, String>> lake = ExportedCsv.read(out.resolve("lake_records.csv"));
    List<Map<String, String>> reconciliation =
        ExportedCsv.read(out.resolve("load_reconciliation.csv")).stream()
            .filter(r -> loadId.equals(r.get("load_id")))
            .toList();
    List<Map<String, String>> rejects =
        ExportedCsv.read(out.resolve("rejects.csv")).stream()
            .filter(r -> loadId.equals(r.get("load_id")))
            .toList();
    for (String source : List.of("customers", "transactions")) {
      String p = "src." + source + ".";
      long lakeRows = lake.stream().filter(r -> source.equals(r.get("source"))).count();
      Map<String, String> rec =
          reconciliation.stream()
              .filter(r -> source.equals(r.get("source")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no reconciliation row for " + source));
      k.put(p + "lake_rows", String.valueOf(lakeRows));
      k.put(p + "typed", rec.get("typed_rows"));
      k.put(p + "rejected", rec.get("rejected_rows"));
      k.put(p + "duplicates", rec.get("duplicate_rows"));
      k.put(p + "erased", rec.get("erased_rows"));
      k.put(p + "status", rec.get("status"));
      assertEquals(
          rec.get("lake_rows"),
          String.valueOf(lakeRows),
          source + ": reconciliation vs lake_records.csv");
      assertEquals(
          rec.get("rejected_rows"),
          String.valueOf(rejects.stream().filter(r -> source.equals(r.get("source"))).count()),
          source);
      rejects.stream()
          .filter(r -> source.equals(r.get("source")))
          .collect(Collectors.groupingBy(r -> r.get("reason_code"), Collectors.counting()))
          .forEach((code, n) -> k.put("rej." + source + "." + code, String.valueOf(n)));
    }

    List<Map<String, String>> monthly = ExportedCsv.read(out.resolve("monthly_spend.csv"));
    Map<String, BigDecimal> totals = new TreeMap<>();
    monthly.forEach(
        r -> totals.merge(month(r), new BigDecimal(r.get("total_spend")), BigDecimal::add));
    totals.forEach((m, total) -> k.put("month_total." + m, money(total)));
    String customer =
        ExportedCsv.read(out.resolve("customer_lifetime_value.csv")).get(0).get("customer_id");
    k.put("cust.id", customer);
    monthly.stream()
        .filter(r -> customer.equals(r.get("customer_id")))
        .forEach(
            r -> {
              k.put("cust." + month(r) + ".total", money(new BigDecimal(r.get("total_spend"))));
              k.put(
                  "cust." + month(r) + ".avg",
                  money(new BigDecimal(r.get("avg_monthly_spend_to_date"))));
            });

    List<Map<String, String>> snapshots =
        ExportedCsv.read(out.resolve("top_customers_snapshots.csv"));
    TreeSet<String> dates =
        snapshots.stream()
            .map(r -> r.get("snapshot_date"))
            .collect(Collectors.toCollection(TreeSet::new));
    String latest = dates.last();
    k.put("snapshot_date", latest);
    List<Map<String, String>> top =
        snapshots.stream().filter(r -> latest.equals(r.get("snapshot_date"))).toList();
    k.put("top.as_of", latest);
    k.put("top.threshold", money(new BigDecimal(top.get(0).get("threshold_value"))));
    k.put("top.population", top.get(0).get("population"));
    k.put("top.count", String.valueOf(top.size()));
    for (Map<String, String> r : top) {
      k.put("top." + r.get("customer_id") + ".rank", r.get("value_rank"));
      k.put(
          "top." + r.get("customer_id") + ".value", money(new BigDecimal(r.get("lifetime_value"))));
    }
    k.put("change.latest", latest);
    String previous = dates.lower(latest);
    if (previous != null) {
      Set<String> now = ids(snapshots, latest);
      Set<String> before = ids(snapshots, previous);
      k.put("change.previous", previous);
      k.put(
          "change.entered",
          String.valueOf(now.stream().filter(id -> !before.contains(id)).count()));
      k.put("change.left", String.valueOf(before.stream().filter(id -> !now.contains(id)).count()));
      k.put("change.stayed", String.valueOf(now.stream().filter(before::contains).count()));
    }

    List<Map<String, String>> files = ExportedCsv.read(out.resolve("landed_files.csv"));
    k.put("facts.files", String.valueOf(files.size()));
    k.put("facts.bytes", String.valueOf(sum(files, "file_size_bytes")));
    long records = sum(files, "records_landed");
    k.put("facts.records", String.valueOf(records));
    k.put("facts.parse_errors", String.valueOf(sum(files, "parse_errors")));
    k.put("facts.blank_lines", String.valueOf(sum(files, "blank_lines")));
    // Files no source claims are not in any export (nothing of them landed): summary.json has them.
    k.put(
        "facts.unmatched_files",
        String.valueOf(
            JSON.readTree(out.resolve("summary.json").toFile())
                .at("/run/unmatched_files")
                .size()));
    k.put(
        "facts.records_per_second",
        BigDecimal.valueOf(records)
            .divide(BigDecimal.valueOf(LANDING_SECONDS), 0, RoundingMode.HALF_UP)
            .toPlainString());
    k.put("step.landing", String.valueOf(LANDING_SECONDS));
    assertEquals(lake.size(), records, "landed_files.csv records vs lake_records.csv rows");
    return k;
  }

  /** Each example names a reject of its source and reason, by file, offset and reason text. */
  private void assertExamplesAreRejectRows(Chromium.Page page, Run run) throws IOException {
    List<Map<String, String>> rejects = ExportedCsv.read(run.out().resolve("rejects.csv"));
    String root = page.evaluate("document.querySelector('main').dataset.root").asText();
    assertTrue(root.isEmpty() || root.endsWith("/"), root);
    JsonNode examples =
        page.evaluate(
            "[...document.querySelectorAll('article.source')].flatMap(a =>"
                + " [...a.querySelectorAll('tr[data-reason]')].flatMap(tr =>"
                + " [...tr.querySelectorAll('li.example')].map(li => ({source: a.dataset.source,"
                + " code: tr.dataset.reason, file: li.querySelector('.file').textContent, offset:"
                + " li.querySelector('.offset').textContent, why:"
                + " li.querySelector('.why').textContent}))))");
    for (JsonNode e : examples) {
      boolean found =
          rejects.stream()
              .anyMatch(
                  r ->
                      r.get("source").equals(e.get("source").asText())
                          && r.get("reason_code").equals(e.get("code").asText())
                          && r.get("source_offset").equals(e.get("offset").asText())
                          && r.get("source_file").equals(root + e.get("file").asText())
                          && r.get("reason").replace(root, "").equals(e.get("why").asText())
                          && run.loadId().equals(r.get("load_id")));
      assertTrue(found, "example is a row of rejects.csv: " + e);
    }
    long reasons = page.evaluate("document.querySelectorAll('tr[data-reason]').length").asLong();
    assertTrue(examples.size() >= reasons, "every reason has an example");
  }

  private void assertEnteredAndLeft(Chromium.Page page, Path out) throws IOException {
    List<Map<String, String>> snapshots =
        ExportedCsv.read(out.resolve("top_customers_snapshots.csv"));
    TreeSet<String> dates =
        snapshots.stream()
            .map(r -> r.get("snapshot_date"))
            .collect(Collectors.toCollection(TreeSet::new));
    String previous = dates.lower(dates.last());
    if (previous == null) {
      assertEquals(
          0,
          page.evaluate("document.querySelectorAll('[data-entered],[data-left]').length").asInt());
      return;
    }
    Set<String> now = ids(snapshots, dates.last());
    Set<String> before = ids(snapshots, previous);
    assertEquals(
        new TreeSet<>(now.stream().filter(id -> !before.contains(id)).toList()),
        new TreeSet<>(attributes(page, "data-entered")));
    assertEquals(
        new TreeSet<>(before.stream().filter(id -> !now.contains(id)).toList()),
        new TreeSet<>(attributes(page, "data-left")));
  }

  /**
   * Readable at a glance: every section there, nothing wider than the window (at 1280 and 760 CSS
   * px), charts drawn at a legible size, a bounded height, and no request but the page itself.
   */
  private void assertReadable(Chromium.Page page, String name) throws IOException {
    for (String section : List.of("run", "sources", "spend", "top", "change")) {
      assertTrue(
          page.evaluate("document.getElementById('" + section + "').getBoundingClientRect().height")
                  .asDouble()
              > 20,
          name + ": section " + section);
    }
    for (int width : new int[] {760, 1280}) {
      page.resize(width, 900);
      assertTrue(
          page.evaluate("document.documentElement.scrollWidth <= window.innerWidth").asBoolean(),
          name + ": nothing wider than a " + width + " px window");
      for (JsonNode chart :
          page.evaluate(
              "[...document.querySelectorAll('svg.chart')].map(s => {"
                  + " const r = s.getBoundingClientRect(); return [r.width, r.height]; })")) {
        assertTrue(
            chart.get(0).asDouble() >= 300 && chart.get(1).asDouble() >= 100,
            name + ": chart legible at " + width + " px: " + chart);
      }
    }
    int height = page.evaluate("document.documentElement.scrollHeight").asInt();
    assertTrue(height <= MAX_PAGE_HEIGHT, name + ": page is " + height + " px tall");
    String self = page.evaluate("location.href").asText();
    assertEquals(
        List.of(),
        page.requests().stream().filter(u -> !u.equals(self) && !u.startsWith("data:")).toList(),
        name + ": the page fetches nothing");

    byte[] png = page.screenshot();
    Path shots = engine.repoRoot().resolve("target/report-screenshots");
    Files.createDirectories(shots);
    Files.write(shots.resolve(name + ".png"), png);
    assertTrue(
        png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
        name + ": a PNG screenshot");
  }

  private static String text(Chromium.Page page, String selector) throws IOException {
    return page.evaluate(
            "document.querySelector(" + JSON.writeValueAsString(selector) + ").textContent.trim()")
        .asText();
  }

  private static List<String> texts(Chromium.Page page, String selector) throws IOException {
    List<String> texts = new ArrayList<>();
    page.evaluate(
            "[...document.querySelectorAll("
                + JSON.writeValueAsString(selector)
                + ")]"
                + ".map(e => e.textContent.trim())")
        .forEach(t -> texts.add(t.asText()));
    return texts;
  }

  private static List<String> attributes(Chromium.Page page, String attribute) throws IOException {
    List<String> values = new ArrayList<>();
    page.evaluate(
            "[...document.querySelectorAll('["
                + attribute
                + "]')].map(e => e.getAttribute('"
                + attribute
                + "'))")
        .forEach(t -> values.add(t.asText()));
    return values;
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** A shown number without its thousands separators; other text as is. */
  private static String plain(String shown) {
    return shown.matches("-?[0-9][0-9,]*(\\.[0-9]+)?") ? shown.replace(",", "") : shown;
  }

  private static String grouped(String count) {
    return String.format(Locale.ROOT, "%,d", Long.parseLong(count));
  }

  private static String money(BigDecimal value) {
    return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  private static String month(Map<String, String> row) {
    return String.format(
        Locale.ROOT,
        "%04d-%02d",
        Integer.parseInt(row.get("year")),
        Integer.parseInt(row.get("month")));
  }

  private static long sum(List<Map<String, String>> rows, String column) {
    return rows.stream().mapToLong(r -> Long.parseLong(r.get(column))).sum();
  }

  private static Set<String> ids(List<Map<String, String>> snapshots, String date) {
    return snapshots.stream()
        .filter(r -> date.equals(r.get("snapshot_date")))
        .map(r -> r.get("customer_id"))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}

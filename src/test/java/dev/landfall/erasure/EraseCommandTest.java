package dev.landfall.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableResult;
import dev.landfall.config.LandfallConfig;
import dev.landfall.deploy.Deployer;
import dev.landfall.landing.LandingOptions;
import dev.landfall.landing.LandingPipeline;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The erase command on the local engine with the real parts: the samples copied to a folder that
 * plays the landing bucket, landed by the pipeline (DirectRunner), unpacked and snapshotted; then a
 * top customer erased through {@link EraseCommand}. In order: a dry run and an unknown id change
 * nothing (no key either); the erasure leaves the customer's id, name and e-mail in no table or
 * view and no landing file; the same request again changes nothing; conservation holds with the
 * erased lines; a landing run over the rewritten files lands nothing again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EraseCommandTest {
  private final LocalBigQuery engine = LocalBigQuery.get();
  private LandfallConfig config;
  private String suffix;
  private Deployer deployer;
  private BigQuery bigQuery;
  @TempDir static Path temp;
  private Path data;
  private Path configFile;

  private String customerId;
  private String firstName;
  private String lastName;
  private String email;

  @BeforeAll
  void landUnpackSnapshot() throws IOException {
    suffix = "erase_" + UUID.randomUUID().toString().substring(0, 8);
    config = engine.config().withDatasetSuffix(suffix);
    bigQuery = engine.bigQuery();
    deployer = new Deployer(bigQuery, engine.projectId(), config, System.out);
    deployer.deploy(engine.repoRoot().resolve("routines"));
    configFile = engine.repoRoot().resolve("terraform/config.yaml");

    data = temp.resolve("landing");
    Path samples = engine.repoRoot().resolve("samples");
    try (Stream<Path> files = Files.walk(samples)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path copy = data.resolve(samples.relativize(file).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
      }
    }
    assertEquals(PipelineResult.State.DONE, land("erase-load-1"));
    unpackAndSnapshot();

    List<String> top =
        rows(
                "SELECT customer_id, first_name, last_name, email FROM `%s.top_customers`"
                    + " ORDER BY value_rank, customer_id LIMIT 1",
                config.analyticsDataset())
            .get(0);
    customerId = top.get(0);
    firstName = top.get(1);
    lastName = top.get(2);
    email = top.get(3);
    assertTrue(everywhere().contains(email), "the customer is in the tables before");
    assertTrue(landingText().contains(email), "and in the landing files");
  }

  @AfterAll
  void drop() {
    deployer.dropDatasets();
  }

  @Test
  @Order(1)
  void dryRun_printsTheCountsAndChangesNothing() throws IOException {
    String tablesBefore = everywhere();
    String filesBefore = landingText();

    Run run = erase(customerId, "REQ-DRY", true);

    assertEquals(0, run.code, run.err);
    assertTrue(run.out.contains("dry run: nothing changed"), run.out);
    assertTrue(run.out.matches("(?s).*lake\\.raw_records\\s+[1-9]\\d*.*"), run.out);
    // No key exists yet: a hash under the throw-away key would mislead, so none is shown.
    assertTrue(run.out.contains("customer key hash (none: no key exists yet)"), run.out);
    assertEquals(tablesBefore, everywhere());
    assertEquals(filesBefore, landingText());
    assertEquals("0", count("SELECT COUNT(*) FROM `%s.erasure_key`", config.privacyDataset()));
  }

  @Test
  @Order(2)
  void unknownId_saysSoAndChangesNothing() throws IOException {
    String tablesBefore = everywhere();

    Run run = erase("NO-SUCH-CUSTOMER", "REQ-UNKNOWN", false);

    assertEquals(0, run.code, run.err);
    assertTrue(run.out.contains("unknown id, nothing to erase, nothing changed"), run.out);
    assertEquals(tablesBefore, everywhere());
    assertEquals("0", count("SELECT COUNT(*) FROM `%s.erasure_key`", config.privacyDataset()));
    assertEquals("0", count("SELECT COUNT(*) FROM `%s.erasure_log`", config.privacyDataset()));
  }

  @Test
  @Order(3)
  void erase_leavesTheCustomerInNoTableAndNoLandingFile() throws IOException {
    Map<String, String> sizesBefore = fileSizes();

    Run run = erase(customerId, "REQ-1", false);

    assertEquals(0, run.code, run.err);
    assertTrue(run.out.contains("committed in one transaction"), run.out);
    assertTrue(run.out.matches("(?s).*landing copies: [1-9]\\d* file\\(s\\) rewritten.*"), run.out);
    assertFalse(run.out.contains(customerId), "the id is never printed");
    String tables = everywhere();
    assertFalse(tables.contains(email), "e-mail in a table");
    assertFalse(tables.contains("\"" + customerId + "\""), "id in a lake or reject data_string");
    assertFalse(Pattern.compile("(?m)^(.*\\|)?" + Pattern.quote(customerId) + "(\\|.*)?$").matcher(tables).find(), "id in a table cell");
    assertFalse(
        Pattern.compile("(?m)^.*\\b" + Pattern.quote(firstName) + "\\b.*\\b" + Pattern.quote(lastName) + "\\b.*$").matcher(tables).find(),
        "name in a table row");
    String files = landingText();
    assertFalse(files.contains(email), "e-mail in a landing file");
    assertFalse(Pattern.compile("(?m)(^|,)\\s*" + Pattern.quote(customerId) + "\\s*(,|$)").matcher(files).find(), "id in a landing file");
    // Lines become blank lines: every file keeps its size, so the lake's offsets stay true.
    assertEquals(sizesBefore, fileSizes());
    assertEquals(
        "1",
        count("SELECT COUNT(*) FROM `%s.erasure_log` WHERE request_id = 'REQ-1' AND landing_copies_rewritten > 0",
            config.privacyDataset()));
    assertEquals("1", count("SELECT COUNT(*) FROM `%s.erasure_key`", config.privacyDataset()));
    assertEquals(
        "0",
        count("SELECT COUNT(*) FROM `%s.erased_lines` WHERE landing_rewritten_at IS NULL", config.privacyDataset()));
  }

  @Test
  @Order(4)
  void sameRequestAgain_changesNothing() throws IOException {
    String tablesBefore = everywhere();
    String filesBefore = landingText();

    Run run = erase(customerId, "REQ-1", false);

    assertEquals(0, run.code, run.err);
    assertTrue(run.out.contains("was applied before: no row left to erase"), run.out);
    assertTrue(run.out.contains("landing copies: 0 file(s) rewritten"), run.out);
    assertEquals(tablesBefore, everywhere());
    assertEquals(filesBefore, landingText());
  }

  @Test
  @Order(5)
  void conservation_lakeRowsAreTypedRejectedDuplicateOrErased_andRewrittenFilesDoNotLandAgain() {
    assertBalanced();
    String lakeRows = count("SELECT COUNT(*) FROM `%s.raw_records`", config.lakeDataset());

    assertEquals(PipelineResult.State.DONE, land("erase-load-2"));
    unpackAndSnapshot();

    assertEquals(lakeRows, count("SELECT COUNT(*) FROM `%s.raw_records`", config.lakeDataset()));
    assertBalanced();
    assertFalse(everywhere().contains(email));
  }

  @Test
  @Order(6)
  void badArguments_exitTwo() {
    Run run = erase(customerId, "REQ \"2\"", false);
    assertEquals(2, run.code);
    assertTrue(run.err.contains("--request-id must be"), run.err);

    // The sweep takes no request or customer id.
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        EraseCommand.run(
            new String[] {"--config", configFile.toString(), "--landing", data.toString(), "--landing-copies",
                "--request-id", "REQ-1"},
            null, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("takes no --request-id or --customer-id"), err.toString());
  }

  @Test
  @Order(7)
  void landingCopiesSweep_withNothingRecordedLeftChangesNothing() throws IOException {
    String filesBefore = landingText();
    // A recorded line whose request has no log row (no keyed hash to recognise it by): left.
    List<String> someLine =
        rows("SELECT source_file, CAST(source_offset AS STRING), source FROM `%s.raw_records` WHERE load_id ="
            + " 'erase-load-1' AND NOT STARTS_WITH(data_string, '{\"_erased_by\"') ORDER BY 1, 2 LIMIT 1",
            config.lakeDataset()).get(0);
    query("INSERT INTO `" + config.privacyDataset() + "`.erased_lines (request_id, source, source_file,"
        + " source_offset, load_id, ingestion_timestamp, pseudonymised) VALUES ('REQ-NOT-LOGGED', '"
        + someLine.get(2) + "', '" + someLine.get(0) + "', " + someLine.get(1) + ", 'erase-load-1',"
        + " CURRENT_TIMESTAMP(), FALSE)");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        EraseCommand.run(
            new String[] {"--config", configFile.toString(), "--landing", data.toString(), "--landing-copies",
                "--project", engine.projectId(), "--endpoint", engine.endpoint(), "--dataset-suffix", suffix},
            null, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed);
    assertTrue(printed.contains("landing copies: 0 file(s) rewritten, 0 line(s) removed"), printed);
    assertTrue(printed.contains("request REQ-NOT-LOGGED has no row in the erasure log: its 1 line(s) are left"), printed);
    assertEquals(filesBefore, landingText());
    assertEquals(
        "1",
        count("SELECT COUNT(*) FROM `%s.erased_lines` WHERE request_id = 'REQ-NOT-LOGGED' AND landing_rewritten_at IS NULL",
            config.privacyDataset()));
  }

  // --- helpers ---

  private void assertBalanced() {
    String lake = config.lakeDataset();
    String customers = config.customersDataset();
    String transactions = config.transactionsDataset();
    for (String source : List.of("customers", "transactions")) {
      String lakeRows =
          count("SELECT COUNT(*) FROM `%s.raw_records` WHERE source = '" + source + "'", lake);
      String erased =
          count(
              "SELECT COUNT(*) FROM `%s.raw_records` WHERE source = '" + source
                  + "' AND STARTS_WITH(data_string, '{\"_erased_by\"')",
              lake);
      long accounted =
          source.equals("customers")
              ? sum(customers, "customers_history", "duplicates", "rejects")
              : sum(transactions, "transactions", "duplicates", "rejects");
      assertNotEquals("0", erased, source + " has erased lines");
      assertEquals(
          Long.parseLong(lakeRows),
          accounted + Long.parseLong(erased),
          source + ": lake rows = typed + rejected + duplicates + erased");
    }
  }

  private long sum(String dataset, String... tables) {
    long total = 0;
    for (String table : tables) {
      total += Long.parseLong(count("SELECT COUNT(*) FROM `%s." + table + "`", dataset));
    }
    return total;
  }

  private void unpackAndSnapshot() {
    query("CALL `" + config.customersDataset() + "`.unpack()");
    query("CALL `" + config.transactionsDataset() + "`.unpack()");
    String asOf =
        count("SELECT CAST(MAX(transaction_date) AS STRING) FROM `%s.transactions`", config.transactionsDataset());
    query("CALL `" + config.analyticsDataset() + "`.snapshot_top_customers(DATE '" + asOf + "')");
  }

  private record Run(int code, String out, String err) {}

  private Run erase(String id, String requestId, boolean dryRun) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config", configFile.toString(),
                "--request-id", requestId,
                "--landing", data.toString(),
                "--project", engine.projectId(),
                "--endpoint", engine.endpoint(),
                "--dataset-suffix", suffix));
    if (dryRun) {
      args.add("--dry-run");
    }
    int code =
        EraseCommand.run(
            args.toArray(String[]::new),
            id,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every row of every table and view of the deployed datasets, one line per row, cells joined by |. */
  private String everywhere() {
    StringBuilder all = new StringBuilder();
    for (String dataset : config.datasets().values()) {
      for (Table table : bigQuery.listTables(DatasetId.of(engine.projectId(), dataset)).iterateAll()) {
        String name = table.getTableId().getTable();
        all.append("## ").append(dataset).append('.').append(name).append('\n');
        List<String> lines = new ArrayList<>();
        for (FieldValueList row : query("SELECT * FROM `" + dataset + "." + name + "`").iterateAll()) {
          StringBuilder line = new StringBuilder();
          for (FieldValue cell : row) {
            line.append(line.length() == 0 ? "" : "|").append(cell.isNull() ? "" : String.valueOf(cell.getValue()));
          }
          lines.add(line.toString());
        }
        lines.sort(null);
        lines.forEach(l -> all.append(l).append('\n'));
      }
    }
    return all.toString();
  }

  private String landingText() throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        text.append("## ").append(file).append('\n').append(Files.readString(file));
      }
    }
    return text.toString();
  }

  private Map<String, String> fileSizes() throws IOException {
    Map<String, String> sizes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        sizes.put(file.toString(), Long.toString(Files.size(file)));
      }
    }
    return sizes;
  }

  private List<List<String>> rows(String sql, String dataset) {
    List<List<String>> rows = new ArrayList<>();
    for (FieldValueList row : query(String.format(sql, dataset)).iterateAll()) {
      List<String> cells = new ArrayList<>();
      row.forEach(cell -> cells.add(cell.isNull() ? null : cell.getStringValue()));
      rows.add(cells);
    }
    return rows;
  }

  private String count(String sql, String dataset) {
    return rows(sql, dataset).get(0).get(0);
  }

  private TableResult query(String sql) {
    try {
      return bigQuery.query(QueryJobConfiguration.newBuilder(sql).build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private PipelineResult.State land(String loadId) {
    LandingOptions options = engine.landingOptions(config, data + "/*/*.csv", temp, loadId);
    options.setLedgerTable(engine.projectId() + ":" + config.lakeDataset() + ".landed_files");
    return LandingPipeline.run(options).waitUntilFinish();
  }
}

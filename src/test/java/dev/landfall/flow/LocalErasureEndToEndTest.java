package dev.landfall.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.bigquery.QueryParameterValue;
import dev.landfall.config.LandfallConfig;
import dev.landfall.deploy.Deployer;
import dev.landfall.erasure.CustomerKeyHash;
import dev.landfall.erasure.EraseCommand;
import dev.landfall.landing.LandingOptions;
import dev.landfall.landing.LandingPipeline;
import dev.landfall.report.RunReport;
import dev.landfall.report.RunReport.SourceSummary;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * No resurrection (CONTRACT §6), through the real parts on the local engine: the landing on the
 * DirectRunner reads the erasure log, so an erased customer's lines land as erased, count as
 * erased in conservation, and their id, name and e-mail are in no export of the run; a sample file
 * re-delivered under a new name does not bring them back either.
 *
 * <p>Two ways in, each on its own datasets: {@link #erasedCustomerNeverComesBackByLandingOrReDelivery}
 * logs the erasure (key and log rows, the hash from the project's {@link CustomerKeyHash}) on an
 * emptied lake, as a rebuild starts, so every line of the customer goes through the landing;
 * {@link #afterEraseCustomerAReDeliveredFileDoesNotBringThemBack} erases a landed customer with
 * {@code privacy.erase_customer}, then re-delivers the sample files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalErasureEndToEndTest {
  private static final String REQUEST = "REQ-e2e-1";

  private final LocalBigQuery engine = LocalBigQuery.get();
  private LandfallConfig config;
  private String suffix;
  private Deployer deployer;
  private Queries queries;
  @TempDir Path temp;

  private final List<Deployer> deployed = new ArrayList<>();

  @BeforeAll
  void setUp() {
    queries = new Queries(engine.bigQuery());
  }

  @AfterAll
  void drop() {
    deployed.forEach(Deployer::dropDatasets);
  }

  private void deploy(String name) {
    suffix = name + "_" + UUID.randomUUID().toString().substring(0, 8);
    config = engine.config().withDatasetSuffix(suffix);
    deployer = new Deployer(engine.bigQuery(), engine.projectId(), config, System.out);
    deployed.add(deployer);
    deployer.deploy(engine.repoRoot().resolve("routines"));
  }

  @Test
  void afterEraseCustomerAReDeliveredFileDoesNotBringThemBack() throws IOException {
    deploy("erase_call");
    Path samples = engine.repoRoot().resolve("samples");
    assertEquals(PipelineResult.State.DONE, land(samples, "erase-first"));
    Flow flow = new Flow(queries, config);
    flow.unpack();
    flow.snapshot("latest");
    String customerId = topCustomer();
    List<String> personal = personalData(customerId);

    byte[] key = insertKey();
    // Query parameters, as the erase command passes them: the id is in no job's query text.
    List<List<String>> counts =
        queries
            .query(
                "CALL `" + config.privacyDataset() + "`.erase_customer(@erased_id, @erased_hash,"
                    + " @erase_request, 'delete', FALSE)",
                Map.of(
                    "erased_id", QueryParameterValue.string(customerId),
                    "erased_hash", QueryParameterValue.string(new CustomerKeyHash(key).of(customerId)),
                    "erase_request", QueryParameterValue.string(REQUEST)))
            .rows();
    assertFalse(counts.isEmpty(), "the procedure reports its counts");

    Path redelivered = redeliver(samples);
    Path out = temp.resolve("out-after-call");
    assertEquals(PipelineResult.State.DONE, land(redelivered, "erase-redelivered-after-call"));
    RunReport report = flow("erase-redelivered-after-call", out);
    Map<String, Long> redeliveredLines = linesOf(customerId, redelivered);
    assertErased(report, out, personal, redeliveredLines);

    sweepTheReDeliveredLandingCopies(customerId, personal, redelivered, redeliveredLines);
    // Every load, the one the procedure rewrote included, still balances.
    for (String service : List.of(config.customersDataset(), config.transactionsDataset())) {
      assertEquals(
          "0",
          single("SELECT COUNT(*) FROM `%s`.load_reconciliation WHERE status != 'balanced'", service),
          service);
    }
  }

  @Test
  void erasedCustomerNeverComesBackByLandingOrReDelivery() throws IOException {
    deploy("erase_land");
    Path samples = engine.repoRoot().resolve("samples");
    assertEquals(PipelineResult.State.DONE, land(samples, "erase-before"));
    new Flow(queries, config).unpack();
    String customerId = topCustomer();
    List<String> personal = personalData(customerId);

    startAgainEmpty();
    logErasure(customerId);

    // The samples again: every line of the customer lands as erased.
    Path out = temp.resolve("out-land");
    Map<String, Long> expected = linesOf(customerId, samples);
    assertTrue(expected.get("customers") >= 1 && expected.get("transactions") >= 1, expected.toString());
    assertEquals(PipelineResult.State.DONE, land(samples, "erase-land"));
    RunReport landed = flow("erase-land", out);
    assertErased(landed, out, personal, expected);
    // In the lake only the marker remains of each of their lines.
    assertEquals(
        expected.get("customers") + expected.get("transactions"),
        Long.parseLong(
            single("SELECT COUNT(*) FROM `%s`.raw_records WHERE data_string = '{\"_erased_by\":\"" + REQUEST + "\"}'",
                config.lakeDataset())));

    Path redelivered = redeliver(samples);
    Path outAgain = temp.resolve("out-redelivered");
    assertEquals(PipelineResult.State.DONE, land(redelivered, "erase-redelivered"));
    RunReport again = flow("erase-redelivered", outAgain);
    assertErased(again, outAgain, personal, linesOf(customerId, redelivered));
  }

  /**
   * The landing recorded the lines it marked in privacy.erased_lines; {@code erase_customer.sh
   * --landing-copies} (EraseCommand) then removes them from the re-delivered files without the
   * customer id and without the procedure: every other byte stays at its offset, the next landing
   * does not land the rewritten files again, a line of a load without a ledger row (its lake rows
   * never committed) stays, and the same request id still runs.
   */
  private void sweepTheReDeliveredLandingCopies(
      String customerId, List<String> personal, Path redelivered, Map<String, Long> expected)
      throws IOException {
    String privacy = config.privacyDataset();
    long recorded = expected.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(
        String.valueOf(recorded),
        single("SELECT COUNT(*) FROM `%s`.erased_lines WHERE load_id = 'erase-redelivered-after-call'"
            + " AND request_id = '" + REQUEST + "' AND landing_rewritten_at IS NULL", privacy),
        "the landing recorded each line it marked");
    Map<Path, byte[]> before = new java.util.TreeMap<>();
    for (Path file : csvFiles(redelivered)) {
      before.put(file, Files.readAllBytes(file));
    }

    // A landing that recorded an erased line but whose lake rows never committed: no ledger row.
    // Its file must stay as it is (rewriting it would put the new hash in the ledger, and the
    // file's other lines would never land).
    Path held = Files.createDirectories(redelivered.resolve("held").resolve("customers"));
    Path heldFile = held.resolve("never_committed.csv");
    Path customersSample = csvFiles(redelivered).stream()
        .filter(f -> f.getParent().getFileName().toString().equals("customers")).findFirst().orElseThrow();
    Files.copy(customersSample, heldFile);
    long heldOffset = offsetsOf(customerId, heldFile).get(0);
    queries.query(
        "INSERT INTO `" + privacy + "`.erased_lines (request_id, source, source_file, source_offset,"
            + " load_id, ingestion_timestamp, pseudonymised) VALUES (@request, 'customers', @file, @offset,"
            + " 'load-never-committed', CURRENT_TIMESTAMP(), FALSE)",
        Map.of(
            "request", QueryParameterValue.string(REQUEST),
            "file", QueryParameterValue.string(heldFile.toString()),
            "offset", QueryParameterValue.int64(heldOffset)));
    byte[] heldBefore = Files.readAllBytes(heldFile);

    String dry = sweep(redelivered, true);
    assertTrue(dry.contains(recorded + " line(s) would be removed"), dry);
    for (Map.Entry<Path, byte[]> file : before.entrySet()) {
      assertArrayEquals(file.getValue(), Files.readAllBytes(file.getKey()), "a dry run changes nothing");
    }

    String swept = sweep(redelivered, false);
    assertTrue(swept.contains(recorded + " line(s) removed"), swept);
    assertTrue(swept.contains("[1/"), "per-file progress: " + swept);
    assertTrue(swept.contains("1 line(s) wait for their landing's ledger row"), swept);
    assertFalse(swept.contains(customerId), "the sweep never knows or prints the id");
    int rewritten = 0;
    for (Map.Entry<Path, byte[]> file : before.entrySet()) {
      byte[] old = file.getValue();
      byte[] now = Files.readAllBytes(file.getKey());
      assertEquals(old.length, now.length, file.getKey() + " keeps its size");
      List<Long> theirs = offsetsOf(customerId, file.getKey(), old);
      rewritten += theirs.isEmpty() ? 0 : 1;
      int start = 0;
      for (int i = 0; i <= old.length; i++) {
        if (i == old.length || old[i] == '\n') {
          boolean erased = theirs.contains((long) start);
          for (int at = start; at < Math.min(i + 1, old.length); at++) {
            assertEquals(erased ? (byte) '\n' : old[at], now[at], file.getKey() + " byte " + at);
          }
          start = i + 1;
        }
      }
      String text = new String(now, StandardCharsets.UTF_8);
      for (String value : personal) {
        assertFalse(text.contains(value), file.getKey() + " still holds " + value);
      }
    }
    assertTrue(rewritten >= 2, "files of both sources held the customer: " + rewritten);
    assertArrayEquals(heldBefore, Files.readAllBytes(heldFile), "a load without a ledger row is not rewritten");
    // (The procedure's lines in the first landing's files stay too: that folder was not given.)
    assertEquals(
        "1",
        queries.query(
                "SELECT COUNT(*) FROM `" + privacy + "`.erased_lines WHERE landing_rewritten_at IS NULL"
                    + " AND STARTS_WITH(source_file, @folder)",
                Map.of("folder", QueryParameterValue.string(redelivered.toRealPath().toString())))
            .rows().get(0).get(0),
        "of the re-delivered folder, only the uncommitted load's line is left");
    assertEquals(
        String.valueOf(rewritten),
        single("SELECT CAST(landing_copies_rewritten AS STRING) FROM `%s`.erasure_log WHERE request_id = '"
            + REQUEST + "'", privacy));

    // The next landing does not land the rewritten files again (their new content is in the ledger).
    assertEquals(PipelineResult.State.DONE, land(redelivered, "erase-after-sweep"));
    assertEquals(
        "0", single("SELECT COUNT(*) FROM `%s`.raw_records WHERE load_id = 'erase-after-sweep'", config.lakeDataset()));

    // The same request id again still runs: nothing left in the tables or the landing files given.
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    int code =
        EraseCommand.run(
            commandArgs(redelivered, "--request-id", REQUEST),
            customerId,
            new PrintStream(again, true, StandardCharsets.UTF_8),
            System.err);
    String printed = again.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed);
    assertTrue(printed.contains("was applied before"), printed);
    assertTrue(printed.contains("landing copies: 0 file(s) rewritten"), printed);
  }

  private String sweep(Path landing, boolean dryRun) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = dryRun
        ? commandArgs(landing, "--landing-copies", "--dry-run")
        : commandArgs(landing, "--landing-copies");
    int code =
        EraseCommand.run(
            args, null,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertEquals(0, code, printed + err.toString(StandardCharsets.UTF_8));
    return printed;
  }

  private String[] commandArgs(Path landing, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--config", engine.repoRoot().resolve("terraform/config.yaml").toString(),
        "--landing", landing.toString(),
        "--project", engine.projectId(),
        "--endpoint", engine.endpoint(),
        "--dataset-suffix", suffix));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Byte offsets of the lines of {@code file} with the customer id as a field (plain CSV). */
  private static List<Long> offsetsOf(String customerId, Path file) throws IOException {
    return offsetsOf(customerId, file, Files.readAllBytes(file));
  }

  private static List<Long> offsetsOf(String customerId, Path file, byte[] content) {
    List<Long> offsets = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= content.length; i++) {
      if (i == content.length || content[i] == '\n') {
        String line = new String(content, start, i - start, StandardCharsets.UTF_8);
        if (List.of(line.split(",", -1)).stream().anyMatch(f -> f.strip().equals(customerId))) {
          offsets.add((long) start);
        }
        start = i + 1;
      }
    }
    return offsets;
  }

  private String topCustomer() {
    return single(
        "SELECT customer_id FROM `%s`.customer_lifetime_value ORDER BY value_rank, customer_id LIMIT 1",
        config.analyticsDataset());
  }

  /** The customer's id, full name (as the page and as CSV cells) and e-mail. */
  private List<String> personalData(String customerId) {
    List<String> row =
        queries
            .query(
                "SELECT first_name, last_name, email FROM `"
                    + config.customersDataset()
                    + "`.customers_current WHERE customer_id = @id",
                Map.of("id", QueryParameterValue.string(customerId)))
            .rows()
            .get(0);
    // Names alone may be other customers' too: the full name, as the page and as CSV cells.
    List<String> personal =
        List.of(customerId, row.get(0) + " " + row.get(1), row.get(0) + "," + row.get(1), row.get(2));
    assertTrue(personal.stream().allMatch(v -> v != null && v.strip().length() > 3), personal.toString());
    return personal;
  }

  /**
   * The sample files re-delivered under new names, as a re-export: the same lines plus a trailing
   * blank line, so neither the listing nor the content is in the ledger and the files land again.
   */
  private Path redeliver(Path samples) throws IOException {
    Path redelivered = temp.resolve("redelivered-" + UUID.randomUUID());
    Path transactions = Files.createDirectories(redelivered.resolve("transactions"));
    Path customers = Files.createDirectories(redelivered.resolve("customers"));
    for (Path file : csvFiles(samples)) {
      Path target =
          (file.getParent().getFileName().toString().equals("customers") ? customers : transactions)
              .resolve("resent_" + file.getFileName());
      Files.write(target, Files.readAllBytes(file));
      Files.writeString(target, "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }
    return redelivered;
  }

  /** The run's report and every file it wrote: the customer is erased and counted as such. */
  private void assertErased(RunReport report, Path out, List<String> personal, Map<String, Long> expected)
      throws IOException {
    for (SourceSummary source : report.sources()) {
      assertEquals(expected.get(source.source()), source.erased(), source.source());
      assertTrue(source.isBalanced(), source + " balances with erased rows");
      assertEquals("balanced", source.verdict(), source.source());
    }
    assertEquals(1, report.erasures().size());
    RunReport.Erasure erasure = report.erasures().get(0);
    assertEquals(REQUEST, erasure.requestId());
    assertNotNull(erasure.requestedAt(), "requested_at read from the log");
    assertEquals(expected, erasure.lines());

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    for (String source : List.of("customers", "transactions")) {
      assertEquals(expected.get(source), summary.at("/sources/" + source + "/erased").asLong(), source);
      assertEquals("balanced", summary.at("/sources/" + source + "/status").asText(), source);
    }
    assertEquals(REQUEST, summary.at("/run/erasures/0/request_id").asText());
    assertEquals(expected.get("transactions"), summary.at("/run/erasures/0/lines/transactions").asLong());

    try (Stream<Path> files = Files.list(out)) {
      List<Path> written = files.filter(Files::isRegularFile).toList();
      assertTrue(written.size() >= 12, written.toString());
      for (Path file : written) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        for (String value : personal) {
          assertFalse(text.contains(value), file.getFileName() + " holds " + value);
        }
      }
    }
  }

  private RunReport flow(String loadId, Path out) throws IOException {
    FlowCommand.Settings settings =
        FlowCommand.Settings.parse("--load-id", loadId, "--out", out.toString());
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    RunReport report =
        FlowCommand.run(queries, config, settings, new PrintStream(terminal, true, StandardCharsets.UTF_8));
    String printed = terminal.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertTrue(printed.contains("Erasure " + REQUEST), printed);
    return report;
  }

  /** As a rebuild starts: the lake, the ledger and every service table empty. */
  private void startAgainEmpty() {
    for (String table :
        List.of(
            config.lakeDataset() + ".raw_records",
            config.lakeDataset() + ".landed_files",
            config.customersDataset() + ".customers_history",
            config.customersDataset() + ".duplicates",
            config.customersDataset() + ".rejects",
            config.customersDataset() + ".unpacked_files",
            config.transactionsDataset() + ".transactions",
            config.transactionsDataset() + ".transaction_keys",
            config.transactionsDataset() + ".duplicates",
            config.transactionsDataset() + ".rejects",
            config.transactionsDataset() + ".unpacked_files",
            config.transactionsDataset() + ".customer_monthly_totals",
            config.analyticsDataset() + ".top_customers_snapshots")) {
      String[] parts = table.split("\\.");
      queries.execute("DELETE FROM `" + parts[0] + "`." + parts[1] + " WHERE TRUE");
    }
  }

  /** The key row and the log row the erase command writes (the id itself is never stored). */
  private void logErasure(String customerId) {
    byte[] key = insertKey();
    String privacy = config.privacyDataset();
    queries.query(
        "INSERT INTO `" + privacy + "`.erasure_log (request_id, requested_at, customer_key_hash,"
            + " transactions_mode) VALUES (@request, CURRENT_TIMESTAMP(), @hash, 'delete')",
        Map.of(
            "request", QueryParameterValue.string(REQUEST),
            "hash", QueryParameterValue.string(new CustomerKeyHash(key).of(customerId))));
  }

  /** The key row the erase command creates on first use: 32 random bytes. */
  private byte[] insertKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    queries.query(
        "INSERT INTO `" + config.privacyDataset() + "`.erasure_key (key_id, key_bytes, created_at)"
            + " VALUES ('key-1', FROM_BASE64(@key), CURRENT_TIMESTAMP())",
        Map.of("key", QueryParameterValue.string(Base64.getEncoder().encodeToString(key))));
    return key;
  }

  /** Lines per source under {@code data} whose customer_id field is the customer (plain CSV). */
  private static Map<String, Long> linesOf(String customerId, Path data) throws IOException {
    Map<String, Long> lines = new java.util.TreeMap<>();
    for (Path file : csvFiles(data)) {
      String source = file.getParent().getFileName().toString();
      long n =
          Files.readAllLines(file, StandardCharsets.UTF_8).stream()
              .filter(l -> List.of(l.split(",", -1)).stream().anyMatch(f -> f.strip().equals(customerId)))
              .count();
      lines.merge(source, n, Long::sum);
    }
    return lines;
  }

  private static List<Path> csvFiles(Path data) throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
    }
  }

  private String single(String sql, String dataset) {
    return queries.query(String.format(sql, dataset)).rows().get(0).get(0);
  }

  private PipelineResult.State land(Path data, String loadId) {
    LandingOptions options = engine.landingOptions(config, data + "/*/*.csv", temp, loadId);
    options.setPrivacyDataset(engine.projectId() + ":" + config.privacyDataset());
    options.setSplitSizeBytes(4096L);
    return LandingPipeline.run(options).waitUntilFinish();
  }
}

package dev.landfall.flow;

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
import org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
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
    String suffix = name + "_" + UUID.randomUUID().toString().substring(0, 8);
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
    assertErased(report, out, personal, linesOf(customerId, redelivered));
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
    LandingOptions options = PipelineOptionsFactory.as(LandingOptions.class);
    options.setProject(engine.projectId());
    options.setBigQueryEndpoint(engine.endpoint());
    options.setCredentialFactoryClass(NoopCredentialFactory.class);
    options.setTempLocation(temp.resolve("tmp-" + loadId).toString());
    options.setInputFilePattern(data + "/*/*.csv");
    options.setOutputTable(engine.projectId() + ":" + config.lakeDataset() + ".raw_records");
    options.setPrivacyDataset(engine.projectId() + ":" + config.privacyDataset());
    options.setLoadId(loadId);
    options.setSplitSizeBytes(4096L);
    return LandingPipeline.run(options).waitUntilFinish();
  }
}

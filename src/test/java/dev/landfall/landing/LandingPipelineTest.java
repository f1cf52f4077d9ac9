package dev.landfall.landing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;



import com.google.api.services.bigquery.model.TableRow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.gcp.testing.FakeBigQueryServices;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;

import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The whole landing graph, BigQuery sink included, against Beam's fake BigQuery services: lake
 * rows carry the run's constants, the ledger gets one row per file, and a second run over the
 * same files lands nothing. The real engine is exercised by the end-to-end test.
 */
@RunWith(JUnit4.class)
public class LandingPipelineTest {
  private static final String PROJECT = "landfall-test";

  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private FakeDatasetService datasets;
  private FakeBigQueryServices services;

  @Before
  public void setUp() throws Exception {
    FakeLake lake = FakeLake.create(PROJECT);
    datasets = lake.datasets;
    services = lake.services;
  }

  @Test
  public void run_landsRowsWithRunConstantsAndWritesTheLedger() throws Exception {
    Path data = folder.newFolder("data").toPath();
    write(data.resolve("customers_1.csv"), "customer_id,city\nc1,Leeds\n\nc2,\"Bath\n\"x\n");
    write(data.resolve("transactions_1.csv"), "transaction_id,amount\nt1,1.00\n");
    LandingOptions options = options(data.resolve("*.csv").toString(), LakeWriteMethod.FILE_LOADS);

    RunContext run = land(options).run();

    List<TableRow> lake = datasets.getAllRows(PROJECT, "lake", "raw_records");
    assertEquals(3, lake.size());
    for (TableRow row : lake) {
      assertEquals(run.loadId(), row.get("load_id"));
      // Avro loads come back as BigQuery prints a TIMESTAMP ("2026-11-01 10:00:00.123456 UTC").
      assertEquals(
          Instant.parse(run.ingestionTimestamp()),
          Instant.parse(((String) row.get("ingestion_timestamp")).replace(" UTC", "Z").replace(' ', 'T')));
    }
    assertEquals(1, lake.stream().filter(r -> r.get("parse_error") != null).count());
    List<TableRow> ledger = datasets.getAllRows(PROJECT, "lake", "landed_files");
    assertEquals(
        List.of("customers_1.csv:2:1:1", "transactions_1.csv:1:0:0"),
        ledger.stream()
            .map(r -> Path.of((String) r.get("source_file")).getFileName() + ":" + r.get("records_landed")
                + ":" + r.get("parse_errors") + ":" + r.get("blank_lines"))
            .sorted()
            .collect(Collectors.toList()));
  }

  @Test
  public void run_skipsFilesTheLedgerKnowsByListingWithoutReadingThemUnlessReprocessing()
      throws Exception {
    // Local files, like objects uploaded without the upload script, have no sha256 metadata.
    Path data = folder.newFolder("again").toPath();
    write(data.resolve("transactions_1.csv"), "transaction_id,amount\nt1,1.00\n");
    write(data.resolve("transactions_2.csv"), "transaction_id,amount\nt2,2.00\n");
    LandingOptions options = options(data.resolve("*.csv").toString(), LakeWriteMethod.STREAMING_INSERTS);
    Landing first = land(options);
    assertEquals(2L, first.counter("transactions.filesHashed"));
    assertTrue(
        datasets.getAllRows(PROJECT, "lake", "landed_files").stream()
            .allMatch(r -> String.valueOf(r.get("listing_identity")).startsWith("size:")));

    Landing second = land(options);

    assertEquals(2, datasets.getAllRows(PROJECT, "lake", "raw_records").size());
    assertEquals(2L, second.counter("transactions.filesSkippedAlreadyLanded"));
    assertEquals("skipped by listing: nothing read", 0L, second.counter("transactions.filesHashed"));

    options.setReprocess(true);
    int lookups = FakeLedgerLookup.CALLS.get();
    land(options);
    assertEquals(4, datasets.getAllRows(PROJECT, "lake", "raw_records").size());
    assertEquals(4, datasets.getAllRows(PROJECT, "lake", "landed_files").size());
    assertEquals("--reprocess asks no ledger", lookups, FakeLedgerLookup.CALLS.get());
  }

  @Test
  public void run_hashesOnlyNewListingsAndSkipsKnownContentUnderANewIdentity() throws Exception {
    Path data = folder.newFolder("copies").toPath();
    Path original = data.resolve("transactions_1.csv");
    write(original, "transaction_id,amount\nt1,1.00\n");
    LandingOptions options = options(data.resolve("*.csv").toString(), LakeWriteMethod.FILE_LOADS);
    land(options);

    // The same bytes under a new name, and the original rewritten unchanged (a new mtime): both
    // are new listings, hashed once, and skipped by content. A changed file lands.
    Files.copy(original, data.resolve("transactions_copy.csv"));
    Files.setLastModifiedTime(original, FileTime.fromMillis(Files.getLastModifiedTime(original).toMillis() + 5000));
    write(data.resolve("transactions_3.csv"), "transaction_id,amount\nt3,3.00\n");
    Landing second = land(options);


    assertEquals(3L, second.counter("transactions.filesHashed"));
    assertEquals(2L, second.counter("transactions.filesSkippedAlreadyLanded"));
    assertEquals(1L, second.counter("transactions.filesPlanned"));
    assertEquals(
        List.of("t1", "t3"),
        datasets.getAllRows(PROJECT, "lake", "raw_records").stream()
            .map(r -> ((String) r.get("data_string")).replaceAll(".*\"transaction_id\":\"(t\\d)\".*", "$1"))
            .sorted()
            .collect(Collectors.toList()));
  }

  @Test
  public void run_takesSourcesFromTheRulesAndReportsUnmatchedFilesWithoutLandingThem()
      throws Exception {
    Path data = folder.newFolder("landing").toPath();
    write(Files.createDirectories(data.resolve("customers")).resolve("2026-11-01.csv"), "customer_id\nc1\n");
    write(data.resolve("transactions_2026-11.csv"), "transaction_id\nt1\n");
    write(Files.createDirectories(data.resolve("2026/customers")).resolve("customer_export.csv"), "customer_id\nc2\n");
    write(Files.createDirectories(data.resolve("payments")).resolve("p.csv"), "payment_id\np1\n");
    LandingOptions options = options(data.resolve("**.csv").toString(), LakeWriteMethod.FILE_LOADS);

    Landing landing = land(options);

    assertEquals(
        List.of("2026-11-01.csv:customers", "customer_export.csv:customers", "transactions_2026-11.csv:transactions"),
        datasets.getAllRows(PROJECT, "lake", "raw_records").stream()
            .map(r -> Path.of((String) r.get("source_file")).getFileName() + ":" + r.get("source"))
            .sorted()
            .collect(Collectors.toList()));
    assertEquals(1L, landing.counter(LandingMetrics.UNMATCHED_FILES));
    assertEquals(3, datasets.getAllRows(PROJECT, "lake", "landed_files").size());
    assertEquals("reported again next run", 1L, land(options).counter(LandingMetrics.UNMATCHED_FILES));
  }

  @Test
  public void run_onlySourceLandsThatSourcesFilesAndStillReportsUnmatchedOnes() throws Exception {
    Path data = folder.newFolder("bucket").toPath();
    write(Files.createDirectories(data.resolve("customers")).resolve("2026-11-01.csv"), "customer_id\nc1\n");
    write(data.resolve("customers_2026-11-02.csv"), "customer_id\nc2\n");
    write(data.resolve("transactions_2026-11.csv"), "transaction_id\nt1\n");
    write(Files.createDirectories(data.resolve("payments")).resolve("p.csv"), "payment_id\np1\n");
    LandingOptions options = options(data.resolve("**.csv").toString(), LakeWriteMethod.FILE_LOADS);
    options.setOnlySource("customers");

    Landing landing = land(options);

    assertEquals(
        List.of("2026-11-01.csv:customers", "customers_2026-11-02.csv:customers"),
        datasets.getAllRows(PROJECT, "lake", "raw_records").stream()
            .map(r -> Path.of((String) r.get("source_file")).getFileName() + ":" + r.get("source"))
            .sorted()
            .collect(Collectors.toList()));
    assertEquals(1L, landing.counter(LandingMetrics.UNMATCHED_FILES));
  }

  @Test
  public void run_deadLettersARowTooLargeForTheWriteMethodAndLandsTheRest() throws Exception {
    Path data = folder.newFolder("large").toPath();
    write(data.resolve("transactions_1.csv"),
        "transaction_id,note\nt1," + "x".repeat(10 << 20) + "\nt2,small\n");
    LandingOptions options = options(data.resolve("*.csv").toString(), LakeWriteMethod.STREAMING_INSERTS);
    options.setSplitSizeBytes(1L << 20);
    Path deadLetters = folder.newFolder("dead").toPath();
    options.setDeadLetterDirectory(deadLetters.toString());

    RunContext run = land(options).run();

    assertEquals(1, datasets.getAllRows(PROJECT, "lake", "raw_records").size());
    List<String> lines;
    try (var files = Files.walk(deadLetters)) {
      lines = files.filter(f -> f.toString().endsWith(".jsonl"))
          .flatMap(f -> { try { return Files.readAllLines(f).stream(); } catch (IOException e) { throw new IllegalStateException(e); } })
          .collect(Collectors.toList());
    }
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith("{\"error\":\"row-too-large: data_string of "));
    assertTrue(lines.get(0).contains(run.loadId()));
  }

  @Test
  public void run_sendsARowOverTheAvroBlockLimitInAJsonLoadAndLandsIt() throws Exception {
    Path data = folder.newFolder("avro").toPath();
    String large = "x".repeat(17 << 20); // over Avro's 16 MB data block, far under JSON's 100 MB row
    write(data.resolve("transactions_1.csv"), "transaction_id,note\nt1," + large + "\nt2,small\n");
    LandingOptions options = options(data.resolve("*.csv").toString(), LakeWriteMethod.FILE_LOADS);
    options.setSplitSizeBytes(4L << 20);
    assertEquals(LoadFileFormat.AVRO, options.getLoadFileFormat());

    land(options);

    List<TableRow> lake = datasets.getAllRows(PROJECT, "lake", "raw_records");
    assertEquals(2, lake.size());
    assertTrue(lake.stream().anyMatch(r -> ((String) r.get("data_string")).contains(large)));
    assertEquals(1, datasets.getAllRows(PROJECT, "lake", "landed_files").size());
  }

  @Test
  public void run_landsAnUnreadableHeaderAsOneCountedError() throws Exception {
    Path data = folder.newFolder("utf16").toPath();
    Files.write(data.resolve("transactions_1.csv"),
        "transaction_id,amount".getBytes(StandardCharsets.UTF_16LE));
    LandingOptions options = options(data.resolve("*.csv").toString(), LakeWriteMethod.FILE_LOADS);

    land(options);

    List<TableRow> lake = datasets.getAllRows(PROJECT, "lake", "raw_records");
    assertEquals(1, lake.size());
    assertTrue(((String) lake.get(0).get("parse_error")).startsWith("unreadable header: header contains NUL bytes"));
    assertEquals("1", String.valueOf(datasets.getAllRows(PROJECT, "lake", "landed_files").get(0).get("parse_errors")));
  }

  @Test
  public void runContext_defaultsLedgerAndDeadLetterBesideTheirParents() {
    LandingOptions options = options("gs://b/x/*.csv", LakeWriteMethod.FILE_LOADS);
    options.setLoadId("load-1");

    RunContext run = RunContext.of(options, Instant.parse("2026-11-01T10:00:00.123456789Z"));

    assertEquals(PROJECT + ":lake.landed_files", run.ledgerTable());
    assertTrue(run.deadLetterDirectory().endsWith("/dead-letter/load-1"));
    assertEquals("2026-11-01T10:00:00.123456Z", run.ingestionTimestamp());
  }

  /** A finished run: its constants and its counters. */
  private record Landing(RunContext run, Map<String, Long> counters) {
    long counter(String name) {
      return counters.getOrDefault(name, 0L);
    }
  }

  private Landing land(LandingOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    RunContext run = RunContext.of(options, Instant.now());
    LandingPipeline.build(
        pipeline, options, run, new FakeLedgerLookup(PROJECT, "lake", "landed_files"), services);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    return new Landing(run, LandingSummary.counters(result));
  }

  private LandingOptions options(String pattern, LakeWriteMethod method) {
    LandingOptions options = PipelineOptionsFactory.as(LandingOptions.class);
    options.setProject(PROJECT);
    options.setInputFilePattern(pattern);
    options.setOutputTable(PROJECT + ":lake.raw_records");
    options.setWriteMethod(method);
    options.setTempLocation(folder.getRoot().getAbsolutePath());
    options.setSplitSizeBytes(5L);
    return options;
  }


  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}

package dev.landfall.landing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;



import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableRow;

import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.ParsedRecord;
import dev.landfall.erasure.CustomerKeyHash;
import dev.landfall.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
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

/**
 * The landing consults the erasure log: an erased customer's lines land as the marker (or, for
 * transactions in pseudonymise mode, under the pseudonym), counted; everyone else's unchanged.
 */
public class LandingErasuresTest {
  private static final String PROJECT = "landfall-test";
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

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
  public void erasedCustomersLinesLandAsMarkersOthersUnchanged() throws Exception {
    Path data = folder.newFolder("data").toPath();
    // C2 padded with spaces: the id is trimmed before it is hashed.
    write(data.resolve("customers_1.csv"),
        "customer_id,first_name,email\nC1,Ann,ann@example.com\n  C2 ,Bob,bob@example.com\nC3,\"Cy, Jr\",cy@example.com\n");
    write(data.resolve("transactions_1.csv"),
        "transaction_id,customer_id,amount\nT1,C1,1.00\nT2,C2,2.00\nT3,C3,3.00\n");
    Erasures erasures = erasures(Map.of("C2", new Erasures.Request("REQ-1", "delete")));

    Map<String, Long> counters = land(data, erasures);

    List<TableRow> lake = lake();
    assertEquals(6, lake.size());
    List<TableRow> markers =
        lake.stream().filter(r -> r.get("data_string").equals("{\"_erased_by\":\"REQ-1\"}")).toList();
    assertEquals(2, markers.size());
    for (TableRow marker : markers) {
      assertEquals(Sha256.hex("{\"_erased_by\":\"REQ-1\"}"), marker.get("record_hash"));
      assertNull(marker.get("parse_error"));
      assertTrue(Long.parseLong(String.valueOf(marker.get("source_offset"))) > 0);
    }
    assertFalse(lake.stream().anyMatch(r -> ((String) r.get("data_string")).contains("Bob")));
    assertFalse(lake.stream().anyMatch(r -> ((String) r.get("data_string")).contains("C2")));
    assertTrue(lake.stream().anyMatch(r -> r.get("data_string").equals(
        "{\"customer_id\":\"C3\",\"first_name\":\"Cy, Jr\",\"email\":\"cy@example.com\"}")));
    assertEquals(1L, (long) counters.get("customers.erasedLines"));
    assertEquals(1L, (long) counters.get("transactions.erasedLines"));
    // The ledger still counts every line landed.
    assertEquals(List.of("3", "3"), datasets.getAllRows(PROJECT, "lake", "landed_files").stream()
        .map(r -> String.valueOf(r.get("records_landed"))).toList());
    // Each marked line is recorded in privacy.erased_lines, by the lake row's provenance.
    List<TableRow> erased = erasedLines();
    assertEquals(2, erased.size());
    for (TableRow line : erased) {
      TableRow lakeRow = markers.stream()
          .filter(m -> m.get("source_file").equals(line.get("source_file"))
              && String.valueOf(m.get("source_offset")).equals(String.valueOf(line.get("source_offset"))))
          .findFirst().orElseThrow(() -> new AssertionError("no marker row for " + line));
      assertEquals("REQ-1", line.get("request_id"));
      assertEquals(lakeRow.get("source"), line.get("source"));
      assertEquals(lakeRow.get("load_id"), line.get("load_id"));
      assertEquals(lakeRow.get("ingestion_timestamp"), line.get("ingestion_timestamp"));
      assertEquals(false, line.get("pseudonymised"));
      assertNull(line.get("landing_rewritten_at"));
    }
    // The offsets are those of C2's lines in the files (the sweep removes them from there).
    assertEquals(List.of("customers_1.csv@52", "transactions_1.csv@45"), erased.stream()
        .map(r -> Path.of((String) r.get("source_file")).getFileName() + "@" + r.get("source_offset"))
        .sorted().toList());
  }

  @Test
  public void pseudonymiseModeKeepsTransactionsUnderThePseudonymAndMarksCustomers() throws Exception {
    Path data = folder.newFolder("data").toPath();
    write(data.resolve("customers_1.csv"), "customer_id,first_name\nC2,Bob\n");
    write(data.resolve("transactions_1.csv"), "amount,customer_id,transaction_id\n2.00,C2,T2\n");
    Erasures erasures = erasures(Map.of("C2", new Erasures.Request("REQ-2", "pseudonymise")));

    Map<String, Long> counters = land(data, erasures);

    String pseudonym = "erased:" + new CustomerKeyHash(KEY).of("C2");
    List<TableRow> lake = lake();
    TableRow transaction = lake.stream().filter(r -> r.get("source").equals("transactions")).findFirst().get();
    String expected = "{\"amount\":\"2.00\",\"customer_id\":\"" + pseudonym + "\",\"transaction_id\":\"T2\"}";
    assertEquals(expected, transaction.get("data_string"));
    // The SHA-256 of the pseudonymised data_string, as privacy.erase_customer writes it for a
    // lake row it pseudonymises: a re-delivered line and the retained one have equal hashes.
    assertEquals(Sha256.hex(expected), transaction.get("record_hash"));
    TableRow customer = lake.stream().filter(r -> r.get("source").equals("customers")).findFirst().get();
    assertEquals("{\"_erased_by\":\"REQ-2\"}", customer.get("data_string"));
    assertEquals(1L, (long) counters.get("transactions.pseudonymisedLines"));
    assertEquals(1L, (long) counters.get("customers.erasedLines"));
    assertEquals(List.of("customers:false", "transactions:true"), erasedLines().stream()
        .map(r -> r.get("source") + ":" + r.get("pseudonymised")).sorted().toList());
  }

  @Test
  public void malformedLineOfAnErasedCustomerLandsAsMarkerOthersKeepTheirReason() throws Exception {
    Path data = folder.newFolder("data").toPath();
    // Short rows: they land as _raw with a parse error, unless they name an erased customer.
    write(data.resolve("customers_1.csv"),
        "customer_id,first_name,email\n\"C2\" ,bob@example.com\nC3,cy@example.com\n");
    Erasures erasures = erasures(Map.of("C2", new Erasures.Request("REQ-3", "delete")));

    Map<String, Long> counters = land(data, erasures);

    List<TableRow> lake = lake();
    assertEquals("{\"_erased_by\":\"REQ-3\"}", lake.get(0).get("data_string"));
    assertNull(lake.get(0).get("parse_error"));
    assertTrue(((String) lake.get(1).get("data_string")).startsWith("{\"_raw\":\"C3,"));
    assertTrue(String.valueOf(lake.get(1).get("parse_error")).startsWith("expected 3 fields"));
    assertEquals(1L, (long) counters.get("customers.erasedLines"));
  }

  @Test
  public void customerIdOf_agreesWithAJsonParserOnEncodedRecords() {
    LakeRecordEncoder encoder = new LakeRecordEncoder();
    List<List<String>> rows = List.of(
        List.of("x\",\"customer_id\":\"FAKE", " C1 ", "a"),
        List.of("\\", "C\"2\\", "b\u0001\n"),
        List.of("", "", ""),
        List.of("ü€😀", "Zoë \t", "customer_id"),
        List.of("\"customer_id\":\"", "C5", ",\"customer_id\":\"X"));
    for (List<String> names : List.of(
        List.of("note", "customer_id", "other"), List.of("customer_id_x", "x\"customer_id", "customer_idz"))) {
      for (List<String> row : rows) {
        String data = encoder.encode("transactions", Header.of(names), ParsedRecord.of(row), new byte[0], 0, 0)
            .dataString();
        assertEquals(data, ApplyErasuresFn.fields(data).get("customer_id"), ApplyErasuresFn.customerIdOf(data));
      }
    }
  }

  @Test
  public void emptyLogLandsEverythingUnchanged() throws Exception {
    Path data = folder.newFolder("data").toPath();
    write(data.resolve("customers_1.csv"), "customer_id,first_name\nC2,Bob\n");

    Map<String, Long> counters = land(data, Erasures.none());

    assertEquals("{\"customer_id\":\"C2\",\"first_name\":\"Bob\"}", lake().get(0).get("data_string"));
    assertEquals(0L, (long) counters.getOrDefault("customers.erasedLines", 0L));
    assertEquals(0, erasedLines().size());
  }

  @Test
  public void aFileWhoseErasedLinesAreNotRecordedGetsNoLedgerRow() throws Exception {
    // erased_lines cannot be written (here: missing): the run fails and the file has no ledger
    // row, so it lands again, never counted as landed with its erased lines unrecorded.
    datasets.deleteTable(new TableReference().setProjectId(PROJECT).setDatasetId("privacy").setTableId("erased_lines"));
    Path data = folder.newFolder("data").toPath();
    write(data.resolve("customers_1.csv"), "customer_id,first_name\nC1,Ann\nC2,Bob\n");
    try {
      land(data, erasures(Map.of("C2", new Erasures.Request("REQ-4", "delete"))));
      fail("a run that cannot record its erased lines must fail");
    } catch (RuntimeException expected) {
      assertTrue(String.valueOf(expected.getMessage()), String.valueOf(expected).contains("erased_lines"));
    }
    assertEquals(0, datasets.getAllRows(PROJECT, "lake", "landed_files").size());
  }

  @Test
  public void aRefusedErasedLineFailsTheRunBeforeTheLedger() throws Exception {
    // BigQuery refuses the erased_lines row (Storage Write API, row-level): never dropped
    // silently, the run fails and the file gets no ledger row, so it lands again.
    datasets.setShouldFailRow(
        (java.util.function.Function<TableRow, Boolean> & java.io.Serializable) row -> row.containsKey("request_id"));
    Path data = folder.newFolder("data").toPath();
    write(data.resolve("customers_1.csv"), "customer_id,first_name\nC1,Ann\nC2,Bob\n");
    try {
      land(data, () -> erasures(Map.of("C2", new Erasures.Request("REQ-5", "delete"))),
          LakeWriteMethod.STORAGE_WRITE_API);
      fail("a refused erased line must fail the run");
    } catch (RuntimeException expected) {
      assertTrue(String.valueOf(expected), String.valueOf(expected).contains("erased_lines refused a row"));
    }
    assertEquals(0, datasets.getAllRows(PROJECT, "lake", "landed_files").size());
  }

  /**
   * The ledger row is written only after the erased lines are committed (and checked for
   * refusals), with every write method: in the graph, the ledger's Wait.on (AfterLakeCommit)
   * consumes what RecordErasedLines reports committed. (The DirectRunner's scheduling does not
   * show the order reliably; the graph does.)
   */
  @Test
  public void theLedgerWaitsForTheErasedLinesWrite_inTheGraph() throws Exception {
    Path data = folder.newFolder("graph").toPath();
    for (LakeWriteMethod method : LakeWriteMethod.values()) {
      Pipeline pipeline = pipeline(data, Erasures::none, method);
      Map<org.apache.beam.sdk.values.PValue, String> producers = new java.util.HashMap<>();
      java.util.Set<String> awaited = new java.util.TreeSet<>();
      pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
        @Override
        public void visitValue(org.apache.beam.sdk.values.PValue value,
            org.apache.beam.sdk.runners.TransformHierarchy.Node producer) {
          producers.putIfAbsent(value, producer.getFullName());
        }

        @Override
        public void visitPrimitiveTransform(org.apache.beam.sdk.runners.TransformHierarchy.Node node) {
          if (node.getFullName().startsWith("AfterLakeCommit/")) {
            node.getInputs().values().forEach(input -> {
              String producer = producers.getOrDefault(input, "");
              if (!producer.startsWith("AfterLakeCommit/")) {
                awaited.add(producer.split("/")[0]);
              }
            });
          }
        }
      });
      assertTrue(method + ": the ledger waits for " + awaited, awaited.contains("RecordErasedLines"));
      assertTrue(method + ": the ledger waits for " + awaited, awaited.contains("WriteToLake"));
      if (method != LakeWriteMethod.FILE_LOADS) {
        assertTrue(method + ": and for the refusal check: " + awaited, awaited.contains("FailOnRefusedErasedLines"));
      }
    }
  }

  @Test
  public void withoutErasedLinesTheRunNeverTouchesThePrivacyDataset() throws Exception {
    // No erased_lines table at all (a deployment without the privacy package): nothing is
    // marked, so nothing is written there and the run succeeds, with every write method.
    datasets.deleteTable(new TableReference().setProjectId(PROJECT).setDatasetId("privacy").setTableId("erased_lines"));
    for (LakeWriteMethod method : LakeWriteMethod.values()) {
      Path data = folder.newFolder("data-" + method).toPath();
      // Different content per run: the ledger would skip a content already landed.
      write(data.resolve("customers_1.csv"), "customer_id,first_name\nC2," + method + "\n");
      land(data, () -> Erasures.none(), method);
    }
    assertEquals(LakeWriteMethod.values().length, lake().size());
  }

  @Test
  public void logWithoutKeyFailsTheRunClearly() throws Exception {
    Path data = folder.newFolder("data").toPath();
    write(data.resolve("customers_1.csv"), "customer_id,first_name\nC2,Bob\n");
    try {
      land(data, () -> {
        throw new java.io.IOException("privacy.erasure_log holds 1 erasure request(s) but no key");
      });
      fail("a run that cannot read the key must not land");
    } catch (RuntimeException expected) {
      assertTrue(String.valueOf(expected.getMessage()), String.valueOf(expected.getMessage()).contains("no key"));
    }
    assertEquals(0, lake().size());
  }

  private static Erasures erasures(Map<String, Erasures.Request> byCustomer) {
    CustomerKeyHash hash = new CustomerKeyHash(KEY);
    return new Erasures(KEY, byCustomer.entrySet().stream()
        .collect(Collectors.toMap(e -> hash.of(e.getKey()), Map.Entry::getValue)));
  }

  private List<TableRow> erasedLines() throws Exception {
    return datasets.getAllRows(PROJECT, "privacy", "erased_lines");
  }

  private List<TableRow> lake() throws Exception {
    return datasets.getAllRows(PROJECT, "lake", "raw_records").stream()
        .sorted(Comparator.comparing((TableRow r) -> (String) r.get("source_file"))
            .thenComparing(r -> Long.parseLong(String.valueOf(r.get("source_offset")))))
        .toList();
  }

  private Map<String, Long> land(Path data, ErasureLookup erasures) {
    return land(data, erasures, LakeWriteMethod.STREAMING_INSERTS);
  }

  private Map<String, Long> land(Path data, ErasureLookup erasures, LakeWriteMethod method) {
    PipelineResult result = pipeline(data, erasures, method).run();
    result.waitUntilFinish();
    return LandingSummary.counters(result);
  }

  /** The landing of {@code data}/*.csv on the fake BigQuery, built, not run. */
  private Pipeline pipeline(Path data, ErasureLookup erasures, LakeWriteMethod method) {
    LandingOptions options = PipelineOptionsFactory.as(LandingOptions.class);
    options.setProject(PROJECT);
    options.setInputFilePattern(data.resolve("*.csv").toString());
    options.setOutputTable(PROJECT + ":lake.raw_records");
    options.setWriteMethod(method);
    options.setTempLocation(folder.getRoot().getAbsolutePath());
    Pipeline pipeline = Pipeline.create(options);
    RunContext run = RunContext.of(options, Instant.now());
    LandingPipeline.build(
        pipeline, options, run, new FakeLedgerLookup(PROJECT, "lake", "landed_files"), erasures, services);
    return pipeline;
  }

  private Map<String, Long> land(Path data, Erasures erasures) {
    return land(data, () -> erasures);
  }


  private static void write(Path file, String content) throws Exception {
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}

package dev.landfall.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.config.LandfallConfig;
import dev.landfall.deploy.Deployer;
import dev.landfall.landing.LandingOptions;
import dev.landfall.landing.LandingPipeline;
import dev.landfall.report.RunReport;
import dev.landfall.report.RunReport.SourceSummary;
import dev.landfall.testing.LocalBigQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The shipped samples through the real parts, in order, on the local BigQuery engine: deploy, land
 * with the pipeline (DirectRunner, file loads), land again (skipped by the ledger), unpack twice,
 * snapshot twice, export. Counts are those of {@code samples/} (see its anomalies).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalFlowEndToEndTest {
  private static final long CUSTOMER_ROWS = 48;
  private static final long TRANSACTION_ROWS = 641;

  private final LocalBigQuery engine = LocalBigQuery.get();
  private LandfallConfig config;
  private Deployer deployer;
  private Queries queries;
  private Flow flow;
  @TempDir Path temp;

  @BeforeAll
  void deploy() {
    String suffix = "e2e_" + UUID.randomUUID().toString().substring(0, 8);
    config = engine.config().withDatasetSuffix(suffix);
    deployer = new Deployer(engine.bigQuery(), engine.projectId(), config, System.out);
    deployer.deploy(engine.repoRoot().resolve("routines"));
    queries = new Queries(engine.bigQuery());
    flow = new Flow(queries, config);
  }

  @AfterAll
  void drop() {
    deployer.dropDatasets();
  }

  @Test
  @Order(1)
  void landing_landsEveryRecordWithProvenance() {
    assertEquals(PipelineResult.State.DONE, land("e2e-1", false));

    assertEquals(
        List.of(List.of("customers", "48", "1"), List.of("transactions", "641", "1")),
        rows(
            "SELECT source, COUNT(*) AS n, COUNTIF(parse_error IS NOT NULL) AS errors FROM %s"
                + " GROUP BY source ORDER BY source",
            "raw_records"));
    assertEquals(
        List.of(List.of("1", "1", String.valueOf(CUSTOMER_ROWS + TRANSACTION_ROWS))),
        rows(
            "SELECT COUNT(DISTINCT load_id) AS loads, COUNT(DISTINCT ingestion_timestamp) AS"
                + " starts, COUNT(DISTINCT CONCAT(source_file, ':', CAST(source_offset AS STRING)))"
                + " AS places FROM %s",
            "raw_records"));
    assertEquals(
        List.of(List.of("4", "689", "2", "1")),
        rows(
            "SELECT COUNT(*) AS files, SUM(records_landed) AS records, SUM(parse_errors) AS errors,"
                + " SUM(blank_lines) AS blank FROM %s",
            "landed_files"));
  }

  @Test
  @Order(2)
  void landing_again_skipsFilesAlreadyInTheLedger() {
    assertEquals(PipelineResult.State.DONE, land("e2e-2", false));

    assertEquals(List.of(List.of("689")), rows("SELECT COUNT(*) AS n FROM %s", "raw_records"));
    assertEquals(List.of(List.of("4")), rows("SELECT COUNT(*) AS n FROM %s", "landed_files"));
  }

  @Test
  @Order(3)
  void unpack_accountsForEveryLakeRowAndIsIdempotent() {
    flow.unpack();
    RunReport first = flow.report(flow.queryExports(null), null, null, null, Map.of(), List.of());
    flow.unpack();
    RunReport second = flow.report(flow.queryExports(null), null, null, null, Map.of(), List.of());

    assertEquals(first.sources(), second.sources());
    for (SourceSummary c : second.sources()) {
      assertEquals(c.lakeRows(), c.typed() + c.rejected() + c.duplicates() + c.erased(), c.source());
      assertEquals(0L, c.erased(), "nothing erased: " + c.source());
      assertTrue(c.isBalanced(), c.source());
    }
    assertEquals(
        List.of(CUSTOMER_ROWS, TRANSACTION_ROWS),
        second.sources().stream().map(SourceSummary::lakeRows).toList());
  }

  @Test
  @Order(4)
  void snapshot_rerunReplacesAndExportsAreWritten() throws IOException {
    String date = flow.snapshot("latest");
    flow.snapshot(date);
    Flow.writeExports(temp, flow.queryExports("e2e-1"));

    List<List<String>> snapshot =
        queries
            .query(
                "SELECT COUNT(*) AS n, COUNT(DISTINCT snapshot_date) AS dates FROM `"
                    + config.analyticsDataset()
                    + "`.top_customers_snapshots")
            .rows();
    long top =
        Long.parseLong(
            queries
                .query(
                    "SELECT COUNT(*) AS n FROM `" + config.analyticsDataset() + "`.top_customers")
                .rows()
                .get(0)
                .get(0));
    assertEquals(List.of(List.of(String.valueOf(top), "1")), snapshot);
    assertTrue(top >= 1);
    for (String file :
        List.of(
            "monthly_spend.csv",
            "customer_lifetime_value.csv",
            "top_customers.csv",
            "top_customers_snapshots.csv",
            "customers_history.csv",
            "transactions.csv",
            "rejects.csv",
            "lake_records.csv",
            "load_reconciliation.csv",
            "landed_files.csv")) {
      assertTrue(Files.size(temp.resolve(file)) > 0, file);
    }
    assertTrue(
        Files.readString(temp.resolve("lake_records.csv"))
            .startsWith("source,source_file,source_offset,data_string,parse_error\r\n"));
    assertTrue(
        Files.readString(temp.resolve("load_reconciliation.csv"))
            .startsWith(
                "source,load_id,ingestion_timestamp,files,lake_rows,typed_rows,rejected_rows,"
                    + "duplicate_rows,erased_rows,rows_awaiting_unpack,rows_without_ledger,rows_not_in_lake,"
                    + "status\r\n"));
  }

  private PipelineResult.State land(String loadId, boolean reprocess) {
    LandingOptions options = engine.landingOptions(config, engine.repoRoot().resolve("samples") + "/*/*.csv", temp, loadId);
    options.setReprocess(reprocess);
    options.setSplitSizeBytes(4096L);
    return LandingPipeline.run(options).waitUntilFinish();
  }

  private List<List<String>> rows(String sql, String lakeTable) {
    return queries.query(String.format(sql, "`" + config.lakeDataset() + "`." + lakeTable)).rows();
  }
}

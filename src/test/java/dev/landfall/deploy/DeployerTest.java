package dev.landfall.deploy;

import static dev.landfall.deploy.RoutineFileTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Routine;
import com.google.cloud.bigquery.Table;
import dev.landfall.config.LandfallConfig;
import dev.landfall.testing.CanonicalValues;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy against the local engine: ordering, retries, errors and idempotency. */
class DeployerTest {

  private LocalBigQuery engine;
  private LandfallConfig config;
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private Deployer deployer;

  @BeforeEach
  void isolatedDatasets() {
    engine = LocalBigQuery.get();
    String suffix = "dt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    config = engine.config().withDatasetSuffix(suffix);
    deployer =
        new Deployer(
            engine.bigQuery(),
            engine.projectId(),
            config,
            new PrintStream(logBytes, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void dropDatasets() {
    deployer.dropDatasets();
  }

  @Test
  void deploy_twice_sameObjectsNoErrorAndDataKept(@TempDir Path dir) throws Exception {
    Path routines = sampleRoutines(dir);

    Deployer.Result first = deployer.deploy(routines);
    query("INSERT INTO `" + config.lakeDataset() + ".events` (id, amount) VALUES ('e1', 1.25)");
    TreeSet<String> before = objects();
    Deployer.Result second = deployer.deploy(routines);

    assertEquals(6, first.applied().size());
    assertEquals(LandfallConfig.DATASET_KEYS.size(), first.datasetsCreated().size());
    assertEquals(6, second.applied().size());
    assertTrue(second.datasetsCreated().isEmpty());
    assertEquals(before, objects());
    assertEquals(
        List.of(
            "analytics:currency_ok:SCALAR_FUNCTION",
            "analytics:events_count:PROCEDURE",
            "customers:a_summary:VIEW",
            "customers:by_id:TABLE_VALUED_FUNCTION",
            "customers:z_base:VIEW",
            "lake:deploy_history:TABLE",
            "lake:deploy_lock:TABLE",
            "lake:events:TABLE"),
        before.stream().map(o -> o.replaceFirst("_dt_[0-9a-f]{8}:", ":")).toList());
    assertEquals(
        List.of(List.of("e1", "1.25")),
        rows("SELECT id, amount FROM `" + config.lakeDataset() + ".events`"));
    assertEquals(
        List.of(List.of("e1")),
        rows("SELECT id FROM `" + config.customersDataset() + ".by_id`('e1')"));
    assertEquals(
        List.of(List.of("true")),
        rows("SELECT `" + config.analyticsDataset() + ".currency_ok`('GBP') AS ok"));
  }

  @Test
  void deploy_logsOneLinePerObjectAndASummary(@TempDir Path dir) throws Exception {
    deployer.deploy(sampleRoutines(dir));

    String log = logBytes.toString(StandardCharsets.UTF_8);
    assertEquals(6, log.lines().filter(l -> l.startsWith("applied ")).count(), log);
    assertTrue(
        log.lines()
            .anyMatch(l -> l.matches("deploy: 6 objects applied to project .* in \\d+\\.\\ds")),
        log);
  }

  @Test
  void deploy_failingFileIsReportedWithItsNameAndLaterServicesAreSkipped(@TempDir Path dir)
      throws IOException {
    Path routines = sampleRoutines(dir);
    write(
        routines.resolve("customers/broken.sql"),
        "CREATE OR REPLACE VIEW `${customers_dataset}.broken` AS SELECT no_such_column FROM"
            + " `${lake_dataset}.events`");

    DeployException e = assertThrows(DeployException.class, () -> deployer.deploy(routines));

    assertTrue(e.getMessage().startsWith("routines/customers/broken.sql:1: "), e.getMessage());
    assertTrue(e.getMessage().contains("no_such_column"), e.getMessage());
    assertNull(engine.bigQuery().getRoutine(config.analyticsDataset(), "events_count"));
  }

  @Test
  void deploy_unknownPlaceholderFailsBeforeTouchingBigQuery(@TempDir Path dir) throws IOException {
    Path routines = sampleRoutines(dir);
    write(
        routines.resolve("lake/typo.sql"),
        "CREATE TABLE IF NOT EXISTS `${lake_datset}.typo` (x INT64)");

    DeployException e = assertThrows(DeployException.class, () -> deployer.deploy(routines));

    assertTrue(
        e.getMessage()
            .contains("routines/lake/typo.sql: line 1: unknown placeholder" + " ${lake_datset}"),
        e.getMessage());
    assertNull(
        engine.bigQuery().getDataset(DatasetId.of(engine.projectId(), config.lakeDataset())));
  }

  @Test
  void deploy_repositoryRoutinesTwiceIsIdempotent() throws Exception {
    Path routines = engine.repoRoot().resolve("routines");

    deployer.deploy(routines);
    TreeSet<String> before = objects();
    Deployer.Result second = deployer.deploy(routines);

    assertFalse(before.isEmpty());
    assertEquals(before, objects());
    assertEquals(
        before.size() - 2,
        second.applied().size(),
        "every object but the deploy's own deploy_history and deploy_lock");
  }

  @Test
  void dryRun_printsThePlanWithoutAClient(@TempDir Path dir) throws IOException {
    Path routines = sampleRoutines(dir);
    Deployer offline =
        new Deployer(
            null, "some-project", config, new PrintStream(logBytes, true, StandardCharsets.UTF_8));

    List<Deployer.Planned> plan = offline.dryRun(routines);

    assertEquals(6, plan.size());
    assertEquals(config.lakeDataset() + ".events", plan.get(0).objectName());
    assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("deploy (dry run): 6 objects"));
  }

  /**
   * Six objects with dependencies that their names do not order: a view on a view that sorts after
   * it, and a table function (applied before views) that reads a view.
   */
  private static Path sampleRoutines(Path dir) throws IOException {
    Path routines = dir.resolve("routines");
    manifest(routines, "lake");
    manifest(routines, "customers", "lake");
    manifest(routines, "analytics", "lake");
    write(
        routines.resolve("lake/events.sql"),
        "-- Events.\n"
            + "CREATE TABLE IF NOT EXISTS `${lake_dataset}.events` (id STRING, amount NUMERIC)\n"
            + "OPTIONS (description = 'Sample events.');");
    write(
        routines.resolve("customers/a_summary.sql"),
        "CREATE OR REPLACE VIEW `${customers_dataset}.a_summary` AS\n"
            + "SELECT COUNT(*) AS event_count FROM `${customers_dataset}.z_base`");
    write(
        routines.resolve("customers/z_base.sql"),
        "CREATE OR REPLACE VIEW `${customers_dataset}.z_base` AS\n"
            + "SELECT e.id FROM `${lake_dataset}.events` AS e");
    write(
        routines.resolve("customers/by_id.sql"),
        "CREATE OR REPLACE TABLE FUNCTION `${customers_dataset}.by_id`(wanted_id STRING) AS\n"
            + "SELECT b.id FROM `${customers_dataset}.z_base` AS b WHERE b.id = wanted_id");
    write(
        routines.resolve("analytics/events_count.sql"),
        "CREATE OR REPLACE PROCEDURE `${analytics_dataset}.events_count`()\nBEGIN\n"
            + "  SELECT COUNT(*) AS event_count FROM `${lake_dataset}.events`;\nEND;");
    write(
        routines.resolve("analytics/currency_ok.sql"),
        "CREATE OR REPLACE FUNCTION `${analytics_dataset}.currency_ok`(currency STRING)\n"
            + "AS (currency = '${base_currency}');");
    write(routines.resolve("analytics/tests/ignored.yaml"), "description: not SQL\n");
    return routines;
  }

  static void manifest(Path routines, String name, String... dependsOn) throws IOException {
    write(
        routines.resolve(name + "/package.yaml"),
        "name: " + name + "\nversion: 1.0.0\ndepends_on: [" + String.join(", ", dependsOn) + "]\n");
  }

  /** dataset:object:type of every table, view and routine in the deployed datasets. */
  private TreeSet<String> objects() {
    BigQuery bigQuery = engine.bigQuery();
    TreeSet<String> objects = new TreeSet<>();
    for (String dataset : config.datasets().values()) {
      DatasetId id = DatasetId.of(engine.projectId(), dataset);
      for (Table table : bigQuery.listTables(id).iterateAll()) {
        objects.add(
            dataset + ":" + table.getTableId().getTable() + ":" + table.getDefinition().getType());
      }
      for (Routine routine : bigQuery.listRoutines(id).iterateAll()) {
        objects.add(
            dataset + ":" + routine.getRoutineId().getRoutine() + ":" + routine.getRoutineType());
      }
    }
    return objects;
  }

  private void query(String sql) throws InterruptedException {
    engine.bigQuery().query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
  }

  private List<List<String>> rows(String sql) throws InterruptedException {
    return CanonicalValues.rows(
        engine
            .bigQuery()
            .query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build()));
  }
}

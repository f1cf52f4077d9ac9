package dev.landfall.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import dev.landfall.config.LandfallConfig;
import dev.landfall.landing.LakeWriteMethod;
import dev.landfall.landing.LandingOptions;
import dev.landfall.landing.LandingPipeline;
import dev.landfall.testing.CanonicalValues;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 §2 on the local engine, with a temporary copy of the repository's routines: a redeploy
 * evolves tables in place, refuses what BigQuery cannot do in place (changing nothing), runs a
 * migration once, and replaces edited views and procedures.
 */
class SchemaEvolutionTest {

  @TempDir Path dir;
  private LocalBigQuery engine;
  private LandfallConfig config;
  private Path routines;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private Deployer deployer;

  @BeforeEach
  void deployACopy() throws IOException {
    engine = LocalBigQuery.get();
    config =
        engine
            .config()
            .withDatasetSuffix("ev_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    routines = copy(engine.repoRoot().resolve("routines"), dir.resolve("routines"));
    deployer =
        new Deployer(
            engine.bigQuery(),
            engine.projectId(),
            config,
            new PrintStream(log, true, StandardCharsets.UTF_8));
    deployer.deploy(routines);
  }

  @AfterEach
  void drop() {
    deployer.dropDatasets();
  }

  @Test
  void addedNullableColumn_isAddedRowsKeptAndUnpackStillRuns() throws Exception {
    land("customers");
    call("CALL `" + config.customersDataset() + ".unpack`()");
    long versions = count("SELECT COUNT(*) FROM `" + config.customersDataset() + ".customers_history`");
    assertTrue(versions > 0);

    addColumn("customers/customers_history.sql", "loyalty_tier STRING OPTIONS (description = 'Tier.')");
    Deployer.Result second = deployer.deploy(routines);

    assertEquals(
        versions,
        count(
            "SELECT COUNT(*) FROM `" + config.customersDataset() + ".customers_history`"
                + " WHERE loyalty_tier IS NULL"),
        "rows kept, new column NULL");
    assertTrue(log().contains("add column " + config.customersDataset() + ".customers_history.loyalty_tier STRING"), log());
    assertFalse(second.applied().isEmpty());
    land("transactions");
    call("CALL `" + config.customersDataset() + ".unpack`()");
    call("CALL `" + config.transactionsDataset() + ".unpack`()");
    assertTrue(count("SELECT COUNT(*) FROM `" + config.transactionsDataset() + ".transactions`") > 0);
    assertEquals(
        versions,
        count("SELECT COUNT(*) FROM `" + config.customersDataset() + ".customers_history`"),
        "a second unpack of the same lake adds nothing");
  }

  @Test
  void changedColumnType_isRefusedNamingTheColumnAndNothingChanges() throws Exception {
    land("customers");
    call("CALL `" + config.customersDataset() + ".unpack`()");
    long before = count("SELECT COUNT(*) FROM `" + config.customersDataset() + ".customers_history`");
    Path file = routines.resolve("customers/customers_history.sql");
    Files.writeString(
        file,
        Files.readString(file).replace("date_of_birth DATE OPTIONS", "date_of_birth STRING OPTIONS"));
    addColumn("customers/duplicates.sql", "loyalty_tier STRING");

    String plan = plan();
    DeployException e = assertThrows(DeployException.class, () -> deployer.deploy(routines));

    assertTrue(
        plan.contains(
            "REFUSED " + config.customersDataset() + ".customers_history.date_of_birth: type change"),
        plan);
    assertTrue(e.getMessage().contains("deploy refused, nothing changed"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(config.customersDataset() + ".customers_history.date_of_birth: type change DATE -> STRING"),
        e.getMessage());
    assertEquals(before, count("SELECT COUNT(*) FROM `" + config.customersDataset() + ".customers_history`"));
    // Read the column itself: the local engine's INFORMATION_SCHEMA.COLUMNS does not follow
    // ALTER TABLE, so a count there would pass whether the column was added or not.
    Exception noColumn =
        assertThrows(
            Exception.class,
            () -> query("SELECT loyalty_tier FROM `" + config.customersDataset() + ".duplicates` LIMIT 0"),
            "the allowed change in the same deploy was not applied either");
    assertTrue(noColumn.getMessage().contains("loyalty_tier"), noColumn.getMessage());
  }

  @Test
  void migration_makesARefusedChangeOnceAndIsRecorded() throws Exception {
    land("customers");
    call("CALL `" + config.customersDataset() + ".unpack`()");
    long rejectsBefore = count("SELECT COUNT(*) FROM `" + config.customersDataset() + ".rejects`");
    Path file = routines.resolve("customers/rejects.sql");
    Files.writeString(
        file,
        Files.readString(file)
            .replace(
                "  customer_id STRING OPTIONS (description = 'Trimmed customer_id when the row has one.'),\n",
                ""));
    // A migration script: keep the rows, re-create the table at its end state, put them back.
    String rejects = "`${customers_dataset}.rejects`";
    String kept = "`${customers_dataset}.rejects_001`";
    Files.writeString(
        routines.resolve("customers/migrations/001_drop_rejects_customer_id.sql"),
        "CREATE TABLE " + kept + " AS SELECT * EXCEPT (customer_id) FROM " + rejects + ";\n"
            + "DROP TABLE " + rejects + ";\n"
            + Files.readString(file).strip() + "\n"
            + "INSERT INTO " + rejects + " SELECT * FROM " + kept + ";\n"
            + "DROP TABLE " + kept + ";\n");

    DeployException refusedWithoutIt =
        assertThrows(
            DeployException.class,
            () -> deployer.deploy(copyWithout(routines, "customers/migrations/001_drop_rejects_customer_id.sql")));
    assertTrue(refusedWithoutIt.getMessage().contains(".rejects.customer_id: column dropped or renamed"));

    String plan = plan();
    assertTrue(plan.contains("run migration routines/customers/migrations/001_drop_rejects_customer_id.sql"), plan);
    log.reset();
    deployer.deploy(routines, Set.of("customers"), false);
    deployer.deploy(routines, Set.of("customers"), false);

    assertEquals(
        1,
        count(
            "SELECT COUNT(*) FROM `" + config.lakeDataset() + ".deploy_history`"
                + " WHERE package = 'customers' AND event = 'migration'"
                + " AND migration = '001_drop_rejects_customer_id.sql'"),
        "the migration ran once");
    assertEquals(1, log().lines().filter(l -> l.startsWith("migrated ")).count(), log());
    assertEquals(
        rejectsBefore,
        count("SELECT COUNT(*) FROM `" + config.customersDataset() + ".rejects`"),
        "the migration kept the rows");
  }

  @Test
  void upgradeToMonthlyTotals_migration002CountsTheTransactionsTypedBefore() throws Exception {
    // Transactions typed before the upgrade (written directly: the migration reads only them).
    call(
        "INSERT INTO `" + config.transactionsDataset() + ".transactions` (transaction_id, customer_id,"
            + " transaction_date, amount, currency, source_file, source_offset, ingestion_timestamp,"
            + " record_hash, load_id, unpacked_at)"
            + " SELECT FORMAT('t%03d', n), FORMAT('c%d', MOD(n, 7)), DATE_ADD(DATE '2026-01-03', INTERVAL 5 * n DAY),"
            + " NUMERIC '1.25' * n, 'GBP', 'before_upgrade.csv', n, TIMESTAMP '2026-12-01 00:00:00+00',"
            + " 'hash', 'load-before', TIMESTAMP '2026-12-01 00:00:00+00' FROM UNNEST(GENERATE_ARRAY(1, 60)) AS n");
    String totals = "`" + config.transactionsDataset() + ".customer_monthly_totals`";
    long months =
        count(
            "SELECT COUNT(*) FROM (SELECT DISTINCT customer_id, DATE_TRUNC(transaction_date, MONTH)"
                + " FROM `" + config.transactionsDataset() + ".transactions`)");
    assertTrue(months > 0);
    // A deployment from before the table: no table, and migration 002 never recorded.
    call("DROP TABLE " + totals);
    call(
        "DELETE FROM `" + config.lakeDataset() + ".deploy_history`"
            + " WHERE package = 'transactions' AND migration = '002_customer_monthly_totals.sql'");

    log.reset();
    deployer.deploy(routines, Set.of("transactions"), false);
    deployer.deploy(routines, Set.of("transactions"), false);

    assertTrue(log().contains("migrated routines/transactions/migrations/002_customer_monthly_totals.sql"), log());
    assertEquals(
        1,
        count(
            "SELECT COUNT(*) FROM `" + config.lakeDataset() + ".deploy_history`"
                + " WHERE package = 'transactions' AND event = 'migration'"
                + " AND migration = '002_customer_monthly_totals.sql'"),
        "the migration ran once");
    assertEquals(months, count("SELECT COUNT(*) FROM " + totals));
    assertEquals(
        0,
        count("SELECT COUNT(*) FROM `" + config.transactionsDataset() + ".customer_monthly_totals_differences`"),
        "every customer's months counted from the transactions typed before the upgrade");
  }

  @Test
  void editedViewAndProcedure_areReplaced() throws Exception {
    Path view = routines.resolve("customers/customers_current.sql");
    Files.writeString(
        view,
        Files.readString(view)
            // A new first column: in the view's column list (as BigQuery requires) and its SELECT.
            .replaceFirst("\n\\(\n", "\n(\n  definition_marker OPTIONS (description = 'Test marker.'),\n")
            .replaceFirst("\nSELECT\n", "\nSELECT\n  'v2' AS definition_marker,\n"));
    Path proc = routines.resolve("analytics/snapshot_top_customers.sql");
    Files.writeString(
        proc,
        Files.readString(proc)
            .replaceFirst("\nBEGIN\n", "\nBEGIN\n  DECLARE landfall_marker_v2 STRING DEFAULT 'v2';\n"));

    deployer.deploy(routines);

    assertEquals(
        0,
        count(
            "SELECT COUNT(*) FROM `" + config.customersDataset() + ".customers_current`"
                + " WHERE definition_marker != 'v2'"));
    String body =
        engine
            .bigQuery()
            .getRoutine(config.analyticsDataset(), "snapshot_top_customers")
            .getBody();
    assertTrue(body.contains("landfall_marker_v2"), body);
  }

  @Test
  void plan_printsChangesAndChangesNothing() throws Exception {
    addColumn("transactions/transactions.sql", "channel STRING");

    String plan = plan();

    assertTrue(plan.contains("add column " + config.transactionsDataset() + ".transactions.channel STRING"), plan);
    assertTrue(plan.contains("replace procedure " + config.customersDataset() + ".unpack"), plan);
    assertTrue(plan.contains("policy tag on " + config.customersDataset() + ".customers_history: date_of_birth, email, first_name, last_name"), plan);
    assertThrows(
        Exception.class,
        () -> query("SELECT channel FROM `" + config.transactionsDataset() + ".transactions`"),
        "--plan added the column");
  }

  @Test
  void oneServiceAlone_deploysAndRecordsItsVersion() throws Exception {
    Path file = routines.resolve("customers/package.yaml");
    Files.writeString(file, Files.readString(file).replace("version: 1.0.0", "version: 1.1.0"));

    deployer.deploy(routines, Set.of("customers"), false);

    assertEquals(
        List.of(List.of("customers", "1.1.0")),
        CanonicalValues.rows(
            query(
                "SELECT package, version FROM `" + config.lakeDataset() + ".deploy_history`"
                    + " WHERE event = 'deployed' AND version = '1.1.0'")));
    String log = log();
    assertTrue(log.contains("package customers 1.1.0 deployed"), log);
    assertFalse(log.substring(log.lastIndexOf("package customers 1.1.0")).contains("package transactions"), log);
  }

  @Test
  void oneServiceAlone_withItsDependencyNotDeployed_isRefused() throws Exception {
    LandfallConfig fresh =
        engine.config().withDatasetSuffix("ev_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    Deployer other = new Deployer(engine.bigQuery(), engine.projectId(), fresh, new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      DeployException e =
          assertThrows(DeployException.class, () -> other.deploy(routines, Set.of("analytics"), false));
      assertTrue(e.getMessage().contains("package analytics depends on customers, which is not deployed here"), e.getMessage());
    } finally {
      other.dropDatasets();
    }
  }

  private String plan() {
    log.reset();
    deployer.deploy(routines, Set.of(), true);
    return log();
  }

  private void addColumn(String relative, String definition) throws IOException {
    Path file = routines.resolve(relative);
    String sql = Files.readString(file);
    int close = sql.indexOf("\n)\n");
    Files.writeString(file, sql.substring(0, close) + ",\n  " + definition + sql.substring(close));
  }

  private void land(String source) throws IOException {
    Path input = dir.resolve("in-" + source);
    Files.createDirectories(input);
    try (Stream<Path> files = Files.list(engine.repoRoot().resolve("samples").resolve(source))) {
      for (Path f : files.toList()) {
        Files.copy(f, input.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    String loadId = source + "-" + UUID.randomUUID().toString().substring(0, 8);
    LandingOptions options = engine.landingOptions(config, input + "/*.csv", dir, loadId);
    options.setWriteMethod(LakeWriteMethod.FILE_LOADS);
    assertEquals(PipelineResult.State.DONE, LandingPipeline.run(options).waitUntilFinish());
  }

  private void call(String sql) throws InterruptedException {
    query(sql);
  }

  private long count(String sql) throws InterruptedException {
    return Long.parseLong(CanonicalValues.rows(query(sql)).get(0).get(0));
  }

  private TableResult query(String sql) throws InterruptedException {
    return engine.bigQuery().query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
  }

  private String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }

  private Path copyWithout(Path routinesDir, String relative) throws IOException {
    Path other = copy(routinesDir, dir.resolve("routines-" + UUID.randomUUID().toString().substring(0, 6)).resolve("routines"));
    Files.delete(other.resolve(relative));
    return other;
  }
}

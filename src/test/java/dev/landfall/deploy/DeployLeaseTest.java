package dev.landfall.deploy;

import static dev.landfall.deploy.RoutineFileTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.JobException;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import dev.landfall.config.LandfallConfig;
import dev.landfall.testing.CanonicalValues;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overlapping deploys on the local engine: a deploy while another deploy holds the lease is
 * refused and changes nothing; it runs after a release or once the lease expired; a failing deploy
 * releases its lease; a plan needs none. The engine runs one job at a time, so the other deploy is
 * represented by its lease, taken with the same {@link DeployLease} a running deploy holds; that
 * two UPDATEs racing on BigQuery cannot both take it is BigQuery's DML conflict rule (DeployLease).
 */
class DeployLeaseTest {

  private static final String OTHER = "other-deploy-0001";

  @TempDir Path dir;
  private LocalBigQuery engine;
  private String suffix;
  private LandfallConfig config;
  private Path routines;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private Deployer deployer;

  @BeforeEach
  void deployOnce() throws IOException {
    engine = LocalBigQuery.get();
    suffix = "dl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    config = engine.config().withDatasetSuffix(suffix);
    routines = dir.resolve("routines");
    DeployerTest.manifest(routines, "lake");
    DeployerTest.manifest(routines, "customers", "lake");
    write(
        routines.resolve("lake/events.sql"),
        "CREATE TABLE IF NOT EXISTS `${lake_dataset}.events` (id STRING, amount NUMERIC)\n"
            + "OPTIONS (description = 'Sample events.');");
    write(
        routines.resolve("customers/event_count.sql"),
        "CREATE OR REPLACE VIEW `${customers_dataset}.event_count` AS\n"
            + "SELECT COUNT(*) AS events FROM `${lake_dataset}.events`");
    deployer = deployer(log);
    deployer.deploy(routines);
  }

  @AfterEach
  void drop() {
    deployer.dropDatasets();
  }

  @Test
  void heldLease_refusesTheDeployNamingTheHolder_andNothingChanges() throws Exception {
    editPackage();
    hold(OTHER);
    long historyBefore = count("SELECT COUNT(*) FROM `" + lake() + ".deploy_history`");

    DeployException e = assertThrows(DeployException.class, () -> deployer.deploy(routines));

    String message = e.getMessage();
    assertTrue(message.startsWith("deploy refused, nothing changed: another deploy holds"), message);
    assertTrue(message.contains("deploy " + OTHER + " (started by "), message);
    assertTrue(message.matches("(?s).*lease until \\d{4}-\\d\\d-\\d\\dT.*"), message);
    assertTrue(message.contains("--release-lease " + OTHER), message);
    assertFalse(hasColumn("events", "channel"), "the new column was not added");
    assertEquals(0, count("SELECT COUNT(*) FROM `" + lake() + ".events`"), "the migration did not run");
    assertEquals(
        historyBefore,
        count("SELECT COUNT(*) FROM `" + lake() + ".deploy_history`"),
        "no migration or package recorded");
    assertEquals(OTHER, holder().deployId(), "the other deploy still holds the lease");
  }

  @Test
  void afterTheHolderReleases_theDeployRuns_andTheMigrationRunsOnce() throws Exception {
    editPackage();
    hold(OTHER);
    assertThrows(DeployException.class, () -> deployer.deploy(routines));

    assertTrue(DeployLease.releaseHeldBy(engine.bigQuery(), engine.projectId(), lake(), OTHER));
    Deployer.Result result = deployer.deploy(routines);
    deployer.deploy(routines);

    assertTrue(hasColumn("events", "channel"));
    assertEquals(1, count("SELECT COUNT(*) FROM `" + lake() + ".events` WHERE id = 'seed'"));
    assertEquals(
        1,
        count(
            "SELECT COUNT(*) FROM `" + lake() + ".deploy_history` WHERE event = 'migration'"
                + " AND migration = '001_seed_events.sql' AND deploy_id = '" + result.deployId() + "'"));
    assertNull(holder(), "the lease is free after the deploys");
  }

  @Test
  void expiredLease_isTakenOverByTheNextDeploy() throws Exception {
    editPackage();
    hold(OTHER);
    query(
        "UPDATE `" + lake() + ".deploy_lock` SET expires_at ="
            + " TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 MINUTE) WHERE holder = '" + OTHER + "'");

    Deployer.Result result = deployer.deploy(routines);

    assertTrue(hasColumn("events", "channel"));
    assertEquals(1, count("SELECT COUNT(*) FROM `" + lake() + ".events`"));
    assertNotNull(result.deployId());
    assertNull(holder());
    assertFalse(
        DeployLease.releaseHeldBy(engine.bigQuery(), engine.projectId(), lake(), OTHER),
        "the crashed deploy's lease is gone: a late release of it releases nothing");
  }

  @Test
  void leaseRow_showsTheRunningDeploy_andIsReleasedAfterIt() throws Exception {
    List<DeployLease.Holder> seen = new ArrayList<>();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Deployer watched =
        deployer(
            captured,
            line -> {
              if (line.startsWith("applied ") && seen.isEmpty()) {
                seen.add(holder());
              }
            });

    Deployer.Result result = watched.deploy(routines);

    assertEquals(1, seen.size(), captured.toString(StandardCharsets.UTF_8));
    DeployLease.Holder during = seen.get(0);
    assertNotNull(during, "the lease row names a holder while the deploy runs");
    assertEquals(result.deployId(), during.deployId());
    assertTrue(during.startedBy().contains("@"), during.startedBy());
    assertFalse(during.expired());
    assertEquals(
        DeployLease.LENGTH.toSeconds(),
        during.expiresAt().getEpochSecond() - during.acquiredAt().getEpochSecond(),
        1.0);
    String printed = captured.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("lease " + lake() + ".deploy_lock taken by deploy " + result.deployId()), printed);
    assertTrue(printed.contains("lease " + lake() + ".deploy_lock released by deploy " + result.deployId()), printed);
    assertNull(holder(), "released at the end");
  }

  @Test
  void failingDeploy_releasesItsLease() throws Exception {
    write(
        routines.resolve("customers/broken.sql"),
        "CREATE OR REPLACE VIEW `${customers_dataset}.broken` AS SELECT no_such_column FROM"
            + " `${lake_dataset}.events`");

    DeployException e = assertThrows(DeployException.class, () -> deployer.deploy(routines));

    assertTrue(e.getMessage().startsWith("routines/customers/broken.sql:1: "), e.getMessage());
    assertNull(holder(), "the failed deploy released its lease");
    Files.delete(routines.resolve("customers/broken.sql"));
    deployer.deploy(routines);
  }

  @Test
  void plan_worksWhileTheLeaseIsHeld_andLeavesItAlone() throws Exception {
    editPackage();
    hold(OTHER);
    log.reset();

    deployer.deploy(routines, Set.of(), true);

    String plan = log.toString(StandardCharsets.UTF_8);
    assertTrue(plan.contains("run migration routines/lake/migrations/001_seed_events.sql"), plan);
    assertTrue(plan.contains("add column " + lake() + ".events.channel STRING"), plan);
    assertEquals(OTHER, holder().deployId());
    assertFalse(hasColumn("events", "channel"));
  }

  @Test
  void secondTaker_isRefused_evenWithASecondFreeLeaseRow() throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (DeployLease first =
        DeployLease.acquire(engine.bigQuery(), engine.projectId(), lake(), "first", quiet)) {
      // A second row, as two first deploys inserting it at once would leave: still one holder.
      query("INSERT INTO `" + lake() + ".deploy_lock` (lock_name) VALUES ('deploy')");

      DeployException e =
          assertThrows(
              DeployException.class,
              () -> DeployLease.acquire(engine.bigQuery(), engine.projectId(), lake(), "second", quiet));

      assertTrue(e.getMessage().contains("deploy first (started by"), e.getMessage());
      assertEquals(
          0,
          count("SELECT COUNT(*) FROM `" + lake() + ".deploy_lock` WHERE holder = 'second'"));
    }
    assertEquals(
        List.of(List.of("2")),
        CanonicalValues.rows(
            query("SELECT COUNT(*) FROM `" + lake() + ".deploy_lock` WHERE holder IS NULL")),
        "released: both rows free");
  }

  @Test
  void renewal_extendsTheLease_andFailsOnceAnotherDeployTookItOver() throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    DeployLease slow = DeployLease.acquire(engine.bigQuery(), engine.projectId(), lake(), "slow", quiet);
    long expiresBefore = count("SELECT UNIX_MICROS(expires_at) FROM `" + lake() + ".deploy_lock`");
    Thread.sleep(5);
    slow.renew();
    assertTrue(
        count("SELECT UNIX_MICROS(expires_at) FROM `" + lake() + ".deploy_lock`") > expiresBefore,
        "renewed");

    query(
        "UPDATE `" + lake() + ".deploy_lock` SET expires_at ="
            + " TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 SECOND) WHERE holder = 'slow'");
    DeployLease.acquire(engine.bigQuery(), engine.projectId(), lake(), "next", quiet);
    DeployException lost = assertThrows(DeployException.class, slow::renew);
    slow.close();

    assertTrue(lost.getMessage().contains("deploy slow stopped: it lost the deploy lease"), lost.getMessage());
    assertTrue(lost.getMessage().contains("taken over by deploy next"), lost.getMessage());
    assertEquals("next", holder().deployId(), "closing the lost lease released nothing");
  }

  @Test
  void releaseLeaseCommand_releasesOnlyTheNamedDeploy() throws Exception {
    hold(OTHER);
    Path configFile = engine.repoRoot().resolve("terraform/config.yaml");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] common = {
      "--config", configFile.toString(), "--endpoint", engine.endpoint(),
      "--project", engine.projectId(), "--dataset-suffix", suffix
    };

    int wrong = DeployCommand.run(with(common, "--release-lease", "not-the-holder"), print(out), print(err));
    assertEquals(1, wrong);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("held by deploy " + OTHER),
        err.toString(StandardCharsets.UTF_8));
    assertEquals(OTHER, holder().deployId());

    int released = DeployCommand.run(with(common, "--release-lease", OTHER), print(out), print(err));
    assertEquals(0, released, err.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("of deploy " + OTHER + " released"));
    assertNull(holder());
  }

  /** The edits a deploy would apply: a new column and a migration that inserts a row once. */
  private void editPackage() throws IOException {
    Path file = routines.resolve("lake/events.sql");
    Files.writeString(
        file, Files.readString(file).replace("amount NUMERIC)", "amount NUMERIC, channel STRING)"));
    write(
        routines.resolve("lake/migrations/001_seed_events.sql"),
        "INSERT INTO `${lake_dataset}.events` (id, amount)\n"
            + "SELECT s.id, s.amount FROM (SELECT 'seed' AS id, NUMERIC '1' AS amount) AS s\n"
            + "WHERE NOT EXISTS (SELECT 1 FROM `${lake_dataset}.events` AS e WHERE e.id = 'seed');\n");
  }

  /** Another deploy's lease, taken as a running deploy takes it (and left held). */
  private void hold(String deployId) {
    DeployLease.acquire(
        engine.bigQuery(),
        engine.projectId(),
        lake(),
        deployId,
        new PrintStream(OutputStream.nullOutputStream()));
  }

  private DeployLease.Holder holder() {
    return DeployLease.holder(engine.bigQuery(), engine.projectId(), lake());
  }

  private String lake() {
    return config.lakeDataset();
  }

  private Deployer deployer(ByteArrayOutputStream sink) {
    return deployer(sink, line -> {});
  }

  /** A deployer whose log lines also go to {@code onLine}, in the deploy's thread. */
  private Deployer deployer(ByteArrayOutputStream sink, Consumer<String> onLine) {
    OutputStream lines =
        new OutputStream() {
          private final ByteArrayOutputStream current = new ByteArrayOutputStream();

          @Override
          public void write(int b) {
            sink.write(b);
            if (b == '\n') {
              onLine.accept(current.toString(StandardCharsets.UTF_8));
              current.reset();
            } else {
              current.write(b);
            }
          }
        };
    return new Deployer(
        engine.bigQuery(), engine.projectId(), config, new PrintStream(lines, true, StandardCharsets.UTF_8));
  }

  /**
   * Whether a query can read the column (the engine's INFORMATION_SCHEMA and tables.get do not
   * follow ALTER TABLE); false only when the error names the column.
   */
  private boolean hasColumn(String table, String column) throws InterruptedException {
    try {
      query("SELECT " + column + " FROM `" + lake() + "." + table + "` LIMIT 1");
      return true;
    } catch (BigQueryException | JobException e) {
      assertTrue(e.getMessage().contains(column), e.getMessage());
      return false;
    }
  }

  private long count(String sql) throws InterruptedException {
    return Long.parseLong(CanonicalValues.rows(query(sql)).get(0).get(0));
  }

  private TableResult query(String sql) throws InterruptedException {
    return engine.bigQuery().query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String[] with(String[] common, String... more) {
    List<String> all = new ArrayList<>(List.of(common));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
